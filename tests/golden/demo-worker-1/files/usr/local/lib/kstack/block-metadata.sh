#!/bin/sh
# Drops traffic from the pod network to the metadata service. Idempotent.
set -eu
pod_cidr='10.244.0.0/16'
if ! iptables -w -t raw -C PREROUTING -s "$pod_cidr" -d 169.254.169.254/32 -j DROP 2>/dev/null; then
  iptables -w -t raw -I PREROUTING 1 -s "$pod_cidr" -d 169.254.169.254/32 -j DROP
fi
