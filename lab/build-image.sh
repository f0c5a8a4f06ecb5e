#!/usr/bin/env bash
# Builds the lab's root filesystems from Debian's archive with debootstrap, cached by content:
#   node   - what a cloud image of Debian 12 holds: systemd, cloud-init (NoCloud), OpenSSH, the tools
#            kstack's user-data asks cloud-init for, and DHCP on the first interface (systemd-networkd).
#   base   - the base layer of the lab's container images that need more than one static binary
#            (iptables for kube-proxy and flannel, cp for the CNI installers).
#
#   lab/build-image.sh node|base
set -euo pipefail
lab=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lab/lib.sh
. "$lab/lib.sh"

mirror=${KSTACK_LAB_DEBIAN_MIRROR:-http://deb.debian.org/debian}
suite=bookworm

node_packages=(systemd systemd-sysv systemd-resolved dbus udev kmod procps iproute2 iputils-ping util-linux
  e2fsprogs openssh-server sudo ca-certificates curl iptables conntrack socat less python3)
base_packages=(iptables conntrack ipset kmod procps iproute2)

build() {
  local name=$1 dir="$LAB_CACHE/images/$1" key
  shift
  key=$(printf '%s\n' "$suite" "$@" | sha256sum | cut -c1-16)
  if [ -f "$dir/.key" ] && [ "$(cat "$dir/.key")" = "$key" ]; then
    "configure_$name" "$dir/rootfs"
    log "root filesystem $name: cached ($dir)"
    return
  fi
  log "root filesystem $name: debootstrap $suite (a few minutes)"
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
  local include
  include=$(IFS=,; echo "$*")
  debootstrap --variant=minbase --include="$include" "$suite" "$dir.tmp/rootfs" "$mirror" >"$dir.tmp/debootstrap.log" 2>&1 ||
    { tail -20 "$dir.tmp/debootstrap.log" >&2; die "debootstrap of $name failed (log: $dir.tmp/debootstrap.log)"; }
  "finish_$name" "$dir.tmp/rootfs"
  chroot "$dir.tmp/rootfs" apt-get clean
  rm -rf "$dir.tmp/rootfs/var/lib/apt/lists/"*
  "configure_$name" "$dir.tmp/rootfs"
  echo "$key" >"$dir.tmp/.key"
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
  log "root filesystem $name: ready ($(du -sh "$dir/rootfs" | cut -f1))"
}

finish_node() {
  local root=$1
  # cloud-init's python3-cryptography does not configure inside debootstrap's --include; apt does it.
  rm -f "$root/etc/resolv.conf" && cp /etc/resolv.conf "$root/etc/resolv.conf"
  chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends cloud-init \
    >"$root/../cloud-init-install.log" 2>&1 || die "installing cloud-init failed (log: $root/../cloud-init-install.log)"
  # A root password nobody knows; logins are by key only, as cloud-init sets up.
  chroot "$root" passwd -l root >/dev/null
}

# What the image says about itself; idempotent, so it is applied to a cached image too.
configure_node() {
  local root=$1
  # Like a cloud image: NoCloud as the datasource (the lab seeds it), DHCP on the first interface.
  cat >"$root/etc/cloud/cloud.cfg.d/90-kstack-lab.cfg" <<'CFG'
datasource_list: [NoCloud, None]
network: {config: disabled}
CFG
  mkdir -p "$root/etc/systemd/network"
  cat >"$root/etc/systemd/network/10-eth0.network" <<'NET'
[Match]
Name=eth0

[Network]
DHCP=ipv4
NET
  chroot "$root" systemctl enable systemd-networkd.service systemd-resolved.service >/dev/null 2>&1
  # The machine id is made at first boot, as on a cloud image.
  : >"$root/etc/machine-id"
  rm -f "$root/etc/ssh/ssh_host_"*
  # The resolver comes from DHCP (systemd-resolved) on a node.
  ln -sf ../run/systemd/resolve/stub-resolv.conf "$root/etc/resolv.conf"
  # A container gets no uevents for the devices the lab hands it: no udevd (the lab binds the data
  # volume at its /dev/disk/by-id name, where udev would put it on a VM).
  mkdir -p "$root/etc/systemd/system"
  for unit in systemd-udevd.service systemd-udevd-control.socket systemd-udevd-kernel.socket \
    systemd-udev-trigger.service systemd-udev-settle.service; do
    ln -sf /dev/null "$root/etc/systemd/system/$unit"
  done
}

configure_base() { :; }

finish_base() {
  local root=$1
  rm -rf "$root/usr/share/doc" "$root/usr/share/man" "$root/usr/share/locale" "$root/var/cache/apt"
}

case "${1:-}" in
  node) build node "${node_packages[@]}" ;;
  base) build base "${base_packages[@]}" ;;
  *) die "usage: lab/build-image.sh node|base" ;;
esac
