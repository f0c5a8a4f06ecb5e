#include "openstack/auth.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "openstack/testing/replay_server.h"

namespace kstack::openstack {
namespace {

using nlohmann::json;
using testing::fixture;

CloudConfig password_cloud() {
  CloudConfig c;
  c.auth_url = "http://k:5000";
  c.username = "demo";
  c.password = "pw";
  c.user_domain_name = "Default";
  c.project_name = "demo";
  c.project_domain_id = "default";
  return c;
}

TEST(Auth, IdentityUrlAlwaysEndsInV3) {
  EXPECT_EQ(identity_v3_url("http://k:5000"), "http://k:5000/v3");
  EXPECT_EQ(identity_v3_url("http://k:5000/v3/"), "http://k:5000/v3");
  EXPECT_EQ(identity_v3_url("http://k/identity/v2.0"), "http://k/identity/v3");
}

TEST(Auth, PasswordBodyScopesToTheProject) {
  auto body = json::parse(token_request_body(password_cloud()));
  const auto& id = body["auth"]["identity"];
  EXPECT_EQ(id["methods"], json::array({"password"}));
  EXPECT_EQ(id["password"]["user"]["name"], "demo");
  EXPECT_EQ(id["password"]["user"]["password"], "pw");
  EXPECT_EQ(id["password"]["user"]["domain"]["name"], "Default");
  EXPECT_EQ(body["auth"]["scope"]["project"]["name"], "demo");
  EXPECT_EQ(body["auth"]["scope"]["project"]["domain"]["id"], "default");
}

TEST(Auth, TokenBodyCarriesTheToken) {
  CloudConfig c;
  c.method = AuthMethod::token;
  c.token = "t0k";
  c.project_id = "p1";
  auto body = json::parse(token_request_body(c));
  EXPECT_EQ(body["auth"]["identity"]["token"]["id"], "t0k");
  EXPECT_EQ(body["auth"]["scope"]["project"]["id"], "p1");
}

TEST(Auth, ApplicationCredentialBodyHasNoScope) {
  CloudConfig c;
  c.method = AuthMethod::application_credential;
  c.application_credential_name = "kstack";
  c.application_credential_secret = "s";
  c.username = "demo";
  c.user_domain_name = "Default";
  c.project_name = "ignored";
  auto body = json::parse(token_request_body(c));
  const auto& ac = body["auth"]["identity"]["application_credential"];
  EXPECT_EQ(ac["name"], "kstack");
  EXPECT_EQ(ac["secret"], "s");
  EXPECT_EQ(ac["user"]["name"], "demo");
  EXPECT_FALSE(body["auth"].contains("scope"));
}

TEST(Auth, ParsesTheRecordedTokenAndCatalog) {
  HttpResponse r{201, {{"x-subject-token", "gAAAA-secret"}}, fixture("identity/token.json")};
  auto token = parse_token_response(r);
  ASSERT_TRUE(token) << token.error().to_string();
  EXPECT_EQ(token->id, "gAAAA-secret");
  EXPECT_FALSE(token->project_id.empty());
  EXPECT_EQ(token->project_name, "demo");
  EXPECT_EQ(token->roles, (std::vector<std::string>{"reader", "member", "load-balancer_member"}));
  auto compute = catalog_url(token->catalog, "compute", "public", "RegionOne");
  ASSERT_TRUE(compute);
  EXPECT_EQ(*compute, "http://127.0.0.1:8774/v2.1");
  auto volume = catalog_url(token->catalog, "volumev3", "public", "RegionOne");
  ASSERT_TRUE(volume);
  EXPECT_EQ(*volume, "http://127.0.0.1:8776/v3/" + token->project_id);
  auto slow = catalog_url(token->catalog, "network", "public", "slow");
  ASSERT_TRUE(slow);
  EXPECT_EQ(*slow, "http://127.0.0.1:19696");
}

TEST(Auth, MissingServiceOrRegionIsAnError) {
  HttpResponse r{201, {{"x-subject-token", "t"}}, fixture("identity/token.json")};
  auto token = parse_token_response(r);
  ASSERT_TRUE(token);
  auto dns = catalog_url(token->catalog, "dns", "public", "");
  ASSERT_FALSE(dns);
  EXPECT_EQ(dns.error().what, "the cloud offers no dns service");
  auto region = catalog_url(token->catalog, "compute", "public", "Mars");
  ASSERT_FALSE(region);
  EXPECT_NE(region.error().what.find("in region Mars"), std::string::npos);
}

TEST(Auth, AnswerWithoutSubjectTokenIsAnError) {
  EXPECT_FALSE(parse_token_response(HttpResponse{201, {}, fixture("identity/token.json")}));
}

TEST(Auth, ParsesKeystoneTimes) {
  auto t = parse_iso8601("2026-11-26T17:04:05.000000Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*t), 1795712645);
  EXPECT_FALSE(parse_iso8601("tomorrow"));
}

TEST(Auth, IssueTokenReportsKeystonesRefusal) {
  testing::ReplayServer server;
  server.on("POST", "/v3/auth/tokens", 401, fixture("identity/error_401.json"), {{"X-OpenStack-Request-Id", "req-k"}});
  CloudConfig c = password_cloud();
  c.name = "devcloud";
  c.auth_url = server.url();
  Transport t;
  auto token = issue_token(t, c);
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().http_status, 401);
  EXPECT_EQ(token.error().request_id, "req-k");
  EXPECT_EQ(token.error().service, "identity");
  EXPECT_NE(token.error().hint.find("credentials"), std::string::npos);
  EXPECT_NE(token.error().what.find("requires authentication"), std::string::npos);
}

}  // namespace
}  // namespace kstack::openstack
