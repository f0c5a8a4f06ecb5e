#include "bootstrap/host_files.h"

#include <fmt/format.h>

#include "bootstrap/text.h"

namespace kstack::bootstrap {
namespace {

constexpr std::string_view kSshdConfig = R"TXT(# Written by kstack: keys only, no root login.
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
PermitEmptyPasswords no
AuthenticationMethods publickey
X11Forwarding no
MaxAuthTries 3
LoginGraceTime 30
ClientAliveInterval 300
ClientAliveCountMax 2
)TXT";

// Pods must not read the user-data (it holds this node's keys) from the metadata service. The first
// rule sits in the raw table's PREROUTING chain, before kube-proxy's and flannel's rules and before
// routing, so it holds for bridged and routed pod traffic alike. The second refuses the processes of
// hostNetwork pods, whose traffic is the host's own: they run in the kubelet's kubepods.slice, and
// the cgroup (v2) match names it. Root processes of the host itself (cloud-init at a reboot) keep it.
constexpr std::string_view kBlockMetadataScript = R"TXT(#!/bin/sh
# Keeps pods from the metadata service, which serves this node's user-data. Idempotent.
set -eu
pod_cidr=@POD_CIDR@
if ! iptables -w -t raw -C PREROUTING -s "$pod_cidr" -d 169.254.169.254/32 -j DROP 2>/dev/null; then
  iptables -w -t raw -I PREROUTING 1 -s "$pod_cidr" -d 169.254.169.254/32 -j DROP
fi
@HOST_NETWORK_PODS@)TXT";

constexpr std::string_view kBlockHostNetworkPods =
    R"TXT(# Pods on the host network: every process of a pod runs under kubepods.slice. The slice is started
# here, before the kubelet (which then uses it), so that the rule can name it before the first pod.
systemctl start kubepods.slice
if ! iptables -w -C OUTPUT -d 169.254.169.254/32 -m cgroup --path /kubepods.slice -j REJECT 2>/dev/null; then
  iptables -w -I OUTPUT 1 -d 169.254.169.254/32 -m cgroup --path /kubepods.slice -j REJECT
fi
)TXT";

constexpr std::string_view kBlockMetadataUnit = R"TXT([Unit]
Description=Block pod access to the cloud metadata service
Before=kubelet.service containerd.service
After=network-pre.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=@SCRIPT_DIR@/block-metadata.sh

[Install]
WantedBy=multi-user.target
)TXT";

constexpr std::string_view kModules = "overlay\nbr_netfilter\n";

// The values kubelet's protectKernelDefaults insists on, and what pod networking needs.
constexpr std::string_view kSysctls = R"TXT(net.bridge.bridge-nf-call-iptables = 1
net.bridge.bridge-nf-call-ip6tables = 1
net.ipv4.ip_forward = 1
vm.overcommit_memory = 1
vm.panic_on_oom = 0
kernel.panic = 10
kernel.panic_on_oops = 1
kernel.keys.root_maxkeys = 1000000
kernel.keys.root_maxbytes = 25000000
fs.inotify.max_user_instances = 8192
fs.inotify.max_user_watches = 524288
)TXT";

// Finds the Cinder volume by its id (never by a guessed /dev/vdX), formats it only when it carries no
// filesystem and no partition table, and mounts it by UUID.
constexpr std::string_view kMountScript = R"TXT(#!/bin/sh
# Usage: mount-data-volume.sh VOLUME_ID MOUNTPOINT
set -eu
volume_id=$1
mountpoint=$2
short_id=$(printf '%.20s' "$volume_id")

if mountpoint -q "$mountpoint"; then
  echo "data volume already mounted at $mountpoint"
  exit 0
fi

device=
attempt=0
while [ -z "$device" ] && [ "$attempt" -lt 90 ]; do
  for link in "/dev/disk/by-id/virtio-$short_id" \
    "/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_$volume_id" \
    "/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_$short_id"; do
    if [ -b "$link" ]; then
      device=$(readlink -f "$link")
      break
    fi
  done
  if [ -z "$device" ]; then
    attempt=$((attempt + 1))
    udevadm settle || true
    sleep 2
  fi
done
if [ -z "$device" ]; then
  echo "no block device for volume $volume_id under /dev/disk/by-id" >&2
  exit 1
fi

