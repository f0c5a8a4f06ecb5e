#include "reconcile/progress.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace kstack::reconcile {
namespace {

std::string seconds(std::chrono::steady_clock::duration d) {
  return fmt::format("{}s", std::chrono::duration_cast<std::chrono::seconds>(d).count());
}

}  // namespace

ProgressBoard::ProgressBoard(const Plan& plan, Clock::time_point start) : start_(start) {
  for (const auto& a : plan.actions) {
    if (steps_.emplace(a.key, StepState::queued).second) {
      auto& p = phases_[a.key.kind];
      ++p.total;
      ++p.count[StepState::queued];
    }
  }
  int i = 0;
  for (Kind k : all_kinds()) {
    if (phases_.count(k)) phases_[k].order = 1000 + i++;
  }
}

void ProgressBoard::on_event(const Event& e, Clock::time_point now) {
  StepState next;
  switch (e.type) {
    case Event::Type::started:
    case Event::Type::retrying:
      next = StepState::running;
      break;
    case Event::Type::waiting:
      next = StepState::waiting;
      break;
    case Event::Type::done:
      next = StepState::done;
      break;
    case Event::Type::failed:
    case Event::Type::skipped:
      next = StepState::failed;
      break;
    default:
      return;
  }
  auto& phase = phases_[e.key.kind];
  auto [it, inserted] = steps_.emplace(e.key, StepState::queued);
  if (inserted) {  // a step the plan did not show
    ++phase.total;
    ++phase.count[StepState::queued];
  }
  --phase.count[it->second];
  ++phase.count[next];
  it->second = next;
  if (!phase.began) {
    phase.began = now;
    phase.order = next_order_++;
  }
  const int finished = phase.count[StepState::done] + phase.count[StepState::failed];
  phase.ended = finished == phase.total ? std::optional(now) : std::nullopt;
}

std::string ProgressBoard::render(Clock::time_point now) const {
  std::vector<std::pair<Kind, const Phase*>> order;
  for (const auto& [k, p] : phases_) order.emplace_back(k, &p);
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.second->order < b.second->order; });
  std::string out;
  int total = 0, done = 0, failed = 0;
  for (const auto& [kind, p] : order) {
    auto n = [&](StepState s) {
      auto it = p->count.find(s);
      return it == p->count.end() ? 0 : it->second;
    };
    total += p->total;
    done += n(StepState::done);
    failed += n(StepState::failed);
    std::string state = !p->began                          ? "queued"
                        : p->ended && n(StepState::failed) ? "FAILED"
                        : p->ended                         ? "done"
                                                           : "working";
    std::string when = p->began ? seconds((p->ended ? *p->ended : now) - *p->began) : "";
    out += fmt::format("  {:<22} {:<8} {:>3}/{:<3} done  {:>2} in progress  {:>2} waiting  {:>3} queued{}  {:>5}\n",
                       kind_name(kind), state, n(StepState::done), p->total, n(StepState::running),
                       n(StepState::waiting), n(StepState::queued),
                       n(StepState::failed) ? fmt::format("  {} failed", n(StepState::failed)) : "", when);
  }
  out += fmt::format("  {:<22} {:<8} {:>3}/{:<3} done{}  elapsed {}\n", "all", failed ? "FAILED" : "", done, total,
                     failed ? fmt::format(", {} failed", failed) : "", seconds(now - start_));
  return out;
}

}  // namespace kstack::reconcile
