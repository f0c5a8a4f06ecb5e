#include "reconcile/executor.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "reconcile/create_journal.h"
#include "reconcile/poller.h"

namespace kstack::reconcile {

namespace {

// complete: set a create's set_after_create; adopt: tag an interrupted create's resource
enum class TaskType { create, update, remove, complete, adopt };

// Task is one cloud operation of the graph: an action, or one half of a replacement.
struct Task {
  TaskType type = TaskType::create;
  const Action* action = nullptr;
  std::vector<size_t> dependents;
  int waiting_on = 0;
  bool skipped = false;
  bool finished = false;
  bool ran = false;  // it was started (and so finished, well or not)
  std::chrono::steady_clock::time_point started, ended;
};

const char* verb(TaskType type) {
  switch (type) {
    case TaskType::create:
      return "create";
    case TaskType::update:
    case TaskType::complete:
      return "update";
    case TaskType::remove:
      return "delete";
    case TaskType::adopt:
      return "adopt";
  }
  return "";
}

Error located(Error e, const Key& key, std::string_view doing) {
  e.what = fmt::format("{} failed: {}", doing, e.what);
  e.where = key.to_string() + (e.where.empty() ? "" : " (" + e.where + ")");
  return e;
}

// Run is one execution of a plan: the graph, the worker threads and what they share.
class Run : public CallGate {
 public:
  Run(const Plan& plan, const ObservedState& observed, Cloud& cloud, const ExecutorOptions& options)
      : plan_(plan), cloud_(cloud), options_(options) {
    for (const auto& a : plan.actions) {
      if (a.current && (a.op == Op::remove || a.op == Op::replace)) leaving_.insert(a.current->id);
    }
    for (const auto& r : observed.resources) {
      if (r.origin == Origin::kstack && !leaving_.contains(r.id)) known_.emplace(r.key, r);
    }
    build_graph();
  }

  ApplyResult go() {
    {
      std::lock_guard l(mu_);
      for (int i = 0; i < slots(); ++i) workers_.emplace_back([this] { work(); });
    }
    // A step that waits starts another worker (waiting()): join until no worker is left, since only a
    // running worker can start one.
    for (size_t i = 0;; ++i) {
      std::thread worker;
      {
        std::lock_guard l(mu_);
        if (i >= workers_.size()) break;
        worker = std::move(workers_[i]);
      }
      worker.join();
    }
    for (const auto& t : tasks_) {
      if (!t.finished) ++result_.skipped;
    }
    result_.interrupted = stopped();
    result_.resources = known_;
    for (const auto& [kind, p] : pollers_) result_.polls[kind] = p->polls();
    record_timeline();
    return std::move(result_);
  }

 private:
  size_t add_task(TaskType type, const Action* a) {
    tasks_.push_back(Task{.type = type, .action = a});
    return tasks_.size() - 1;
  }
  void edge(size_t from, size_t to) {
    tasks_[from].dependents.push_back(to);
    ++tasks_[to].waiting_on;
  }

  void build_graph() {
    std::map<Key, size_t> creates;
    std::map<Key, size_t> completes;             // the update that sets a create's set_after_create props
    std::map<int, std::vector<size_t>> removes;  // by delete rank
    std::optional<size_t> last_rolling;
    auto add_create = [&](const Action& a) {
      const size_t c = add_task(TaskType::create, &a);
      creates[a.key] = c;
      if (!a.desired->set_after_create.empty()) {
        completes[a.key] = add_task(TaskType::complete, &a);
        edge(c, completes[a.key]);
      }
      return c;
    };
    for (const auto& a : plan_.actions) {
      switch (a.op) {
        case Op::create:
          add_create(a);
          break;
        case Op::update:
          creates[a.key] = add_task(TaskType::update, &a);
          break;
        case Op::remove:
          removes[kind_descriptor(a.key.kind).delete_rank].push_back(add_task(TaskType::remove, &a));
          break;
        case Op::replace: {
          size_t r = add_task(TaskType::remove, &a);
          size_t c = add_create(a);
          edge(r, c);
          removes[kind_descriptor(a.key.kind).delete_rank].push_back(r);
          if (a.one_at_a_time) {
            if (last_rolling) edge(*last_rolling, r);
            last_rolling = completes.contains(a.key) ? completes[a.key] : c;
          }
          break;
        }
        case Op::adopt:
          creates[a.key] = add_task(TaskType::adopt, &a);
          break;
        case Op::drift:
          break;
      }
    }
    for (const auto& [key, t] : creates) {
      const Resource& desired = *tasks_[t].action->desired;
      auto late = completes.find(key);
      // With props set after the create, the create waits only for what its other props refer to.
      std::set<Key> needed_now;
      for (const auto& [attribute, value] : desired.props) {
        if (desired.set_after_create.contains(attribute)) continue;
        (void)resolve_refs(value, [&](const Ref& r) -> std::optional<std::string> {
          needed_now.insert(r.key);
          return std::string();
        });
      }
      for (const auto& dep : desired.depends_on) {
        auto it = creates.find(dep);
        if (it == creates.end()) continue;
        const bool later = late != completes.end() && !needed_now.contains(dep);
        edge(it->second, later ? late->second : t);
      }
    }
    // Deletions by delete rank: every deletion of a kind waits for those of the kind of the next lower
    // rank that has any (the order is transitive).
    for (auto it = removes.begin(); it != removes.end(); ++it) {
      auto later = std::next(it);
      if (later == removes.end()) break;
      for (size_t from : it->second) {
        for (size_t to : later->second) edge(from, to);
      }
    }
    for (size_t i = 0; i < tasks_.size(); ++i) {
      if (tasks_[i].waiting_on == 0) ready_.push_back(i);
      dependents_.push_back(tasks_[i].dependents);
    }
  }

