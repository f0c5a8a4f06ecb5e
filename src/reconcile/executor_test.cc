#include "reconcile/executor.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>

#include "reconcile/testing/fake_cloud.h"
#include "reconcile/testing/reference_cluster.h"

namespace kstack::reconcile {
namespace {

using namespace std::chrono_literals;
using testing::reference_resources;

ExecutorOptions fast(int parallelism = 8) {
  return {.parallelism = parallelism, .poll_interval = 1ms, .retry_pause = 20ms};
}

struct Outcome {
  Plan plan;
  ApplyResult result;
};

Outcome converge(FakeCloud& cloud, const std::vector<Resource>& desired, const ExecutorOptions& options = fast(),
                 const PlanOptions& plan_options = {}) {
  auto observed = observe(cloud);
  EXPECT_TRUE(observed) << observed.error().to_string();
  auto plan = make_plan(desired, *observed, plan_options);
  EXPECT_TRUE(plan) << plan.error().to_string();
  auto result = execute(*plan, *observed, cloud, options);
  for (const auto& e : result.errors) ADD_FAILURE() << e.to_string();
  return {std::move(*plan), std::move(result)};
}

// The cloud holds exactly the desired resources: one of each, nothing else, everything settled.
void expect_exactly(const FakeCloud& cloud, const std::vector<Resource>& desired) {
  std::map<Key, int> count;
  for (const auto& r : cloud.resources()) {
    ++count[r.key];
    const auto& policy = kind_policy(r.key.kind);
    if (!policy.ready.empty()) {
      EXPECT_TRUE(policy.ready.contains(r.status)) << r.key.to_string() << " " << r.status;
    }
  }
  EXPECT_EQ(count.size(), desired.size());
  for (const auto& d : desired) EXPECT_EQ(count[d.key], 1) << d.key.to_string();
}

Plan plan_now(FakeCloud& cloud, const std::vector<Resource>& desired) {
  auto observed = observe(cloud);
  EXPECT_TRUE(observed);
  auto plan = make_plan(desired, *observed);
  EXPECT_TRUE(plan);
  return *plan;
}

TEST(Executor, AppliesTheReferenceClusterThenPlansNothing) {
  FakeCloud cloud;
  auto desired = reference_resources();
  auto out = converge(cloud, desired);
  EXPECT_TRUE(out.result.ok());
  EXPECT_EQ(out.result.created, static_cast<int>(desired.size()));
  expect_exactly(cloud, desired);
  auto again = plan_now(cloud, desired);
  EXPECT_TRUE(again.actions.empty()) << again.actions.front().key.to_string();
  // The floating IP of the API points at the load balancer's VIP port, known only after its create.
  for (const auto& r : cloud.resources()) {
    if (r.key == Key{Kind::floating_ip, "demo-api"}) {
      EXPECT_TRUE(r.props.at("port_id").starts_with("vip-of-"));
    }
  }
}

TEST(Executor, NoOpApplyCostsTheSameForSixAndTwoHundredWorkers) {
  std::map<int, int> calls;
  for (int workers : {6, 200}) {
    FakeCloud cloud({.lists_until_settled = 1});
    auto desired = reference_resources(3, workers);
    converge(cloud, desired, fast(16));
    int before = cloud.calls();
    auto out = converge(cloud, desired);
    EXPECT_EQ(out.result.created + out.result.updated + out.result.deleted, 0);
    calls[workers] = cloud.calls() - before;
  }
  EXPECT_EQ(calls[6], static_cast<int>(all_kinds().size()));
  EXPECT_EQ(calls[6], calls[200]);
}

TEST(Executor, ParallelismIsBounded) {
  FakeCloud cloud({.lists_until_settled = 1, .call_latency = 2ms});
  auto desired = reference_resources(3, 20);
  auto observed = observe(cloud);  // one list per kind, all at once
  EXPECT_GT(cloud.max_in_flight(), 1);
  auto plan = make_plan(desired, *observed);
  cloud.reset_max_in_flight();
  auto result = execute(*plan, *observed, cloud, fast(4));
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(cloud.max_in_flight(), 4);  // shared polls run on the waiting worker's turn
  expect_exactly(cloud, desired);
}

// A step waiting for the cloud to settle holds no call slot: with two calls in flight at most (polls
// included), more than two servers are built at once.
TEST(Executor, AWaitHoldsNoCallSlot) {
  FakeCloud cloud({.lists_until_settled = 20, .call_latency = 1ms});
  auto desired = reference_resources(3, 10);
  std::set<Key> waiting;
  size_t most_waiting = 0;
  ExecutorOptions options = fast(2);
  options.on_event = [&](const Event& e) {
    if (e.type == Event::Type::waiting) waiting.insert(e.key);
    if (e.type == Event::Type::done || e.type == Event::Type::failed) waiting.erase(e.key);
    most_waiting = std::max(most_waiting, waiting.size());
  };
  auto observed = observe(cloud);
  auto plan = make_plan(desired, *observed);
  ASSERT_TRUE(plan);
  cloud.reset_max_in_flight();
  auto result = execute(*plan, *observed, cloud, options);
  for (const auto& e : result.errors) ADD_FAILURE() << e.to_string();
  EXPECT_LE(cloud.max_in_flight(), 2);
  EXPECT_GT(most_waiting, 2u);
  expect_exactly(cloud, desired);
}

TEST(Executor, PollsAreSharedAcrossWaiters) {
  FakeCloud cloud({.lists_until_settled = 3, .call_latency = 1ms});
  auto desired = reference_resources(3, 30);
  auto out = converge(cloud, desired, {.parallelism = 16, .poll_interval = 5ms});
  ASSERT_TRUE(out.result.ok());
  // 33 servers each needing three lists would be ~100 lists polled one by one.
  EXPECT_LT(out.result.polls[Kind::server], 40);
}

// With one call at a time, the longest chain goes first: the network (→ subnet → router leg → load
// balancer → floating IP → masters) before the keypair that comes first in the plan, and the subnet
// before any security group rule, which nothing waits for.
TEST(Executor, StartsTheLongestChainFirst) {
  FakeCloud cloud({.lists_until_settled = 1});
  auto desired = reference_resources();
  std::vector<Key> started;
  ExecutorOptions options = fast(1);
  options.on_event = [&](const Event& e) {
    if (e.type == Event::Type::started) started.push_back(e.key);
  };
  auto out = converge(cloud, desired, options);
  ASSERT_TRUE(out.result.ok());
  ASSERT_EQ(out.plan.actions.front().key.kind, Kind::keypair);
  ASSERT_EQ(started.size(), desired.size() + 1);  // the API floating IP is created, then associated
  EXPECT_EQ(started.front().kind, Kind::network);
  auto first = [&](auto&& pred) { return std::find_if(started.begin(), started.end(), pred) - started.begin(); };
  EXPECT_LT(first([](const Key& k) { return k.kind == Kind::subnet; }),
            first([](const Key& k) { return k.kind == Kind::security_group_rule; }));
}

// The timeline names every step with what it waited for; its critical path is a chain of dependents
// that ends in a server and is no longer than the run.
TEST(Executor, TimelineGivesTheCriticalPath) {
  FakeCloud cloud({.lists_until_settled = 1, .call_latency = 1ms});
  auto desired = reference_resources();
  const auto t0 = std::chrono::steady_clock::now();
  auto out = converge(cloud, desired);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(out.result.ok());
  const auto& timeline = out.result.timeline;
  ASSERT_EQ(timeline.size(), desired.size() + 1);  // the API floating IP: created, then associated
  std::map<std::pair<Key, std::string>, size_t> index;
  for (size_t i = 0; i < timeline.size(); ++i) index[{timeline[i].key, timeline[i].verb}] = i;
  for (const auto& d : desired) {
    const auto& step = timeline[index.at({d.key, "create"})];
    for (size_t p : step.after) EXPECT_LE(timeline[p].finished, step.started) << d.key.to_string();
    if (!d.set_after_create.empty()) continue;
    EXPECT_EQ(step.after.size(), d.depends_on.size()) << d.key.to_string();
  }
  // The API's floating IP is allocated before its load balancer exists, and associated after.
  const Key fip{Kind::floating_ip, "demo-api"}, lb{Kind::load_balancer, "demo-api"};
  EXPECT_TRUE(timeline[index.at({fip, "create"})].after.empty());
  const auto& associate = timeline[index.at({fip, "update"})].after;
  EXPECT_NE(std::find(associate.begin(), associate.end(), index.at({lb, "create"})), associate.end());
  const auto& master = timeline[index.at({{Kind::server, "demo-master-1"}, "create"})].after;
  EXPECT_NE(std::find(master.begin(), master.end(), index.at({fip, "create"})), master.end());
  auto path = critical_path(timeline);
  ASSERT_GE(path.steps.size(), 2u);
  for (size_t i = 1; i < path.steps.size(); ++i) {
    const auto& after = timeline[path.steps[i]].after;
    EXPECT_NE(std::find(after.begin(), after.end(), path.steps[i - 1]), after.end());
  }
  EXPECT_GT(path.seconds, 0);
  EXPECT_LE(path.seconds, wall);
}

TEST(Executor, ServerInErrorIsRetriedWithEvidenceAfterAPauseWhenNovaFoundNoHost) {
  FakeCloud cloud;
  cloud.fail_creates({Kind::server, "demo-worker-2"}, 1, "ERROR", "No valid host was found.");
  cloud.fail_creates({Kind::server, "demo-worker-3"}, 1, "ERROR", "Build of instance aborted");
  auto desired = reference_resources();
  std::vector<Event> events;
  auto options = fast();
  options.on_event = [&](const Event& e) { events.push_back(e); };
  auto out = converge(cloud, desired, options);
  EXPECT_TRUE(out.result.ok());
  expect_exactly(cloud, desired);
  ASSERT_EQ(cloud.evidence().size(), 2u);
  bool retried = std::any_of(events.begin(), events.end(), [](const Event& e) {
    return e.type == Event::Type::retrying && e.key.name == "demo-worker-2" &&
           e.detail.find("No valid host") != std::string::npos;
  });
  EXPECT_TRUE(retried);
  auto paused = [&](const std::string& name) {
    return std::count_if(events.begin(), events.end(), [&](const Event& e) {
      return e.type == Event::Type::waiting && e.key.name == name &&
             e.detail.find("before creating it again") != std::string::npos;
    });
  };
  EXPECT_EQ(paused("demo-worker-2"), 1);  // Nova's scheduler needs time to see the host free
  EXPECT_EQ(paused("demo-worker-3"), 0);  // any other fault: created again at once
}

TEST(Executor, PersistentErrorFailsAndSkipsDependents) {
  FakeCloud cloud;
  cloud.fail_creates({Kind::load_balancer, "demo-api"}, 5, "ERROR", "provider failed");
  auto desired = reference_resources();
  auto observed = observe(cloud);
  auto plan = make_plan(desired, *observed);
  auto result = execute(*plan, *observed, cloud, fast());
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_NE(result.errors[0].what.find("provider failed"), std::string::npos);
  EXPECT_EQ(result.errors[0].where, "load_balancer.demo-api");
  EXPECT_EQ(result.skipped, 1);  // the association of the API's floating IP (allocated, masters created)
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(cloud.evidence().size(), 2u);  // the first try and its one retry
  // Everything else exists; a later apply has the load balancer to create and the floating IP to associate.
  auto rest = plan_now(cloud, desired);
  EXPECT_EQ(rest.to_add(), 1);
  EXPECT_EQ(rest.to_change(), 1);
}

// A create whose answer is lost may have made its resource: the executor looks before creating again.
// A lost answer is found and taken; a 503 that made nothing is followed by a second create.
TEST(Executor, AnUnclearCreateIsLookedForBeforeItIsSentAgain) {
  FakeCloud cloud;
  auto desired = reference_resources();
  cloud.fail_next_create(Kind::network, /*lost_response=*/true);
  cloud.fail_next_create(Kind::subnet, /*lost_response=*/false);
  std::vector<std::string> retries;
  ExecutorOptions options = fast();
  options.on_event = [&](const Event& e) {
    if (e.type == Event::Type::retrying) retries.push_back(e.key.to_string() + ": " + e.detail);
  };
  auto first = converge(cloud, desired, options);
  EXPECT_TRUE(first.result.ok());
  expect_exactly(cloud, desired);
  EXPECT_EQ(cloud.calls("create"), static_cast<int>(desired.size()) + 1);  // the subnet twice, the network once
  ASSERT_EQ(retries.size(), 2u);
  EXPECT_NE(retries[0].find("looking whether it was made"), std::string::npos) << retries[0];

  // A duplicate server (two for one name) is deleted by the next apply.
  for (const auto& r : cloud.resources()) {
    if (r.key == Key{Kind::server, "demo-worker-1"}) {
      auto copy = r;
      copy.id.clear();
      copy.created_at = "zzzz";
      cloud.seed(copy);
    }
  }
  auto third = converge(cloud, desired);
  EXPECT_EQ(third.result.deleted, 1);
  EXPECT_EQ(third.result.created, 0);
  expect_exactly(cloud, desired);
}

TEST(Executor, InterruptStopsNewWorkAndApplyAgainConverges) {
  FakeCloud cloud({.lists_until_settled = 2, .call_latency = 2ms});
  auto desired = reference_resources(3, 10);
  std::atomic<bool> stop{false};
  auto options = fast(4);
  options.stop = &stop;
  // Events come one at a time: `open` counts the steps started and not yet done. A worker that took its
  // step before the stop reports it started only once the event that stops the run has been handled:
  // `late` counts those, at most one a call slot.
  int done = 0, open = 0, open_at_stop = 0, late = 0;
  options.on_event = [&](const Event& e) {
    if (e.type == Event::Type::started) {
      ++open;
      if (stop) ++late;
    }
    if (e.type != Event::Type::done) return;
    --open;
    if (++done == 15) {
      stop = true;
      open_at_stop = open;
    }
  };
  auto observed = observe(cloud);
  auto plan = make_plan(desired, *observed);
  auto result = execute(*plan, *observed, cloud, options);
  EXPECT_TRUE(result.interrupted);
  EXPECT_GT(result.skipped, 0);
  int created_so_far = static_cast<int>(cloud.resources().size());
  EXPECT_LT(created_so_far, static_cast<int>(desired.size()));
  EXPECT_GE(created_so_far, 15);
  // Nothing started after the stop: at most the steps under way then (4 calls, and servers being built),
  // and those already taken by a worker when it came.
  EXPECT_LE(late, 4);
  EXPECT_LE(created_so_far, 15 + open_at_stop + late);

  auto resumed = converge(cloud, desired);
  EXPECT_TRUE(resumed.result.ok());
  expect_exactly(cloud, desired);
  EXPECT_EQ(resumed.result.deleted, 0);
}

TEST(Executor, ScalesWorkersUpAndDown) {
  FakeCloud cloud({.lists_until_settled = 1});
  for (int workers : {3, 5, 2}) {
    auto desired = reference_resources(3, workers);
    auto out = converge(cloud, desired);
    EXPECT_TRUE(out.result.ok()) << workers;
    expect_exactly(cloud, desired);
  }
}

TEST(Executor, ChangingTheApiSourcesUpdatesTheListenerInPlace) {
  FakeCloud cloud;
  auto spec = testing::reference_spec();
  auto model = model::build_model(spec);
  auto desired = *desired_resources(spec, *model, testing::reference_facts(*model));
  converge(cloud, desired);
  std::string lb_id;
  for (const auto& r : cloud.resources()) {
    if (r.key.kind == Kind::load_balancer) lb_id = r.id;
  }

  spec.network.api_allowed_cidrs = {"192.0.2.0/24"};
  auto narrowed = *desired_resources(spec, *model, testing::reference_facts(*model));
  auto out = converge(cloud, narrowed);
  EXPECT_TRUE(out.result.ok());
  EXPECT_EQ(out.result.updated, 1);
  // Besides the listener, only the masters' rules for the API sources change: one new, two gone.
  for (const auto& a : out.plan.actions) {
    if (a.op != Op::update) {
      EXPECT_EQ(a.key.kind, Kind::security_group_rule) << a.key.to_string();
    }
  }
  for (const auto& r : cloud.resources()) {
    if (r.key.kind != Kind::load_balancer) continue;
    EXPECT_EQ(r.id, lb_id);
    EXPECT_EQ(r.props.at("allowed_cidrs"), "10.0.0.0/16,192.0.2.0/24");
    EXPECT_EQ(r.status, "ACTIVE");
  }
  EXPECT_TRUE(plan_now(cloud, narrowed).actions.empty());
}

TEST(Executor, DriftReplacementsRunOneAtATime) {
  FakeCloud cloud({.lists_until_settled = 1});
  converge(cloud, reference_resources(3, 3, "v1"));
  std::vector<std::string> order;
  int replacing = 0, most = 0;
  auto options = fast(8);
  options.on_event = [&](const Event& e) {
    if (e.key.kind != Kind::server) return;
    if (e.type == Event::Type::started && e.verb == "delete") most = std::max(most, ++replacing);
    if (e.type == Event::Type::done && e.verb == "create") --replacing;
  };
  auto desired = reference_resources(3, 3, "v2");
  auto out = converge(cloud, desired, options, {.replace_drifted = true});
  EXPECT_TRUE(out.result.ok());
  EXPECT_EQ(out.result.deleted, 7);
  EXPECT_EQ(most, 1);
  auto after = plan_now(cloud, desired);
  EXPECT_EQ(after.drifted(), 0);
  EXPECT_TRUE(after.actions.empty());
}

TEST(Executor, DestroyLeavesNothingButKeptVolumes) {
  FakeCloud cloud({.lists_until_settled = 1});
  auto desired = reference_resources();
  converge(cloud, desired);
  cloud.seed({.key = {Kind::load_balancer, "kube_service_demo_default_web"},
              .status = "ACTIVE",
              .origin = Origin::kubernetes_service});
  cloud.seed({.key = {Kind::volume, "pvc-1"}, .status = "available", .origin = Origin::csi_volume});
  auto observed = observe(cloud, /*include_kubernetes=*/true);
  ASSERT_TRUE(observed);
  auto plan = make_destroy_plan(*observed, false);
  auto result = execute(plan, *observed, cloud, fast());
  EXPECT_TRUE(result.ok());
  auto left = cloud.resources();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].key.name, "pvc-1");

