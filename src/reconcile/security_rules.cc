#include "reconcile/security_rules.h"

#include <fmt/format.h>

#include "util/ipv4.h"

namespace kstack::reconcile {

namespace {

constexpr int kApiPort = 6443;
constexpr int kKubeletPort = 10250;
constexpr int kVxlanPort = 8472;
constexpr int kHttpPort = 80;
constexpr int kHttpsPort = 443;
constexpr int kNodePortMin = 30000;
constexpr int kNodePortMax = 32767;

RuleSpec tcp(int min, int max, std::string cidr, std::string group = {}) {
  return RuleSpec{.protocol = "tcp",
                  .port_min = min,
                  .port_max = max,
                  .remote_cidr = std::move(cidr),
                  .remote_group = std::move(group)};
}

RuleSpec from_group(std::string protocol, int min, int max, std::string group) {
  return RuleSpec{.protocol = std::move(protocol), .port_min = min, .port_max = max, .remote_group = std::move(group)};
}

// The upper half of the subnet: the model gives it to Neutron's allocation pool, where the load
// balancer's own addresses (and nothing kstack places) come from.
Result<std::string> dynamic_pool_cidr(const model::ClusterModel& model) {
  auto subnet = parse_network(model.subnet_cidr);
  if (!subnet) return std::unexpected(subnet.error());
  auto start = parse_address(model.dynamic_pool_start);
  if (!start) return std::unexpected(start.error());
  return fmt::format("{}/{}", start->to_string(), subnet->prefix + 1);
}

}  // namespace

std::string rule_name(const std::string& group, const RuleSpec& rule) {
  std::string remote = !rule.remote_group.empty()  ? "group=" + rule.remote_group
                       : !rule.remote_cidr.empty() ? "cidr=" + rule.remote_cidr
                                                   : "any";
  std::string ports = rule.port_min == 0 ? "all" : fmt::format("{}-{}", rule.port_min, rule.port_max);
  return fmt::format("{}:{}:{}:{}:{}:{}", group, rule.direction, rule.ethertype,
                     rule.protocol.empty() ? "any" : rule.protocol, ports, remote);
}

Result<SecurityGroupPlan> security_groups(const spec::ClusterSpec& spec, const model::ClusterModel& model) {
  SecurityGroupPlan p;
  const std::string& c = spec.name;
  p.masters = c + "-masters";
  p.workers = c + "-workers";
  p.nodes = c + "-nodes";
  const bool has_bastion = !model.with_role(model::Role::bastion).empty();
  const bool has_workers = !model.with_role(model::Role::worker).empty();
  const bool dedicated_etcd = !model.with_role(model::Role::etcd).empty();
  if (has_bastion) p.bastion = c + "-bastion";
  if (dedicated_etcd) p.etcd = c + "-etcd";
  for (const auto* g : {&p.bastion, &p.masters, &p.workers, &p.nodes, &p.etcd}) {
    if (!g->empty()) p.groups.push_back(*g);
  }
  auto add = [&](const std::string& group, RuleSpec rule) { p.rules.emplace_back(group, std::move(rule)); };

  for (const auto& cidr : spec.network.ssh_allowed_cidrs) {
    if (has_bastion) add(p.bastion, tcp(22, 22, cidr));
  }

  if (!model.api_vip.empty()) {
    auto pool = dynamic_pool_cidr(model);
    if (!pool) return std::unexpected(pool.error());
    add(p.masters, tcp(kApiPort, kApiPort, *pool));
  }
  if (has_workers) add(p.masters, from_group("tcp", kApiPort, kApiPort, p.workers));
  // kube-proxy sends a master's traffic for the kubernetes Service to any master's API server, directly
  // (the Service's endpoints are the masters' addresses), not through the load balancer.
  add(p.masters, from_group("tcp", kApiPort, kApiPort, p.masters));
  for (const auto& cidr : spec.network.api_allowed_cidrs) add(p.masters, tcp(kApiPort, kApiPort, cidr));
  if (dedicated_etcd) {
    add(p.etcd, from_group("tcp", 2379, 2380, p.etcd));
    add(p.etcd, from_group("tcp", 2379, 2379, p.masters));
  } else {
    add(p.masters, from_group("tcp", 2379, 2380, p.masters));
  }
  add(p.masters, from_group("tcp", kKubeletPort, kKubeletPort, p.masters));

  add(p.workers, from_group("tcp", kKubeletPort, kKubeletPort, p.masters));
  // Without the cloud integration the ingress controller listens on the workers' own ports 80 and 443
  // (host network) and nothing else stands in front of it: it serves whoever reaches a worker, like the
  // Octavia listener of its LoadBalancer Service does in the other variant.
  if (has_workers && spec.addons.ingress != spec::Ingress::none && !spec.addons.cloud_provider) {
    for (int port : {kHttpPort, kHttpsPort}) add(p.workers, tcp(port, port, "0.0.0.0/0"));
  }
  add(p.workers, tcp(kNodePortMin, kNodePortMax, model.subnet_cidr));
  add(p.workers,
      RuleSpec{
          .protocol = "udp", .port_min = kNodePortMin, .port_max = kNodePortMax, .remote_cidr = model.subnet_cidr});

  add(p.nodes, from_group("udp", kVxlanPort, kVxlanPort, p.nodes));
  add(p.nodes, from_group("icmp", 0, 0, p.nodes));
  if (has_bastion) add(p.nodes, from_group("tcp", 22, 22, p.bastion));

  for (const auto& g : p.groups) {
    add(g, RuleSpec{.direction = "egress", .ethertype = "IPv4"});
    add(g, RuleSpec{.direction = "egress", .ethertype = "IPv6"});
  }
  return p;
}

std::vector<Resource> security_group_resources(const SecurityGroupPlan& plan) {
  std::vector<Resource> out;
  for (const auto& g : plan.groups) {
    out.push_back(Resource{.key = {Kind::security_group, g}, .props = {{"description", "kstack"}}});
  }
  for (const auto& [group, rule] : plan.rules) {
    Key sg{Kind::security_group, group};
    Resource r{.key = {Kind::security_group_rule, rule_name(group, rule)}, .depends_on = {sg}};
    r.props = {
        {"security_group_id", ref(sg)},
        {"direction", rule.direction},
        {"ethertype", rule.ethertype},
        {"protocol", rule.protocol},
        {"port_range_min", rule.port_min == 0 ? "" : std::to_string(rule.port_min)},
        {"port_range_max", rule.port_max == 0 ? "" : std::to_string(rule.port_max)},
        {"remote_ip_prefix", rule.remote_cidr},
        {"remote_group_id", ""},
    };
    if (!rule.remote_group.empty()) {
      Key remote{Kind::security_group, rule.remote_group};
      r.props["remote_group_id"] = ref(remote);
      if (remote != sg) r.depends_on.push_back(remote);
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace kstack::reconcile
