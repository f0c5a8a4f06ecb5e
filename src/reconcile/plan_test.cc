#include "reconcile/plan.h"

#include <gtest/gtest.h>

#include "reconcile/executor.h"
#include "reconcile/testing/reference_cluster.h"

namespace kstack::reconcile {
namespace {

using testing::reference_resources;

// The cloud as it is once `desired` exists exactly: ids assigned, references resolved, statuses settled.
ObservedState exactly(const std::vector<Resource>& desired) {
  ObservedState s;
  std::map<Key, ObservedResource> known;
  auto order = dependency_order(desired);
  EXPECT_TRUE(order);
  int n = 0;
  for (const auto* r : *order) {
    auto resolved = resolve_references(*r, known);
    EXPECT_TRUE(resolved) << resolved.error().to_string();
    ObservedResource o{.key = r->key, .id = fmt::format("id-{}", ++n), .props = resolved->props};
    const auto& policy = kind_policy(r->key.kind);
    if (!policy.ready.empty()) o.status = *policy.ready.begin();
    if (r->key.kind == Kind::load_balancer) o.props["vip_port_id"] = "vip-port";
    o.created_at = fmt::format("{:06}", n);
    known[r->key] = o;
    s.resources.push_back(o);
  }
  return s;
}

ObservedResource* find(ObservedState& s, Kind kind, const std::string& name) {
  for (auto& r : s.resources) {
    if (r.key == Key{kind, name}) return &r;
  }
  return nullptr;
}

const Action* action_for(const Plan& p, Kind kind, const std::string& name) {
  for (const auto& a : p.actions) {
    if (a.key == Key{kind, name}) return &a;
  }
  return nullptr;
}

TEST(Plan, EmptyCloudCreatesEverythingInDependencyOrder) {
  auto desired = reference_resources();
  auto plan = make_plan(desired, {});
  ASSERT_TRUE(plan) << plan.error().to_string();
  EXPECT_EQ(plan->to_add(), static_cast<int>(desired.size()));
  EXPECT_EQ(plan->to_destroy(), 0);
  std::set<Key> seen;
  for (const auto& a : plan->actions) {
    EXPECT_EQ(a.op, Op::create);
    for (const auto& d : a.desired->depends_on) EXPECT_TRUE(seen.contains(d)) << a.key.to_string();
    seen.insert(a.key);
  }
  const auto* server = action_for(*plan, Kind::server, "demo-master-1");
  ASSERT_NE(server, nullptr);
  bool unknown_port = false;
  for (const auto& c : server->changes) unknown_port |= c.attribute == "port_id" && c.after == kKnownAfterApply;
  EXPECT_TRUE(unknown_port);
}

TEST(Plan, MatchingCloudPlansNothing) {
  auto desired = reference_resources();
  auto plan = make_plan(desired, exactly(desired));
  ASSERT_TRUE(plan);
  EXPECT_TRUE(plan->actions.empty()) << plan->actions.front().key.to_string();
  EXPECT_TRUE(plan->empty());
}

TEST(Plan, UserDataChangeIsDriftNotReplacement) {
  auto observed = exactly(reference_resources(3, 3, "v1"));
  auto desired = reference_resources(3, 3, "v2");
  auto plan = make_plan(desired, observed);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->drifted(), 7);
  EXPECT_TRUE(plan->empty());
  const auto* a = action_for(*plan, Kind::server, "demo-worker-1");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->op, Op::drift);
  ASSERT_EQ(a->changes.size(), 1u);
  EXPECT_TRUE(a->changes[0].drift);
  EXPECT_FALSE(a->changes[0].forces_replacement);

  auto replacing = make_plan(desired, observed, {.replace_drifted = true});
  ASSERT_TRUE(replacing);
  EXPECT_EQ(replacing->to_add(), 7);
  EXPECT_EQ(replacing->to_destroy(), 7);
  for (const auto& x : replacing->actions) EXPECT_TRUE(x.one_at_a_time);
}