# blkid -p exits 2 when the device carries no signature at all: only then is it formatted.
set +e
blkid -p "$device" >/dev/null 2>&1
probe=$?
set -e
case "$probe" in
  2)
    echo "formatting empty volume $volume_id ($device) as ext4"
    mkfs.ext4 -q -L kstack-data "$device"
    ;;
  0) echo "volume $volume_id ($device) already has data: not formatting" ;;
  *)
    echo "cannot probe $device (blkid exit $probe): refusing to format" >&2
    exit 1
    ;;
esac

uuid=$(blkid -s UUID -o value "$device")
if [ -z "$uuid" ]; then
  echo "volume $volume_id ($device) holds no filesystem with a UUID (a partition table?): not mounting" >&2
  exit 1
fi
mkdir -p "$mountpoint"
if ! grep -q "^UUID=$uuid " /etc/fstab; then
  printf 'UUID=%s %s auto defaults,nofail,x-systemd.device-timeout=90s 0 2\n' "$uuid" "$mountpoint" >>/etc/fstab
fi
mount "$mountpoint"
)TXT";

constexpr std::string_view kInstallHeader = R"TXT(#!/bin/sh
# Installs the pinned binaries, each verified against its sha256 before it is used.
set -eu

case "$(uname -m)" in
  x86_64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *)
    echo "unsupported architecture $(uname -m)" >&2
    exit 1
    ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# fetch FILE URL SHA256: downloads with retries until the checksum matches.
fetch() {
  attempt=1
  while [ "$attempt" -le 6 ]; do
    if curl -fsSL --connect-timeout 20 --retry 3 --retry-delay 2 -o "$1.part" "$2" &&
      echo "$3  $1.part" | sha256sum -c --quiet -; then
      mv "$1.part" "$1"
      return 0
    fi
    echo "download of $2 failed or its sha256 differs (attempt $attempt)" >&2
    rm -f "$1.part"
    sleep $((attempt * 5))
    attempt=$((attempt + 1))
  done
  echo "giving up on $2" >&2
  return 1
}

)TXT";

constexpr std::string_view kInstallFooter = R"TXT(
install -m 0755 "$work/kubelet" /usr/local/bin/kubelet
install -m 0755 "$work/kubectl" /usr/local/bin/kubectl
install -m 0755 "$work/runc" /usr/local/sbin/runc
tar -C /usr/local -xzf "$work/containerd.tar.gz"
mkdir -p /opt/cni/bin
tar -C /opt/cni/bin -xzf "$work/cni-plugins.tgz"
tar -C /usr/local/bin -xzf "$work/crictl.tar.gz" crictl
echo "installed kubelet, kubectl, containerd, runc, CNI plugins and crictl for $arch"
)TXT";

constexpr std::string_view kContainerdConfig = R"TXT(# Written by kstack. containerd 2.x configuration (version 3).
version = 3
root = "/var/lib/containerd"
state = "/run/containerd"

[plugins."io.containerd.cri.v1.images".pinned_images]
  sandbox = "@SANDBOX@"

[plugins."io.containerd.cri.v1.images".registry]
  config_path = "/etc/containerd/certs.d"

[plugins."io.containerd.cri.v1.runtime"]
  restrict_oom_score_adj = @RESTRICT_OOM@

[plugins."io.containerd.cri.v1.runtime".containerd]
  default_runtime_name = "runc"

[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"

[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]
  BinaryName = "/usr/local/sbin/runc"
  SystemdCgroup = true

[plugins."io.containerd.cri.v1.runtime".cni]
  bin_dirs = ["/opt/cni/bin"]
  conf_dir = "/etc/cni/net.d"
)TXT";

// A registry without TLS (an air-gapped mirror): pulls go to it over plain HTTP.
constexpr std::string_view kPlainHttpRegistry = R"TXT(# Written by kstack: the image mirror speaks plain HTTP.
server = @SERVER@

[host.@SERVER@]
  capabilities = ["pull", "resolve"]
)TXT";

constexpr std::string_view kContainerdUnit = R"TXT([Unit]
Description=containerd container runtime
Documentation=https://containerd.io
After=network.target local-fs.target kstack-block-metadata.service kstack-bootstrap.service
# The bootstrap mounts the data volume containerd keeps its data on (also at every reboot, where the
# fstab entry's nofail lets the boot go on without it): without it, containerd must not start.
Requires=kstack-bootstrap.service

[Service]
ExecStart=/usr/local/bin/containerd --config /etc/containerd/config.toml
Type=notify
Delegate=yes
KillMode=process
Restart=always
RestartSec=5
LimitNPROC=infinity
LimitCORE=infinity
TasksMax=infinity
OOMScoreAdjust=-999

[Install]
WantedBy=multi-user.target
)TXT";

