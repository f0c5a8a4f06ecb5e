#include "reconcile/poller.h"

#include <fmt/format.h>

namespace kstack::reconcile {

namespace {
constexpr std::chrono::milliseconds kStopCheck{100};
}

SharedPoller::SharedPoller(KindOps& ops, std::chrono::milliseconds interval, const std::atomic<bool>* stop,
                           CallGate* gate)
    : ops_(ops), interval_(interval), stop_(stop), gate_(gate) {}

int SharedPoller::polls() const {
  std::lock_guard l(mu_);
  return polls_;
}

Result<std::optional<ObservedResource>> SharedPoller::wait(const std::string& id,
                                                           std::chrono::steady_clock::time_point deadline,
                                                           const Verdict& verdict) {
  std::unique_lock l(mu_);
  uint64_t need = started_ + 1;  // only a list that starts from now on says anything about this wait
  while (true) {
    if (snapshot_start_ >= need) {
      auto it = snapshot_.find(id);
      const ObservedResource* r = it == snapshot_.end() ? nullptr : &it->second;
      int v = verdict(r);
      if (v > 0) return r ? std::optional<ObservedResource>(*r) : std::nullopt;
      if (v < 0) {
        Error e{.what = r ? fmt::format("ended in status {}", r->status) : "disappeared while being waited for",
                .where = id};
        if (r && !r->fault.empty()) e.what += ": " + r->fault;
        return std::unexpected(e);
      }
      need = snapshot_start_ + 1;
    }
    if (stop_ && stop_->load()) return fail("interrupted while waiting", id);
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      Error e{.what = "timed out waiting for its status to settle", .where = id};
      if (last_error_) e.what += " (last list failed: " + last_error_->what + ")";
      return std::unexpected(e);
    }
    if (!polling_ && now >= next_poll_) {
      polling_ = true;
      uint64_t mine = ++started_;
      l.unlock();
      if (gate_) gate_->acquire();
      auto listed = ops_.list();
      if (gate_) gate_->release();
      l.lock();
      polling_ = false;
      ++polls_;
      if (listed) {
        snapshot_.clear();
        for (auto& r : *listed) snapshot_[r.id] = std::move(r);
        snapshot_start_ = mine;
        last_error_.reset();
      } else {
        last_error_ = listed.error();
      }
      next_poll_ = std::chrono::steady_clock::now() + interval_;
      cv_.notify_all();
      continue;
    }
    auto until = std::min(deadline, now + kStopCheck);
    if (!polling_) until = std::min(until, next_poll_);
    cv_.wait_until(l, until);
  }
}

Result<ObservedResource> SharedPoller::wait_settled(const std::string& id, const std::set<std::string>& settled,
                                                    std::chrono::steady_clock::time_point deadline) {
  auto r = wait(id, deadline, [&](const ObservedResource* r) {
    if (!r) return -1;
    return settled.contains(r->status) ? 1 : 0;
  });
  if (!r) return std::unexpected(r.error());
  return **r;
}

Result<void> SharedPoller::wait_gone(const std::string& id, const std::set<std::string>& failed,
                                     std::chrono::steady_clock::time_point deadline) {
  auto r = wait(id, deadline, [&](const ObservedResource* r) {
    if (!r) return 1;
    return failed.contains(r->status) ? -1 : 0;
  });
  if (!r) return std::unexpected(r.error());
  return {};
}

}  // namespace kstack::reconcile