TEST(Plan, ForcingAttributeReplacesAndCascades) {
  auto desired = reference_resources();
  auto observed = exactly(desired);
  find(observed, Kind::port, "demo-worker-1")->props["fixed_ip"] = "10.0.0.200";
  auto plan = make_plan(desired, observed);
  ASSERT_TRUE(plan);
  const auto* port = action_for(*plan, Kind::port, "demo-worker-1");
  ASSERT_NE(port, nullptr);
  EXPECT_EQ(port->op, Op::replace);
  ASSERT_EQ(port->changes.size(), 1u);
  EXPECT_EQ(port->changes[0].attribute, "fixed_ip");
  EXPECT_TRUE(port->changes[0].forces_replacement);
  // The server refers to the port, so it goes with it.
  const auto* server = action_for(*plan, Kind::server, "demo-worker-1");
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(server->op, Op::replace);
  EXPECT_EQ(plan->to_add(), 2);
  EXPECT_EQ(plan->to_destroy(), 2);
}

TEST(Plan, UpdatableAttributeChangesInPlace) {
  auto desired = reference_resources();
  auto observed = exactly(desired);
  find(observed, Kind::subnet, "demo-subnet")->props["dns_nameservers"] = "8.8.8.8";
  find(observed, Kind::load_balancer, "demo-api")->props["members"] = "10.0.0.13,10.0.0.11,10.0.0.12";
  // A list compared as a set: order does not matter.
  auto& sgs = find(observed, Kind::port, "demo-master-1")->props["security_groups"];
  auto comma = sgs.find(',');
  sgs = sgs.substr(comma + 1) + "," + sgs.substr(0, comma);
  auto plan = make_plan(desired, observed);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->to_change(), 1);
  EXPECT_EQ(plan->to_add(), 0);
  EXPECT_EQ(action_for(*plan, Kind::subnet, "demo-subnet")->op, Op::update);
  EXPECT_EQ(action_for(*plan, Kind::load_balancer, "demo-api"), nullptr);  // the same members, another order
  EXPECT_EQ(action_for(*plan, Kind::port, "demo-master-1"), nullptr);
}

TEST(Plan, ApiListenerSourcesAndTimeoutsChangeInPlaceAMonitorChangeReplaces) {
  auto desired = reference_resources();
  auto observed = exactly(desired);
  auto* lb = find(observed, Kind::load_balancer, "demo-api");
  lb->props["allowed_cidrs"] = "192.0.2.0/24,10.0.0.0/16";
  lb->props["timeout_client_data"] = "50000";
  auto plan = make_plan(desired, observed);
  ASSERT_TRUE(plan);
  const auto* update = action_for(*plan, Kind::load_balancer, "demo-api");
  ASSERT_NE(update, nullptr);
  EXPECT_EQ(update->op, Op::update);
  ASSERT_EQ(update->changes.size(), 2u);
  for (const auto& c : update->changes) EXPECT_FALSE(c.forces_replacement) << c.attribute;
  EXPECT_EQ(plan->to_change(), 1);
  EXPECT_EQ(plan->to_add(), 0);
  EXPECT_EQ(action_for(*plan, Kind::floating_ip, "demo-api"), nullptr);  // the VIP port stays

  // The same sources in another order are the same list.
  lb->props["allowed_cidrs"] = "203.0.113.0/24,10.0.0.0/16,198.51.100.0/24";
  lb->props["timeout_client_data"] = "14400000";
  plan = make_plan(desired, observed);
  ASSERT_TRUE(plan);
  EXPECT_TRUE(plan->actions.empty());

  // Octavia cannot change a monitor's type: a load balancer with the old TCP monitor is replaced.
  lb->props["monitor"] = "TCP delay=5 timeout=5 max_retries=3";
  plan = make_plan(desired, observed);
  ASSERT_TRUE(plan);
  EXPECT_EQ(action_for(*plan, Kind::load_balancer, "demo-api")->op, Op::replace);
}