  auto again = observe(cloud, true);
  auto all = make_destroy_plan(*again, true);
  EXPECT_TRUE(execute(all, *again, cloud, fast()).ok());
  EXPECT_TRUE(cloud.resources().empty());
}

// A run killed after it sent a load balancer's delete leaves it PENDING_DELETE, where Octavia refuses a
// second DELETE (409): the next destroy waits for it to go instead.
TEST(Executor, ADeleteUnderWayIsWaitedForNotSentAgain) {
  FakeCloud cloud({.lists_until_settled = 3});
  auto desired = reference_resources();
  converge(cloud, desired);
  auto observed = observe(cloud);
  ASSERT_TRUE(observed);
  auto lb = std::find_if(observed->resources.begin(), observed->resources.end(),
                         [](const ObservedResource& r) { return r.key.kind == Kind::load_balancer; });
  ASSERT_NE(lb, observed->resources.end());
  ASSERT_TRUE(cloud.ops(Kind::load_balancer).remove(*lb));  // the killed run's delete
  lb->status = "PENDING_DELETE";                            // as the next run's list shows it
  const int deletes_before = cloud.calls("delete");
  auto plan = make_destroy_plan(*observed, true);
  auto result = execute(plan, *observed, cloud, fast());
  for (const auto& e : result.errors) ADD_FAILURE() << e.to_string();
  EXPECT_EQ(cloud.calls("delete") - deletes_before, static_cast<int>(plan.actions.size()) - 1);
  EXPECT_TRUE(cloud.resources().empty());
}

