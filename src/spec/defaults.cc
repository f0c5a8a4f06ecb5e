#include "spec/defaults.h"

#include "spec/versions.h"

namespace kstack::spec {

namespace {

/// PoolSize is the sizing of one node pool in the reference cluster.
struct PoolSize {
  int vcpus = 0;
  int ram_mb = 0;
  int disk_gb = 0;
};

void size_pool(NodePool& pool, int count, PoolSize size, int volume_size_gb, std::string_view policy) {
  pool.count = count;
  pool.flavor.vcpus = size.vcpus;
  pool.flavor.ram_mb = size.ram_mb;
  pool.flavor.disk_gb = size.disk_gb;
  pool.volume_size_gb = volume_size_gb;
  pool.server_group_policy = policy;
}

}  // namespace

ClusterSpec reference_cluster(Topology topology, std::string name) {
  ClusterSpec spec;
  spec.name = std::move(name);
  spec.kubernetes.version = std::string(default_kubernetes_version());

  // Field by field rather than with designated initialisers: gcc 12 at -O3 reports the temporaries'
  // strings as maybe-uninitialised (a false positive that -Werror would make a build failure).
  size_pool(spec.masters, 3, {.vcpus = 3, .ram_mb = 4096, .disk_gb = 40}, 25, "anti-affinity");
  size_pool(spec.workers, 3, {.vcpus = 6, .ram_mb = 16384, .disk_gb = 40}, 50, "soft-anti-affinity");
  size_pool(spec.bastion, 1, {.vcpus = 1, .ram_mb = 1024, .disk_gb = 10}, 0, "");
  size_pool(spec.etcd, 0, {.vcpus = 2, .ram_mb = 4096, .disk_gb = 20}, 20, "anti-affinity");

  switch (topology) {
    case Topology::ha:
      break;
    case Topology::non_ha:
      spec.masters.count = 1;
      spec.workers.count = 2;
      spec.api_load_balancer.enabled = false;
      break;
    case Topology::single:
      spec.masters.count = 1;
      spec.workers.count = 0;
      spec.api_load_balancer.enabled = false;
      break;
  }
  return spec;
}

std::string_view topology_name(Topology topology) {
  switch (topology) {
    case Topology::single:
      return "single";
    case Topology::non_ha:
      return "non-ha";
    case Topology::ha:
      return "ha";
  }
  return "ha";
}

std::optional<Topology> parse_topology(std::string_view text) {
  if (text == "single") return Topology::single;
  if (text == "non-ha") return Topology::non_ha;
  if (text == "ha") return Topology::ha;
  return std::nullopt;
}

std::string_view algorithm_name(KeyAlgorithm algorithm) {
  switch (algorithm) {
    case KeyAlgorithm::ecdsa_p256:
      return "ecdsa-p256";
    case KeyAlgorithm::rsa2048:
      return "rsa-2048";
    case KeyAlgorithm::rsa3072:
      return "rsa-3072";
    case KeyAlgorithm::rsa4096:
      return "rsa-4096";
  }
  return "ecdsa-p256";
}

std::string_view ingress_name(Ingress ingress) {
  switch (ingress) {
    case Ingress::nginx:
      return "nginx";
    case Ingress::traefik:
      return "traefik";
    case Ingress::none:
      return "none";
  }
  return "none";
}

std::string_view placement_name(EtcdPlacement placement) {
  return placement == EtcdPlacement::dedicated ? "dedicated" : "masters";
}

}  // namespace kstack::spec
