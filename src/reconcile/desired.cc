#include "reconcile/desired.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <openssl/evp.h>

#include <algorithm>
#include <set>

#include "reconcile/kind_load_balancer.h"
#include "reconcile/plan.h"
#include "reconcile/security_rules.h"

namespace kstack::reconcile {

namespace {

const spec::NodePool& pool_of(const spec::ClusterSpec& spec, model::Role role) {
  switch (role) {
    case model::Role::bastion:
      return spec.bastion;
    case model::Role::master:
      return spec.masters;
    case model::Role::worker:
      return spec.workers;
    case model::Role::etcd:
      return spec.etcd;
  }
  return spec.workers;
}

std::string default_group_policy(model::Role role) {
  return role == model::Role::worker ? "soft-anti-affinity" : "anti-affinity";
}

// Who may connect to the API load balancer's listener: the spec's API CIDRs and the cluster's own subnet,
// since every node reaches the API at the VIP. Empty, Octavia's "every source", when the spec allows all.
std::vector<std::string> listener_allowed_cidrs(const spec::ClusterSpec& spec, const model::ClusterModel& model) {
  std::set<std::string> cidrs{model.subnet_cidr};
  for (const auto& cidr : spec.network.api_allowed_cidrs) {
    if (cidr == "0.0.0.0/0") return {};
    cidrs.insert(cidr);
  }
  return {cidrs.begin(), cidrs.end()};
}

// How long an API connection may stay idle on either side before the load balancer closes it. Octavia's
// default, 50 s, cuts `kubectl logs -f`, exec, attach and port-forward sessions (and quiet watches); other
// installers set hours.
constexpr int kApiIdleTimeoutMs = 14400000;  // 4 h

}  // namespace

ClusterNames ClusterNames::of(const std::string& c) {
  return ClusterNames{.keypair = c,
                      .network = c + "-net",
                      .subnet = c + "-subnet",
                      .router = c + "-router",
                      .router_interface = c + "-router-subnet",
                      .api_load_balancer = c + "-api",
                      .api_floating_ip = c + "-api"};
}

std::string volume_name(const std::string& node) { return node + "-data"; }

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  std::string out;
  for (unsigned int i = 0; i < len; ++i) out += fmt::format("{:02x}", digest[i]);
  return out;
}

std::vector<Key> user_data_inputs(const spec::ClusterSpec& spec, const model::ClusterModel& model,
                                  const model::Node& node) {
  const auto n = ClusterNames::of(spec.name);
  std::vector<Key> out;
  if (node.volume_size_gb > 0) out.push_back({Kind::volume, volume_name(node.name)});
  if (node.role == model::Role::master) {
    out.push_back({Kind::subnet, n.subnet});
    if (!model.api_vip.empty() && spec.api_load_balancer.floating_ip)
      out.push_back({Kind::floating_ip, n.api_floating_ip});
  }
  return out;
}

