#include "openstack/loadbalancer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "openstack/testing/fake_cloud.h"

namespace kstack::openstack::loadbalancer {
namespace {

using nlohmann::json;
using testing::FakeCloud;

const std::string kLb = "00dbc79d-f890-4dc3-8bd4-604853db26b9";

LoadBalancerCreate api_lb() {
  Pool pool{.name = "itest-rec-pool",
            .members = {{"", "10.77.0.10", 6443, "dde18402-49e8-4012-bf52-97d52bdf6080"}},
            .has_health_monitor = true};
  return {.name = "itest-rec-lb",
          .vip_subnet_id = "dde18402-49e8-4012-bf52-97d52bdf6080",
          .tags = {"kstack-cluster=itest-rec"},
          .listeners = {{"itest-rec-api", "TCP", 6443, pool}}};
}

TEST(LoadBalancer, FullyPopulatedCreateIsOnePost) {
  FakeCloud cloud;
  cloud.on("POST", "/lb/v2/lbaas/loadbalancers", 201, "loadbalancer/create_full.json");
  auto lb = create_load_balancer(*cloud.connect(), api_lb());
  ASSERT_TRUE(lb) << lb.error().to_string();
  EXPECT_EQ(lb->id, kLb);
  EXPECT_EQ(lb->provisioning_status, "PENDING_CREATE");
  EXPECT_EQ(lb->vip_address, "10.77.0.193");
  EXPECT_EQ(lb->listener_ids.size(), 1u);
  EXPECT_EQ(lb->pool_ids.size(), 1u);
  EXPECT_EQ(cloud.server.count("POST", "/lb/v2/lbaas/loadbalancers"), 1);
  auto sent = json::parse(cloud.server.received().back().body)["loadbalancer"];
  const auto& pool = sent["listeners"][0]["default_pool"];
  EXPECT_EQ(sent["listeners"][0]["protocol_port"], 6443);
  EXPECT_EQ(pool["members"][0]["address"], "10.77.0.10");
  EXPECT_EQ(pool["healthmonitor"]["type"], "TCP");
  EXPECT_EQ(sent["tags"][0], "kstack-cluster=itest-rec");
}

TEST(LoadBalancer, ListenerRestrictsSourcesKeepsLongConnectionsAndMonitorsReadyz) {
  auto r = api_lb();
  auto& listener = r.listeners.front();
  listener.allowed_cidrs = {"10.77.0.0/24", "198.51.100.0/24"};
  listener.timeout_client_data_ms = 14400000;
  listener.timeout_member_data_ms = 14400000;
  listener.tags = {"kstack-cluster=itest-rec"};
  listener.default_pool.health_monitor = {.type = "HTTPS", .url_path = "/readyz", .expected_codes = "200"};
  auto sent = create_body(r)["loadbalancer"]["listeners"][0];
  EXPECT_EQ(sent["allowed_cidrs"], json::array({"10.77.0.0/24", "198.51.100.0/24"}));
  EXPECT_EQ(sent["timeout_client_data"], 14400000);
  EXPECT_EQ(sent["timeout_member_data"], 14400000);
  EXPECT_EQ(sent["tags"][0], "kstack-cluster=itest-rec");
  const auto& hm = sent["default_pool"]["healthmonitor"];
  EXPECT_EQ(hm["type"], "HTTPS");
  EXPECT_EQ(hm["url_path"], "/readyz");
  EXPECT_EQ(hm["expected_codes"], "200");

  // Unset, they are left to Octavia's defaults: every source, 50 s.
  auto plain = create_body(api_lb())["loadbalancer"]["listeners"][0];
  EXPECT_FALSE(plain.contains("allowed_cidrs"));
  EXPECT_FALSE(plain.contains("timeout_client_data"));
}

TEST(LoadBalancer, ListenersByTagAndAnUpdateInPlace) {
  FakeCloud cloud;
  const std::string listener = "24696122-bdf5-4e80-b2e1-a51fadbd2111";
  cloud.on("GET", "/lb/v2/lbaas/listeners?tags=kstack-cluster%3Ditest-rec", 200, "loadbalancer/listeners_by_tag.json");
  cloud.on("PUT", "/lb/v2/lbaas/listeners/" + listener, 200, "loadbalancer/listener_update.json");
  auto client = cloud.connect();
  auto listed = list_listeners(*client, {"kstack-cluster=itest-rec"});
  ASSERT_TRUE(listed) << listed.error().to_string();
  ASSERT_EQ(listed->size(), 1u);
  const auto& l = listed->front();
  EXPECT_EQ(l.id, listener);
  EXPECT_EQ(l.load_balancer_ids, std::vector<std::string>{kLb});
  EXPECT_EQ(l.allowed_cidrs, (std::vector<std::string>{"10.77.0.0/24", "198.51.100.0/24"}));
  EXPECT_EQ(l.timeout_client_data_ms, 14400000);
  EXPECT_EQ(l.timeout_member_data_ms, 14400000);

  auto updated = update_listener(*client, listener,
                                 {.allowed_cidrs = {"10.77.0.0/24", "192.0.2.0/24"},
                                  .timeout_client_data_ms = 14400000,
                                  .timeout_member_data_ms = 14400000,
                                  .tags = {"kstack-cluster=itest-rec"}});
  ASSERT_TRUE(updated) << updated.error().to_string();
  EXPECT_EQ(updated->provisioning_status, "PENDING_UPDATE");
  EXPECT_EQ(updated->allowed_cidrs, (std::vector<std::string>{"10.77.0.0/24", "192.0.2.0/24"}));
  auto sent = json::parse(cloud.server.received().back().body)["listener"];
  EXPECT_EQ(sent["allowed_cidrs"], json::array({"10.77.0.0/24", "192.0.2.0/24"}));
  EXPECT_EQ(sent["timeout_member_data"], 14400000);

  // Lifting the restriction sends an empty list: Octavia clears it (a missing key would keep it).
  EXPECT_EQ(listener_update_body({})["listener"]["allowed_cidrs"], json::array());
}

TEST(LoadBalancer, VipPortWinsOverSubnet) {
  auto r = api_lb();
  r.vip_port_id = "port-1";
  auto body = create_body(r)["loadbalancer"];
  EXPECT_EQ(body["vip_port_id"], "port-1");
  EXPECT_FALSE(body.contains("vip_subnet_id"));
}

TEST(LoadBalancer, TheVipAddressIsAskedForOnTheSubnet) {
  auto r = api_lb();
  r.vip_address = "10.0.0.5";
  auto body = create_body(r)["loadbalancer"];
  EXPECT_EQ(body["vip_address"], "10.0.0.5");
  EXPECT_TRUE(body.contains("vip_subnet_id"));
  EXPECT_FALSE(create_body(api_lb())["loadbalancer"].contains("vip_address"));
}

TEST(LoadBalancer, FindSaysNoneForOneOctaviaDoesNotKnow) {
  const std::string gone = "00000000-0000-0000-0000-000000000000";
  FakeCloud cloud;
  cloud.on("GET", "/lb/v2/lbaas/loadbalancers/" + kLb, 200, "loadbalancer/get.json");
  cloud.on("GET", "/lb/v2/lbaas/loadbalancers/" + gone, 404, "loadbalancer/error_404.json");
  auto client = cloud.connect();
  auto found = find_load_balancer(*client, kLb);
  ASSERT_TRUE(found) << found.error().to_string();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->name, "itest-rec-lb");
  auto none = find_load_balancer(*client, gone);
  ASSERT_TRUE(none) << none.error().to_string();
  EXPECT_FALSE(none->has_value());
}

TEST(LoadBalancer, GetListByTagAndStatusTree) {
  FakeCloud cloud;
  cloud.on("GET", "/lb/v2/lbaas/loadbalancers/" + kLb, 200, "loadbalancer/get.json");
  cloud.on("GET", "/lb/v2/lbaas/loadbalancers?tags=kstack-cluster%3Ditest-rec", 200, "loadbalancer/list_by_tag.json");
  cloud.on("GET", "/lb/v2/lbaas/loadbalancers/" + kLb + "/status", 200, "loadbalancer/status.json");
  auto client = cloud.connect();
  auto lb = get_load_balancer(*client, kLb);
  ASSERT_TRUE(lb) << lb.error().to_string();
  EXPECT_EQ(lb->provisioning_status, "ACTIVE");
  auto listed = list_load_balancers(*client, {.tags = {"kstack-cluster=itest-rec"}});
  ASSERT_TRUE(listed) << listed.error().to_string();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().name, "itest-rec-lb");
  auto tree = status_tree(*client, kLb);
  ASSERT_TRUE(tree) << tree.error().to_string();
  EXPECT_EQ(tree->provisioning_status, "ACTIVE");
  ASSERT_EQ(tree->listeners.size(), 1u);
  EXPECT_EQ(tree->listeners[0].name, "itest-rec-api");
  ASSERT_EQ(tree->listeners[0].pools.size(), 1u);
  ASSERT_EQ(tree->listeners[0].pools[0].members.size(), 1u);
  EXPECT_EQ(tree->listeners[0].pools[0].members[0].address, "10.77.0.10");
  EXPECT_EQ(tree->listeners[0].pools[0].members[0].operating_status, "NO_MONITOR");
}

