#include "reconcile/critical_path.h"

#include <algorithm>
#include <numeric>

namespace kstack::reconcile {

std::vector<double> remaining_lengths(const std::vector<std::vector<size_t>>& dependents,
                                      const std::vector<double>& weights) {
  const size_t n = dependents.size();
  // A reverse topological order: nodes with no dependents first (Kahn's algorithm on the reversed graph).
  std::vector<int> pending(n, 0);
  std::vector<std::vector<size_t>> waits_for(n);
  for (size_t i = 0; i < n; ++i) {
    pending[i] = static_cast<int>(dependents[i].size());
    for (size_t d : dependents[i]) waits_for[d].push_back(i);
  }
  std::vector<size_t> order;
  order.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (pending[i] == 0) order.push_back(i);
  }
  std::vector<double> length(n, 0);
  for (size_t next = 0; next < order.size(); ++next) {
    const size_t i = order[next];
    double longest = 0;
    for (size_t d : dependents[i]) longest = std::max(longest, length[d]);
    length[i] = weights[i] + longest;
    for (size_t before : waits_for[i]) {
      if (--pending[before] == 0) order.push_back(before);
    }
  }
  return length;
}

CriticalPath critical_path(const std::vector<StepTiming>& timeline) {
  // A step starts only after every step it waited for finished: in the order of starting, each step's
  // predecessors come first.
  std::vector<size_t> order(timeline.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return timeline[a].started < timeline[b].started; });
  std::vector<double> ending(timeline.size(), 0);  // the longest chain that ends with this step
  std::vector<size_t> via(timeline.size(), timeline.size());
  for (size_t i : order) {
    double before = 0;
    for (size_t p : timeline[i].after) {
      if (p < timeline.size() && ending[p] > before) {
        before = ending[p];
        via[i] = p;
      }
    }
    ending[i] = before + timeline[i].seconds();
  }
  CriticalPath path;
  if (timeline.empty()) return path;
  size_t last = static_cast<size_t>(std::max_element(ending.begin(), ending.end()) - ending.begin());
  path.seconds = ending[last];
  for (size_t i = last; i < timeline.size(); i = via[i]) path.steps.push_back(i);
  std::reverse(path.steps.begin(), path.steps.end());
  return path;
}

}  // namespace kstack::reconcile
