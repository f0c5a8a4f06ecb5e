#include "openstack/compute.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "openstack/json_util.h"
#include "openstack/testing/fake_cloud.h"

namespace kstack::openstack::compute {
namespace {

using nlohmann::json;
using testing::FakeCloud;

const std::string kServer = "d9bcc12d-13b4-4934-bd21-4bd37cc8caf2";

TEST(Compute, ListsFlavorsWithTheirSizes) {
  FakeCloud cloud;
  cloud.on("GET", "/compute/v2.1/flavors/detail", 200, "compute/flavors_detail.json");
  auto flavors = list_flavors(*cloud.connect());
  ASSERT_TRUE(flavors) << flavors.error().to_string();
  ASSERT_EQ(flavors->size(), 3u);
  EXPECT_EQ((*flavors)[1].name, "m1.master");
  EXPECT_EQ((*flavors)[1].vcpus, 3);
  EXPECT_EQ((*flavors)[1].ram_mb, 4096);
  EXPECT_EQ((*flavors)[1].disk_gb, 40);
}

TEST(Compute, KeypairsImportListAndDelete) {
  FakeCloud cloud;
  cloud.on("POST", "/compute/v2.1/os-keypairs", 201, "compute/keypair_import.json");
  cloud.on("GET", "/compute/v2.1/os-keypairs", 200, "compute/keypairs.json");
  cloud.server.on("DELETE", "/compute/v2.1/os-keypairs/itest-rec-key", 202, "");
  auto client = cloud.connect();
  auto kp = import_keypair(*client, "itest-rec-key", "ssh-ed25519 AAAA itest");
  ASSERT_TRUE(kp) << kp.error().to_string();
  EXPECT_EQ(kp->fingerprint, "10:86:64:2e:5a:bc:19:fe:1e:ab:d8:b1:6e:0b:47:84");
  auto sent = json::parse(cloud.server.received().back().body);
  EXPECT_EQ(sent["keypair"]["name"], "itest-rec-key");
  EXPECT_EQ(sent["keypair"]["public_key"], "ssh-ed25519 AAAA itest");
  auto all = list_keypairs(*client);
  ASSERT_TRUE(all);
  ASSERT_FALSE(all->empty());
  EXPECT_EQ(all->front().name, "itest-rec-key");
  EXPECT_TRUE(delete_keypair(*client, "itest-rec-key"));
}

TEST(Compute, ServerGroupsCarryTheirPolicy) {
  FakeCloud cloud;
  cloud.on("POST", "/compute/v2.1/os-server-groups", 200, "compute/server_group_create.json");
  cloud.on("GET", "/compute/v2.1/os-server-groups", 200, "compute/server_groups.json");
  auto client = cloud.connect();
  auto g = create_server_group(*client, "itest-rec-group", "soft-anti-affinity");
  ASSERT_TRUE(g) << g.error().to_string();
  EXPECT_EQ(g->policy, "soft-anti-affinity");
  EXPECT_EQ(json::parse(cloud.server.received().back().body)["server_group"]["policy"], "soft-anti-affinity");
  auto all = list_server_groups(*client);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].policy, "anti-affinity");
  EXPECT_EQ(cloud.server.received().back().target, "/compute/v2.1/os-server-groups?limit=1000&offset=0");
}

TEST(Compute, CreateBodyHasPortsVolumesUserDataTagsAndGroupHint) {
  ServerCreate r;
  r.name = "demo-master-1";
  r.flavor_id = "f";
  r.image_id = "i";
  r.key_name = "k";
  r.port_ids = {"p1"};
  r.block_devices = {BlockDevice{"volume", "volume", "v1", -1, 0, false}};
  r.user_data = "#cloud-config\n";
  r.metadata = {{"role", "master"}};
  r.tags = {"kstack-cluster=demo"};
  r.server_group_id = "g";
  json body = server_create_body(r);
  EXPECT_EQ(body["server"]["networks"][0]["port"], "p1");
  EXPECT_EQ(body["server"]["block_device_mapping_v2"][0]["uuid"], "v1");
  EXPECT_EQ(body["server"]["block_device_mapping_v2"][0]["boot_index"], -1);
  EXPECT_EQ(body["server"]["user_data"], "I2Nsb3VkLWNvbmZpZwo=");
  EXPECT_EQ(body["server"]["tags"][0], "kstack-cluster=demo");
  EXPECT_EQ(body["server"]["metadata"]["role"], "master");
  EXPECT_EQ(body["os:scheduler_hints"]["group"], "g");
  ServerCreate bare;
  EXPECT_EQ(server_create_body(bare)["server"]["networks"], "none");
}