constexpr std::string_view kCrictlConfig = R"TXT(runtime-endpoint: unix:///run/containerd/containerd.sock
image-endpoint: unix:///run/containerd/containerd.sock
timeout: 10
)TXT";

std::string install_script(const RenderContext& ctx) {
  const auto& r = ctx.release;
  const std::string_view mirror = ctx.spec.mirrors.binaries;
  struct Item {
    const spec::BinaryRelease* binary;
    std::string_view file;
  };
  const Item items[] = {{&r.kubelet, "kubelet"},
                        {&r.kubectl, "kubectl"},
                        {&r.containerd, "containerd.tar.gz"},
                        {&r.runc, "runc"},
                        {&r.cni_plugins, "cni-plugins.tgz"},
                        {&r.crictl, "crictl.tar.gz"}};
  std::string out(kInstallHeader);
  for (spec::Arch arch : {spec::Arch::amd64, spec::Arch::arm64}) {
    out += arch == spec::Arch::amd64 ? "if [ \"$arch\" = amd64 ]; then\n" : "else\n";
    // A mirror with checksums of its own may serve one architecture only (validation saw to the rest).
    if (ctx.spec.mirrors.sha256(items[0].binary->download(arch)).empty()) {
      out += fmt::format("  echo \"the binary mirror's checksums list no files for $arch\" >&2\n  exit 1\n");
      continue;
    }
    for (const auto& item : items) {
      const auto& download = item.binary->download(arch);
      out +=
          fmt::format("  # {} {}\n  fetch \"$work/{}\" {} {}\n", item.binary->name, item.binary->version, item.file,
                      shell_quote(mirrored_url(download.url, mirror)), shell_quote(ctx.spec.mirrors.sha256(download)));
    }
  }
  out += "fi\n";
  out += kInstallFooter;
  return out;
}

}  // namespace

std::string mirrored_url(std::string_view upstream, std::string_view mirror) {
  if (mirror.empty()) return std::string(upstream);
  const size_t scheme = upstream.find("://");
  const size_t path = scheme == std::string_view::npos ? 0 : upstream.find('/', scheme + 3);
  std::string out(mirror);
  while (!out.empty() && out.back() == '/') out.pop_back();
  out.append(path == std::string_view::npos ? std::string_view("/") : upstream.substr(path));
  return out;
}

void add_common_files(const RenderContext& ctx, const model::Node& node, NodeFiles& files) {
  files.add("/etc/ssh/sshd_config.d/10-kstack.conf", std::string(kSshdConfig));
  const bool runs_pods = node.role != model::Role::bastion;
  files.add(fmt::format("{}/block-metadata.sh", kScriptDir),
            substitute(kBlockMetadataScript, {{"POD_CIDR", shell_quote(ctx.spec.kubernetes.pod_cidr)},
                                              {"HOST_NETWORK_PODS", runs_pods ? kBlockHostNetworkPods : ""}}),
            0755);
  files.add("/etc/systemd/system/kstack-block-metadata.service",
            substitute(kBlockMetadataUnit, {{"SCRIPT_DIR", kScriptDir}}));
}

void add_container_host_files(const RenderContext& ctx, const model::Node&, NodeFiles& files) {
  files.add("/etc/modules-load.d/kubernetes.conf", std::string(kModules));
  files.add("/etc/sysctl.d/90-kubernetes.conf", std::string(kSysctls));
  files.add(fmt::format("{}/mount-data-volume.sh", kScriptDir), std::string(kMountScript), 0755);
  files.add(fmt::format("{}/install-binaries.sh", kScriptDir), install_script(ctx), 0755);
  files.add("/etc/containerd/config.toml",
            substitute(kContainerdConfig, {{"SANDBOX", ctx.image(ctx.release.images.pause)},
                                           {"RESTRICT_OOM", ctx.spec.kubernetes.shared_kernel ? "true" : "false"}}));
  if (ctx.spec.mirrors.images_plain_http()) {
    // containerd speaks TLS to a registry unless its hosts.toml names an http:// server.
    const std::string registry = ctx.spec.mirrors.image_registry();
    const std::string host = registry.substr(0, registry.find('/'));
    files.add(fmt::format("/etc/containerd/certs.d/{}/hosts.toml", host),
              substitute(kPlainHttpRegistry, {{"SERVER", fmt::format("\"http://{}\"", host)}}));
  }
  files.add("/etc/systemd/system/containerd.service", std::string(kContainerdUnit));
  files.add("/etc/crictl.yaml", std::string(kCrictlConfig));
}

}  // namespace kstack::bootstrap
