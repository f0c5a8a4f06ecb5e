#include "openstack/network.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "openstack/testing/fake_cloud.h"

namespace kstack::openstack::network {
namespace {

using nlohmann::json;
using testing::FakeCloud;

const std::string kNet = "a7093aae-f942-437d-9905-3de87c2f8343";
const std::string kPort = "c2e3c8ba-4131-4484-8d92-c9c22e0b9731";
const std::string kRouter = "d5babcb7-9ff4-4e57-b0c8-8ed89d7e616f";
const std::string kFip = "f0b4a084-b98b-483c-914f-b59f3c281528";

TEST(Network, FindsTheExternalNetworkByName) {
  FakeCloud cloud;
  cloud.on("GET", "/network/v2.0/networks?router:external=true", 200, "network/external_networks.json");
  auto client = cloud.connect();
  auto net = find_external_network(*client, "floating");
  ASSERT_TRUE(net) << net.error().to_string();
  EXPECT_TRUE(net->external);
  EXPECT_EQ(net->id, "5bb715c6-af22-445b-a8a5-425511ba047f");
  auto missing = find_external_network(*client, "public");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().what, "there is no external network 'public'");
  EXPECT_EQ(missing.error().hint, "the external networks are: floating");
}

TEST(Network, PicksTheExternalNetworkAmongAllListed) {
  const std::vector<Network> all = {{.id = "n1", .name = "floating", .external = false},
                                    {.id = "n2", .name = "floating", .external = true},
                                    {.id = "n3", .name = "public", .external = true}};
  auto net = pick_external_network(all, "floating");
  ASSERT_TRUE(net) << net.error().to_string();
  EXPECT_EQ(net->id, "n2");  // a private network of that name is passed over
  auto missing = pick_external_network(all, "outside");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().hint, "the external networks are: floating, public");
}

TEST(Network, CreateNetworkThenTagsIt) {
  FakeCloud cloud;
  cloud.on("POST", "/network/v2.0/networks", 201, "network/network_create.json");
  cloud.on("PUT", "/network/v2.0/networks/" + kNet + "/tags", 200, "network/tags_put.json");
  auto net = create_network(*cloud.connect(), "itest-rec-net", {"kstack-cluster=itest-rec"});
  ASSERT_TRUE(net) << net.error().to_string();
  EXPECT_EQ(net->id, kNet);
  EXPECT_EQ(net->tags, std::vector<std::string>{"kstack-cluster=itest-rec"});
  EXPECT_EQ(json::parse(cloud.server.received().back().body)["tags"][0], "kstack-cluster=itest-rec");
}

TEST(Network, AResourceThatCannotBeTaggedIsDeletedAgain) {
  FakeCloud cloud;
  cloud.on("POST", "/network/v2.0/networks", 201, "network/network_create.json");
  cloud.server.on("PUT", "/network/v2.0/networks/" + kNet + "/tags", 403,
                  R"({"NeutronError": {"type": "PolicyNotAuthorized", "message": "no tags for you", "detail": ""}})");
  cloud.server.on("DELETE", "/network/v2.0/networks/" + kNet, 204, "");
  auto net = create_network(*cloud.connect(), "itest-rec-net", {"kstack-cluster=x"});
  ASSERT_FALSE(net);
  EXPECT_EQ(net.error().http_status, 403);
  EXPECT_NE(net.error().what.find("no tags for you"), std::string::npos);
  EXPECT_EQ(cloud.server.count("DELETE", "/network/v2.0/networks/" + kNet), 1);
}

TEST(Network, ListsByTagAndName) {
  FakeCloud cloud;
  cloud.on("GET", "/network/v2.0/networks?name=itest-rec-net&tags=kstack-cluster%3Ditest-rec", 200,
           "network/networks_by_tag.json");
  auto nets = list_networks(*cloud.connect(), {.name = "itest-rec-net", .tags = {"kstack-cluster=itest-rec"}});
  ASSERT_TRUE(nets) << nets.error().to_string();
  ASSERT_EQ(nets->size(), 1u);
  EXPECT_EQ(nets->front().tags, std::vector<std::string>{"kstack-cluster=itest-rec"});
}

TEST(Network, SubnetRouterAndInterface) {
  FakeCloud cloud;
  cloud.on("POST", "/network/v2.0/subnets", 201, "network/subnet_create.json");
  cloud.on("POST", "/network/v2.0/routers", 201, "network/router_create.json");
  cloud.on("PUT", "/network/v2.0/routers/" + kRouter + "/add_router_interface", 200,
           "network/router_add_interface.json");
  auto client = cloud.connect();
  auto subnet = create_subnet(
      *client,
      Subnet{.name = "itest-rec-subnet", .network_id = kNet, .cidr = "10.77.0.0/24", .dns_nameservers = {"1.1.1.1"}});
  ASSERT_TRUE(subnet) << subnet.error().to_string();
  EXPECT_EQ(subnet->cidr, "10.77.0.0/24");
  EXPECT_EQ(subnet->gateway_ip, "10.77.0.1");
  auto sent = json::parse(cloud.server.received().back().body);
  EXPECT_EQ(sent["subnet"]["ip_version"], 4);
  EXPECT_EQ(sent["subnet"]["dns_nameservers"][0], "1.1.1.1");
  auto router = create_router(*client, "itest-rec-router", "5bb715c6-af22-445b-a8a5-425511ba047f");
  ASSERT_TRUE(router) << router.error().to_string();
  EXPECT_EQ(router->external_network_id, "5bb715c6-af22-445b-a8a5-425511ba047f");
  EXPECT_TRUE(add_router_interface(*client, kRouter, subnet->id));
  EXPECT_EQ(json::parse(cloud.server.received().back().body)["subnet_id"], subnet->id);
}

