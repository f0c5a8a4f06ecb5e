#!/bin/sh
# First-boot bootstrap of 'demo-master-1' (master), written by kstack.
set -eu
echo "kstack: bootstrapping 'demo-master-1'"

hostnamectl set-hostname 'demo-master-1' || true
systemctl daemon-reload
systemctl enable --now kstack-block-metadata.service

scripts='/usr/local/lib/kstack'

# Kubernetes wants no swap, its kernel modules and sysctls.
swapoff -a
sed -i '/^[^#].*[[:space:]]swap[[:space:]]/ s/^/#/' /etc/fstab
modprobe overlay
modprobe br_netfilter
sysctl --system >/dev/null

"$scripts/mount-data-volume.sh" 'offline-render-placeholder' '/var/lib/containerd'
"$scripts/install-binaries.sh"

# The kubelet reads the resolver list that is not the systemd-resolved stub (CoreDNS would loop).
mkdir -p /etc/kubernetes/manifests
if [ -f /run/systemd/resolve/resolv.conf ]; then
  ln -sf /run/systemd/resolve/resolv.conf /etc/kubernetes/resolv.conf
else
  ln -sf /etc/resolv.conf /etc/kubernetes/resolv.conf
fi

systemctl daemon-reload
systemctl enable --now containerd.service
systemctl enable --now kubelet.service

systemctl enable --now --no-block kstack-addons.service

echo "kstack: 'demo-master-1' bootstrapped"
