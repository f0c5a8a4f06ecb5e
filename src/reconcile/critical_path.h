#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "reconcile/resource.h"

namespace kstack::reconcile {

/// The length of the longest chain that starts at each node of a dependency graph: the node's own weight
/// plus the longest of its dependents' chains. `dependents[i]` are the nodes that wait for node i; the graph
/// has no cycle. The executor starts the ready step with the longest chain first (critical-path scheduling).
std::vector<double> remaining_lengths(const std::vector<std::vector<size_t>>& dependents,
                                      const std::vector<double>& weights);

/// StepTiming is when one step of an apply ran, and which earlier steps it waited for.
struct StepTiming {
  Key key;
  std::string verb;  // "create", "update", "delete"
  std::chrono::steady_clock::time_point started;
  std::chrono::steady_clock::time_point finished;
  std::vector<size_t> after;  // indices, in the same timeline, of the steps it depended on

  double seconds() const { return std::chrono::duration<double>(finished - started).count(); }
};

/// CriticalPath is the longest chain of dependent steps of a run, each at its measured duration: no
/// scheduler can finish the run sooner.
struct CriticalPath {
  std::vector<size_t> steps;  // indices into the timeline, first step first
  double seconds = 0;
};

/// The critical path of a run's timeline; empty for an empty timeline.
CriticalPath critical_path(const std::vector<StepTiming>& timeline);

}  // namespace kstack::reconcile
