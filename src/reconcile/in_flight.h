#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "reconcile/cloud.h"
#include "reconcile/create_journal.h"
#include "util/error.h"

namespace kstack::reconcile {

/// InFlightWait shapes settle_in_flight: how long a request of a killed run may still be running in the
/// cloud, how often to look, and where to say what it waits for.
struct InFlightWait {
  std::chrono::seconds window{120};  // the client's own limit on one request
  std::chrono::milliseconds poll{1000};
  std::function<void(const std::string&)> note;  // may be empty
};

/// Before a run that changes the cloud observes it: for every create the journal holds (begun by an
/// earlier run that never saw it answered, cut off by a kill or a crash), looks until its resource is
/// listed or `window` has passed since the create began, then ends the entry (not one whose resource is
/// listed `untagged`: the plan's adopt step ends that). So a POST still running
/// in the cloud lands before the observation, and is taken instead of made a second time. Entries older
/// than the window cost one list of their kind; a journal without entries costs nothing.
[[nodiscard]] Result<void> settle_in_flight(Cloud& cloud, CreateJournal& journal, const InFlightWait& wait);

}  // namespace kstack::reconcile