TEST(Network, PortWithFixedIpAndSecurityGroup) {
  FakeCloud cloud;
  cloud.on("POST", "/network/v2.0/ports", 201, "network/port_create.json");
  auto port = create_port(*cloud.connect(), Port{.name = "itest-rec-port",
                                                 .network_id = kNet,
                                                 .fixed_ips = {{"dde18402-49e8-4012-bf52-97d52bdf6080", "10.77.0.10"}},
                                                 .security_group_ids = {"068f357c-6290-4d34-bc9f-70cd7aedd218"}});
  ASSERT_TRUE(port) << port.error().to_string();
  EXPECT_EQ(port->id, kPort);
  ASSERT_EQ(port->fixed_ips.size(), 1u);
  EXPECT_EQ(port->fixed_ips[0].ip_address, "10.77.0.10");
  EXPECT_EQ(port->mac_address, "fa:16:3e:df:fb:f6");
  auto sent = json::parse(cloud.server.received().back().body)["port"];
  EXPECT_EQ(sent["fixed_ips"][0]["ip_address"], "10.77.0.10");
  EXPECT_EQ(sent["security_groups"][0], "068f357c-6290-4d34-bc9f-70cd7aedd218");
}

TEST(Network, SecurityGroupAndRule) {
  FakeCloud cloud;
  cloud.on("POST", "/network/v2.0/security-groups", 201, "network/security_group_create.json");
  cloud.on("POST", "/network/v2.0/security-group-rules", 201, "network/security_group_rule_create.json");
  auto client = cloud.connect();
  auto sg = create_security_group(*client, "itest-rec-sg", "recorded");
  ASSERT_TRUE(sg) << sg.error().to_string();
  EXPECT_EQ(sg->name, "itest-rec-sg");
  EXPECT_FALSE(sg->rules.empty());  // Neutron adds the default egress rules
  auto rule = create_security_group_rule(*client, SecurityGroupRule{.security_group_id = sg->id,
                                                                    .protocol = "tcp",
                                                                    .port_range_min = 22,
                                                                    .port_range_max = 22,
                                                                    .remote_ip_prefix = "0.0.0.0/0"});
  ASSERT_TRUE(rule) << rule.error().to_string();
  EXPECT_EQ(rule->port_range_min, 22);
  EXPECT_EQ(rule->protocol, "tcp");
  EXPECT_EQ(rule->remote_group_id, "");
}

TEST(Network, ADuplicateRuleReportsNeutronsConflict) {
  FakeCloud cloud;
  cloud.on("POST", "/network/v2.0/security-group-rules", 409, "network/error_409_rule_exists.json");
  auto rule = create_security_group_rule(*cloud.connect(), SecurityGroupRule{.security_group_id = "sg"});
  ASSERT_FALSE(rule);
  EXPECT_EQ(rule.error().http_status, 409);
  EXPECT_NE(rule.error().what.find("already exists"), std::string::npos) << rule.error().what;
}

TEST(Network, FloatingIpCreateAndAssociate) {
  FakeCloud cloud;
  cloud.on("POST", "/network/v2.0/floatingips", 201, "network/floatingip_create.json");
  cloud.on("PUT", "/network/v2.0/floatingips/" + kFip, 200, "network/floatingip_associate.json");
  auto client = cloud.connect();
  auto fip = create_floating_ip(*client, "5bb715c6-af22-445b-a8a5-425511ba047f", "itest-rec-fip");
  ASSERT_TRUE(fip) << fip.error().to_string();
  EXPECT_EQ(fip->id, kFip);
  EXPECT_EQ(fip->port_id, "");
  auto assoc = associate_floating_ip(*client, kFip, kPort);
  ASSERT_TRUE(assoc) << assoc.error().to_string();
  EXPECT_EQ(assoc->port_id, kPort);
  EXPECT_EQ(assoc->fixed_ip_address, "10.77.0.10");
  EXPECT_EQ(assoc->floating_ip_address, "203.0.113.44");
}

TEST(Network, DeleteInUseIsAConflictWithNeutronsReason) {
  FakeCloud cloud;
  cloud.on("DELETE", "/network/v2.0/networks/" + kNet, 409, "network/error_409_in_use.json");
  auto r = delete_network(*cloud.connect(), kNet);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().what.find("ports still in use"), std::string::npos);
  EXPECT_NE(r.error().hint.find("conflicting"), std::string::npos);
}

TEST(Network, QuotaDetails) {
  FakeCloud cloud;
  cloud.on("GET", "/network/v2.0/quotas/" + cloud.project_id + "/details.json", 200, "network/quota_details.json");
  auto client = cloud.connect();
  auto q = quota_details(*client, client->project_id());
  ASSERT_TRUE(q) << q.error().to_string();
  EXPECT_EQ(q->at("port").limit, 1000);
  EXPECT_EQ(q->at("floatingip").used, 1);
  EXPECT_TRUE(q->contains("security_group_rule"));
}

}  // namespace
}  // namespace kstack::openstack::network
