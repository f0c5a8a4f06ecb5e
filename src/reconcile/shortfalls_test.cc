#include "reconcile/shortfalls.h"

#include <gtest/gtest.h>

#include <string>

#include "reconcile/testing/reference_cluster.h"

namespace kstack::reconcile {
namespace {

// The reference cluster's plan from nothing: every resource created.
Plan plan_from_nothing(int workers = 3) {
  Plan plan;
  for (auto& r : testing::reference_resources(3, workers)) {
    plan.actions.push_back({.op = Op::create, .key = r.key, .desired = r});
  }
  return plan;
}

// A project with room for everything: every quota unlimited (-1), the reference flavors known.
Inventory roomy() {
  Inventory inv;
  inv.flavors["flavor-master"] = {.id = "flavor-master", .vcpus = 3, .ram_mb = 4096};
  inv.flavors["flavor-worker"] = {.id = "flavor-worker", .vcpus = 6, .ram_mb = 16384};
  inv.flavors["flavor-small"] = {.id = "flavor-small", .vcpus = 1, .ram_mb = 2048};
  inv.compute = {
      .max_instances = -1, .max_cores = -1, .max_ram_mb = -1, .max_server_groups = -1, .max_server_group_members = -1};
  inv.load_balancers = openstack::loadbalancer::LoadBalancerQuota{.limit = -1};
  inv.block = {.max_volumes = -1, .max_gigabytes = -1};
  for (const char* name :
       {"network", "subnet", "router", "port", "floatingip", "security_group", "security_group_rule"}) {
    inv.network[name] = {.limit = -1};
  }
  inv.group_members = {{"masters", 3}, {"etcds", 0}, {"workers", 3}};
  return inv;
}

const Shortfall* find(const std::vector<Shortfall>& all, const std::string& what) {
  for (const auto& s : all) {
    if (s.what == what) return &s;
  }
  return nullptr;
}

TEST(QuotaNeed, ReferenceClusterTakes) {
  const auto need = quota_need(plan_from_nothing());
  EXPECT_EQ(need.of("instances"), 7);  // 3 masters, 3 workers, the bastion
  EXPECT_EQ(need.flavors.at("flavor-master"), 3);
  EXPECT_EQ(need.flavors.at("flavor-worker"), 3);
  EXPECT_EQ(need.of("volumes"), 6);
  EXPECT_EQ(need.of("gigabytes"), 3 * 25 + 3 * 50);
  EXPECT_EQ(need.of("load balancers"), 1);
  EXPECT_EQ(need.of("floatingip"), 2);     // the API's and the bastion's
  EXPECT_EQ(need.of("port"), 7 + 1);       // a port per node and the router's leg
  EXPECT_EQ(need.of("server groups"), 2);  // masters and workers
  EXPECT_EQ(need.of("network"), 1);
  EXPECT_GT(need.of("security_group_rule"), 0);
}

TEST(Shortfalls, NoneWhenEverythingFits) { EXPECT_TRUE(shortfalls(plan_from_nothing(), roomy()).empty()); }

TEST(Shortfalls, EachQuotaShortBy) {
  auto inv = roomy();
  inv.compute.max_instances = 10;
  inv.compute.used_instances = 5;
  inv.compute.max_cores = 30;  // 3×3 + 3×6 + 1 = 28 cores wanted
  inv.compute.used_cores = 4;
  inv.block.max_gigabytes = 1000;
  inv.network["floatingip"] = {.limit = 3, .used = 1, .reserved = 1};
  inv.load_balancers = openstack::loadbalancer::LoadBalancerQuota{.limit = 1, .used = 1};
  const auto found = shortfalls(plan_from_nothing(), inv);
  ASSERT_EQ(found.size(), 4u);
  const auto* instances = find(found, "quota instances");
  ASSERT_NE(instances, nullptr);
  EXPECT_EQ(instances->need, "7");
  EXPECT_EQ(instances->have, "5 left (5 of 10 used)");
  EXPECT_EQ(instances->hint, "short by 2: raise the project's quota or shrink the spec");
  const auto* cores = find(found, "quota cores");
  ASSERT_NE(cores, nullptr);
  EXPECT_EQ(cores->need, "28");
  EXPECT_EQ(cores->have, "26 left (4 of 30 used)");
  ASSERT_NE(find(found, "quota floatingip"), nullptr);
  EXPECT_EQ(find(found, "quota floatingip")->have, "1 left (2 of 3 used)");
  ASSERT_NE(find(found, "quota load balancers"), nullptr);
  EXPECT_EQ(find(found, "quota gigabytes"), nullptr);  // 225 of 1000 fits
}

TEST(Shortfalls, ServerGroupMembersPerRole) {
  auto inv = roomy();
  inv.compute.max_server_group_members = 2;
  const auto found = shortfalls(plan_from_nothing(), inv);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].what, "quota server group members (masters)");
  EXPECT_EQ(found[0].hint, "short by 1: raise the project's server_group_members quota");
  EXPECT_EQ(found[1].what, "quota server group members (workers)");
  // Nothing to create: no finding, whatever the quotas.
  EXPECT_TRUE(shortfalls(Plan{}, inv).empty());
}

TEST(Shortfalls, UserDataNovaWouldRefuse) {
  auto plan = plan_from_nothing();
  for (auto& a : plan.actions) {
    if (a.key.kind == Kind::server && a.key.name == "demo-worker-2") {
      a.desired->payload["user_data"] = std::string(60000, 'x');  // 80000 B in base64
    }
  }
  const auto found = shortfalls(plan, roomy());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].what, "user-data of demo-worker-2");
  EXPECT_EQ(found[0].need, "80000 B");
  EXPECT_EQ(found[0].have, "65535 B allowed");
}

TEST(Shortfalls, UnlimitedAndUnreadQuotasAreNeverShort) {
  auto inv = roomy();
  inv.load_balancers.reset();  // not read: the plan makes none, or the cloud has no Octavia
  inv.network.clear();         // Neutron without the quota extension's details
  EXPECT_TRUE(shortfalls(plan_from_nothing(), inv).empty());
}

TEST(Shortfalls, RenderedAsATableWithHints) {
  const auto table = render_shortfalls({{"quota instances", "7", "5 left (5 of 10 used)", "short by 2"}});
  EXPECT_NE(table.find("WHAT"), std::string::npos);
  EXPECT_NE(table.find("quota instances"), std::string::npos);
  EXPECT_NE(table.find("5 left (5 of 10 used)"), std::string::npos);
  EXPECT_NE(table.find("\n      short by 2\n"), std::string::npos) << table;
}

}  // namespace
}  // namespace kstack::reconcile
