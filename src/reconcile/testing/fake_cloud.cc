#include "reconcile/testing/fake_cloud.h"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

namespace kstack::reconcile {

namespace {

// The transitional status a new resource of an asynchronous kind shows, and the one it settles to: the
// kind's own (its descriptor's building and ready statuses).
std::pair<std::string, std::string> create_statuses(Kind kind) {
  const auto& policy = kind_policy(kind);
  if (!policy.async_create || policy.building.empty() || policy.ready.empty()) return {"", ""};
  return {*policy.building.begin(), *policy.ready.begin()};
}

// What a resource under deletion shows: the kind's deleting status, else ACTIVE (Nova keeps ACTIVE with
// task_state deleting).
std::string delete_status(Kind kind) {
  const auto& policy = kind_policy(kind);
  return policy.deleting.empty() ? "ACTIVE" : *policy.deleting.begin();
}

std::vector<std::string> items(const std::string& value) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    auto comma = value.find(',', start);
    out.push_back(value.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

// Whether `value` is shaped like an id this fake hands out: "<kind>-<number>".
bool looks_like_id(const std::string& value) {
  auto dash = value.rfind('-');
  if (dash == std::string::npos || dash + 1 == value.size()) return false;
  if (!parse_kind(value.substr(0, dash))) return false;
  return std::all_of(value.begin() + static_cast<long>(dash) + 1, value.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

// Counts one call and, with the lock released, sleeps the configured latency.
struct FakeCloud::CallGuard {
  FakeCloud& cloud;
  CallGuard(FakeCloud& c, const std::string& verb) : cloud(c) {
    {
      std::lock_guard l(cloud.mu_);
      ++cloud.calls_[verb];
      ++cloud.in_flight_;
      cloud.max_in_flight_ = std::max(cloud.max_in_flight_, cloud.in_flight_);
    }
    if (cloud.options_.call_latency.count() > 0) std::this_thread::sleep_for(cloud.options_.call_latency);
  }
  ~CallGuard() {
    std::lock_guard l(cloud.mu_);
    --cloud.in_flight_;
  }
};

/// KindFake is the fake's seam for one kind.
class FakeCloud::KindFake : public KindOps {
 public:
  KindFake(FakeCloud& cloud, Kind kind) : cloud_(cloud), kind_(kind) {}

  Result<std::vector<ObservedResource>> list() override {
    CallGuard call(cloud_, "list");
    std::lock_guard l(cloud_.mu_);
    std::vector<ObservedResource> out;
    for (auto it = cloud_.store_.begin(); it != cloud_.store_.end();) {
      auto& s = it->second;
      if (s.resource.key.kind == kind_ && s.settle_in > 0 && --s.settle_in == 0) {
        if (s.deleting) {
          it = cloud_.store_.erase(it);
          continue;
        }
        s.resource.status = s.settles_to;
      }
      if (s.resource.key.kind == kind_ && s.resource.origin == Origin::kstack) out.push_back(s.resource);
      ++it;
    }
    return out;
  }

  Result<ObservedResource> create(const Resource& resolved) override {
    CallGuard call(cloud_, "create");
    std::lock_guard l(cloud_.mu_);
    auto& next = cloud_.fail_next_[kind_];
    int failing = next;
    next = 0;
    if (failing == 1) {
      return std::unexpected(Error{.what = "the service is unavailable", .service = "fake", .http_status = 503});
    }
    for (const auto& [attribute, value] : resolved.props) {
      if (value.find("ref:") != std::string::npos) {
        return std::unexpected(Error{.what = attribute + " holds an unresolved reference", .http_status = 400});
      }
      for (const auto& item : items(value)) {
        if (!looks_like_id(item)) continue;
        auto it = cloud_.store_.find(item);
        if (it == cloud_.store_.end() || it->second.deleting) {
          return std::unexpected(
              Error{.what = fmt::format("{} {} could not be found", attribute, item), .http_status = 404});
        }
      }
    }
    Stored s;
    s.resource.key = resolved.key;
    s.resource.id = fmt::format("{}-{}", kind_name(kind_), cloud_.next_id_++);
    s.resource.props = resolved.props;
    s.resource.created_at = fmt::format("{:012}", cloud_.next_id_);
    auto [transitional, settled] = create_statuses(kind_);
    if (!transitional.empty()) {
      s.resource.status = transitional;
      s.settles_to = settled;
      s.settle_in = cloud_.options_.lists_until_settled;
      auto& queue = cloud_.failures_[resolved.key];
      if (!queue.empty()) {
        auto [status, fault] = queue.front();
        queue.erase(queue.begin());
        s.settles_to = status;
        s.resource.fault = fault;
      }
    }
    if (kind_ == Kind::load_balancer) s.resource.props["vip_port_id"] = "vip-of-" + s.resource.id;
    ObservedResource out = s.resource;
    cloud_.store_[out.id] = std::move(s);
    if (failing == 2) return std::unexpected(Error{.what = "the response was lost", .service = "fake"});
    return out;
  }

  Result<void> update(const ObservedResource& current, const Resource& resolved) override {
    CallGuard call(cloud_, "update");
    std::lock_guard l(cloud_.mu_);
    auto it = cloud_.store_.find(current.id);
    if (it == cloud_.store_.end()) return std::unexpected(Error{.what = "not found", .http_status = 404});
    const auto& policy = kind_policy(kind_);
    for (const auto& [attribute, value] : resolved.props) {
      if (policy.updatable.contains(attribute)) it->second.resource.props[attribute] = value;
    }
    if (kind_ == Kind::load_balancer) {
      it->second.resource.status = "PENDING_UPDATE";
      it->second.settles_to = "ACTIVE";
      it->second.settle_in = cloud_.options_.lists_until_settled;
    }
    return {};
  }

  Result<void> adopt(const ObservedResource& current) override {
    CallGuard call(cloud_, "adopt");
    std::lock_guard l(cloud_.mu_);
    auto it = cloud_.store_.find(current.id);
    if (it == cloud_.store_.end()) return std::unexpected(Error{.what = "not found", .http_status = 404});
    it->second.resource.untagged = false;
    return {};
  }

  Result<void> remove(const ObservedResource& current) override {
    CallGuard call(cloud_, "delete");
    std::lock_guard l(cloud_.mu_);
    auto it = cloud_.store_.find(current.id);
    if (it == cloud_.store_.end()) return {};
    for (const auto& [id, other] : cloud_.store_) {
      if (id == current.id) continue;
      for (const auto& [attribute, value] : other.resource.props) {
        for (const auto& item : items(value)) {
          if (item == current.id) {
            return std::unexpected(Error{
                .what = fmt::format("{} is in use by {} ({})", current.id, other.resource.key.to_string(), attribute),
                .http_status = 409});
          }
        }
      }
    }
    if (!kind_policy(kind_).async_delete) {
      cloud_.store_.erase(it);
      return {};
    }
    it->second.deleting = true;
    it->second.resource.status = delete_status(kind_);
    it->second.settle_in = cloud_.options_.lists_until_settled;
    return {};
  }

 private:
  FakeCloud& cloud_;
  Kind kind_;
};

FakeCloud::FakeCloud() : FakeCloud(Options{}) {}

FakeCloud::FakeCloud(Options options) : options_(options) {
  for (auto kind : all_kinds()) kinds_[kind] = std::make_unique<KindFake>(*this, kind);
}

FakeCloud::~FakeCloud() = default;

KindOps& FakeCloud::ops(Kind kind) { return *kinds_.at(kind); }

Result<std::vector<ObservedResource>> FakeCloud::list_kubernetes_owned() {
  CallGuard call(*this, "list");
  std::lock_guard l(mu_);
  std::vector<ObservedResource> out;
  for (const auto& [id, s] : store_) {
    if (s.resource.origin != Origin::kstack) out.push_back(s.resource);
  }
  return out;
}

std::string FakeCloud::save_evidence(const ObservedResource& failed) {
  std::lock_guard l(mu_);
  evidence_.push_back(failed.id);
  return failed.fault;
}

std::string FakeCloud::seed(ObservedResource resource) {
  std::lock_guard l(mu_);
  if (resource.id.empty()) resource.id = fmt::format("{}-{}", kind_name(resource.key.kind), next_id_++);
  if (resource.created_at.empty()) resource.created_at = fmt::format("{:012}", next_id_++);
  std::string id = resource.id;
  store_[id] = Stored{.resource = std::move(resource)};
  return id;
}

void FakeCloud::fail_creates(const Key& key, int times, std::string status, std::string fault) {
  std::lock_guard l(mu_);
  for (int i = 0; i < times; ++i) failures_[key].emplace_back(status, fault);
}

void FakeCloud::fail_next_create(Kind kind, bool lost_response) {
  std::lock_guard l(mu_);
  fail_next_[kind] = lost_response ? 2 : 1;
}

std::vector<ObservedResource> FakeCloud::resources() const {
  std::lock_guard l(mu_);
  std::vector<ObservedResource> out;
  for (const auto& [id, s] : store_) out.push_back(s.resource);
  return out;
}

int FakeCloud::calls() const {
  std::lock_guard l(mu_);
  int n = 0;
  for (const auto& [verb, count] : calls_) n += count;
  return n;
}

int FakeCloud::calls(const std::string& verb) const {
  std::lock_guard l(mu_);
  auto it = calls_.find(verb);
  return it == calls_.end() ? 0 : it->second;
}

int FakeCloud::max_in_flight() const {
  std::lock_guard l(mu_);
  return max_in_flight_;
}

void FakeCloud::reset_max_in_flight() {
  std::lock_guard l(mu_);
  max_in_flight_ = in_flight_;
}

std::vector<std::string> FakeCloud::evidence() const {
  std::lock_guard l(mu_);
  return evidence_;
}

}  // namespace kstack::reconcile
