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

/// CreateJournal remembers, in the state directory, every create that the cloud cannot make and tag in one
/// call (Neutron's: it refuses tags in a POST), from before the create is sent until the tag is set. After
/// a crash or `kill -9` between the two, the next observe looks up the journalled names and adopts the
/// untagged resources it finds, so that nothing is created twice and nothing is left behind. A name leaves
/// the journal once its resource is tagged or proved absent. Thread-safe: each entry is its own file.
class CreateJournal {
 public:
  /// `dir` null: a journal that records nothing (tests, commands without a state directory).
  explicit CreateJournal(state::StateDir* dir) : dir_(dir) {}

  /// Records that a `kind` named `name` is about to be created. A failure means the create must not run.
  [[nodiscard]] Result<void> begin(Kind kind, const std::string& name);

  /// The create of `name` ended with its resource tagged (or proved absent): the entry goes.
  void end(Kind kind, const std::string& name);

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
