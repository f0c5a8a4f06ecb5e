#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include "reconcile/kind.h"
#include "util/error.h"

namespace kstack::state {
class StateDir;
}

namespace kstack::reconcile {

/// CreateJournal remembers, in the state directory, every create from before it is sent until it is
/// answered (and, for Neutron, which refuses tags in a POST, until the tag call after it is). After a crash
/// or `kill -9` in between, the next run waits for a create that may still be running in the cloud
/// (settle_in_flight) and adopts an untagged resource of a journalled name, so that nothing is created
/// twice and nothing is left behind. A name leaves the journal once its resource is tagged or proved
/// absent. Thread-safe: each entry is its own file.
class CreateJournal {
 public:
  /// `dir` null: a journal that records nothing (tests, commands without a state directory).
  explicit CreateJournal(state::StateDir* dir) : dir_(dir) {}

  /// Records that a `kind` named `name` is about to be created. A failure means the create must not run.
  [[nodiscard]] Result<void> begin(Kind kind, const std::string& name);

  /// The create of `name` ended with its resource tagged (or proved absent): the entry goes.
  void end(Kind kind, const std::string& name);

  /// The create of `name` failed with an answer, so none of its requests is still running in the cloud;
  /// the entry stays (the POST of a create and tag may have made the resource) but counts as old.
  void answered(Kind kind, const std::string& name);

  /// Whether a create that failed with `e` may still have made its resource: no answer came, or the
  /// service answered with a server-side error (5xx) after it may have acted.
  static bool may_have_made(const Error& e) {
    return !e.service.empty() && (e.http_status == 0 || e.http_status >= 500);
  }

  /// The names of `kind` whose create began and never ended, sorted.
  std::vector<std::string> pending(Kind kind) const;

  /// How long ago the create of `name` began; zero when the journal does not say.
  std::chrono::seconds age(Kind kind, const std::string& name) const;

  /// A POST whose client was killed may still be running in the cloud: a journalled name whose resource is
  /// not found stays in the journal this long after its create began before it counts as never made.
  static constexpr std::chrono::seconds kInFlight{600};

  /// A read-only command (plan, status) reports what it finds but tags nothing and keeps the entries.
  void set_read_only(bool read_only) { read_only_ = read_only; }
  bool read_only() const { return read_only_; }

 private:
  std::string entry(Kind kind, const std::string& name) const;

  state::StateDir* dir_;
  std::atomic<bool> read_only_{false};
};

}  // namespace kstack::reconcile