  // Under mu_. A step's expected duration: the mean of its kind's and verb's steps so far, else the kind's.
  double expected_seconds(const Task& t) const {
    const Kind kind = t.action->key.kind;
    if (auto it = measured_.find({kind, t.type}); it != measured_.end()) return it->second.first / it->second.second;
    const auto& policy = kind_policy(kind);
    return t.type == TaskType::remove ? policy.expected_delete_s : policy.expected_create_s;
  }

  // Under mu_. The ready step with the longest chain after it (critical-path scheduling); the ranks are
  // computed again when a measurement changed an estimate.
  size_t take_ready() {
    if (ranks_stale_) {
      std::vector<double> weights(tasks_.size());
      for (size_t i = 0; i < tasks_.size(); ++i) weights[i] = tasks_[i].finished ? 0 : expected_seconds(tasks_[i]);
      rank_ = remaining_lengths(dependents_, weights);
      ranks_stale_ = false;
    }
    auto best = ready_.begin();
    for (auto it = ready_.begin(); it != ready_.end(); ++it) {
      if (rank_[*it] > rank_[*best]) best = it;  // ties: the earliest ready, in plan order
    }
    size_t t = *best;
    ready_.erase(best);
    return t;
  }

  // Under mu_.
  void measured(const Task& t) {
    auto& [total, count] = measured_[{t.action->key.kind, t.type}];
    total += std::chrono::duration<double>(t.ended - t.started).count();
    ++count;
    ranks_stale_ = true;
  }

  void record_timeline() {
    std::vector<size_t> index(tasks_.size(), tasks_.size());
    std::vector<size_t> order;
    for (size_t i = 0; i < tasks_.size(); ++i) {
      if (tasks_[i].ran) order.push_back(i);
    }
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return tasks_[a].started < tasks_[b].started; });
    for (size_t i : order) {
      index[i] = result_.timeline.size();
      result_.timeline.push_back({.key = tasks_[i].action->key,
                                  .verb = verb(tasks_[i].type),
                                  .started = tasks_[i].started,
                                  .finished = tasks_[i].ended,
                                  .after = {}});
    }
    for (size_t i : order) {
      for (size_t d : tasks_[i].dependents) {
        if (index[d] < tasks_.size()) result_.timeline[index[d]].after.push_back(index[i]);
      }
    }
  }

  bool stopped() const { return options_.stop && options_.stop->load(); }

  int slots() const { return std::max(1, options_.parallelism); }

  void work() {
    std::unique_lock l(mu_);
    while (true) {
      if (stopped()) break;
      // A step back from a wait goes before a new one.
      if (ready_.empty() || calling_ >= slots() || returning_ > 0) {
        if (running_ == 0) break;
        cv_.wait_for(l, std::chrono::milliseconds(100));
        continue;
      }
      size_t t = take_ready();
      ++running_;
      ++calling_;
      tasks_[t].ran = true;
      tasks_[t].started = std::chrono::steady_clock::now();
      l.unlock();
      auto ok = run_task(tasks_[t]);
      const auto ended = std::chrono::steady_clock::now();
      l.lock();
      --running_;
      --calling_;
      tasks_[t].ended = ended;
      tasks_[t].finished = true;
      if (ok) measured(tasks_[t]);
      if (ok) {
        for (size_t d : tasks_[t].dependents) {
          if (--tasks_[d].waiting_on == 0 && !tasks_[d].skipped) ready_.push_back(d);
        }
      } else {
        result_.errors.push_back(ok.error());
        skip_dependents(t, ok.error());
      }
      cv_.notify_all();
    }
    cv_.notify_all();
  }