TEST(Compute, CreateServerIsNotRepeatedAfterAServerError) {
  FakeCloud cloud;
  cloud.server.on("POST", "/compute/v2.1/servers", 503, R"({"computeFault": {"code": 503, "message": "busy"}})");
  auto client = cloud.connect();
  auto s = create_server(*client, ServerCreate{.name = "x", .flavor_id = "f"});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().http_status, 503);
  EXPECT_EQ(s.error().what, "create server failed: busy");
  EXPECT_EQ(cloud.server.count("POST", "/compute/v2.1/servers"), 1);
}

TEST(Compute, CreateGetListByTagConsoleAndDelete) {
  FakeCloud cloud;
  cloud.on("POST", "/compute/v2.1/servers", 202, "compute/server_create.json");
  cloud.on("GET", "/compute/v2.1/servers/" + kServer, 200, "compute/server.json");
  cloud.on("GET", "/compute/v2.1/servers/detail?tags=kstack-cluster%3Ditest-rec", 200, "compute/servers_by_tag.json");
  cloud.on("POST", "/compute/v2.1/servers/" + kServer + "/action", 200, "compute/console_output.json");
  cloud.server.on("DELETE", "/compute/v2.1/servers/" + kServer, 204, "");
  auto client = cloud.connect();
  auto created = create_server(
      *client, ServerCreate{.name = "itest-rec-server", .flavor_id = "f", .tags = {"kstack-cluster=itest-rec"}});
  ASSERT_TRUE(created) << created.error().to_string();
  EXPECT_EQ(created->id, kServer);
  EXPECT_EQ(created->status, "BUILD");

  auto s = get_server(*client, kServer);
  ASSERT_TRUE(s) << s.error().to_string();
  EXPECT_EQ(s->status, "ACTIVE");
  EXPECT_EQ(s->flavor_name, "m1.small");
  EXPECT_EQ(s->key_name, "itest-rec-key");
  EXPECT_EQ(s->tags, std::vector<std::string>{"kstack-cluster=itest-rec"});
  EXPECT_EQ(s->metadata.at("role"), "master");
  EXPECT_EQ(s->addresses.at("itest-rec-net").front(), "10.77.0.10");
  ASSERT_EQ(s->volume_ids.size(), 1u);
  EXPECT_EQ(s->fault.code, 0);

  auto listed = list_servers(*client, {.tags = {"kstack-cluster=itest-rec"}});
  ASSERT_TRUE(listed) << listed.error().to_string();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().name, "itest-rec-server");

  auto console = console_output(*client, kServer, 10);
  ASSERT_TRUE(console);
  EXPECT_EQ(*console, "FAKE CONSOLE OUTPUT\nANOTHER\nLAST LINE");
  EXPECT_EQ(json::parse(cloud.server.received().back().body)["os-getConsoleOutput"]["length"], 10);
  EXPECT_TRUE(delete_server(*client, kServer));
}

TEST(Compute, DeletingWhatIsGoneSucceeds) {
  FakeCloud cloud;
  cloud.on("DELETE", "/compute/v2.1/servers/00000000-0000-0000-0000-000000000000", 404, "compute/error_404.json");
  EXPECT_TRUE(delete_server(*cloud.connect(), "00000000-0000-0000-0000-000000000000"));
}

TEST(Compute, ReadsAServersFault) {
  Server s = parse_server(json::parse(
      R"({"id": "x", "status": "ERROR", "fault": {"code": 500, "message": "No valid host was found.", "details": "tb"}})"));
  EXPECT_EQ(s.fault.code, 500);
  EXPECT_EQ(s.fault.message, "No valid host was found.");
}

TEST(Compute, ReadsAbsoluteLimits) {
  FakeCloud cloud;
  cloud.on("GET", "/compute/v2.1/limits", 200, "compute/limits.json");
  auto l = limits(*cloud.connect());
  ASSERT_TRUE(l);
  EXPECT_EQ(l->max_cores, 2000);
  EXPECT_EQ(l->max_instances, 200);
  EXPECT_EQ(l->max_ram_mb, 4096000);
  EXPECT_EQ(l->used_server_groups, 1);
  EXPECT_EQ(l->max_server_group_members, 200);
}

}  // namespace
}  // namespace kstack::openstack::compute
