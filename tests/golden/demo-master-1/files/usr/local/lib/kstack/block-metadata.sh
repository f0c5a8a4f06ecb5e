#!/bin/sh
# Keeps pods from the metadata service, which serves this node's user-data. Idempotent.
set -eu
pod_cidr='10.244.0.0/16'
if ! iptables -w -t raw -C PREROUTING -s "$pod_cidr" -d 169.254.169.254/32 -j DROP 2>/dev/null; then
  iptables -w -t raw -I PREROUTING 1 -s "$pod_cidr" -d 169.254.169.254/32 -j DROP
fi
# Pods on the host network: every process of a pod runs under kubepods.slice. The slice is started
# here, before the kubelet (which then uses it), so that the rule can name it before the first pod.
systemctl start kubepods.slice
if ! iptables -w -C OUTPUT -d 169.254.169.254/32 -m cgroup --path /kubepods.slice -j REJECT 2>/dev/null; then
  iptables -w -I OUTPUT 1 -d 169.254.169.254/32 -m cgroup --path /kubepods.slice -j REJECT
fi
