#include "model/cluster_model.h"

#include <fmt/format.h>

#include "util/ipv4.h"

namespace kstack::model {

// Address scheme, as offsets from the subnet's base address (docs/addressing.md has the table):
//   1            the router's interface (the subnet's gateway)
//   5            the API load balancer's VIP
//   6            the bastion
//   10 + i       master-i      (i = 1..9)
//   20 + i       etcd-i        (i = 1..9, dedicated etcd nodes)
//   99 + i       worker-i      (i = 1..size/2 - 100)
//   size/2 ..    Neutron's allocation pool for everything kstack does not address itself
//   ... size-2   (DHCP ports, load balancer amphorae, ports the cloud controller creates)
// Every address depends only on the role and index of its node, never on how many nodes the
// other roles have, so adding or removing workers moves no existing port.
namespace {

constexpr uint32_t kGatewayOffset = 1;
constexpr uint32_t kVipOffset = 5;
constexpr uint32_t kBastionOffset = 6;
constexpr uint32_t kMasterBase = 10;
constexpr uint32_t kEtcdBase = 20;
constexpr uint32_t kWorkerBase = 99;
constexpr int kMaxPerControlRole = 9;
constexpr int kLargestPrefix = 24;

}  // namespace

const char* role_name(Role role) {
  switch (role) {
    case Role::bastion:
      return "bastion";
    case Role::master:
      return "master";
    case Role::worker:
      return "worker";
    case Role::etcd:
      return "etcd";
  }
  return "unknown";
}

std::vector<const Node*> ClusterModel::with_role(Role role) const {
  std::vector<const Node*> out;
  for (const auto& node : nodes) {
    if (node.role == role) out.push_back(&node);
  }
  return out;
}

std::vector<const Node*> ClusterModel::etcd_members() const {
  auto dedicated = with_role(Role::etcd);
  return dedicated.empty() ? with_role(Role::master) : dedicated;
}

std::vector<const Node*> ClusterModel::kubelet_nodes() const {
  std::vector<const Node*> out;
  for (const auto& node : nodes) {
    if (node.role == Role::master || node.role == Role::worker) out.push_back(&node);
  }
  return out;
}

const Node* ClusterModel::find(std::string_view name) const {
  for (const auto& node : nodes) {
    if (node.name == name) return &node;
  }
  return nullptr;
}

Result<ClusterModel> build_model(const spec::ClusterSpec& spec) {
  auto subnet = parse_network(spec.network.cidr);
  if (!subnet) return fail(subnet.error().what, "network.cidr");
  if (subnet->prefix > kLargestPrefix) {
    return fail(fmt::format("the cluster subnet {} is smaller than a /{}", spec.network.cidr, kLargestPrefix),
                "network.cidr", "use a /24 or a larger network");
  }
  auto services = parse_network(spec.kubernetes.service_cidr);
  if (!services) return fail(services.error().what, "kubernetes.service_cidr");
  if (services->size() < 16) return fail("the service CIDR has fewer than 16 addresses", "kubernetes.service_cidr");

  const uint32_t half = static_cast<uint32_t>(subnet->size() / 2);
  const int max_workers = static_cast<int>(half - kWorkerBase - 1);
  if (spec.masters.count < 1 || spec.masters.count > kMaxPerControlRole) {
    return fail(fmt::format("{} masters: kstack addresses 1 to {}", spec.masters.count, kMaxPerControlRole),
                "masters.count");
  }
  const int etcd_count = spec.etcd_placement == spec::EtcdPlacement::dedicated ? spec.etcd.count : 0;
  if (etcd_count > kMaxPerControlRole) {
    return fail(fmt::format("{} etcd nodes: kstack addresses at most {}", etcd_count, kMaxPerControlRole),
                "etcd.count");
  }
  if (spec.workers.count < 0 || spec.workers.count > max_workers) {
    return fail(fmt::format("{} workers do not fit the subnet {}: it has fixed addresses for {}", spec.workers.count,
                            spec.network.cidr, max_workers),
                "workers.count", "use a larger network.cidr (a /16 holds 32668 workers)");
  }

  auto at = [&](uint32_t offset) { return Ipv4{subnet->address.value + offset}.to_string(); };
  ClusterModel model;
  model.cluster = spec.name;
  model.subnet_cidr = spec.network.cidr;
  model.gateway_ip = at(kGatewayOffset);
  model.dynamic_pool_start = at(half);
  model.dynamic_pool_end = at(static_cast<uint32_t>(subnet->size() - 2));
  model.kubernetes_service_ip = Ipv4{services->address.value + 1}.to_string();
  model.cluster_dns_ip = Ipv4{services->address.value + 10}.to_string();

  auto add = [&](Role role, int index, uint32_t offset, const spec::NodePool& pool) {
    std::string name = role == Role::bastion ? fmt::format("{}-bastion", spec.name)
                                             : fmt::format("{}-{}-{}", spec.name, role_name(role), index);
    int volume = role == Role::bastion ? 0 : pool.volume_size_gb;
    model.nodes.push_back(Node{std::move(name), role, index, at(offset), volume});
  };
  if (spec.bastion.count > 0) add(Role::bastion, 0, kBastionOffset, spec.bastion);
  for (int i = 1; i <= spec.masters.count; ++i) add(Role::master, i, kMasterBase + i, spec.masters);
  for (int i = 1; i <= etcd_count; ++i) add(Role::etcd, i, kEtcdBase + i, spec.etcd);
  for (int i = 1; i <= spec.workers.count; ++i) add(Role::worker, i, kWorkerBase + i, spec.workers);

  if (spec.api_load_balancer.enabled) model.api_vip = at(kVipOffset);
  model.api_address = model.api_vip.empty() ? model.nodes[spec.bastion.count > 0 ? 1 : 0].ip : model.api_vip;
  return model;
}

}  // namespace kstack::model
