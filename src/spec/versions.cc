#include "spec/versions.h"

#include <array>

// Checksums are the ones upstream publishes (the .sha256 files beside each release asset), as recorded
// in kubespray's checksum tables. Never edit one by hand: a wrong value makes every node refuse the file.
// Image tags follow what kubeadm pins for each Kubernetes patch release (etcd, pause, CoreDNS) and the
// release of cloud-provider-openstack matching that minor, sidecars included.
//
// etcd is kubeadm's DefaultEtcdVersion in cmd/kubeadm/app/constants/constants.go of the k8s.io/kubernetes
// module at exactly the pinned tag. etcd's guide to upgrading from 3.5 to 3.6
// (etcd.io/docs/latest/upgrades/upgrade_3_6) asks for every 3.5 member to be on 3.5.26 or later first:
// 3.5.24 to 3.5.26 fix several upgrade blockers. The 1.33 release below runs kubeadm's 3.5.24-0, so its
// etcd is to be brought to 3.5.26 or later before a move to the 1.34 release's 3.6.

namespace kstack::spec {
namespace {

/// CsiSidecars is the CSI sidecar images one cloud-provider-openstack release runs beside its Cinder plugin.
// The tags are those of its manifests/cinder-csi-plugin/*.yaml (the same as charts/cinder-csi-plugin/
// values.yaml) at the release the minor pins: sidecars are tested with the plugin release they ship with.
struct CsiSidecars {
  Image attacher, provisioner, snapshotter, resizer, livenessprobe, node_driver_registrar;
};

// cloud-provider-openstack v1.33.1.
constexpr CsiSidecars kCsi133{
    {"csi-attacher", "registry.k8s.io/sig-storage/csi-attacher", "v4.7.0"},
    {"csi-provisioner", "registry.k8s.io/sig-storage/csi-provisioner", "v5.1.0"},
    {"csi-snapshotter", "registry.k8s.io/sig-storage/csi-snapshotter", "v8.1.0"},
    {"csi-resizer", "registry.k8s.io/sig-storage/csi-resizer", "v1.12.0"},
    {"livenessprobe", "registry.k8s.io/sig-storage/livenessprobe", "v2.14.0"},
    {"csi-node-driver-registrar", "registry.k8s.io/sig-storage/csi-node-driver-registrar", "v2.12.0"},
};

// cloud-provider-openstack v1.34.1.
constexpr CsiSidecars kCsi134{
    {"csi-attacher", "registry.k8s.io/sig-storage/csi-attacher", "v4.10.0"},
    {"csi-provisioner", "registry.k8s.io/sig-storage/csi-provisioner", "v5.3.0"},
    {"csi-snapshotter", "registry.k8s.io/sig-storage/csi-snapshotter", "v8.3.0"},
    {"csi-resizer", "registry.k8s.io/sig-storage/csi-resizer", "v1.14.0"},
    {"livenessprobe", "registry.k8s.io/sig-storage/livenessprobe", "v2.17.0"},
    {"csi-node-driver-registrar", "registry.k8s.io/sig-storage/csi-node-driver-registrar", "v2.15.0"},
};

constexpr Image kFlannel{"flannel", "ghcr.io/flannel-io/flannel", "v0.27.4"};
constexpr Image kFlannelCniPlugin{"flannel-cni-plugin", "ghcr.io/flannel-io/flannel-cni-plugin", "v1.8.0-flannel1"};
constexpr Image kNginxIngress{"nginx-ingress", "docker.io/nginx/nginx-ingress", "5.3.2"};
constexpr Image kTraefik{"traefik", "docker.io/library/traefik", "v3.6.12"};

constexpr BinaryRelease kRunc{
    "runc",
    "1.3.4",
    {"https://github.com/opencontainers/runc/releases/download/v1.3.4/runc.amd64",
     "5966ca40b6187b30e33bfc299c5f1fe72e8c1aa01cf3fefdadf391668f47f103"},
    {"https://github.com/opencontainers/runc/releases/download/v1.3.4/runc.arm64",
     "d6dcab36d1b6af1b72c7f0662e5fcf446a291271ba6006532b95c4144e19d428"},
};

constexpr BinaryRelease kCniPlugins{
    "cni-plugins",
    "1.8.0",
    {"https://github.com/containernetworking/plugins/releases/download/v1.8.0/cni-plugins-linux-amd64-v1.8.0.tgz",
     "ab3bda535f9d90766cccc90d3dddb5482003dd744d7f22bcf98186bf8eea8be6"},
    {"https://github.com/containernetworking/plugins/releases/download/v1.8.0/cni-plugins-linux-arm64-v1.8.0.tgz",
     "57ce466fc3b79db1f19b8f4c63e07a1112306efa53c94fe810a2150dd9e07ddb"},
};

const std::array<Release, 2> kReleases{{
    {
        .kubernetes = "1.33.8",
        .kubelet = {"kubelet",
                    "1.33.8",
                    {"https://dl.k8s.io/release/v1.33.8/bin/linux/amd64/kubelet",
                     "1caa69c5328cfa774218f75f0621a6f10a1b97e095af85015f468aeb8fdf956a"},
                    {"https://dl.k8s.io/release/v1.33.8/bin/linux/arm64/kubelet",
                     "e835f15be6d8b7b27b963a46c4a054f7663c26741f17e003bfcb8271350cf882"}},
        .kubectl = {"kubectl",
                    "1.33.8",
                    {"https://dl.k8s.io/release/v1.33.8/bin/linux/amd64/kubectl",
                     "7f9c3faab7c9f9cc3f318d49eb88efc60eb3b3a7ce9eee5feb39b1280e108a29"},
                    {"https://dl.k8s.io/release/v1.33.8/bin/linux/arm64/kubectl",
                     "76e284669f1f6343bd9fe2a011757809c8c01cf51da9f85ee6ef4eb93c8393a8"}},
        .containerd = {"containerd",
                       "2.1.6",
                       {"https://github.com/containerd/containerd/releases/download/v2.1.6/"
                        "containerd-2.1.6-linux-amd64.tar.gz",
                        "4793dc5c1f34ebf8402990d0050f3c294aa3c794cd5a4baa403c1cf10602326d"},
                       {"https://github.com/containerd/containerd/releases/download/v2.1.6/"
                        "containerd-2.1.6-linux-arm64.tar.gz",
                        "88d6e32348c36628c8500a630c6dd4b3cb8c680b1d18dc8d1d19041f67757c6e"}},
        .runc = kRunc,
        .cni_plugins = kCniPlugins,
        .crictl = {"crictl",
                   "1.33.0",
                   {"https://github.com/kubernetes-sigs/cri-tools/releases/download/v1.33.0/"
                    "crictl-v1.33.0-linux-amd64.tar.gz",
                    "8307399e714626e69d1213a4cd18c8dec3d0201ecdac009b1802115df8973f0f"},
                   {"https://github.com/kubernetes-sigs/cri-tools/releases/download/v1.33.0/"
                    "crictl-v1.33.0-linux-arm64.tar.gz",
                    "e1f34918d77d5b4be85d48f5d713ca617698a371b049ea1486000a5e86ab1ff3"}},
        .images =
            {
                .kube_apiserver = {"kube-apiserver", "registry.k8s.io/kube-apiserver", "v1.33.8"},
                .kube_controller_manager = {"kube-controller-manager", "registry.k8s.io/kube-controller-manager",
                                            "v1.33.8"},
                .kube_scheduler = {"kube-scheduler", "registry.k8s.io/kube-scheduler", "v1.33.8"},
                .kube_proxy = {"kube-proxy", "registry.k8s.io/kube-proxy", "v1.33.8"},
                // kubeadm's etcd for 1.33 since the 3.5.24 update of every supported branch (release-1.33,
                // before v1.33.8); kubeadm v1.34.4's constants.go names it for a 1.33 control plane
                // (SupportedEtcdVersion[33] = "3.5.24-0").
                .etcd = {"etcd", "registry.k8s.io/etcd", "3.5.24-0"},
                .pause = {"pause", "registry.k8s.io/pause", "3.10"},
                .coredns = {"coredns", "registry.k8s.io/coredns/coredns", "v1.12.0"},
                .flannel = kFlannel,
                .flannel_cni_plugin = kFlannelCniPlugin,
                .nginx_ingress = kNginxIngress,
                .traefik = kTraefik,
                .openstack_cloud_controller_manager = {"openstack-cloud-controller-manager",
                                                       "registry.k8s.io/provider-os/openstack-cloud-controller-manager",
                                                       "v1.33.1"},
                .cinder_csi_plugin = {"cinder-csi-plugin", "registry.k8s.io/provider-os/cinder-csi-plugin", "v1.33.1"},
                .csi_attacher = kCsi133.attacher,
                .csi_provisioner = kCsi133.provisioner,
                .csi_snapshotter = kCsi133.snapshotter,
                .csi_resizer = kCsi133.resizer,
                .csi_livenessprobe = kCsi133.livenessprobe,
                .csi_node_driver_registrar = kCsi133.node_driver_registrar,
            },
    },
    {
        .kubernetes = "1.34.4",
        .kubelet = {"kubelet",
                    "1.34.4",
                    {"https://dl.k8s.io/release/v1.34.4/bin/linux/amd64/kubelet",
                     "03b8fea715a7ef82eeaf518dee34c72670c57cc7bc40dc1320c04fbf4f15172f"},
                    {"https://dl.k8s.io/release/v1.34.4/bin/linux/arm64/kubelet",
                     "c78845473c434ee85a2444eeab87f8b20f524e3ab6854a078f79468f44aad8f5"}},
        .kubectl = {"kubectl",
                    "1.34.4",
                    {"https://dl.k8s.io/release/v1.34.4/bin/linux/amd64/kubectl",
                     "d50c359d95e0841eaad08ddc27c7be37cba8fdccfba5c8e2ded65e121ff112db"},
                    {"https://dl.k8s.io/release/v1.34.4/bin/linux/arm64/kubectl",
                     "5b982c0644ab1e27780246b9085a5886651b4a7ed86243acbb2bacc1bea01dda"}},
        .containerd = {"containerd",
                       "2.2.1",
                       {"https://github.com/containerd/containerd/releases/download/v2.2.1/"
                        "containerd-2.2.1-linux-amd64.tar.gz",
                        "f5d8e90ecb6c1c7e33ecddf8cc268a93b9e5b54e0e850320d765511d76624f41"},
                       {"https://github.com/containerd/containerd/releases/download/v2.2.1/"
                        "containerd-2.2.1-linux-arm64.tar.gz",
                        "dac15a0d412a24be8bfe6a40cec8f51829062725169f1e72ac7d120a891ef5b6"}},
        .runc = kRunc,
        .cni_plugins = kCniPlugins,
        .crictl = {"crictl",
                   "1.34.0",
                   {"https://github.com/kubernetes-sigs/cri-tools/releases/download/v1.34.0/"
                    "crictl-v1.34.0-linux-amd64.tar.gz",
                    "a8ff2a3edb37a98daf3aba7c3b284fe0aa5bff24166d896ab9ef64c8913c9f51"},
                   {"https://github.com/kubernetes-sigs/cri-tools/releases/download/v1.34.0/"
                    "crictl-v1.34.0-linux-arm64.tar.gz",
                    "c31d252e203df5f4cf37f314bd3092eb79087e791631c1e607087c74b6d0423f"}},
        .images =
            {
                .kube_apiserver = {"kube-apiserver", "registry.k8s.io/kube-apiserver", "v1.34.4"},
                .kube_controller_manager = {"kube-controller-manager", "registry.k8s.io/kube-controller-manager",
                                            "v1.34.4"},
                .kube_scheduler = {"kube-scheduler", "registry.k8s.io/kube-scheduler", "v1.34.4"},
                .kube_proxy = {"kube-proxy", "registry.k8s.io/kube-proxy", "v1.34.4"},
                // kubeadm v1.34.4: DefaultEtcdVersion = "3.6.5-0".
                .etcd = {"etcd", "registry.k8s.io/etcd", "3.6.5-0"},
                .pause = {"pause", "registry.k8s.io/pause", "3.10.1"},
                .coredns = {"coredns", "registry.k8s.io/coredns/coredns", "v1.12.1"},
                .flannel = kFlannel,
                .flannel_cni_plugin = kFlannelCniPlugin,
                .nginx_ingress = kNginxIngress,
                .traefik = kTraefik,
                .openstack_cloud_controller_manager = {"openstack-cloud-controller-manager",
                                                       "registry.k8s.io/provider-os/openstack-cloud-controller-manager",
                                                       "v1.34.1"},
                .cinder_csi_plugin = {"cinder-csi-plugin", "registry.k8s.io/provider-os/cinder-csi-plugin", "v1.34.1"},
                .csi_attacher = kCsi134.attacher,
                .csi_provisioner = kCsi134.provisioner,
                .csi_snapshotter = kCsi134.snapshotter,
                .csi_resizer = kCsi134.resizer,
                .csi_livenessprobe = kCsi134.livenessprobe,
                .csi_node_driver_registrar = kCsi134.node_driver_registrar,
            },
    },
}};

}  // namespace

std::string Image::ref(std::string_view mirror) const {
  std::string out;
  if (mirror.empty()) {
    out = repository;
  } else {
    // The first path element is the registry host ("registry.k8s.io/etcd" → "mirror/etcd").
    auto slash = repository.find('/');
    out = std::string(mirror);
    while (!out.empty() && out.back() == '/') out.pop_back();
    if (slash == std::string_view::npos) out += '/';
    out += slash == std::string_view::npos ? repository : repository.substr(slash);
  }
  out += ':';
  out += tag;
  return out;
}

std::vector<const Image*> Images::all() const {
  return {&kube_apiserver,
          &kube_controller_manager,
          &kube_scheduler,
          &kube_proxy,
          &etcd,
          &pause,
          &coredns,
          &flannel,
          &flannel_cni_plugin,
          &nginx_ingress,
          &traefik,
          &openstack_cloud_controller_manager,
          &cinder_csi_plugin,
          &csi_attacher,
          &csi_provisioner,
          &csi_snapshotter,
          &csi_resizer,
          &csi_livenessprobe,
          &csi_node_driver_registrar};
}

std::vector<const BinaryRelease*> Release::binaries() const {
  return {&kubelet, &kubectl, &containerd, &runc, &cni_plugins, &crictl};
}

std::span<const Release> releases() { return kReleases; }

const Release* find_release(std::string_view kubernetes_version) {
  if (kubernetes_version.starts_with('v')) kubernetes_version.remove_prefix(1);
  for (const auto& release : kReleases) {
    if (release.kubernetes == kubernetes_version) return &release;
  }
  return nullptr;
}

std::string_view default_kubernetes_version() { return "1.34.4"; }

}  // namespace kstack::spec
