#pragma once

#include <any>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "util/error.h"

namespace kstack::reconcile {

/// SharedLists lets the kinds of one observation share their list calls: where two kinds need the same
/// collection (security groups and their rules, ports and the router's leg, networks and the pre-flight's
/// external network), the first to ask sends the call and the others wait for its answer. Outside an
/// observation every call goes to the cloud, so the executor's polls always see the cloud as it is now.
/// Thread-safe.
class SharedLists {
 public:
  /// An observation starts: the answers of the previous one are forgotten.
  void begin();
  /// The observation is over; its answers stay readable through last() until the next begin().
  void end();

  /// During an observation, the one answer of `fetch` for `key` (sent by the first caller); otherwise a
  /// fresh `fetch()`. `key` names the call (collection and filter) and its type, `T` is what fetch returns.
  template <class T, class Fetch>
  [[nodiscard]] Result<T> get(const std::string& key, Fetch&& fetch) {
    std::shared_future<std::any> shared;
    std::promise<std::any> mine;
    {
      std::lock_guard lock(mu_);
      if (observing_ == 0) return fetch();
      if (auto it = answers_.find(key); it != answers_.end()) {
        shared = it->second;
      } else {
        answers_[key] = mine.get_future().share();
      }
    }
    if (shared.valid()) return std::any_cast<Result<T>>(shared.get());
    Result<T> answer = fetch();
    mine.set_value(answer);
    return answer;
  }

  /// The last observation's answer for `key`, if it made that call and the call succeeded.
  template <class T>
  std::optional<T> last(const std::string& key) {
    std::shared_future<std::any> shared;
    {
      std::lock_guard lock(mu_);
      auto it = answers_.find(key);
      if (it == answers_.end()) return std::nullopt;
      shared = it->second;
    }
    const auto& answer = std::any_cast<const Result<T>&>(shared.get());
    if (!answer) return std::nullopt;
    return *answer;
  }

 private:
  std::mutex mu_;
  int observing_ = 0;  // observations in progress (nested or concurrent ones share one set of answers)
  std::map<std::string, std::shared_future<std::any>> answers_;
};

}  // namespace kstack::reconcile
