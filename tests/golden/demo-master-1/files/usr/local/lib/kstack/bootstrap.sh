#!/bin/sh
# Bootstrap of 'demo-master-1' (master), written by kstack. Runs at every boot from kstack-bootstrap.service;
# every step is idempotent, so a run after a failure or a reboot picks up where the last one stopped.
set -eu
step=start
# The failure goes to the serial console too (the unit's output does), where the cloud's console log
# keeps it for kstack's failure report.
on_exit() {
  status=$?
  if [ "$status" -ne 0 ]; then
    echo "kstack: bootstrap of 'demo-master-1' failed at step $step (exit $status); systemd retries it" >&2
  fi
}
trap on_exit EXIT
echo "kstack: bootstrapping 'demo-master-1'"

step=hostname
if [ "$(hostname)" != 'demo-master-1' ]; then hostnamectl set-hostname 'demo-master-1' || hostname 'demo-master-1'; fi
step=metadata-block
systemctl enable --now kstack-block-metadata.service

# What the node needs from its distribution, installed from the image's package sources only when the
# image lacks it: an image made for an air-gapped cloud has it all, and no archive to update from.
step=packages
missing=
[ -s /etc/ssl/certs/ca-certificates.crt ] >/dev/null 2>&1 || missing="$missing ca-certificates"
command -v curl >/dev/null 2>&1 || missing="$missing curl"
command -v iptables >/dev/null 2>&1 || missing="$missing iptables"
command -v conntrack >/dev/null 2>&1 || missing="$missing conntrack"
command -v socat >/dev/null 2>&1 || missing="$missing socat"
command -v mkfs.ext4 >/dev/null 2>&1 || missing="$missing e2fsprogs"
if [ -n "$missing" ]; then
  echo "kstack: installing$missing from the distribution"
  DEBIAN_FRONTEND=noninteractive apt-get update -q
  # shellcheck disable=SC2086  # one word per package
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
fi

scripts='/usr/local/lib/kstack'

# Kubernetes wants no swap, its kernel modules and sysctls. A module built into the kernel has nothing
# for modprobe to load (and need not show in /sys/module): what it provides is checked first.
step=swap
swapoff -a
sed -i '/^[^#].*[[:space:]]swap[[:space:]]/ s/^/#/' /etc/fstab
step=modules
grep -qw overlay /proc/filesystems || modprobe overlay
[ -d /proc/sys/net/bridge ] || modprobe br_netfilter
step=sysctl
sysctl --system >/dev/null

step=data-volume
"$scripts/mount-data-volume.sh" 'offline-render-placeholder' '/var/lib/containerd'

# A member whose data directory is empty joins the running cluster, if there is one (etcd-join.sh).
step=etcd-join
"$scripts/etcd-join.sh"

step=binaries
"$scripts/install-binaries.sh"

step=kubelet-files
# The kubelet reads the resolver list that is not the systemd-resolved stub (CoreDNS would loop).
mkdir -p /etc/kubernetes/manifests
if [ -f /run/systemd/resolve/resolv.conf ]; then
  ln -sf /run/systemd/resolve/resolv.conf /etc/kubernetes/resolv.conf
else
  ln -sf /etc/resolv.conf /etc/kubernetes/resolv.conf
fi
# The kubelet's certificate store rotates the client certificate only behind a -current symlink.
pki=/var/lib/kubelet/pki
if [ -f "$pki/kubelet-client-kstack.pem" ] && [ ! -e "$pki/kubelet-client-current.pem" ]; then
  ln -s kubelet-client-kstack.pem "$pki/kubelet-client-current.pem"
fi

step=services
systemctl daemon-reload
systemctl enable containerd.service kubelet.service
# Not waited for: both are ordered after this unit, whose start would otherwise wait on itself.
systemctl start --no-block containerd.service kubelet.service

step=addons
systemctl enable kstack-addons.service
systemctl start --no-block kstack-addons.service

step=finished
echo "kstack: 'demo-master-1' bootstrapped"
