#pragma once

#include <optional>
#include <string>

#include "openstack/client.h"
#include "openstack/loadbalancer.h"
#include "util/error.h"

namespace kstack::reconcile {

/// Deletes the VIP ports that Octavia left on the cluster's subnet `subnet_id` for load balancers that do
/// not exist: an Octavia API request cut off (the client killed) between allocating the VIP port and
/// committing its load balancer leaves one, and it then holds the VIP address the next create asks for,
/// and keeps the subnet from being deleted. A port goes only when it is proved orphaned: owner "Octavia",
/// named "octavia-lb-<id>" with device "lb-<id>", on that subnet (at `address` when given), and Octavia
/// answers 404 for load balancer <id>. Returns how many ports went.
[[nodiscard]] Result<int> release_orphaned_vip_ports(openstack::Client& client, const std::string& subnet_id,
                                                     const std::string& address = "");

/// VipHolder says what holds an address on a subnet, when Octavia refused it for a new VIP.
struct VipHolder {
  std::string port_id;  // the Octavia VIP port at the address; empty: none holds it
  std::optional<openstack::loadbalancer::LoadBalancer> load_balancer;  // none: Octavia says 404
};

/// The Octavia VIP port on `subnet_id` at `address`, and its load balancer. A port whose load balancer
/// answers 404 is an orphan, or the port of a create still in flight whose load balancer Octavia has not
/// committed yet.
[[nodiscard]] Result<VipHolder> vip_holder(openstack::Client& client, const std::string& subnet_id,
                                           const std::string& address);

}  // namespace kstack::reconcile
