#include "reconcile/kind_load_balancer.h"

#include <gtest/gtest.h>

#include "reconcile/testing/reference_cluster.h"

namespace kstack::reconcile {
namespace {

TEST(HealthMonitorShape, TextRoundTrips) {
  const HealthMonitorShape https{.type = "HTTPS", .url_path = "/readyz", .expected_codes = "200"};
  EXPECT_EQ(https.to_text(), "HTTPS delay=5 timeout=5 max_retries=3 url_path=/readyz expected_codes=200");
  EXPECT_EQ(HealthMonitorShape::from_text(https.to_text()), https);
  const HealthMonitorShape tcp{.type = "TCP", .delay_s = 10, .timeout_s = 4, .max_retries = 2};
  EXPECT_EQ(tcp.to_text(), "TCP delay=10 timeout=4 max_retries=2");
  EXPECT_EQ(HealthMonitorShape::from_text(tcp.to_text()), tcp);
}

TEST(HealthMonitorShape, BadWordsKeepDefaultsAndNeverThrow) {
  auto m = HealthMonitorShape::from_text("HTTP delay=soon timeout= max_retries=99999999999999 url_path=/x delayed=1");
  EXPECT_EQ(m.type, "HTTP");
  EXPECT_EQ(m.delay_s, 0);  // not a number: reads as 0, which Octavia refuses with a 400 naming the field
  EXPECT_EQ(m.timeout_s, 5);
  EXPECT_EQ(m.max_retries, 0);
  EXPECT_EQ(m.url_path, "/x");
  EXPECT_EQ(HealthMonitorShape::from_text("").type, "TCP");
}

TEST(LoadBalancerProps, PropsRoundTrip) {
  const LoadBalancerProps lb{.vip_subnet_id = "ref:subnet/demo-subnet",
                             .vip_address = "10.0.0.10",
                             .provider = "amphora",
                             .listener_port = 6443,
                             .member_port = 6443,
                             .members = {"10.0.0.11", "10.0.0.12"},
                             .monitor = {.type = "HTTPS", .url_path = "/readyz", .expected_codes = "200"},
                             .allowed_cidrs = {"10.0.0.0/24", "203.0.113.0/24"},
                             .timeout_client_data_ms = 14400000,
                             .timeout_member_data_ms = 14400000};
  const Props props = lb.to_props();
  EXPECT_EQ(props.at("members"), "10.0.0.11,10.0.0.12");
  EXPECT_EQ(props.at("listener_port"), "6443");
  EXPECT_EQ(props.at("timeout_client_data"), "14400000");
  EXPECT_EQ(LoadBalancerProps::from_props(props), lb);
}

TEST(LoadBalancerProps, EmptyAndMissingPropertiesReadAsNone) {
  const LoadBalancerProps none = LoadBalancerProps::from_props({{"members", ""}, {"listener_port", "x"}});
  EXPECT_TRUE(none.members.empty());
  EXPECT_TRUE(none.allowed_cidrs.empty());
  EXPECT_EQ(none.listener_port, 0);
  EXPECT_EQ(none.timeout_client_data_ms, 0);
  // Octavia's "every source" and default timeouts print as empty, as before typed properties.
  const Props back = LoadBalancerProps{}.to_props();
  EXPECT_EQ(back.at("allowed_cidrs"), "");
  EXPECT_EQ(back.at("timeout_member_data"), "");
}

// The reference cluster's API load balancer reads back into the same properties it was planned with.
TEST(LoadBalancerProps, ReferenceClusterRoundTrips) {
  int found = 0;
  for (const auto& r : testing::reference_resources()) {
    if (r.key.kind != Kind::load_balancer) continue;
    ++found;
    EXPECT_EQ(LoadBalancerProps::from_props(r.props).to_props(), r.props);
    EXPECT_EQ(r.props.at("monitor"), "HTTPS delay=5 timeout=5 max_retries=3 url_path=/readyz expected_codes=200");
  }
  EXPECT_EQ(found, 1);
}

}  // namespace
}  // namespace kstack::reconcile
