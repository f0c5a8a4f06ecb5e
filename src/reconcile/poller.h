#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "reconcile/cloud.h"

namespace kstack::reconcile {

/// CallGate bounds the cloud calls in flight across a run: a call takes a slot and gives it back.
class CallGate {
 public:
  virtual ~CallGate() = default;
  /// Blocks until a slot is free, then holds it.
  virtual void acquire() = 0;
  virtual void release() = 0;
};

/// SharedPoller waits for asynchronous states of one kind on behalf of any number of threads: one list
/// call per interval, whose answer wakes every waiter. Only a list started after a waiter arrived
/// counts for it, so a create is never judged by an older answer.
class SharedPoller {
 public:
  /// `gate` (may be null): each list holds one of its slots.
  SharedPoller(KindOps& ops, std::chrono::milliseconds interval, const std::atomic<bool>* stop = nullptr,
               CallGate* gate = nullptr);

  /// Waits until `id` shows one of `settled` (its ready and its failed statuses) and returns it as that
  /// list showed it. Fails when it disappears, the deadline passes or stop is set.
  [[nodiscard]] Result<ObservedResource> wait_settled(const std::string& id, const std::set<std::string>& settled,
                                                      std::chrono::steady_clock::time_point deadline);

  /// Waits until a list no longer shows `id`. Fails when it shows one of `failed`, the deadline passes or
  /// stop is set.
  [[nodiscard]] Result<void> wait_gone(const std::string& id, const std::set<std::string>& failed,
                                       std::chrono::steady_clock::time_point deadline);

  /// How many list calls this poller made.
  int polls() const;

 private:
  // 1: done, 0: keep waiting, -1: failed. `r` is null when the latest list did not show the id.
  using Verdict = std::function<int(const ObservedResource* r)>;
  [[nodiscard]] Result<std::optional<ObservedResource>> wait(const std::string& id,
                                                             std::chrono::steady_clock::time_point deadline,
                                                             const Verdict& verdict);

  KindOps& ops_;
  std::chrono::milliseconds interval_;
  const std::atomic<bool>* stop_;
  CallGate* gate_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool polling_ = false;
  uint64_t started_ = 0;         // lists started so far
  uint64_t snapshot_start_ = 0;  // which list the snapshot came from
  std::chrono::steady_clock::time_point next_poll_{};
  std::map<std::string, ObservedResource> snapshot_;
  std::optional<Error> last_error_;
  int polls_ = 0;
};

}  // namespace kstack::reconcile
