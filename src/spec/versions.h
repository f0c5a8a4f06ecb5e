#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kstack::spec {

/// Arch is a CPU architecture kstack downloads node binaries for.
enum class Arch { amd64, arm64 };

/// Download is one upstream file and the sha256 it must have.
struct Download {
  std::string_view url;
  std::string_view sha256;  // lower-case hex, as published upstream
};

/// BinaryRelease is one pinned node binary (or tarball) with its download for each architecture.
struct BinaryRelease {
  std::string_view name;     // "kubelet", "containerd", ...
  std::string_view version;  // "1.31.4", "2.0.1", ...
  Download amd64;
  Download arm64;

  const Download& download(Arch arch) const { return arch == Arch::amd64 ? amd64 : arm64; }
};

/// Image is one pinned container image.
struct Image {
  std::string_view name;        // "kube-apiserver", "coredns", ...
  std::string_view repository;  // "registry.k8s.io/kube-apiserver" (registry host first)
  std::string_view tag;

  /// "repository:tag"; with a mirror registry, the repository's host is replaced by `mirror`.
  std::string ref(std::string_view mirror = {}) const;
};

/// Images is every container image one Kubernetes release runs, by role.
struct Images {
  Image kube_apiserver;
  Image kube_controller_manager;
  Image kube_scheduler;
  Image kube_proxy;
  Image etcd;
  Image pause;
  Image coredns;
  Image flannel;
  Image flannel_cni_plugin;
  Image nginx_ingress;  // the NGINX Ingress Controller of the nginx project (nginx/nginx-ingress)
  Image traefik;
  Image openstack_cloud_controller_manager;
  Image cinder_csi_plugin;
  Image csi_attacher;
  Image csi_provisioner;
  Image csi_snapshotter;
  Image csi_resizer;
  Image csi_livenessprobe;
  Image csi_node_driver_registrar;

  /// Every image above, in declaration order.
  std::vector<const Image*> all() const;
};

/// Release is everything pinned for one supported Kubernetes version.
struct Release {
  std::string_view kubernetes;  // "1.31.4"
  BinaryRelease kubelet;
  BinaryRelease kubectl;
  BinaryRelease containerd;   // containerd-<v>-linux-<arch>.tar.gz
  BinaryRelease runc;         // runc.<arch>
  BinaryRelease cni_plugins;  // cni-plugins-linux-<arch>-v<v>.tgz
  BinaryRelease crictl;       // crictl-v<v>-linux-<arch>.tar.gz
  Images images;

  /// Every binary above, in declaration order.
  std::vector<const BinaryRelease*> binaries() const;
};

/// Every supported release, oldest first.
std::span<const Release> releases();

/// The release pinned for exactly `kubernetes_version` ("1.31.4"; a leading "v" is accepted), or nullptr.
const Release* find_release(std::string_view kubernetes_version);

/// The Kubernetes version a new spec gets (ClusterSpec's default).
std::string_view default_kubernetes_version();

}  // namespace kstack::spec
