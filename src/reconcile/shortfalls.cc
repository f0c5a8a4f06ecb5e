#include "reconcile/shortfalls.h"

#include <fmt/format.h>

#include <algorithm>

#include "bootstrap/user_data.h"

namespace kstack::reconcile {

QuotaNeed quota_need(const Plan& plan) {
  QuotaNeed need;
  for (const auto& a : plan.actions) {
    if ((a.op != Op::create && a.op != Op::replace) || !a.desired) continue;
    const auto& kind = kind_descriptor(a.key.kind);
    if (kind.quota) kind.quota(*a.desired, need);
  }
  return need;
}

std::vector<Shortfall> shortfalls(const Plan& plan, const Inventory& inventory) {
  std::vector<Shortfall> out;
  for (const auto& a : plan.actions) {
    if ((a.op != Op::create && a.op != Op::replace) || !a.desired || a.key.kind != Kind::server) continue;
    auto ud = a.desired->payload.find("user_data");
    if (ud == a.desired->payload.end()) continue;
    const size_t size = bootstrap::base64_size(ud->second.size());
    if (size > bootstrap::kNovaUserDataLimit) {
      out.push_back({"user-data of " + a.key.name, fmt::format("{} B", size),
                     fmt::format("{} B allowed", bootstrap::kNovaUserDataLimit),
                     "fewer or smaller add-ons on this node"});
    }
  }

  const QuotaNeed need = quota_need(plan);
  long cores = 0, ram = 0;
  for (const auto& [flavor, servers] : need.flavors) {
    auto it = inventory.flavors.find(flavor);
    if (it == inventory.flavors.end()) continue;
    cores += static_cast<long>(it->second.vcpus) * servers;
    ram += static_cast<long>(it->second.ram_mb) * servers;
  }
  auto check = [&](const std::string& what, long wanted, long limit, long used) {
    if (wanted == 0 || limit < 0) return;
    const long left = std::max(0L, limit - used);
    if (wanted > left) {
      out.push_back({"quota " + what, std::to_string(wanted), fmt::format("{} left ({} of {} used)", left, used, limit),
                     fmt::format("short by {}: raise the project's quota or shrink the spec", wanted - left)});
    }
  };
  const auto& compute = inventory.compute;
  const long servers = need.of("instances"), server_groups = need.of("server groups");
  check("instances", servers, compute.max_instances, compute.used_instances);
  check("cores", cores, compute.max_cores, compute.used_cores);
  check("RAM (MB)", ram, compute.max_ram_mb, compute.used_ram_mb);
  check("server groups", server_groups, compute.max_server_groups, compute.used_server_groups);
  // A server group's members are limited per group: the largest group is every node of one role.
  if (compute.max_server_group_members >= 0 && (servers > 0 || server_groups > 0)) {
    for (const auto& [role, members] : inventory.group_members) {
      if (members > compute.max_server_group_members) {
        out.push_back({fmt::format("quota server group members ({})", role), std::to_string(members),
                       fmt::format("{} per group", compute.max_server_group_members),
                       fmt::format("short by {}: raise the project's server_group_members quota",
                                   members - compute.max_server_group_members)});
      }
    }
  }
  if (inventory.load_balancers) {
    check("load balancers", need.of("load balancers"), inventory.load_balancers->limit, inventory.load_balancers->used);
  }
  check("volumes", need.of("volumes"), inventory.block.max_volumes, inventory.block.used_volumes);
  check("gigabytes", need.of("gigabytes"), inventory.block.max_gigabytes, inventory.block.used_gigabytes);
  for (const char* name :
       {"network", "subnet", "router", "port", "floatingip", "security_group", "security_group_rule"}) {
    auto it = inventory.network.find(name);
    if (it != inventory.network.end()) {
      check(name, need.of(name), it->second.limit, it->second.used + it->second.reserved);
    }
  }
  return out;
}

std::string render_shortfalls(const std::vector<Shortfall>& shortfalls) {
  std::string out = fmt::format("  {:<40} {:>24} {:>28}\n", "WHAT", "NEED", "HAVE");
  for (const auto& s : shortfalls) {
    out += fmt::format("  {:<40} {:>24} {:>28}\n", s.what, s.need, s.have);
    if (!s.hint.empty()) out += fmt::format("      {}\n", s.hint);
  }
  return out;
}

}  // namespace kstack::reconcile