Result<std::vector<Resource>> desired_resources(const spec::ClusterSpec& spec, const model::ClusterModel& model,
                                                const CloudFacts& facts) {
  const auto n = ClusterNames::of(spec.name);
  std::vector<Resource> out;
  const Key keypair{Kind::keypair, n.keypair}, network{Kind::network, n.network}, subnet{Kind::subnet, n.subnet},
      router{Kind::router, n.router};

  out.push_back({.key = keypair, .props = {{"public_key", spec.ssh_public_key}}});
  out.push_back({.key = network});
  out.push_back({.key = subnet,
                 .props = {{"network_id", ref(network)},
                           {"cidr", model.subnet_cidr},
                           {"gateway_ip", model.gateway_ip},
                           {"allocation_pool", model.dynamic_pool_start + "-" + model.dynamic_pool_end},
                           {"dns_nameservers", fmt::format("{}", fmt::join(spec.network.dns_nameservers, ","))}},
                 .depends_on = {network}});
  out.push_back({.key = router, .props = {{"external_network_id", facts.external_network_id}}});
  out.push_back({.key = {Kind::router_interface, n.router_interface},
                 .props = {{"router_id", ref(router)},
                           {"network_id", ref(network)},
                           {"subnet_id", ref(subnet)},
                           {"fixed_ip", model.gateway_ip}},
                 .depends_on = {router, network, subnet}});

  auto groups = security_groups(spec, model);
  if (!groups) return std::unexpected(groups.error());
  for (auto& r : security_group_resources(*groups)) out.push_back(std::move(r));

  // Server groups: one per role with more than one member's placement to spread.
  std::map<model::Role, Key> server_groups;
  for (auto role : {model::Role::master, model::Role::etcd, model::Role::worker}) {
    if (model.with_role(role).empty()) continue;
    const auto& pool = pool_of(spec, role);
    Key key{Kind::server_group, fmt::format("{}-{}s", spec.name, model::role_name(role))};
    std::string policy = pool.server_group_policy.empty() ? default_group_policy(role) : pool.server_group_policy;
    out.push_back({.key = key, .props = {{"policy", policy}}});
    server_groups[role] = key;
  }

  auto groups_of = [&](model::Role role) {
    std::vector<std::string> names;
    switch (role) {
      case model::Role::bastion:
        names = {groups->bastion};
        break;
      case model::Role::master:
        names = {groups->masters, groups->nodes};
        break;
      case model::Role::worker:
        names = {groups->workers, groups->nodes};
        break;
      case model::Role::etcd:
        names = {groups->etcd, groups->nodes};
        break;
    }
    return names;
  };

  for (const auto& node : model.nodes) {
    Key port{Kind::port, node.name};
    Resource p{.key = port,
               .props = {{"network_id", ref(network)}, {"subnet_id", ref(subnet)}, {"fixed_ip", node.ip}},
               .depends_on = {network, subnet}};
    std::vector<std::string> sg_refs;
    for (const auto& g : groups_of(node.role)) {
      Key sg{Kind::security_group, g};
      sg_refs.push_back(ref(sg));
      p.depends_on.push_back(sg);
    }
    p.props["security_groups"] = fmt::format("{}", fmt::join(sg_refs, ","));
    out.push_back(std::move(p));
  }

  const auto masters = model.with_role(model::Role::master);
  if (!model.api_vip.empty()) {
    std::vector<std::string> members;
    for (const auto* m : masters) members.push_back(m->ip);
    Key lb{Kind::load_balancer, n.api_load_balancer};
    const LoadBalancerProps props{
        .vip_subnet_id = ref(subnet),
        .vip_address = model.api_vip,
        .provider = spec.api_load_balancer.provider,
        .listener_protocol = "TCP",
        .listener_port = 6443,
        .pool_algorithm = "ROUND_ROBIN",
        .member_port = 6443,
        .members = members,
        // An API server that accepts connections but is not ready (etcd lost) is taken out: /readyz is open
        // to anonymous requests.
        .monitor = {.type = "HTTPS", .url_path = "/readyz", .expected_codes = "200"},
        .allowed_cidrs = listener_allowed_cidrs(spec, model),
        .timeout_client_data_ms = kApiIdleTimeoutMs,
        .timeout_member_data_ms = kApiIdleTimeoutMs,
    };
    out.push_back(
        {.key = lb, .props = props.to_props(), .depends_on = {subnet, {Kind::router_interface, n.router_interface}}});
    if (spec.api_load_balancer.floating_ip) {
      // Allocated at once, so that its address (in the masters' API certificate) is known early; associated
      // with the VIP port once the load balancer exists.
      out.push_back({.key = {Kind::floating_ip, n.api_floating_ip},
                     .props = {{"floating_network_id", facts.external_network_id}, {"port_id", ref(lb, "vip_port_id")}},
                     .depends_on = {lb, {Kind::router_interface, n.router_interface}},
                     .set_after_create = {"port_id"}});
    }
  }

  for (const auto* b : model.with_role(model::Role::bastion)) {
    out.push_back(
        {.key = {Kind::floating_ip, b->name},
         .props = {{"floating_network_id", facts.external_network_id}, {"port_id", ref({Kind::port, b->name})}},
         .depends_on = {{Kind::port, b->name}, {Kind::router_interface, n.router_interface}}});
  }

  for (const auto& node : model.nodes) {
    const auto& pool = pool_of(spec, node.role);
    Key port{Kind::port, node.name};
    Resource s{.key = {Kind::server, node.name}, .depends_on = {keypair, port}};
    auto flavor = facts.flavor_ids.find(node.role);
    if (flavor == facts.flavor_ids.end()) {
      return fail(fmt::format("no flavor resolved for the {} nodes", model::role_name(node.role)), node.name);
    }
    auto user_data = facts.user_data.find(node.name);
    std::string data = user_data == facts.user_data.end() ? std::string() : user_data->second;
    s.props = {
        {"flavor_id", flavor->second},
        {"image_id", facts.image_id},
        {"key_name", n.keypair},
        {"port_id", ref(port)},
        {"availability_zone", pool.availability_zone},
        {"role", model::role_name(node.role)},
        {"user_data_sha256", facts.provisional_user_data.contains(node.name) ? kKnownAfterApply : sha256_hex(data)},
        {"volume_id", ""},
        {"server_group_id", ""}};
    s.payload["user_data"] = std::move(data);
    if (node.volume_size_gb > 0) {
      Key volume{Kind::volume, volume_name(node.name)};
      out.push_back({.key = volume,
                     .props = {{"size_gb", std::to_string(node.volume_size_gb)},
                               {"volume_type", pool.volume_type},
                               {"availability_zone", pool.availability_zone}}});
      s.props["volume_id"] = ref(volume);
      s.depends_on.push_back(volume);
    }
    if (auto g = server_groups.find(node.role); g != server_groups.end()) {
      s.props["server_group_id"] = ref(g->second);
      s.depends_on.push_back(g->second);
    }
    for (const auto& input : user_data_inputs(spec, model, node)) {
      if (std::find(s.depends_on.begin(), s.depends_on.end(), input) == s.depends_on.end()) {
        s.depends_on.push_back(input);
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace kstack::reconcile
