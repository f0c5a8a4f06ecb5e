#include "bootstrap/node_script.h"

#include <fmt/format.h>

#include "bootstrap/etcd_join.h"
#include "bootstrap/host_files.h"
#include "bootstrap/text.h"

namespace kstack::bootstrap {
namespace {

// The script runs from kstack-bootstrap.service at every boot: a step that failed is retried by the
// unit, and a reboot runs it again. Every step checks what is already done, so a rerun resumes.
constexpr std::string_view kHeader = R"TXT(#!/bin/sh
# Bootstrap of @NODE@ (@ROLE@), written by kstack. Runs at every boot from kstack-bootstrap.service;
# every step is idempotent, so a run after a failure or a reboot picks up where the last one stopped.
set -eu
step=start
# The failure goes to the serial console too (the unit's output does), where the cloud's console log
# keeps it for kstack's failure report.
on_exit() {
  status=$?
  if [ "$status" -ne 0 ]; then
    echo "kstack: bootstrap of @NODE@ failed at step $step (exit $status); systemd retries it" >&2
  fi
}
trap on_exit EXIT
echo "kstack: bootstrapping @NODE@"

step=hostname
if [ "$(hostname)" != @NODE@ ]; then hostnamectl set-hostname @NODE@ || hostname @NODE@; fi
step=metadata-block
systemctl enable --now kstack-block-metadata.service

# What the node needs from its distribution, installed from the image's package sources only when the
# image lacks it: an image made for an air-gapped cloud has it all, and no archive to update from.
step=packages
missing=
@PACKAGE_CHECKS@if [ -n "$missing" ]; then
  echo "kstack: installing$missing from the distribution"
  DEBIAN_FRONTEND=noninteractive apt-get update -q
  # shellcheck disable=SC2086  # one word per package
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
fi
)TXT";

constexpr std::string_view kContainerHostPrepare = R"TXT(
scripts=@SCRIPT_DIR@

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
)TXT";

constexpr std::string_view kMountVolume = R"TXT(
step=data-volume
"$scripts/mount-data-volume.sh" @VOLUME_ID@ @MOUNTPOINT@
)TXT";

constexpr std::string_view kEtcdJoin = R"TXT(
# A member whose data directory is empty joins the running cluster, if there is one (etcd-join.sh).
step=etcd-join
"$scripts/etcd-join.sh"
)TXT";

constexpr std::string_view kContainerHostStart = R"TXT(
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
)TXT";

constexpr std::string_view kBastion = R"TXT(
# SSH: keys only, no root login.
step=ssh
systemctl restart ssh.service 2>/dev/null || systemctl restart sshd.service
)TXT";

constexpr std::string_view kAddons = R"TXT(
step=addons
systemctl enable kstack-addons.service
systemctl start --no-block kstack-addons.service
)TXT";

constexpr std::string_view kFooter = R"TXT(
step=finished
echo "kstack: @NODE@ bootstrapped"
)TXT";

constexpr std::string_view kBootstrapUnit = R"TXT([Unit]
Description=kstack node bootstrap (idempotent; runs at every boot)
Wants=network-online.target
After=network-online.target local-fs.target
StartLimitIntervalSec=0

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=@SCRIPT@
Restart=on-failure
RestartSec=15
StandardOutput=journal+console
StandardError=journal+console

[Install]
WantedBy=multi-user.target
)TXT";

/// A package a node needs, and the shell test that tells the image already has it.
struct Package {
  std::string_view name;
  std::string_view present;
};

constexpr Package kBastionPackages[] = {{"iptables", "command -v iptables"}};
constexpr Package kContainerHostPackages[] = {
    {"ca-certificates", "[ -s /etc/ssl/certs/ca-certificates.crt ]"},
    {"curl", "command -v curl"},
    {"iptables", "command -v iptables"},
    {"conntrack", "command -v conntrack"},
    {"socat", "command -v socat"},
    {"e2fsprogs", "command -v mkfs.ext4"},
};

std::string package_checks(model::Role role) {
  std::string out;
  auto add = [&](const auto& list) {
    for (const auto& p : list) out += fmt::format("{} >/dev/null 2>&1 || missing=\"$missing {}\"\n", p.present, p.name);
  };
  if (role == model::Role::bastion) {
    add(kBastionPackages);
  } else {
    add(kContainerHostPackages);
  }
  return out;
}

}  // namespace

std::string node_script_path() { return fmt::format("{}/bootstrap.sh", kScriptDir); }

std::string_view bootstrap_unit_name() { return "kstack-bootstrap.service"; }

void add_node_script(const RenderContext& ctx, const model::Node& node, NodeFiles& files) {
  const std::string name = shell_quote(node.name);
  std::string script = substitute(
      kHeader, {{"NODE", name}, {"ROLE", model::role_name(node.role)}, {"PACKAGE_CHECKS", package_checks(node.role)}});
  if (node.role == model::Role::bastion) {
    script += kBastion;
  } else {
    script += substitute(kContainerHostPrepare, {{"SCRIPT_DIR", shell_quote(kScriptDir)}});
    if (node.volume_size_gb > 0) {
      auto id = ctx.options.volume_ids.find(node.name);
      const std::string volume_id = id == ctx.options.volume_ids.end() ? std::string(kOfflinePlaceholder) : id->second;
      script += substitute(kMountVolume,
                           {{"VOLUME_ID", shell_quote(volume_id)}, {"MOUNTPOINT", shell_quote(data_mountpoint(node))}});
    }
    if (has_etcd_peers(ctx, node)) script += kEtcdJoin;
    script += kContainerHostStart;
    if (node.role == model::Role::master) script += kAddons;
  }
  script += substitute(kFooter, {{"NODE", name}});
  files.add(node_script_path(), script, 0755);
  files.add(fmt::format("/etc/systemd/system/{}", bootstrap_unit_name()),
            substitute(kBootstrapUnit, {{"SCRIPT", node_script_path()}}));
}

std::string_view data_mountpoint(const model::Node& node) {
  return node.role == model::Role::etcd ? "/var/lib/etcd" : "/var/lib/containerd";
}

}  // namespace kstack::bootstrap
