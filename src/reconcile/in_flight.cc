#include "reconcile/in_flight.h"

#include <fmt/format.h>

#include <set>
#include <thread>

namespace kstack::reconcile {

Result<void> settle_in_flight(Cloud& cloud, CreateJournal& journal, const InFlightWait& wait) {
  if (journal.read_only()) return {};
  for (const Kind kind : all_kinds()) {
    const std::vector<std::string> pending = journal.pending(kind);
    if (pending.empty()) continue;
    bool told = false;
    // An entry whose age cannot be read counts as just begun: the deadline still bounds the wait.
    const auto deadline = std::chrono::steady_clock::now() + wait.window;
    std::set<std::string> untagged;  // found by the last list without a tag: a plan's adopt step tags them
    while (std::chrono::steady_clock::now() < deadline) {
      auto listed = cloud.ops(kind).list();
      if (!listed) return std::unexpected(listed.error());
      std::set<std::string> names;
      untagged.clear();
      for (const auto& r : *listed) {
        names.insert(r.key.name);
        if (r.untagged) untagged.insert(r.key.name);
      }
      std::vector<std::string> waiting;
      for (const auto& name : pending) {
        if (!names.contains(name) && journal.age(kind, name) < wait.window) waiting.push_back(name);
      }
      if (waiting.empty()) break;
      if (!told && wait.note) {
        wait.note(
            fmt::format("waiting up to {} s for the create of {} {} that an earlier run sent and never saw "
                        "answered",
                        wait.window.count(), kind_name(kind), fmt::join(waiting, ", ")));
        told = true;
      }
      std::this_thread::sleep_for(wait.poll);
    }
    // Found with the cluster's tag, or never made: the entry ends. Found untagged: it stays until the
    // plan's adopt step has tagged the resource.
    for (const auto& name : pending) {
      if (!untagged.contains(name)) journal.end(kind, name);
    }
  }
  return {};
}

}  // namespace kstack::reconcile
