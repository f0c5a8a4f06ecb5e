#include "reconcile/octavia_orphans.h"

#include "openstack/json_util.h"
#include "openstack/network.h"

namespace kstack::reconcile {

namespace {

constexpr std::string_view kNamePrefix = "octavia-lb-";

}  // namespace

Result<int> release_orphaned_vip_ports(openstack::Client& client, const std::string& subnet_id,
                                       const std::string& address) {
  std::vector<std::pair<std::string, std::string>> params = {{"device_owner", "Octavia"},
                                                             {"fixed_ips", "subnet_id=" + subnet_id}};
  if (!address.empty()) params.emplace_back("fixed_ips", "ip_address=" + address);
  auto ports = client.list("network", {"network", "list Octavia VIP ports", "subnet " + subnet_id},
                           "/ports" + openstack::query(params), "ports");
  if (!ports) return std::unexpected(ports.error());
  int released = 0;
  for (const auto& p : *ports) {
    const std::string name = openstack::str(p, "name");
    if (!name.starts_with(kNamePrefix) || name.starts_with("octavia-lb-vrrp-")) continue;
    const std::string lb_id = name.substr(kNamePrefix.size());
    if (openstack::str(p, "device_id") != "lb-" + lb_id || openstack::str(p, "device_owner") != "Octavia") continue;
    bool on_subnet = false;
    for (const auto& ip : p.value("fixed_ips", nlohmann::json::array())) {
      on_subnet |= openstack::str(ip, "subnet_id") == subnet_id;
    }
    if (!on_subnet) continue;
    auto lb = client.call(
        "load-balancer",
        {{"load-balancer", "get load balancer", "load balancer " + lb_id}, "GET", "/lbaas/loadbalancers/" + lb_id});
    if (lb) continue;  // its load balancer exists: not an orphan
    if (lb.error().http_status != 404) return std::unexpected(lb.error());
    auto gone = openstack::network::delete_port(client, openstack::str(p, "id"));
    if (!gone) return std::unexpected(gone.error());
    ++released;
  }
  return released;
}

}  // namespace kstack::reconcile
