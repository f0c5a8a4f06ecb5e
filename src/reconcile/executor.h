#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "reconcile/cloud.h"
#include "reconcile/critical_path.h"
#include "reconcile/plan.h"

namespace kstack::reconcile {

/// Event is one step of an apply as it happens, for the progress view and the log.
struct Event {
  enum class Type { started, waiting, done, failed, skipped, retrying };
  Type type = Type::started;
  Key key;
  std::string verb;    // "create", "update", "delete"
  std::string detail;  // the error, the status waited for, ...
};

/// ExecutorOptions bound how an apply runs.
struct ExecutorOptions {
  int parallelism = 8;  // cloud calls in flight at once
  std::chrono::milliseconds poll_interval{2000};
  std::map<Kind, std::chrono::seconds> timeouts;  // overrides the kinds' default timeouts (Octavia's)
  /// Overrides the kinds' pause before re-creating what failed with a fault that needs time (for tests).
  std::optional<std::chrono::milliseconds> retry_pause;
  const std::atomic<bool>* stop = nullptr;     // set (by SIGINT): start nothing new, let calls in flight finish
  std::function<void(const Event&)> on_event;  // called from worker threads, one call at a time
  /// Called just before a resource is created, with its references resolved and every resource known by
  /// then: fills in what only then can be known (a server's user-data names its volume and the API's
  /// address). Empty: the resource as planned. Called from worker threads, possibly at once.
  std::function<Result<Resource>(Resource resolved, const std::map<Key, ObservedResource>& known)> prepare;
};

/// ApplyResult is what an apply did.
struct ApplyResult {
  int created = 0;
  int updated = 0;
  int deleted = 0;
  int skipped = 0;  // not attempted: a dependency failed, or the apply was interrupted
  std::vector<Error> errors;
  bool interrupted = false;
  std::map<Key, ObservedResource> resources;  // every resource the cluster has after the apply (kstack origin)
  std::map<Kind, int> polls;                  // list calls each kind's poller made
  std::vector<StepTiming> timeline;           // every step that ran, in the order they started

  bool ok() const { return errors.empty() && !interrupted && skipped == 0; }
};

/// Executes a plan as a dependency graph: creations after what they depend on, deletions by
/// delete rank, a replacement's creation after its deletion, drift replacements one at a time. Runs up
/// to `parallelism` calls at once, the ready step with the longest chain of dependent steps after it first
/// (each weighted by its kind's duration, as measured in this run or else expected); asynchronous states are awaited
/// through one SharedPoller per kind. A resource that ends in an error status has its evidence saved, is deleted and
/// created again, as often as its kind allows. A failure skips what depends on it and lets the rest go on.
ApplyResult execute(const Plan& plan, const ObservedState& observed, Cloud& cloud, const ExecutorOptions& options);

/// `resource` with every reference in its props replaced by the id (or attribute) of the resource it
/// names in `known`; fails naming the first reference that cannot be resolved.
[[nodiscard]] Result<Resource> resolve_references(const Resource& resource,
                                                  const std::map<Key, ObservedResource>& known);

}  // namespace kstack::reconcile
