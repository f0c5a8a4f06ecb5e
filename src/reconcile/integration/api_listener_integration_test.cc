// The API load balancer against the dev cloud (devcloud/): Octavia stores the listener's allowed sources,
// idle timeouts and the HTTPS /readyz monitor kstack asks for, and a new list of sources is an update of
// the listener in place, not a new load balancer.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <regex>

#include "openstack/loadbalancer.h"
#include "reconcile/integration/dev_cloud_cluster.h"

namespace kstack::reconcile {
namespace {

namespace lb = openstack::loadbalancer;

void allow_api_from(const std::string& spec_path, const std::string& cidrs) {
  std::string yaml = read_file(spec_path);
  yaml = std::regex_replace(yaml, std::regex("api_allowed_cidrs: \\[[^\\]]*\\]"), "api_allowed_cidrs: [" + cidrs + "]");
  std::ofstream(spec_path) << yaml;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST_F(DevCloudCluster, ApiListenerTakesTheSpecsSourcesAndANewListUpdatesItInPlace) {
  auto spec = write_spec(3, 2);
  allow_api_from(spec, "198.51.100.0/24");
  auto s = open(spec);
  ASSERT_TRUE(s);
  auto first = s->apply({}, fast(), nullptr);
  ASSERT_TRUE(first) << first.error().to_string();
  for (const auto& e : first->result.errors) ADD_FAILURE() << e.to_string();

  const std::vector<std::string> tags{"kstack-cluster=" + name_};
  auto lbs = lb::list_load_balancers(s->client(), {.tags = tags});
  ASSERT_TRUE(lbs) << lbs.error().to_string();
  ASSERT_EQ(lbs->size(), 1u);
  const std::string lb_id = lbs->front().id;
  auto listeners = lb::list_listeners(s->client(), tags);
  ASSERT_TRUE(listeners) << listeners.error().to_string();
  ASSERT_EQ(listeners->size(), 1u);
  EXPECT_EQ(sorted(listeners->front().allowed_cidrs), (std::vector<std::string>{"10.0.0.0/16", "198.51.100.0/24"}));
  EXPECT_EQ(listeners->front().timeout_client_data_ms, 14400000);
  EXPECT_EQ(listeners->front().timeout_member_data_ms, 14400000);

  // The monitor, read back from Octavia.
  auto pool = s->client().call(
      "load-balancer", {{"load-balancer", "get pool", "pool"}, "GET", "/lbaas/pools/" + lbs->front().pool_ids.front()});
  ASSERT_TRUE(pool) << pool.error().to_string();
  const std::string monitor_id = (*pool)["pool"].value("healthmonitor_id", "");
  ASSERT_FALSE(monitor_id.empty());
  auto monitor = s->client().call(
      "load-balancer",
      {{"load-balancer", "get health monitor", "health monitor"}, "GET", "/lbaas/healthmonitors/" + monitor_id});
  ASSERT_TRUE(monitor) << monitor.error().to_string();
  EXPECT_EQ((*monitor)["healthmonitor"].value("type", ""), "HTTPS");
  EXPECT_EQ((*monitor)["healthmonitor"].value("url_path", ""), "/readyz");
  EXPECT_EQ((*monitor)["healthmonitor"].value("expected_codes", ""), "200");
  expect_plan_empty(*s, "after the first apply");

  s.reset();  // its lock on the state directory goes with it
  allow_api_from(spec, "192.0.2.0/24");
  auto narrowed = open(spec);
  ASSERT_TRUE(narrowed);
  auto plan = plan_now(*narrowed);
  ASSERT_TRUE(plan) << plan.error().to_string();
  for (const auto& a : plan->actions) {
    if (a.key.kind == Kind::load_balancer) {
      EXPECT_EQ(a.op, Op::update) << op_name(a.op);
    }
  }
  auto second = narrowed->apply({}, fast(), nullptr);
  ASSERT_TRUE(second) << second.error().to_string();
  for (const auto& e : second->result.errors) ADD_FAILURE() << e.to_string();
  EXPECT_EQ(second->result.updated, 1);
  listeners = lb::list_listeners(narrowed->client(), tags);
  ASSERT_TRUE(listeners) << listeners.error().to_string();
  ASSERT_EQ(listeners->size(), 1u);
  EXPECT_EQ(listeners->front().load_balancer_ids, std::vector<std::string>{lb_id});
  EXPECT_EQ(sorted(listeners->front().allowed_cidrs), (std::vector<std::string>{"10.0.0.0/16", "192.0.2.0/24"}));
  expect_plan_empty(*narrowed, "after the update");

  destroy_and_prove_empty(*narrowed);
}

}  // namespace
}  // namespace kstack::reconcile
