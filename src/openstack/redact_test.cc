#include "openstack/redact.h"

#include <gtest/gtest.h>

namespace kstack::openstack {
namespace {

TEST(Redact, MasksPasswordsInAKeystoneRequest) {
  const std::string body =
      R"({"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"demo","password":"s3cret-pw"}}}}})";
  const std::string out = redact_body(body);
  EXPECT_EQ(out.find("s3cret-pw"), std::string::npos);
  EXPECT_NE(out.find("demo"), std::string::npos);
  EXPECT_NE(out.find("***"), std::string::npos);
}

TEST(Redact, MasksTokenIdsAndApplicationCredentialSecrets) {
  const std::string out =
      redact_body(R"({"auth":{"identity":{"methods":["token","application_credential"],"token":{"id":"gAAAAtok"},)"
                  R"("application_credential":{"id":"ac-id","secret":"ac-secret"}}}})");
  EXPECT_EQ(out.find("gAAAAtok"), std::string::npos);
  EXPECT_EQ(out.find("ac-secret"), std::string::npos);
  EXPECT_NE(out.find("ac-id"), std::string::npos);  // an id alone is no secret
}

TEST(Redact, MasksUserDataAndAdminPassAndPrivateKeys) {
  const std::string out = redact_body(
      R"({"server":{"name":"m1","user_data":"I2Nsb3VkLWNvbmZpZw==","adminPass":"xyz"},"keypair":{"private_key":"-----BEGIN"}})");
  EXPECT_EQ(out.find("I2Nsb3VkLWNvbmZpZw"), std::string::npos);
  EXPECT_EQ(out.find("xyz"), std::string::npos);
  EXPECT_EQ(out.find("BEGIN"), std::string::npos);
  EXPECT_NE(out.find("m1"), std::string::npos);
}

TEST(Redact, ShowsNonJsonOnlyByLength) {
  EXPECT_EQ(redact_body("password=hunter2"), "<16 bytes, not JSON, not shown>");
  EXPECT_EQ(redact_body(""), "");
}

TEST(Redact, KnowsSecretHeaders) {
  EXPECT_TRUE(is_secret_header("X-Auth-Token"));
  EXPECT_TRUE(is_secret_header("x-subject-token"));
  EXPECT_TRUE(is_secret_header("Authorization"));
  EXPECT_FALSE(is_secret_header("X-OpenStack-Request-Id"));
}

TEST(Redact, MasksSecretQueryValues) {
  EXPECT_EQ(redact_url("http://h/x?name=a&password=p&token_id=t"), "http://h/x?name=a&password=***&token_id=***");
  EXPECT_EQ(redact_url("http://h/x"), "http://h/x");
}

}  // namespace
}  // namespace kstack::openstack
