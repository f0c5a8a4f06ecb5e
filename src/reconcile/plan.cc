#include "reconcile/plan.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "util/text.h"

namespace kstack::reconcile {

namespace {

// The resources kept for each key: the oldest that is not in a failed status, else the oldest.
const ObservedResource* choose_keeper(const std::vector<const ObservedResource*>& found) {
  if (found.empty()) return nullptr;
  auto sorted = found;
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) {
    bool a_failed = kind_policy(a->key.kind).failed.contains(a->status);
    bool b_failed = kind_policy(b->key.kind).failed.contains(b->status);
    if (a_failed != b_failed) return !a_failed;
    if (a->untagged != b->untagged) return !a->untagged;  // the tagged one needs no adoption
    if (a->created_at != b->created_at) return a->created_at < b->created_at;
    return a->id < b->id;
  });
  return sorted.front();
}

// The trailing number of a name ("demo-worker-12" → 12), for deleting the highest index first.
long trailing_number(const std::string& name) {
  size_t i = name.size();
  while (i > 0 && name[i - 1] >= '0' && name[i - 1] <= '9') --i;
  if (i == name.size()) return -1;
  return std::stol(name.substr(i, std::min<size_t>(name.size() - i, 9)));
}

// Deletions run by the kinds' delete rank; within a kind, highest index first.
void sort_deletions(std::vector<Action>& deletions) {
  std::stable_sort(deletions.begin(), deletions.end(), [](const Action& a, const Action& b) {
    if (a.key.kind != b.key.kind) {
      return kind_descriptor(a.key.kind).delete_rank < kind_descriptor(b.key.kind).delete_rank;
    }
    long na = trailing_number(a.key.name), nb = trailing_number(b.key.name);
    if (na != nb) return na > nb;
    return a.key.name > b.key.name;
  });
}

// Resolves desired values against what exists: a reference becomes the target's id (or attribute), or
// kKnownAfterApply when the target is about to be created or replaced.
class Resolver {
 public:
  void exists(const ObservedResource* r) { existing_[r->key] = r; }
  void pending(const Key& key) { pending_.insert(key); }

  std::string resolve(const std::string& value) const {
    auto resolved = resolve_refs(value, [&](const Ref& r) -> std::optional<std::string> {
      if (pending_.contains(r.key)) return std::nullopt;
      auto it = existing_.find(r.key);
      if (it == existing_.end()) return std::nullopt;
      if (r.attribute.empty()) return it->second->id;
      auto attr = it->second->props.find(r.attribute);
      if (attr == it->second->props.end()) return std::nullopt;
      return attr->second;
    });
    return resolved ? *resolved : kKnownAfterApply;
  }

 private:
  std::map<Key, const ObservedResource*> existing_;
  std::set<Key> pending_;
};

bool same_value(const KindPolicy& policy, const std::string& attribute, const std::string& want,
                const std::string& have) {
  if (want.empty() && policy.cloud_default.contains(attribute)) return true;
  if (policy.unordered.contains(attribute)) {
    auto a = split(want), b = split(have);
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    return a == b;
  }
  return want == have;
}

std::vector<Change> diff(const Resource& want, const ObservedResource& have, const Resolver& resolver) {
  const auto& policy = kind_policy(want.key.kind);
  std::vector<Change> changes;
  for (const auto& [attribute, raw] : want.props) {
    std::string value = resolver.resolve(raw);
    auto it = have.props.find(attribute);
    std::string current = it == have.props.end() ? std::string() : it->second;
    if (value != kKnownAfterApply && same_value(policy, attribute, value, current)) continue;
    bool drift = policy.drift.contains(attribute);
    bool in_place = policy.updatable.contains(attribute);
    changes.push_back(Change{attribute, current, value, !drift && !in_place, drift});
  }
  return changes;
}

}  // namespace

const char* op_name(Op op) {
  switch (op) {
    case Op::create:
      return "create";
    case Op::update:
      return "update";
    case Op::replace:
      return "replace";
    case Op::remove:
      return "delete";
    case Op::drift:
      return "drift";
    case Op::adopt:
      return "adopt";
  }
  return "unknown";
}

int Plan::to_add() const {
  return static_cast<int>(std::count_if(actions.begin(), actions.end(),
                                        [](const Action& a) { return a.op == Op::create || a.op == Op::replace; }));
}
int Plan::to_change() const {
  return static_cast<int>(std::count_if(actions.begin(), actions.end(),
                                        [](const Action& a) { return a.op == Op::update || a.op == Op::adopt; }));
}
int Plan::to_destroy() const {
  return static_cast<int>(std::count_if(actions.begin(), actions.end(),
                                        [](const Action& a) { return a.op == Op::remove || a.op == Op::replace; }));
}
int Plan::drifted() const {
  return static_cast<int>(
      std::count_if(actions.begin(), actions.end(), [](const Action& a) { return a.op == Op::drift; }));
}

