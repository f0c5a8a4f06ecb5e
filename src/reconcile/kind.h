#pragma once

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace kstack::reconcile {

/// Kind is every sort of cloud resource kstack creates, in creation order: a kind only refers to kinds before it.
enum class Kind {
  keypair,
  network,
  subnet,
  router,
  router_interface,
  security_group,
  security_group_rule,
  server_group,
  port,
  load_balancer,
  floating_ip,
  volume,
  server,
};

/// Every kind, in creation order.
const std::vector<Kind>& all_kinds();

/// "keypair", "security_group_rule", ...
const char* kind_name(Kind kind);

/// The kind named `name`, or nothing.
std::optional<Kind> parse_kind(std::string_view name);

/// KindPolicy is what the planner and the executor need to know about a kind: which attributes change in
/// place, which are only drift, and how its asynchronous states look.
struct KindPolicy {
  std::set<std::string> updatable;  // attributes an update call changes in place; every other one forces a replacement
  std::set<std::string> drift;      // attributes whose change is reported, never acted on unless asked
  std::set<std::string> cloud_default;  // attributes where an empty desired value accepts whatever the cloud chose
  std::set<std::string> unordered;      // comma-separated lists compared as sets
  bool async_create = false;            // a create returns before the resource is usable: wait for a ready status
  bool async_delete = false;            // a delete returns before the resource is gone: wait until a list misses it
  std::set<std::string> ready;          // statuses that end a wait successfully
  std::set<std::string> failed;         // statuses that end a wait with an error
  std::set<std::string> deleting;       // statuses of a delete already under way (a killed run's): wait, not delete
  std::set<std::string> building;       // statuses of a create still under way: apply waits before it plans
  std::chrono::seconds timeout{0};      // how long an asynchronous wait may take; 0: not asynchronous
  int error_retries = 0;  // how many times a resource that ends in a failed status is deleted and re-created
  // A fault that says the cloud needs time before the same request can succeed (Nova's "No valid host": its
  // scheduler counts a deleted server on its host until the hosts next report): re-created only after
  // waiting retry_pause times the attempt's number.
  std::string needs_time_fault;
  std::chrono::seconds retry_pause{0};
  // How long a create and a delete usually take, in seconds, until the run has measured its own: the weights
  // by which the executor starts the longest chain of dependent steps first.
  double expected_create_s = 0.5;
  double expected_delete_s = 0.5;

  /// The statuses that end a wait for a create: ready or failed.
  std::set<std::string> settled() const {
    std::set<std::string> out = ready;
    out.insert(failed.begin(), failed.end());
    return out;
  }
};

/// The policy of one kind.
const KindPolicy& kind_policy(Kind kind);

}  // namespace kstack::reconcile
