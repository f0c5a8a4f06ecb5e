// The VIP ports Octavia leaves behind when its API request is cut off, on the dev cloud's real Neutron and
// Octavia: a proved orphan is deleted, anything less proved is kept.
#include <gtest/gtest.h>

#include <set>

#include "openstack/network.h"
#include "reconcile/integration/dev_cloud_cluster.h"
#include "reconcile/octavia_orphans.h"

namespace kstack::reconcile {
namespace {

namespace net = openstack::network;

class OctaviaOrphans : public DevCloudCluster {};

TEST_F(OctaviaOrphans, OnlyAVipPortWhoseLoadBalancerDoesNotExistIsReleased) {
  auto s = open(write_spec({.base = "single"}));
  ASSERT_TRUE(s);
  auto& client = s->client();
  // Untagged but named like the cluster: TearDown removes them should the test fail half-way.
  auto network = net::create_network(client, name_ + "-net", {});
  ASSERT_TRUE(network) << network.error().to_string();
  auto subnet =
      net::create_subnet(client, {.name = name_ + "-subnet", .network_id = network->id, .cidr = "10.0.0.0/24"});
  ASSERT_TRUE(subnet) << subnet.error().to_string();

  // As Octavia names a VIP port, for a load balancer id that Octavia does not know.
  const std::string lost = "0d6f6c1e-5a52-4c4e-9d5c-3f1b2a7e9c41";
  auto port = [&](const std::string& name, const std::string& device_id, const std::string& owner,
                  const std::string& ip) {
    nlohmann::json body = {{"port",
                            {{"name", name},
                             {"network_id", network->id},
                             {"device_id", device_id},
                             {"device_owner", owner},
                             {"fixed_ips", {{{"subnet_id", subnet->id}, {"ip_address", ip}}}}}}};
    auto made = client.call("network", {{"network", "create port", name}, "POST", "/ports", body});
    EXPECT_TRUE(made) << made.error().to_string();
    return made ? (*made)["port"].value("id", "") : std::string();
  };
  const auto orphan = port("octavia-lb-" + lost, "lb-" + lost, "Octavia", "10.0.0.5");
  const auto other_owner = port("octavia-lb-" + lost, "lb-" + lost, "compute:nova", "10.0.0.6");
  const auto other_device = port("octavia-lb-" + lost, "some-server", "Octavia", "10.0.0.7");

  // What holds each address: the orphan, with no load balancer; a port that is not Octavia's holds nothing.
  auto held = vip_holder(client, subnet->id, "10.0.0.5");
  ASSERT_TRUE(held) << held.error().to_string();
  EXPECT_EQ(held->port_id, orphan);
  EXPECT_FALSE(held->load_balancer.has_value());
  auto not_octavias = vip_holder(client, subnet->id, "10.0.0.6");
  ASSERT_TRUE(not_octavias) << not_octavias.error().to_string();
  EXPECT_EQ(not_octavias->port_id, "");

  // Asked for another address: nothing goes.
  auto none = release_orphaned_vip_ports(client, subnet->id, "10.0.0.9");
  ASSERT_TRUE(none) << none.error().to_string();
  EXPECT_EQ(*none, 0);

  auto released = release_orphaned_vip_ports(client, subnet->id, "10.0.0.5");
  ASSERT_TRUE(released) << released.error().to_string();
  EXPECT_EQ(*released, 1);
  auto left = net::list_ports(client, {.name = "octavia-lb-" + lost});
  ASSERT_TRUE(left) << left.error().to_string();
  std::set<std::string> ids;
  for (const auto& p : *left) ids.insert(p.id);
  EXPECT_EQ(ids, (std::set<std::string>{other_owner, other_device}));

  for (const auto& id : ids) EXPECT_TRUE(net::delete_port(client, id));
  EXPECT_TRUE(net::delete_subnet(client, subnet->id));
  EXPECT_TRUE(net::delete_network(client, network->id));
}

}  // namespace
}  // namespace kstack::reconcile
