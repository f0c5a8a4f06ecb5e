#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "openstack/blockstorage.h"
#include "openstack/compute.h"
#include "openstack/loadbalancer.h"
#include "openstack/network.h"
#include "reconcile/kind.h"
#include "reconcile/plan.h"

namespace kstack::reconcile {

/// Shortfall is one pre-flight finding: what is missing or short, and by how much.
struct Shortfall {
  std::string what;  // "flavor m1.huge", "quota instances"
  std::string need;  // "1", "28 GB"
  std::string have;  // "0 left"
  std::string hint;
};

/// Inventory is what the project has, as the pre-flight read it from the cloud: the flavors it chose, and
/// each service's quotas with their use.
struct Inventory {
  std::map<std::string, openstack::compute::Flavor> flavors;  // the chosen flavors, by id
  openstack::compute::AbsoluteLimits compute;
  std::optional<openstack::loadbalancer::LoadBalancerQuota> load_balancers;  // read only when a plan makes one
  openstack::blockstorage::Limits block;
  std::map<std::string, openstack::network::QuotaUsage> network;  // Neutron's, by resource
  std::vector<std::pair<std::string, int>> group_members;         // each role's server group's members: {"masters", 3}
};

/// What the creations and replacements of `plan` take from the project's quotas (each kind's descriptor says).
QuotaNeed quota_need(const Plan& plan);

/// What `plan` needs and the project does not have: every quota it would exceed, each server whose
/// user-data Nova would refuse as too large. Reads nothing; empty when everything fits.
std::vector<Shortfall> shortfalls(const Plan& plan, const Inventory& inventory);

/// The shortfalls as a table (WHAT, NEED, HAVE, each hint below its line), as the pre-flight's error
/// shows them.
std::string render_shortfalls(const std::vector<Shortfall>& shortfalls);

}  // namespace kstack::reconcile
