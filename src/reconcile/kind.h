#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace kstack::reconcile {

/// Kind names every sort of cloud resource kstack creates. What kstack knows about each one is its
/// KindDescriptor, in the kind's own file (kind_<name>.cc); the enumerators' order decides nothing but the
/// order in which plans list resources of different kinds.
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

/// Every kind, by creation rank.
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

struct Resource;
struct OsContext;
class KindOps;

/// QuotaNeed is what the creations of a plan take from the project's quotas.
struct QuotaNeed {
  std::map<std::string, long> counts;  // by quota, as the pre-flight names it: "instances", "port", "gigabytes", ...
  std::map<std::string, int> flavors;  // servers by flavor id: their cores and RAM are the flavor's

  void add(const std::string& quota, long n = 1) { counts[quota] += n; }
  /// The count of `quota`, 0 when nothing takes from it.
  long of(const std::string& quota) const {
    auto it = counts.find(quota);
    return it == counts.end() ? 0 : it->second;
  }
};

/// KindDescriptor is everything kstack knows about one kind, defined in the kind's own file next to the
/// calls that make it in OpenStack: a new kind is that file and one line of the registry (kind.cc).
struct KindDescriptor {
  Kind kind;
  const char* name;  // "security_group_rule": in plans, the journal and --target
  // Creation runs along the references between resources; the rank orders the kinds wherever they are
  // listed (observation, progress). A kind refers only to kinds of a lower creation rank.
  int create_rank;
  // Every deletion of a kind waits for the deletions of the kinds of lower delete rank: a server goes
  // before its port, a port before its subnet.
  int delete_rank;
  KindPolicy policy;
  // Adds what creating `desired` takes from the project's quotas; null: it takes nothing that is checked.
  void (*quota)(const Resource& desired, QuotaNeed& need) = nullptr;
  // The kind's seam to OpenStack.
  std::unique_ptr<KindOps> (*openstack_ops)(const OsContext& ctx) = nullptr;
};

/// The descriptor of `kind`.
const KindDescriptor& kind_descriptor(Kind kind);

/// Every kind's descriptor, by creation rank.
const std::vector<const KindDescriptor*>& kind_descriptors();

}  // namespace kstack::reconcile