  // A call slot (CallGate), for a step back from a wait or a shared poll: they go before new steps.
  void acquire() override {
    std::unique_lock l(mu_);
    ++returning_;
    cv_.wait(l, [this] { return calling_ < slots(); });
    --returning_;
    ++calling_;
  }
  void release() override {
    {
      std::lock_guard l(mu_);
      --calling_;
    }
    cv_.notify_all();
  }

  // Runs `wait` (shared polls until the cloud settles) without holding a call slot, so that other steps
  // run meanwhile: `parallelism` bounds the calls in flight (each poll takes a slot), not the resources
  // being built. A worker is started when fewer than `parallelism` would be left to take steps (at most
  // kMaxWaiting waits beyond them).
  template <class F>
  auto waiting(F&& wait) -> decltype(wait()) {
    {
      std::lock_guard l(mu_);
      ++waiting_;
      if (static_cast<int>(workers_.size()) - waiting_ < slots() &&
          static_cast<int>(workers_.size()) < slots() + kMaxWaiting) {
        workers_.emplace_back([this] { work(); });
      }
    }
    release();
    auto settled = wait();
    acquire();
    std::lock_guard l(mu_);
    --waiting_;
    return settled;
  }

  // Under mu_.
  void skip_dependents(size_t t, const Error& cause) {
    std::vector<size_t> stack(tasks_[t].dependents);
    while (!stack.empty()) {
      size_t d = stack.back();
      stack.pop_back();
      if (tasks_[d].skipped) continue;
      tasks_[d].skipped = true;
      emit({Event::Type::skipped, tasks_[d].action->key, verb(tasks_[d].type),
            "depends on " + tasks_[t].action->key.to_string() + ", which failed: " + cause.what});
      for (size_t next : tasks_[d].dependents) stack.push_back(next);
    }
  }

  void emit(const Event& e) {
    if (!options_.on_event) return;
    std::lock_guard l(event_mu_);
    options_.on_event(e);
  }

  SharedPoller& poller(Kind kind) {
    std::lock_guard l(pollers_mu_);
    auto& p = pollers_[kind];
    if (!p) p = std::make_unique<SharedPoller>(cloud_.ops(kind), options_.poll_interval, options_.stop, this);
    return *p;
  }

  std::chrono::steady_clock::time_point deadline(Kind kind) const {
    auto it = options_.timeouts.find(kind);
    auto timeout = it != options_.timeouts.end() ? it->second : kind_policy(kind).timeout;
    return std::chrono::steady_clock::now() + timeout;
  }

  std::map<Key, ObservedResource> known() {
    std::lock_guard l(known_mu_);
    return known_;
  }
  void remember(const ObservedResource& r) {
    std::lock_guard l(known_mu_);
    known_.insert_or_assign(r.key, r);
  }
  void forget(const ObservedResource& r) {
    std::lock_guard l(known_mu_);
    if (auto it = known_.find(r.key); it != known_.end() && it->second.id == r.id) known_.erase(it);
  }

  Result<void> run_task(const Task& t) {
    const Action& a = *t.action;
    emit({Event::Type::started, a.key, verb(t.type), {}});
    Result<void> ok;
    switch (t.type) {
      case TaskType::create:
        ok = create(a.key, *a.desired);
        break;
      case TaskType::update:
        ok = a.current->untagged ? adopt(*a.current) : Result<void>();
        if (ok) ok = update(*a.current, *a.desired);
        break;
      case TaskType::remove:
        ok = remove(*a.current);
        break;
      case TaskType::complete:
        ok = complete(a.key, *a.desired);
        break;
      case TaskType::adopt:
        ok = adopt(*a.current);
        break;
    }
    if (!ok) {
      emit({Event::Type::failed, a.key, verb(t.type), ok.error().what});
      return ok;
    }
    {
      std::lock_guard l(mu_);
      if (t.type == TaskType::create) ++result_.created;
      if (t.type == TaskType::update || t.type == TaskType::adopt) ++result_.updated;
      if (t.type == TaskType::remove) ++result_.deleted;
    }
    emit({Event::Type::done, a.key, verb(t.type), {}});
    return {};
  }

