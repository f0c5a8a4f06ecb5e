#include "openstack/cloud_check.h"

#include <gtest/gtest.h>

#include "openstack/testing/fake_cloud.h"

namespace kstack::openstack {
namespace {

using testing::FakeCloud;

void script_all(FakeCloud& cloud) {
  cloud.on("GET", "/compute/v2.1/limits", 200, "compute/limits.json");
  cloud.on("GET", "/network/v2.0/quotas/" + cloud.project_id + "/details.json", 200, "network/quota_details.json");
  cloud.on("GET", "/volume/v3/" + cloud.project_id + "/limits", 200, "blockstorage/limits.json");
  cloud.on("GET", "/lb/v2/lbaas/loadbalancers", 200, "loadbalancer/list_by_tag.json");
  cloud.on("GET", "/image/v2/images?name=ubuntu-22.04", 200, "image/images_by_name.json");
}

TEST(CloudCheck, ReachesEveryServiceAndCollectsQuotas) {
  FakeCloud cloud;
  script_all(cloud);
  auto client = cloud.connect();
  CloudReport report = check_cloud(*client, "ubuntu-22.04");
  EXPECT_TRUE(report.ok());
  ASSERT_EQ(report.services.size(), 5u);
  EXPECT_EQ(report.project_name, "demo");
  const std::string text = format_report(report);
  EXPECT_NE(text.find("compute         ok"), std::string::npos) << text;
  EXPECT_NE(text.find("(up to 2.93)"), std::string::npos);
  EXPECT_NE(text.find("image 'ubuntu-22.04' is d36af129"), std::string::npos);
  EXPECT_NE(text.find("cores"), std::string::npos);
  EXPECT_NE(text.find("gigabytes"), std::string::npos);
  EXPECT_NE(text.find("floatingip"), std::string::npos);
  EXPECT_NE(text.find("everything kstack needs"), std::string::npos);
}

TEST(CloudCheck, AFailingServiceFailsTheCheck) {
  FakeCloud cloud;
  script_all(cloud);
  cloud.server.on(
      "GET", "/lb/v2/lbaas/loadbalancers", 403,
      R"({"faultcode": "Client", "faultstring": "Policy does not allow this request to be performed.", "debuginfo": null})");
  cloud.on("GET", "/image/v2/images?name=centos", 200, "network/tags_put.json");  // no "images": unreadable
  auto client = cloud.connect();
  CloudReport report = check_cloud(*client, "ubuntu-22.04");
  EXPECT_FALSE(report.ok());
  const std::string text = format_report(report);
  EXPECT_NE(text.find("load-balancer   FAIL"), std::string::npos) << text;
  EXPECT_NE(text.find("Policy does not allow"), std::string::npos);
  EXPECT_NE(text.find("NOT ready"), std::string::npos);
}

TEST(CloudCheck, AMissingImageIsNamed) {
  FakeCloud cloud;
  script_all(cloud);
  cloud.server.on("GET", "/image/v2/images?name=centos-9", 200, R"({"images": []})");
  auto client = cloud.connect();
  CloudReport report = check_cloud(*client, "centos-9");
  EXPECT_FALSE(report.ok());
  EXPECT_NE(format_report(report).find("no image named 'centos-9'"), std::string::npos);
}

}  // namespace
}  // namespace kstack::openstack
