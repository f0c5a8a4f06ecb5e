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
  EXPECT_TRUE(add_router_interface(*client, kRouter, {.subnet_id = subnet->id}));
  EXPECT_EQ(json::parse(cloud.server.received().back().body)["subnet_id"], subnet->id);
}

TEST(Network, SubnetCreateAsksForItsAllocationPool) {
  FakeCloud cloud;
  cloud.on("POST", "/network/v2.0/subnets", 201, "network/subnet_create.json");
  auto subnet = create_subnet(*cloud.connect(), Subnet{.name = "itest-rec-subnet",
                                                       .network_id = kNet,
                                                       .cidr = "10.77.0.0/24",
                                                       .allocation_pools = {{"10.77.0.100", "10.77.0.200"}}});
  ASSERT_TRUE(subnet) << subnet.error().to_string();
  auto sent = json::parse(cloud.server.received().back().body)["subnet"];
  ASSERT_EQ(sent["allocation_pools"].size(), 1u);
  EXPECT_EQ(sent["allocation_pools"][0], (json{{"start", "10.77.0.100"}, {"end", "10.77.0.200"}}));
  EXPECT_FALSE(sent.contains("gateway_ip"));  // not asked for: Neutron's default
}

// Each update PUTs only the field kstack changes in place, and reads back the resource Neutron now has.
TEST(Network, UpdatesInPlaceSendOnlyTheFieldThatChanges) {
  const std::string subnet_id = "990523a0-677f-4c5b-a2c3-6e96991eff3c";
  const std::string router_id = "75f4afde-a9f9-4397-b787-291f18a3480d";
  const std::string port_id = "581c581b-8018-46bd-a999-f1703dee8326";
  FakeCloud cloud;
  cloud.on("PUT", "/network/v2.0/subnets/" + subnet_id, 200, "network/subnet_update.json");
  cloud.on("PUT", "/network/v2.0/routers/" + router_id, 200, "network/router_update.json");
  cloud.on("PUT", "/network/v2.0/ports/" + port_id, 200, "network/port_update.json");
  auto client = cloud.connect();

  auto subnet = update_subnet(*client, subnet_id, {.dns_nameservers = {"1.1.1.1", "9.9.9.9"}});
  ASSERT_TRUE(subnet) << subnet.error().to_string();
  EXPECT_EQ(json::parse(cloud.server.received().back().body),
            (json{{"subnet", {{"dns_nameservers", {"1.1.1.1", "9.9.9.9"}}}}}));
  EXPECT_EQ(subnet->dns_nameservers, (std::vector<std::string>{"1.1.1.1", "9.9.9.9"}));
  ASSERT_EQ(subnet->allocation_pools.size(), 1u);
  EXPECT_EQ(subnet->allocation_pools[0].start, "10.77.0.2");
  EXPECT_EQ(subnet->allocation_pools[0].end, "10.77.0.254");
  EXPECT_FALSE(subnet->created_at.empty());

  const std::string external = "f6f14c4b-bd0c-4b7a-9ecd-c383efeeaa25";
  auto router = update_router(*client, router_id, {.external_network_id = external});
  ASSERT_TRUE(router) << router.error().to_string();
  EXPECT_EQ(json::parse(cloud.server.received().back().body),
            (json{{"router", {{"external_gateway_info", {{"network_id", external}}}}}}));
  EXPECT_EQ(router->external_network_id, external);

  auto port = update_port(*client, port_id, {.security_group_ids = {"sg-1"}});
  ASSERT_TRUE(port) << port.error().to_string();
  EXPECT_EQ(json::parse(cloud.server.received().back().body), (json{{"port", {{"security_groups", {"sg-1"}}}}}));
  EXPECT_EQ(port->id, port_id);
}

TEST(Network, ARouterLegByThePortMadeForIt) {
  const std::string router_id = "75f4afde-a9f9-4397-b787-291f18a3480d";
  const std::string leg = "703ddde0-51f4-4209-95f3-8595a3b5354c";
  FakeCloud cloud;
  cloud.on("PUT", "/network/v2.0/routers/" + router_id + "/add_router_interface", 200,
           "network/router_add_interface_port.json");
  cloud.on("PUT", "/network/v2.0/routers/" + router_id + "/remove_router_interface", 200,
           "network/router_remove_interface_port.json");
  cloud.on("PUT", "/network/v2.0/routers/" + kRouter + "/remove_router_interface", 404, "network/error_404.json");
  auto client = cloud.connect();
  ASSERT_TRUE(add_router_interface(*client, router_id, {.port_id = leg}));
  EXPECT_EQ(json::parse(cloud.server.received().back().body), (json{{"port_id", leg}}));
  ASSERT_TRUE(remove_router_interface(*client, router_id, {.port_id = leg}));
  EXPECT_EQ(json::parse(cloud.server.received().back().body), (json{{"port_id", leg}}));
  EXPECT_TRUE(remove_router_interface(*client, kRouter, {.port_id = leg})) << "a leg already gone is detached";
}

TEST(Network, PortsByOwnerSubnetAndAddress) {
  const std::string subnet_id = "990523a0-677f-4c5b-a2c3-6e96991eff3c";
  FakeCloud cloud;
  cloud.on("GET",
           "/network/v2.0/ports?device_owner=Octavia&fixed_ips=subnet_id%3D" + subnet_id +
               "&fixed_ips=ip_address%3D10.77.0.48",
           200, "network/ports_octavia_vip.json");
  auto ports = list_ports(*cloud.connect(), {.device_owner = "Octavia",
                                             .fixed_ips = {{.subnet_id = subnet_id}, {.ip_address = "10.77.0.48"}}});
  ASSERT_TRUE(ports) << ports.error().to_string();
  ASSERT_EQ(ports->size(), 1u);
  EXPECT_EQ(ports->front().device_owner, "Octavia");
  EXPECT_EQ(ports->front().device_id, "lb-729b4113-67c1-4a9d-aa72-fcc70ae3dc48");
  EXPECT_EQ(ports->front().fixed_ips.at(0).ip_address, "10.77.0.48");
}

TEST(Network, ATakenAddressIsNeutronsTypedConflict) {
  FakeCloud cloud;
  cloud.on("POST", "/network/v2.0/ports", 409, "network/error_409_ip_allocated.json");
  auto port =
      create_port(*cloud.connect(), Port{.name = "itest-rec-port-again",
                                         .network_id = kNet,
                                         .fixed_ips = {{"990523a0-677f-4c5b-a2c3-6e96991eff3c", "10.77.0.10"}}});
  ASSERT_FALSE(port);
  EXPECT_EQ(port.error().http_status, 409);
  EXPECT_EQ(port.error().type, "IpAddressAlreadyAllocated");
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
