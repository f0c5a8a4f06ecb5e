#include "bootstrap/node_script.h"

#include <fmt/format.h>

#include "bootstrap/host_files.h"
#include "bootstrap/text.h"

namespace kstack::bootstrap {
namespace {

constexpr std::string_view kHeader = R"TXT(#!/bin/sh
# First-boot bootstrap of @NODE@ (@ROLE@), written by kstack.
set -eu
echo "kstack: bootstrapping @NODE@"

hostnamectl set-hostname @NODE@ || true
systemctl daemon-reload
systemctl enable --now kstack-block-metadata.service
)TXT";

constexpr std::string_view kContainerHost = R"TXT(
scripts=@SCRIPT_DIR@

# Kubernetes wants no swap, its kernel modules and sysctls.
swapoff -a
sed -i '/^[^#].*[[:space:]]swap[[:space:]]/ s/^/#/' /etc/fstab
modprobe overlay
modprobe br_netfilter
sysctl --system >/dev/null

"$scripts/mount-data-volume.sh" @VOLUME_ID@ @MOUNTPOINT@
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
)TXT";

constexpr std::string_view kNoVolume = R"TXT(
scripts=@SCRIPT_DIR@

# Kubernetes wants no swap, its kernel modules and sysctls.
swapoff -a
sed -i '/^[^#].*[[:space:]]swap[[:space:]]/ s/^/#/' /etc/fstab
modprobe overlay
modprobe br_netfilter
sysctl --system >/dev/null

"$scripts/install-binaries.sh"

mkdir -p /etc/kubernetes/manifests
if [ -f /run/systemd/resolve/resolv.conf ]; then
  ln -sf /run/systemd/resolve/resolv.conf /etc/kubernetes/resolv.conf
else
  ln -sf /etc/resolv.conf /etc/kubernetes/resolv.conf
fi

systemctl daemon-reload
systemctl enable --now containerd.service
systemctl enable --now kubelet.service
)TXT";

constexpr std::string_view kBastion = R"TXT(
# SSH: keys only, no root login.
systemctl restart ssh.service 2>/dev/null || systemctl restart sshd.service
)TXT";

constexpr std::string_view kFirstMaster = R"TXT(
systemctl enable --now --no-block kstack-addons.service
)TXT";

constexpr std::string_view kFooter = R"TXT(
echo "kstack: @NODE@ bootstrapped"
)TXT";

}  // namespace

std::string node_script_path() { return fmt::format("{}/bootstrap.sh", kScriptDir); }

void add_node_script(const RenderContext& ctx, const model::Node& node, NodeFiles& files) {
  const std::string name = shell_quote(node.name);
  std::string script = substitute(kHeader, {{"NODE", name}, {"ROLE", model::role_name(node.role)}});
  if (node.role == model::Role::bastion) {
    script += kBastion;
  } else {
    if (node.volume_size_gb > 0) {
      auto id = ctx.options.volume_ids.find(node.name);
      const std::string volume_id = id == ctx.options.volume_ids.end() ? std::string(kOfflinePlaceholder) : id->second;
      const std::string_view mountpoint = node.role == model::Role::etcd ? "/var/lib/etcd" : "/var/lib/containerd";
      script += substitute(kContainerHost, {{"VOLUME_ID", shell_quote(volume_id)},
                                            {"MOUNTPOINT", shell_quote(mountpoint)},
                                            {"SCRIPT_DIR", shell_quote(kScriptDir)}});
    } else {
      script += substitute(kNoVolume, {{"SCRIPT_DIR", shell_quote(kScriptDir)}});
    }
    if (ctx.is_first_master(node)) script += kFirstMaster;
  }
  script += substitute(kFooter, {{"NODE", name}});
  files.add(node_script_path(), script, 0755);
}

}  // namespace kstack::bootstrap
