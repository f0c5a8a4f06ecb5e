#pragma once

#include <vector>

#include "reconcile/resource.h"
#include "util/error.h"

namespace kstack::reconcile {

/// KindOps is the one seam between the reconciler and the cloud for one resource kind, with the same
/// verbs for every kind: list what the cluster owns, create, update in place, delete. Production
/// implements it with the OpenStack client, tests with an in-memory cloud. Thread-safe.
class KindOps {
 public:
  virtual ~KindOps() = default;

  /// ONE API call: every resource of this kind that belongs to the cluster (filtered by its tag, or by
  /// its name prefix where the kind has no tags), with attributes named as in Resource::props.
  [[nodiscard]] virtual Result<std::vector<ObservedResource>> list() = 0;

  /// Creates the resource; every reference in its props is already resolved to an id. Returns the
  /// resource as the create call's answer shows it (id, first status, outputs).
  [[nodiscard]] virtual Result<ObservedResource> create(const Resource& resolved) = 0;

  /// Changes the attributes the kind's policy marks updatable.
  [[nodiscard]] virtual Result<void> update(const ObservedResource& current, const Resource& resolved) = 0;

  /// Deletes the resource; a resource that is already gone counts as deleted.
  [[nodiscard]] virtual Result<void> remove(const ObservedResource& current) = 0;

  /// Tags a resource list() reported as `untagged` as the cluster's. Only kinds whose create is a POST
  /// followed by a tag call can leave one; the others refuse.
  [[nodiscard]] virtual Result<void> adopt(const ObservedResource& current);
};

/// Cloud is every kind's seam, plus what only a destroy needs.
class Cloud {
 public:
  virtual ~Cloud() = default;

  /// The seam of one kind; never null for a kind in all_kinds().
  virtual KindOps& ops(Kind kind) = 0;

  /// What Kubernetes created for the cluster: the load balancers of its LoadBalancer Services and their
  /// floating IPs, and the volumes of its PersistentVolumes (origin set accordingly).
  [[nodiscard]] virtual Result<std::vector<ObservedResource>> list_kubernetes_owned() = 0;

  /// Saves what explains a resource in an error status (the server's fault and console log) before the
  /// executor deletes it. Returns the fault, read again from the cloud when the list did not show one yet
  /// (Nova records a server's fault just after setting it to ERROR).
  virtual std::string save_evidence(const ObservedResource& failed) = 0;

  /// observe() calls this first: waits for creates an earlier, killed run may have left running in the
  /// cloud (settle_in_flight), so that the observation sees them. Nothing by default.
  [[nodiscard]] virtual Result<void> await_in_flight_creates() { return {}; }

  /// observe() brackets its list calls with these, so that kinds that list the same collection can share
  /// one call (OpenStackCloud's SharedLists). Nothing by default.
  virtual void observation_began() {}
  virtual void observation_ended() {}
};

/// Observes the cluster: one list call per kind (run in parallel), plus, when `include_kubernetes`, what
/// Kubernetes created; after Cloud::await_in_flight_creates.
[[nodiscard]] Result<ObservedState> observe(Cloud& cloud, bool include_kubernetes = false);

}  // namespace kstack::reconcile
