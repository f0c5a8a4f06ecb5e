#pragma once

#include <chrono>
#include <map>
#include <string>

#include "reconcile/executor.h"
#include "reconcile/plan.h"

namespace kstack::reconcile {

/// ProgressBoard follows an apply phase by phase (a phase is one resource kind): how many of its steps
/// are done, in progress (a call in flight), waiting (on the cloud: BUILD, PENDING_CREATE) or not
/// started yet, and how long the phase has taken. It only counts; the CLI draws it.
class ProgressBoard {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ProgressBoard(const Plan& plan, Clock::time_point start = Clock::now());

  void on_event(const Event& e, Clock::time_point now = Clock::now());

  /// One line per phase, in the order phases began (then the order of all_kinds()), and a total line.
  std::string render(Clock::time_point now = Clock::now()) const;
  /// How many lines render() returns.
  int lines() const { return static_cast<int>(phases_.size()) + 1; }

 private:
  enum class StepState { queued, running, waiting, done, failed };
  struct Phase {
    int total = 0;
    std::map<StepState, int> count;
    std::optional<Clock::time_point> began, ended;
    int order = 0;
  };
  Clock::time_point start_;
  std::map<Kind, Phase> phases_;
  std::map<Key, StepState> steps_;
  int next_order_ = 0;
};

}  // namespace kstack::reconcile
