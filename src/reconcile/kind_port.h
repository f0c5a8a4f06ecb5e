#pragma once

// What the two kinds made of Neutron ports share: a node's port (kind_port.cc) and the router's leg
// (kind_router_interface.cc).

#include <string>
#include <vector>

#include "openstack/network.h"
#include "reconcile/adoption.h"
#include "reconcile/openstack_cloud.h"

namespace kstack::reconcile {

/// The cluster's ports that `mine(port)` accepts, as observed resources of `kind`: from the list of its
/// tagged ports that the kinds share, plus the untagged ones of the names `kind`'s create journal holds
/// (find_untagged). Each carries its network, its first address (subnet_id, fixed_ip), its status and what
/// `props(port)` adds.
template <class Mine, class Props>
[[nodiscard]] Result<std::vector<ObservedResource>> observe_ports(const OsContext& ctx, Kind kind, Mine mine,
                                                                  Props props) {
  namespace net = openstack::network;
  auto all = ctx.shared_list<std::vector<net::Port>>(shared::kPorts,
                                                     [&] { return net::list_ports(ctx.client, {.tags = ctx.tags()}); });
  if (!all) return std::unexpected(all.error());
  std::erase_if(*all, [&](const net::Port& p) { return !mine(p); });
  auto by_name = [&](const std::string& name) { return net::list_ports(ctx.client, {.name = name}); };
  auto untagged = find_untagged(ctx, kind, by_name, *all);
  if (!untagged) return std::unexpected(untagged.error());
  std::vector<ObservedResource> out;
  for (const auto& p : *all) {
    ObservedResource o{.key = {kind, p.name}, .id = p.id, .props = props(p), .status = p.status};
    o.props["network_id"] = p.network_id;
    if (!p.fixed_ips.empty()) {
      o.props["subnet_id"] = p.fixed_ips[0].subnet_id;
      o.props["fixed_ip"] = p.fixed_ips[0].ip_address;
    }
    o.untagged = untagged->contains(p.id);
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace kstack::reconcile
