#include "openstack/blockstorage.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "openstack/testing/fake_cloud.h"

namespace kstack::openstack::blockstorage {
namespace {

using nlohmann::json;
using testing::FakeCloud;

const std::string kVolume = "2e08c0cd-c327-4391-b462-02d32e13c52a";

std::string volumes(const FakeCloud& cloud) { return "/volume/v3/" + cloud.project_id; }

TEST(BlockStorage, CreateVolumeWithMetadata) {
  FakeCloud cloud;
  cloud.on("POST", volumes(cloud) + "/volumes", 202, "blockstorage/volume_create.json");
  auto v = create_volume(*cloud.connect(),
                         {.name = "itest-rec-vol", .size_gb = 1, .metadata = {{"kstack-cluster", "itest-rec"}}});
  ASSERT_TRUE(v) << v.error().to_string();
  EXPECT_EQ(v->id, kVolume);
  EXPECT_EQ(v->size_gb, 1);
  EXPECT_EQ(v->metadata.at("kstack-cluster"), "itest-rec");
  auto sent = json::parse(cloud.server.received().back().body)["volume"];
  EXPECT_EQ(sent["size"], 1);
  EXPECT_EQ(sent["metadata"]["kstack-cluster"], "itest-rec");
  EXPECT_FALSE(sent.contains("volume_type"));
}

TEST(BlockStorage, ListsByMetadataAndChecksTheMark) {
  FakeCloud cloud;
  cloud.on("GET", volumes(cloud) + "/volumes/detail?metadata=%7B%22kstack-cluster%22%3A%22itest-rec%22%7D", 200,
           "blockstorage/volumes_by_metadata.json");
  auto client = cloud.connect();
  auto v = list_volumes(*client, {.metadata = {{"kstack-cluster", "itest-rec"}}});
  ASSERT_TRUE(v) << v.error().to_string();
  ASSERT_EQ(v->size(), 1u);
  EXPECT_EQ(v->front().status, "available");
  // A cloud that ignored the filter would return other volumes; they are dropped here.
  cloud.on("GET", volumes(cloud) + "/volumes/detail?metadata=%7B%22kstack-cluster%22%3A%22other%22%7D", 200,
           "blockstorage/volumes_by_metadata.json");
  auto other = list_volumes(*client, {.metadata = {{"kstack-cluster", "other"}}});
  ASSERT_TRUE(other);
  EXPECT_TRUE(other->empty());
}

TEST(BlockStorage, FollowsVolumeLinks) {
  FakeCloud cloud;
  cloud.on("GET", volumes(cloud) + "/volumes/detail", 200, "blockstorage/volumes_page1.json");
  cloud.server.on("GET", volumes(cloud) + "/volumes/detail?limit=1&marker=" + kVolume, 200, R"({"volumes": []})");
  auto v = list_volumes(*cloud.connect());
  ASSERT_TRUE(v) << v.error().to_string();
  ASSERT_EQ(v->size(), 1u);
  EXPECT_EQ(cloud.server.count("GET", volumes(cloud) + "/volumes/detail"), 2);
}

TEST(BlockStorage, GetDeleteTypesLimitsAndQuota) {
  FakeCloud cloud;
  cloud.on("GET", volumes(cloud) + "/volumes/" + kVolume, 404, "blockstorage/error_404.json");
  cloud.on("DELETE", volumes(cloud) + "/volumes/" + kVolume, 404, "blockstorage/error_404.json");
  cloud.on("GET", volumes(cloud) + "/types", 200, "blockstorage/types.json");
  cloud.on("GET", volumes(cloud) + "/limits", 200, "blockstorage/limits.json");
  cloud.on("GET", volumes(cloud) + "/os-quota-sets/" + cloud.project_id, 200, "blockstorage/quota_usage.json");
  auto client = cloud.connect();
  auto gone = get_volume(*client, kVolume);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().service, "volumev3");
  EXPECT_NE(gone.error().what.find("could not be found"), std::string::npos);
  EXPECT_TRUE(delete_volume(*client, kVolume));  // already gone counts as deleted
  auto types = list_volume_types(*client);
  ASSERT_TRUE(types);
  EXPECT_EQ(types->front().name, "__DEFAULT__");
  auto l = limits(*client);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->max_volumes, 500);
  EXPECT_EQ(l->used_gigabytes, 1);
  auto q = quota_usage(*client, client->project_id());
  ASSERT_TRUE(q) << q.error().to_string();
  EXPECT_EQ(q->at("gigabytes").limit, 100000);
  EXPECT_EQ(q->at("gigabytes").in_use, 1);
  EXPECT_EQ(cloud.server.received().back().target,
            volumes(cloud) + "/os-quota-sets/" + cloud.project_id + "?usage=true");
}

TEST(BlockStorage, QuotaRefusalNamesTheQuota) {
  FakeCloud cloud;
  cloud.on("POST", volumes(cloud) + "/volumes", 413, "blockstorage/error_413_quota.json");
  auto v = create_volume(*cloud.connect(), {.name = "itest-rec-huge", .size_gb = 100000});
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().http_status, 413);
  EXPECT_NE(v.error().hint.find("gigabytes quota"), std::string::npos);
  EXPECT_EQ(cloud.server.count("POST", volumes(cloud) + "/volumes"), 1);
}

}  // namespace
}  // namespace kstack::openstack::blockstorage