  Result<void> create(const Key& key, const Resource& full) {
    const auto& policy = kind_policy(key.kind);
    auto& ops = cloud_.ops(key.kind);
    Resource desired = full;
    for (const auto& attribute : full.set_after_create) desired.props[attribute] = "";
    for (int attempt = 0;; ++attempt) {
      auto known_now = known();
      auto resolved = resolve_references(desired, known_now);
      if (!resolved) return std::unexpected(located(resolved.error(), key, "create"));
      if (options_.prepare) {
        resolved = options_.prepare(std::move(*resolved), known_now);
        if (!resolved) return std::unexpected(located(resolved.error(), key, "create"));
      }
      auto made = ops.create(*resolved);
      for (int look = 0; !made && CreateJournal::may_have_made(made.error()) && look < kLooksAfterAnUnclearCreate;
           ++look) {
        // The create may have taken effect (its answer was lost, or the service failed after acting): look
        // for it before creating again, so that a lost answer never leaves a duplicate.
        emit({Event::Type::retrying, key, "create", made.error().what + "; looking whether it was made"});
        auto found = find_made(key);
        if (!found) break;
        made = *found ? Result<ObservedResource>(**found) : ops.create(*resolved);
      }
      if (!made) return std::unexpected(located(made.error(), key, "create"));
      made->key = key;
      if (!policy.async_create) {
        remember(*made);
        return {};
      }
      emit({Event::Type::waiting, key, "create", fmt::format("until {}", fmt::join(policy.ready, " or "))});
      const std::set<std::string> settled = policy.settled();
      auto state = waiting([&] { return poller(key.kind).wait_settled(made->id, settled, deadline(key.kind)); });
      if (!state) return std::unexpected(located(state.error(), key, "create"));
      state->key = key;
      if (policy.ready.contains(state->status)) {
        remember(*state);
        return {};
      }
      const std::string fault = cloud_.save_evidence(*state);
      Error failure{.what = fmt::format("ended in status {}{}", state->status, fault.empty() ? "" : ": " + fault),
                    .where = key.to_string()};
      if (attempt >= policy.error_retries) return std::unexpected(failure);
      emit({Event::Type::retrying, key, "create", failure.what});
      if (auto gone = remove(*state); !gone) return gone;
      if (!policy.needs_time_fault.empty() && fault.find(policy.needs_time_fault) != std::string::npos) {
        const auto pause = options_.retry_pause.value_or(policy.retry_pause) * (attempt + 1);
        emit({Event::Type::waiting, key, "create",
              fmt::format("{} s before creating it again: the cloud needs time after \"{}\"",
                          std::chrono::duration_cast<std::chrono::seconds>(pause).count(), policy.needs_time_fault)});
        waiting([&] { return pause_unless_stopped(pause); });
      }
      if (stopped()) return fail("interrupted before creating it again", key.to_string());
    }
  }