TEST(ResolveReferences, IdsAttributesAndLists) {
  std::map<Key, ObservedResource> known;
  known[{Kind::network, "n"}] = {.id = "net-1"};
  known[{Kind::security_group, "a"}] = {.id = "sg-a"};
  known[{Kind::security_group, "b"}] = {.id = "sg-b"};
  known[{Kind::load_balancer, "lb"}] = {.id = "lb-1", .props = {{"vip_port_id", "port-9"}}};
  Resource r{.key = {Kind::port, "p"},
             .props = {{"network_id", "ref:network/n"},
                       {"security_groups", "ref:security_group/a,ref:security_group/b"},
                       {"vip", "ref:load_balancer/lb#vip_port_id"},
                       {"fixed_ip", "10.0.0.7"}}};
  auto out = resolve_references(r, known);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->props.at("network_id"), "net-1");
  EXPECT_EQ(out->props.at("security_groups"), "sg-a,sg-b");
  EXPECT_EQ(out->props.at("vip"), "port-9");
  EXPECT_EQ(out->props.at("fixed_ip"), "10.0.0.7");
  known.erase({Kind::security_group, "b"});
  auto missing = resolve_references(r, known);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().what.find("security_group.b"), std::string::npos);
}

TEST(Executor, AnUntaggedResourceIsAdoptedOnceAndThenPlansNothing) {
  FakeCloud cloud;
  auto desired = reference_resources();
  converge(cloud, desired);
  // As an interrupted create leaves them: the network and a port exist but carry no tag.
  for (const auto& r : cloud.resources()) {
    if (r.key == Key{Kind::network, "demo-net"} || r.key == Key{Kind::port, "demo-worker-1"}) {
      ObservedResource untagged = r;
      untagged.untagged = true;
      (void)cloud.seed(untagged);
    }
  }
  const int creates = cloud.calls("create");
  auto observed = observe(cloud);
  ASSERT_TRUE(observed);
  // Observing only reads: the list calls adopt nothing.
  EXPECT_EQ(cloud.calls("adopt"), 0);
  auto out = converge(cloud, desired);
  EXPECT_EQ(cloud.calls("adopt"), 2);
  EXPECT_EQ(cloud.calls("create"), creates) << "adopted, not created again";
  EXPECT_EQ(out.result.updated, 2);
  for (const auto& r : cloud.resources()) EXPECT_FALSE(r.untagged) << r.key.to_string();
  EXPECT_TRUE(plan_now(cloud, desired).actions.empty());
}

}  // namespace
}  // namespace kstack::reconcile