Result<std::vector<const Resource*>> dependency_order(const std::vector<Resource>& desired) {
  std::map<Key, const Resource*> by_key;
  for (const auto& r : desired) {
    if (!by_key.emplace(r.key, &r).second) return fail("a resource is declared twice", r.key.to_string());
  }
  for (const auto& r : desired) {
    for (const auto& d : r.depends_on) {
      if (!by_key.contains(d))
        return fail(fmt::format("depends on {}, which is not declared", d.to_string()), r.key.to_string());
    }
  }
  std::vector<const Resource*> out;
  std::map<Key, int> state;  // 0 unvisited, 1 on the stack, 2 done
  std::function<Result<void>(const Resource*)> visit = [&](const Resource* r) -> Result<void> {
    int& s = state[r->key];
    if (s == 2) return {};
    if (s == 1) return fail("the dependencies form a cycle", r->key.to_string());
    s = 1;
    for (const auto& d : r->depends_on) {
      if (auto ok = visit(by_key.at(d)); !ok) return ok;
    }
    state[r->key] = 2;
    out.push_back(r);
    return {};
  };
  for (const auto& r : desired) {
    if (auto ok = visit(&r); !ok) return std::unexpected(ok.error());
  }
  return out;
}

Result<Plan> make_plan(const std::vector<Resource>& desired, const ObservedState& observed,
                       const PlanOptions& options) {
  auto order = dependency_order(desired);
  if (!order) return std::unexpected(order.error());

  std::map<Key, std::vector<const ObservedResource*>> found;
  for (const auto& r : observed.resources) {
    if (r.origin == Origin::kstack) found[r.key].push_back(&r);
  }

  Plan plan;
  std::vector<Action> deletions;
  Resolver resolver;
  std::map<Key, const ObservedResource*> keepers;
  for (const auto& [key, list] : found) {
    const auto* keeper = choose_keeper(list);
    keepers[key] = keeper;
    resolver.exists(keeper);
    for (const auto* r : list) {
      if (r == keeper) continue;
      deletions.push_back(
          Action{.op = Op::remove, .key = key, .reason = fmt::format("duplicate of {}", keeper->id), .current = *r});
    }
  }

  std::set<Key> wanted;
  for (const auto* want : *order) {
    wanted.insert(want->key);
    auto it = keepers.find(want->key);
    if (it == keepers.end()) {
      resolver.pending(want->key);
      Action a{.op = Op::create, .key = want->key, .desired = *want};
      for (const auto& [attribute, value] : want->props) {
        if (value.empty()) continue;
        a.changes.push_back(Change{attribute, "", resolver.resolve(value)});
      }
      plan.actions.push_back(std::move(a));
      continue;
    }
    const auto& have = *it->second;
    const auto& policy = kind_policy(want->key.kind);
    if (policy.failed.contains(have.status)) {
      resolver.pending(want->key);
      std::string why = have.fault.empty() ? fmt::format("status {}", have.status)
                                           : fmt::format("status {}: {}", have.status, have.fault);
      plan.actions.push_back(
          Action{.op = Op::replace, .key = want->key, .reason = why, .desired = *want, .current = have});
      continue;
    }
    auto changes = diff(*want, have, resolver);
    if (changes.empty() && !have.untagged) continue;
    bool forces = std::any_of(changes.begin(), changes.end(), [](const Change& c) { return c.forces_replacement; });
    bool updates =
        std::any_of(changes.begin(), changes.end(), [](const Change& c) { return !c.forces_replacement && !c.drift; });
    bool drift = std::any_of(changes.begin(), changes.end(), [](const Change& c) { return c.drift; });
    Op op = forces ? Op::replace : updates ? Op::update : Op::drift;
    if (op == Op::drift && options.replace_drifted) op = Op::replace;
    std::string reason;
    if (op == Op::replace && !forces) reason = "configuration drift (--replace-drifted)";
    if (op == Op::update && drift) reason = "also drifted: user-data (not acted on)";
    if (have.untagged && op != Op::replace) {
      // Tagged first, then (an update) changed: the executor's step for it does both.
      reason = reason.empty() ? std::string(kUntaggedReason) : fmt::format("{}; {}", kUntaggedReason, reason);
      if (op == Op::drift) op = Op::adopt;
    }
    if (op == Op::replace) resolver.pending(want->key);
    plan.actions.push_back(Action{.op = op,
                                  .key = want->key,
                                  .changes = std::move(changes),
                                  .reason = std::move(reason),
                                  .desired = *want,
                                  .current = have,
                                  .one_at_a_time = op == Op::replace && !forces});
  }

  for (const auto& [key, keeper] : keepers) {
    if (!wanted.contains(key)) {
      deletions.push_back(Action{.op = Op::remove, .key = key, .reason = "not in the spec", .current = *keeper});
    }
  }
  sort_deletions(deletions);
  for (auto& d : deletions) plan.actions.push_back(std::move(d));
  return plan;
}

Plan make_destroy_plan(const ObservedState& observed, bool delete_volumes) {
  Plan plan;
  std::vector<Action> deletions;
  for (const auto& r : observed.resources) {
    if (r.origin == Origin::csi_volume && !delete_volumes) {
      plan.kept.push_back(r);
      continue;
    }
    std::string reason = r.origin == Origin::kstack               ? "destroy"
                         : r.origin == Origin::kubernetes_service ? "created by a LoadBalancer Service"
                                                                  : "volume of a PersistentVolume";
    deletions.push_back(Action{.op = Op::remove, .key = r.key, .reason = std::move(reason), .current = r});
  }
  sort_deletions(deletions);
  plan.actions = std::move(deletions);
  return plan;
}

}  // namespace kstack::reconcile
