#include "reconcile/octavia_orphans.h"

#include <gtest/gtest.h>

#include "openstack/testing/fake_cloud.h"

namespace kstack::reconcile {
namespace {

using openstack::testing::FakeCloud;

// From the recorded fixtures: Octavia's VIP port at 10.77.0.48 on the subnet, made for load balancer 729b4113….
const std::string kSubnet = "990523a0-677f-4c5b-a2c3-6e96991eff3c";
const std::string kVipPort = "af33a4b2-60b9-49fc-8f46-1f4d73c4ec2d";
const std::string kPortsAtTheVip =
    "/network/v2.0/ports?device_owner=Octavia&fixed_ips=subnet_id%3D" + kSubnet + "&fixed_ips=ip_address%3D10.77.0.48";
const std::string kItsLoadBalancer = "/lb/v2/lbaas/loadbalancers/729b4113-67c1-4a9d-aa72-fcc70ae3dc48";

TEST(VipHolder, AVipPortWhoseLoadBalancerOctaviaDoesNotKnow) {
  FakeCloud cloud;
  cloud.on("GET", kPortsAtTheVip, 200, "network/ports_octavia_vip.json");
  cloud.on("GET", kItsLoadBalancer, 404, "loadbalancer/error_404.json");
  auto held = vip_holder(*cloud.connect(), kSubnet, "10.77.0.48");
  ASSERT_TRUE(held) << held.error().to_string();
  EXPECT_EQ(held->port_id, kVipPort);
  EXPECT_FALSE(held->load_balancer.has_value());
}

TEST(VipHolder, AVipPortAndTheLoadBalancerItServes) {
  FakeCloud cloud;
  cloud.on("GET", kPortsAtTheVip, 200, "network/ports_octavia_vip.json");
  cloud.on("GET", kItsLoadBalancer, 200, "loadbalancer/get.json");
  auto held = vip_holder(*cloud.connect(), kSubnet, "10.77.0.48");
  ASSERT_TRUE(held) << held.error().to_string();
  EXPECT_EQ(held->port_id, kVipPort);
  ASSERT_TRUE(held->load_balancer.has_value());
  EXPECT_EQ(held->load_balancer->name, "itest-rec-lb");
}

TEST(OrphanedVipPorts, OnlyAPortWhoseLoadBalancerIsGoneIsReleased) {
  FakeCloud cloud;
  cloud.on("GET", kPortsAtTheVip, 200, "network/ports_octavia_vip.json");
  cloud.on("GET", kItsLoadBalancer, 200, "loadbalancer/get.json");
  auto client = cloud.connect();
  auto kept = release_orphaned_vip_ports(*client, kSubnet, "10.77.0.48");
  ASSERT_TRUE(kept) << kept.error().to_string();
  EXPECT_EQ(*kept, 0);
  EXPECT_EQ(cloud.server.count("DELETE", "/network/v2.0/ports/" + kVipPort), 0);

  cloud.on("GET", kItsLoadBalancer, 404, "loadbalancer/error_404.json");
  cloud.server.on("DELETE", "/network/v2.0/ports/" + kVipPort, 204, "");
  auto released = release_orphaned_vip_ports(*client, kSubnet, "10.77.0.48");
  ASSERT_TRUE(released) << released.error().to_string();
  EXPECT_EQ(*released, 1);
  EXPECT_EQ(cloud.server.count("DELETE", "/network/v2.0/ports/" + kVipPort), 1);
}

}  // namespace
}  // namespace kstack::reconcile