TEST(Plan, DuplicatesAreDeletedKeepingTheOldestHealthy) {
  auto desired = reference_resources();
  auto observed = exactly(desired);
  auto copy = *find(observed, Kind::server, "demo-worker-2");
  copy.id = "id-dup";
  copy.created_at = "999999";
  observed.resources.push_back(copy);
  auto plan = make_plan(desired, observed);
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->actions.size(), 1u);
  EXPECT_EQ(plan->actions[0].op, Op::remove);
  EXPECT_EQ(plan->actions[0].current->id, "id-dup");
  EXPECT_NE(plan->actions[0].reason.find("duplicate"), std::string::npos);

  // When the older copy is in ERROR, the healthy one is kept and the broken one deleted.
  find(observed, Kind::server, "demo-worker-2")->status = "ERROR";
  plan = make_plan(desired, observed);
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->actions.size(), 1u);
  EXPECT_EQ(plan->actions[0].op, Op::remove);
  EXPECT_NE(plan->actions[0].current->id, "id-dup");
}

TEST(Plan, FailedResourceIsReplaced) {
  auto desired = reference_resources();
  auto observed = exactly(desired);
  auto* lb = find(observed, Kind::load_balancer, "demo-api");
  lb->status = "ERROR";
  lb->fault = "amphora failed to boot";
  auto plan = make_plan(desired, observed);
  ASSERT_TRUE(plan);
  const auto* a = action_for(*plan, Kind::load_balancer, "demo-api");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->op, Op::replace);
  EXPECT_EQ(a->reason, "status ERROR: amphora failed to boot");
  // The API floating IP follows the VIP port of the new load balancer: re-pointed in place.
  const auto* fip = action_for(*plan, Kind::floating_ip, "demo-api");
  ASSERT_NE(fip, nullptr);
  EXPECT_EQ(fip->op, Op::update);
}

TEST(Plan, ScalingDownDeletesHighestIndexFirst) {
  auto observed = exactly(reference_resources(3, 12));
  auto plan = make_plan(reference_resources(3, 9), observed);
  ASSERT_TRUE(plan);
  std::vector<std::string> servers;
  for (const auto& a : plan->actions) {
    EXPECT_EQ(a.op, Op::remove) << a.key.to_string();
    if (a.key.kind == Kind::server) servers.push_back(a.key.name);
  }
  EXPECT_EQ(servers, (std::vector<std::string>{"demo-worker-12", "demo-worker-11", "demo-worker-10"}));
  EXPECT_EQ(plan->to_destroy(), 9);  // server, port, volume for each
  // Deletions run by delete rank: servers first.
  EXPECT_EQ(plan->actions.front().key.kind, Kind::server);
  EXPECT_EQ(plan->actions.back().key.kind, Kind::port);
}

TEST(Plan, UnknownDependencyAndCycleAreErrors) {
  std::vector<Resource> r = {{.key = {Kind::port, "p"}, .depends_on = {{Kind::network, "missing"}}}};
  auto plan = make_plan(r, {});
  ASSERT_FALSE(plan);
  EXPECT_NE(plan.error().what.find("network.missing"), std::string::npos);
  std::vector<Resource> cycle = {{.key = {Kind::network, "a"}, .depends_on = {{Kind::subnet, "b"}}},
                                 {.key = {Kind::subnet, "b"}, .depends_on = {{Kind::network, "a"}}}};
  plan = make_plan(cycle, {});
  ASSERT_FALSE(plan);
  EXPECT_NE(plan.error().what.find("cycle"), std::string::npos);
}

