#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reconcile/resource.h"
#include "util/error.h"

namespace kstack::reconcile {

/// Op is what a plan does to one resource.
enum class Op {
  create,   // +
  update,   // ~   changed in place
  replace,  // -/+ deleted, then created again
  remove,   // -
  drift,    // !   differs only in what is reported, not acted on (a node's user-data)
  adopt,    // @   an interrupted create's resource, found untagged: tagged as the cluster's
};

/// "create", "update", "replace", "delete", "drift", "adopt".
const char* op_name(Op op);

/// Change is one attribute that differs between the cloud and the spec.
struct Change {
  std::string attribute;
  std::string before;  // as the cloud has it; empty for a create
  std::string after;   // as the spec wants it; "(known after apply)" when it refers to something not yet created
  bool forces_replacement = false;
  bool drift = false;
};

/// Action is one step of a plan.
struct Action {
  Op op = Op::create;
  Key key;
  std::vector<Change> changes;
  std::string reason;                       // why, for replacements and deletions: "duplicate", "status ERROR: ..."
  std::optional<Resource> desired;          // create, update, replace, drift
  std::optional<ObservedResource> current;  // update, replace, remove, drift
  bool one_at_a_time = false;               // a drift replacement: never two of them at once
};

/// Plan is every action that takes the cloud to the spec, creations in dependency order and deletions
/// in reverse, plus what a destroy deliberately keeps.
struct Plan {
  std::vector<Action> actions;
  std::vector<ObservedResource> kept;  // listed, never deleted (volumes of PersistentVolumes without --delete-volumes)

  int to_add() const;      // creates and replacements
  int to_change() const;   // updates in place and adoptions
  int to_destroy() const;  // deletions and replacements
  int drifted() const;     // drift not acted on
  /// True when applying the plan would call nothing.
  bool empty() const { return to_add() + to_change() + to_destroy() == 0; }
};

/// PlanOptions are the user's choices that change a plan.
struct PlanOptions {
  bool replace_drifted = false;  // replace servers whose user-data changed, one at a time
};

/// Why a plan adopts a resource.
inline constexpr const char* kUntaggedReason = "found untagged: its create was cut off before the tag call";

/// The text a reference resolves to before its target exists.
inline constexpr const char* kKnownAfterApply = "(known after apply)";

/// Compares the desired resources with what the cloud holds. Resources found twice under one name are
/// duplicates: the oldest healthy one is kept and the others deleted. A resource in a failed status is
/// replaced. Resources carrying the cluster's tag that the spec no longer names are deleted; servers of a
/// pool being shrunk go highest index first. Fails when a dependency is not among the desired resources
/// or the dependencies form a cycle.
[[nodiscard]] Result<Plan> make_plan(const std::vector<Resource>& desired, const ObservedState& observed,
                                     const PlanOptions& options = {});

/// Deletes everything the cluster owns: what carries its tag and the load balancers (and their floating
/// IPs) of its LoadBalancer Services; the volumes of its PersistentVolumes only when `delete_volumes`,
/// otherwise they are listed as kept.
Plan make_destroy_plan(const ObservedState& observed, bool delete_volumes);

/// The desired resources ordered so that each comes after everything it depends on (stable otherwise).
[[nodiscard]] Result<std::vector<const Resource*>> dependency_order(const std::vector<Resource>& desired);

}  // namespace kstack::reconcile
