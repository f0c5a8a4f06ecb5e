#include "reconcile/octavia_orphans.h"

#include <algorithm>

#include "openstack/network.h"

namespace kstack::reconcile {

namespace {

namespace net = openstack::network;

constexpr std::string_view kNamePrefix = "octavia-lb-";

/// VipPort is one of Octavia's VIP ports with the id of the load balancer it was made for.
struct VipPort {
  net::Port port;
  std::string load_balancer_id;
};

// Octavia's VIP ports on `subnet_id` (at `address` when given): owner "Octavia", named
// "octavia-lb-<id>" with device "lb-<id>".
Result<std::vector<VipPort>> vip_ports(openstack::Client& client, const std::string& subnet_id,
                                       const std::string& address) {
  net::Filter filter{.device_owner = "Octavia", .fixed_ips = {{.subnet_id = subnet_id}}};
  if (!address.empty()) filter.fixed_ips.push_back({.ip_address = address});
  auto ports = net::list_ports(client, filter);
  if (!ports) return std::unexpected(ports.error());
  std::vector<VipPort> out;
  for (auto& p : *ports) {
    if (!p.name.starts_with(kNamePrefix) || p.name.starts_with("octavia-lb-vrrp-")) continue;
    std::string lb_id = p.name.substr(kNamePrefix.size());
    if (p.device_id != "lb-" + lb_id || p.device_owner != "Octavia") continue;
    const bool on_subnet = std::any_of(p.fixed_ips.begin(), p.fixed_ips.end(),
                                       [&](const net::FixedIp& ip) { return ip.subnet_id == subnet_id; });
    if (on_subnet) out.push_back({std::move(p), std::move(lb_id)});
  }
  return out;
}

}  // namespace

Result<int> release_orphaned_vip_ports(openstack::Client& client, const std::string& subnet_id,
                                       const std::string& address) {
  auto ports = vip_ports(client, subnet_id, address);
  if (!ports) return std::unexpected(ports.error());
  int released = 0;
  for (const auto& vip : *ports) {
    auto lb = openstack::loadbalancer::find_load_balancer(client, vip.load_balancer_id);
    if (!lb) return std::unexpected(lb.error());
    if (*lb) continue;  // its load balancer exists: not an orphan
    auto gone = net::delete_port(client, vip.port.id);
    if (!gone) return std::unexpected(gone.error());
    ++released;
  }
  return released;
}

Result<VipHolder> vip_holder(openstack::Client& client, const std::string& subnet_id, const std::string& address) {
  auto ports = vip_ports(client, subnet_id, address);
  if (!ports) return std::unexpected(ports.error());
  if (ports->empty()) return VipHolder{};
  const auto& vip = ports->front();
  auto lb = openstack::loadbalancer::find_load_balancer(client, vip.load_balancer_id);
  if (!lb) return std::unexpected(lb.error());
  return VipHolder{.port_id = vip.port.id, .load_balancer = std::move(*lb)};
}

}  // namespace kstack::reconcile
