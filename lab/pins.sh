#!/usr/bin/env bash
# Prints the version kstack pins for a component of the lab's release.
set -euo pipefail
case "$1" in
  kubernetes) echo 1.34.4 ;;
  etcd) echo 3.6.5 ;;
  containerd) echo 2.2.1 ;;
  runc) echo 1.3.4 ;;
  cni_plugins) echo 1.8.0 ;;
  crictl) echo 1.34.0 ;;
  coredns) echo 1.12.1 ;;
  flannel) echo 0.27.4 ;;
  flannel_cni) echo 1.8.0-flannel1 ;;
  traefik) echo 3.6.12 ;;
  occm) echo 1.34.1 ;; # openstack-cloud-controller-manager (k8s.io/cloud-provider-openstack)
  crane) echo 0.22.1 ;; # the lab's own tool: builds and pushes the images
  *) echo "unknown component $1" >&2; exit 2 ;;
esac