  // Sleeps for `pause`, or until the run is stopped; true when it slept the whole pause.
  bool pause_unless_stopped(std::chrono::milliseconds pause) {
    const auto until = std::chrono::steady_clock::now() + pause;
    while (!stopped() && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(
          std::chrono::milliseconds(100),
          std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now())));
    }
    return !stopped();
  }

  // The resource `key` as the cloud lists it now, not one this run already knows (nor one it is deleting);
  // none when the cloud has no such resource.
  Result<std::optional<ObservedResource>> find_made(const Key& key) {
    auto listed = cloud_.ops(key.kind).list();
    if (!listed) return std::unexpected(listed.error());
    const auto now_known = known();
    for (auto& r : *listed) {
      if (r.key != key || leaving_.contains(r.id)) continue;
      if (auto it = now_known.find(key); it != now_known.end() && it->second.id == r.id) continue;
      return std::optional<ObservedResource>(std::move(r));
    }
    return std::optional<ObservedResource>();
  }

  // Tags an interrupted create's resource as the cluster's; it is then known like any other.
  Result<void> adopt(const ObservedResource& current) {
    if (auto ok = cloud_.ops(current.key.kind).adopt(current); !ok) {
      return std::unexpected(located(ok.error(), current.key, "adopt"));
    }
    ObservedResource adopted = current;
    adopted.untagged = false;
    remember(adopted);
    return {};
  }

  // Sets the props a create left empty, now that what they refer to exists.
  Result<void> complete(const Key& key, const Resource& desired) {
    const auto now_known = known();
    auto current = now_known.find(key);
    if (current == now_known.end()) return fail("was not created", key.to_string());
    return update(current->second, desired);
  }

  Result<void> update(const ObservedResource& current, const Resource& desired) {
    const auto& policy = kind_policy(current.key.kind);
    auto resolved = resolve_references(desired, known());
    if (!resolved) return std::unexpected(located(resolved.error(), current.key, "update"));
    if (auto ok = cloud_.ops(current.key.kind).update(current, *resolved); !ok) {
      return std::unexpected(located(ok.error(), current.key, "update"));
    }
    ObservedResource after = current;
    after.untagged = false;  // run_task adopted it first
    for (const auto& [k, v] : resolved->props) after.props[k] = v;
    if (policy.async_create) {
      const std::set<std::string> settled = policy.settled();
      auto state = waiting(
          [&] { return poller(current.key.kind).wait_settled(current.id, settled, deadline(current.key.kind)); });
      if (!state) return std::unexpected(located(state.error(), current.key, "update"));
      if (!policy.ready.contains(state->status)) {
        return fail(fmt::format("update ended in status {}", state->status), current.key.to_string());
      }
      state->key = current.key;
      after = *state;
    }
    remember(after);
    return {};
  }

  Result<void> remove(const ObservedResource& current) {
    const auto& policy = kind_policy(current.key.kind);
    // A delete already under way (sent by a run that was killed before it ended) is waited for.
    const bool under_way = policy.async_delete && policy.deleting.contains(current.status);
    if (auto ok = under_way ? Result<void>() : cloud_.ops(current.key.kind).remove(current); !ok) {
      return std::unexpected(located(ok.error(), current.key, "delete"));
    }
    if (policy.async_delete) {
      emit({Event::Type::waiting, current.key, "delete", "until it is gone"});
      auto gone = waiting([&] {
        return poller(current.key.kind).wait_gone(current.id, {"error_deleting"}, deadline(current.key.kind));
      });
      if (!gone) return std::unexpected(located(gone.error(), current.key, "delete"));
    }
    forget(current);
    return {};
  }

  static constexpr int kLooksAfterAnUnclearCreate = 2;
  static constexpr int kMaxWaiting = 256;  // workers in a wait beyond the `parallelism` that take steps

  const Plan& plan_;
  Cloud& cloud_;
  std::set<std::string> leaving_;  // ids the plan deletes: never taken for a resource a create made
  const ExecutorOptions& options_;
  std::vector<Task> tasks_;

  std::mutex mu_;  // guards the graph's progress and result_
  std::condition_variable cv_;
  std::vector<size_t> ready_;
  std::vector<std::thread> workers_;
  int running_ = 0;                              // steps started and not ended
  int calling_ = 0;                              // of them, those not in a wait: at most `parallelism`
  int waiting_ = 0;                              // of them, those in a wait
  int returning_ = 0;                            // of them, those whose wait ended, until a call slot is free
  std::vector<std::vector<size_t>> dependents_;  // the graph's edges as remaining_lengths takes them (set once)
  std::vector<double> rank_;                     // each task's longest chain of expected durations, itself included
  bool ranks_stale_ = true;
  std::map<std::pair<Kind, TaskType>, std::pair<double, int>> measured_;  // total seconds, steps
  ApplyResult result_;

  std::mutex known_mu_;
  std::map<Key, ObservedResource> known_;
  std::mutex pollers_mu_;
  std::map<Kind, std::unique_ptr<SharedPoller>> pollers_;
  std::mutex event_mu_;
};

}  // namespace

Result<Resource> resolve_references(const Resource& resource, const std::map<Key, ObservedResource>& known) {
  Resource out = resource;
  for (auto& [attribute, value] : out.props) {
    auto resolved = resolve_refs(value, [&](const Ref& r) -> std::optional<std::string> {
      auto it = known.find(r.key);
      if (it == known.end()) return std::nullopt;
      if (r.attribute.empty()) return it->second.id;
      auto attr = it->second.props.find(r.attribute);
      if (attr == it->second.props.end()) return std::nullopt;
      return attr->second;
    });
    if (!resolved) {
      const Ref& r = resolved.error();
      if (r.attribute.empty() || !known.contains(r.key)) {
        return fail(fmt::format("{} refers to {}, which does not exist", attribute, r.key.to_string()),
                    resource.key.to_string());
      }
      return fail(fmt::format("{} refers to {} of {}, which is unknown", attribute, r.attribute, r.key.to_string()),
                  resource.key.to_string());
    }
    value = std::move(*resolved);
  }
  return out;
}

ApplyResult execute(const Plan& plan, const ObservedState& observed, Cloud& cloud, const ExecutorOptions& options) {
  Run run(plan, observed, cloud, options);
  return run.go();
}

}  // namespace kstack::reconcile