TEST(LoadBalancer, DeleteCascadesAndReadsOctaviasFaults) {
  FakeCloud cloud;
  cloud.server.on("DELETE", "/lb/v2/lbaas/loadbalancers/" + kLb, 204, "");
  cloud.on("GET", "/lb/v2/lbaas/loadbalancers/00000000-0000-0000-0000-000000000000", 404,
           "loadbalancer/error_404.json");
  auto client = cloud.connect();
  ASSERT_TRUE(delete_load_balancer(*client, kLb));
  EXPECT_EQ(cloud.server.received().back().target, "/lb/v2/lbaas/loadbalancers/" + kLb + "?cascade=true");
  auto missing = get_load_balancer(*client, "00000000-0000-0000-0000-000000000000");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().what,
            "get load balancer failed: Load Balancer 00000000-0000-0000-0000-000000000000 not found.");
}

// Tags and a listener's allowed_cidrs need Octavia 2.12: an older one is refused before any change is
// sent to it (a list only reads, and keeps only what carries the cluster's tag).
TEST(LoadBalancer, AnOctaviaTooOldForAllowedCidrsIsRefusedBeforeAChange) {
  FakeCloud cloud;
  cloud.server.on("GET", "/lb/", 200,
                  R"({"versions": [{"id": "v2.0", "status": "SUPPORTED", "links": [{"href": "x/v2", "rel": "self"}]},)"
                  R"({"id": "v2.4", "status": "CURRENT", "links": [{"href": "x/v2", "rel": "self"}]}]})");
  cloud.server.on("DELETE", "/lb/v2/lbaas/loadbalancers/x", 204, "");
  auto gone = delete_load_balancer(*cloud.connect(), "x");
  ASSERT_FALSE(gone);
  EXPECT_NE(gone.error().what.find("needs version 2.12, it offers up to 2.4"), std::string::npos) << gone.error().what;
  EXPECT_EQ(cloud.server.count("DELETE", "/lb/v2/lbaas/loadbalancers/x"), 0);
}

}  // namespace
}  // namespace kstack::openstack::loadbalancer
