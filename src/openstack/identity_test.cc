#include "openstack/identity.h"

#include <gtest/gtest.h>

#include "openstack/testing/fake_cloud.h"

namespace kstack::openstack::identity {
namespace {

using testing::FakeCloud;

constexpr const char* kUser = "7cd3e01459f44aafa5cc39c543e9fcc3";  // the recorded token's user

std::string credentials_path(const std::string& rest = "") {
  return std::string("/identity/v3/users/") + kUser + "/application_credentials" + rest;
}

TEST(Identity, CreatesAnApplicationCredentialWithTheRolesAsked) {
  FakeCloud cloud;
  cloud.on("POST", credentials_path(), 201, "identity/application_credential_created.json");
  auto created = create_application_credential(
      *cloud.connect(), {"kstack-demo", "kstack cluster demo", {"member", "load-balancer_member"}, ""});
  ASSERT_TRUE(created) << created.error().to_string();
  EXPECT_EQ(created->id, "c1c230cc8a124795b931a082da4087e0");
  EXPECT_FALSE(created->secret.empty());
  EXPECT_EQ(created->roles,
            (std::vector<std::string>{"load-balancer_member", "member"}));  // Keystone answers a set: read back sorted
  auto sent = nlohmann::json::parse(cloud.server.received().back().body)["application_credential"];
  EXPECT_EQ(sent["name"], "kstack-demo");
  EXPECT_EQ(sent["roles"], nlohmann::json::parse(R"([{"name": "member"}, {"name": "load-balancer_member"}])"));
  EXPECT_FALSE(sent.contains("expires_at"));
  EXPECT_FALSE(sent.contains("unrestricted"));  // it may never create further credentials
}

TEST(Identity, AnExpirySentWhenAsked) {
  FakeCloud cloud;
  cloud.on("POST", credentials_path(), 201, "identity/application_credential_created.json");
  ASSERT_TRUE(create_application_credential(*cloud.connect(), {"kstack-demo", "", {"member"}, "2027-12-01T00:00:00"}));
  auto sent = nlohmann::json::parse(cloud.server.received().back().body)["application_credential"];
  EXPECT_EQ(sent["expires_at"], "2027-12-01T00:00:00");
}

TEST(Identity, APolicyRefusalIsReportedWithItsStatus) {
  FakeCloud cloud;
  cloud.server.on("POST", credentials_path(), 403,
                  R"({"error": {"code": 403, "message": "You are not authorized to perform the requested action: )"
                  R"(identity:create_application_credential.", "title": "Forbidden"}})",
                  {{"x-openstack-request-id", "req-refused"}});
  auto created = create_application_credential(*cloud.connect(), {"kstack-demo", "", {"member"}, ""});
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().http_status, 403);
  EXPECT_EQ(created.error().request_id, "req-refused");
  EXPECT_NE(created.error().what.find("identity:create_application_credential"), std::string::npos);
  EXPECT_EQ(cloud.server.count("POST", credentials_path()), 1);  // a refusal is not retried
}

TEST(Identity, AnAnswerWithoutSecretIsAnError) {
  FakeCloud cloud;
  cloud.server.on("POST", credentials_path(), 201, R"({"application_credential": {"id": "x", "name": "kstack-demo"}})");
  EXPECT_FALSE(create_application_credential(*cloud.connect(), {"kstack-demo", "", {"member"}, ""}));
}

TEST(Identity, FindsOneOrKnowsItIsGone) {
  FakeCloud cloud;
  cloud.server.on(
      "GET", credentials_path("/here"), 200,
      R"({"application_credential": {"id": "here", "name": "kstack-demo", "roles": [{"name": "member"}]}})");
  cloud.server.on("GET", credentials_path("/gone"), 404,
                  R"({"error": {"code": 404, "message": "Could not find Application Credential: gone."}})");
  auto client = cloud.connect();
  auto here = find_application_credential(*client, kUser, "here");
  ASSERT_TRUE(here && *here);
  EXPECT_EQ((*here)->name, "kstack-demo");
  EXPECT_TRUE((*here)->secret.empty());
  auto gone = find_application_credential(*client, kUser, "gone");
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
}

TEST(Identity, ListsAndDeletes) {
  FakeCloud cloud;
  cloud.server.on("GET", credentials_path(), 200,
                  R"({"application_credentials": [{"id": "a", "name": "kstack-demo"}, {"id": "b", "name": "x"}],)"
                  R"( "links": {"next": null}})");
  cloud.server.on("DELETE", credentials_path("/a"), 204, "");
  cloud.server.on("DELETE", credentials_path("/b"), 404, R"({"error": {"code": 404, "message": "gone"}})");
  auto client = cloud.connect();
  auto all = list_application_credentials(*client, kUser);
  ASSERT_TRUE(all) << all.error().to_string();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ(all->front().name, "kstack-demo");
  EXPECT_TRUE(delete_application_credential(*client, kUser, "a"));
  EXPECT_TRUE(delete_application_credential(*client, kUser, "b"));  // already gone: deleted
}

}  // namespace
}  // namespace kstack::openstack::identity
