#include "reconcile/cloud.h"

#include <fmt/format.h>

#include <future>

namespace kstack::reconcile {

namespace {

/// Observation brackets one observe() on the cloud (see Cloud::observation_began).
class Observation {
 public:
  explicit Observation(Cloud& cloud) : cloud_(cloud) { cloud_.observation_began(); }
  ~Observation() { cloud_.observation_ended(); }
  Observation(const Observation&) = delete;
  Observation& operator=(const Observation&) = delete;

 private:
  Cloud& cloud_;
};

}  // namespace

Result<void> KindOps::adopt(const ObservedResource& current) {
  return fail(fmt::format("a {} cannot be adopted: its kind never leaves one untagged", kind_name(current.key.kind)),
              current.key.to_string());
}

Result<ObservedState> observe(Cloud& cloud, bool include_kubernetes) {
  if (auto settled = cloud.await_in_flight_creates(); !settled) return std::unexpected(settled.error());
  Observation observation(cloud);
  std::vector<std::future<Result<std::vector<ObservedResource>>>> lists;
  for (auto kind : all_kinds()) {
    lists.push_back(std::async(std::launch::async, [&cloud, kind] { return cloud.ops(kind).list(); }));
  }
  if (include_kubernetes) {
    lists.push_back(std::async(std::launch::async, [&cloud] { return cloud.list_kubernetes_owned(); }));
  }
  ObservedState state;
  std::optional<Error> first_error;
  for (auto& f : lists) {
    auto r = f.get();
    ++state.list_calls;
    if (!r) {
      if (!first_error) first_error = r.error();
      continue;
    }
    for (auto& o : *r) state.resources.push_back(std::move(o));
  }
  if (first_error) return std::unexpected(*first_error);
  return state;
}

}  // namespace kstack::reconcile
