#include "reconcile/octavia_orphans.h"

#include "openstack/json_util.h"
#include "openstack/network.h"

namespace kstack::reconcile {

namespace {

constexpr std::string_view kNamePrefix = "octavia-lb-";

// Octavia's VIP ports on `subnet_id` (at `address` when given): owner "Octavia", named
// "octavia-lb-<id>" with device "lb-<id>"; the pairs of port and load balancer id.
Result<std::vector<std::pair<nlohmann::json, std::string>>> vip_ports(openstack::Client& client,
                                                                      const std::string& subnet_id,
                                                                      const std::string& address) {
  std::vector<std::pair<std::string, std::string>> params = {{"device_owner", "Octavia"},
                                                             {"fixed_ips", "subnet_id=" + subnet_id}};
  if (!address.empty()) params.emplace_back("fixed_ips", "ip_address=" + address);
  auto ports = client.list("network", {"network", "list Octavia VIP ports", "subnet " + subnet_id},
                           "/ports" + openstack::query(params), "ports");
  if (!ports) return std::unexpected(ports.error());
  std::vector<std::pair<nlohmann::json, std::string>> out;
  for (const auto& p : *ports) {
    const std::string name = openstack::str(p, "name");
    if (!name.starts_with(kNamePrefix) || name.starts_with("octavia-lb-vrrp-")) continue;
    const std::string lb_id = name.substr(kNamePrefix.size());
    if (openstack::str(p, "device_id") != "lb-" + lb_id || openstack::str(p, "device_owner") != "Octavia") continue;
    bool on_subnet = false;
    for (const auto& ip : p.value("fixed_ips", nlohmann::json::array())) {
      on_subnet |= openstack::str(ip, "subnet_id") == subnet_id;
    }
    if (on_subnet) out.emplace_back(p, lb_id);
  }
  return out;
}

// Octavia's view of load balancer `id`; none when it answers 404.
Result<std::optional<nlohmann::json>> get_load_balancer(openstack::Client& client, const std::string& id) {
  auto lb =
      client.call("load-balancer",
                  {{"load-balancer", "get load balancer", "load balancer " + id}, "GET", "/lbaas/loadbalancers/" + id});
  if (lb) return std::optional<nlohmann::json>(lb->value("loadbalancer", nlohmann::json::object()));
  if (lb.error().http_status != 404) return std::unexpected(lb.error());
  return std::optional<nlohmann::json>();
}

}  // namespace

Result<int> release_orphaned_vip_ports(openstack::Client& client, const std::string& subnet_id,
                                       const std::string& address) {
  auto ports = vip_ports(client, subnet_id, address);
  if (!ports) return std::unexpected(ports.error());
  int released = 0;
  for (const auto& [port, lb_id] : *ports) {
    auto lb = get_load_balancer(client, lb_id);
    if (!lb) return std::unexpected(lb.error());
    if (*lb) continue;  // its load balancer exists: not an orphan
    auto gone = openstack::network::delete_port(client, openstack::str(port, "id"));
    if (!gone) return std::unexpected(gone.error());
    ++released;
  }
  return released;
}

Result<VipHolder> vip_holder(openstack::Client& client, const std::string& subnet_id, const std::string& address) {
  auto ports = vip_ports(client, subnet_id, address);
  if (!ports) return std::unexpected(ports.error());
  if (ports->empty()) return VipHolder{};
  const auto& [port, lb_id] = ports->front();
  auto lb = get_load_balancer(client, lb_id);
  if (!lb) return std::unexpected(lb.error());
  return VipHolder{.port_id = openstack::str(port, "id"), .load_balancer = *lb};
}

}  // namespace kstack::reconcile