TEST(Plan, KubernetesResourcesIgnoredByApplyHandledByDestroy) {
  auto desired = reference_resources(1, 1);
  auto observed = exactly(desired);
  observed.resources.push_back({.key = {Kind::load_balancer, "kube_service_demo_default_web"},
                                .id = "lb-k8s",
                                .status = "ACTIVE",
                                .origin = Origin::kubernetes_service});
  observed.resources.push_back(
      {.key = {Kind::volume, "pvc-1234"}, .id = "vol-pv", .status = "available", .origin = Origin::csi_volume});
  auto plan = make_plan(desired, observed);
  ASSERT_TRUE(plan);
  EXPECT_TRUE(plan->actions.empty());

  auto keep = make_destroy_plan(observed, false);
  EXPECT_EQ(keep.to_destroy(), static_cast<int>(observed.resources.size()) - 1);
  ASSERT_EQ(keep.kept.size(), 1u);
  EXPECT_EQ(keep.kept[0].id, "vol-pv");
  EXPECT_EQ(keep.actions.front().key.kind, Kind::server);
  EXPECT_EQ(keep.actions.back().key.kind, Kind::keypair);

  auto all = make_destroy_plan(observed, true);
  EXPECT_EQ(all.to_destroy(), static_cast<int>(observed.resources.size()));
  EXPECT_TRUE(all.kept.empty());
}

TEST(Plan, AnUntaggedResourceIsAdoptedNotCreatedAndItsUpdateAdoptsItFirst) {
  auto desired = reference_resources();
  auto observed = exactly(desired);
  find(observed, Kind::network, "demo-net")->untagged = true;
  auto* subnet = find(observed, Kind::subnet, "demo-subnet");
  subnet->untagged = true;
  subnet->props["dns_nameservers"] = "192.0.2.53";
  auto plan = make_plan(desired, observed);
  ASSERT_TRUE(plan) << plan.error().to_string();
  ASSERT_EQ(plan->actions.size(), 2u);
  const auto* network = action_for(*plan, Kind::network, "demo-net");
  ASSERT_NE(network, nullptr);
  EXPECT_EQ(network->op, Op::adopt);
  EXPECT_TRUE(network->changes.empty());
  EXPECT_EQ(network->reason, kUntaggedReason);
  const auto* update = action_for(*plan, Kind::subnet, "demo-subnet");
  ASSERT_NE(update, nullptr);
  EXPECT_EQ(update->op, Op::update);
  EXPECT_TRUE(update->current->untagged);
  EXPECT_TRUE(update->reason.starts_with(kUntaggedReason)) << update->reason;
  EXPECT_EQ(plan->to_add(), 0);
  EXPECT_EQ(plan->to_change(), 2);
  EXPECT_FALSE(plan->empty());
}

TEST(Plan, TheTaggedOneOfTwoIsKeptAnUntaggedOneNotWantedOrBrokenIsNotAdopted) {
  auto desired = reference_resources();
  auto observed = exactly(desired);
  // An untagged twin older than the tagged network: the tagged one stays, the twin goes.
  ObservedResource twin = *find(observed, Kind::network, "demo-net");
  twin.id = "twin";
  twin.created_at = "000000";
  twin.untagged = true;
  observed.resources.push_back(twin);
  // A router the spec no longer names, untagged: deleted, not adopted.
  observed.resources.push_back(ObservedResource{.key = {Kind::router, "gone"}, .id = "r-gone", .untagged = true});
  // An untagged server in ERROR: replaced.
  auto* server = find(observed, Kind::server, "demo-worker-1");
  server->untagged = true;
  server->status = "ERROR";
  auto plan = make_plan(desired, observed);
  ASSERT_TRUE(plan) << plan.error().to_string();
  for (const auto& a : plan->actions) EXPECT_NE(a.op, Op::adopt) << a.key.to_string();
  std::map<std::string, Op> by_id;
  for (const auto& a : plan->actions) {
    if (a.current) by_id[a.current->id] = a.op;
  }
  EXPECT_EQ(by_id["twin"], Op::remove);
  EXPECT_EQ(by_id["r-gone"], Op::remove);
  EXPECT_EQ(by_id[server->id], Op::replace);
  EXPECT_FALSE(by_id.contains(find(observed, Kind::network, "demo-net")->id));
}

}  // namespace
}  // namespace kstack::reconcile
