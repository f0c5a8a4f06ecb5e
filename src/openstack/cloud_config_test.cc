#include "openstack/cloud_config.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace kstack::openstack {
namespace {

Getenv env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

const char* kClouds = R"(
clouds:
  devcloud:
    auth:
      auth_url: http://127.0.0.1:5000/v3
      username: demo
      project_name: demo
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    interface: internal
  appcred:
    auth_type: v3applicationcredential
    auth:
      auth_url: https://keystone.example/v3
      application_credential_id: ac-1
      application_credential_secret: ac-secret
    verify: false
  tokened:
    auth_type: token
    auth:
      auth_url: https://keystone.example
      token: tok
      project_id: p-1
    cacert: /etc/ssl/cloud.pem
    api_timeout: 15
)";

const char* kSecure = R"(
clouds:
  devcloud:
    auth:
      password: from-secure-yaml
)";

TEST(CloudConfig, MergesSecureYamlIntoTheCloud) {
  auto c = parse_cloud("devcloud", kClouds, kSecure, "clouds.yaml");
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->method, AuthMethod::password);
  EXPECT_EQ(c->auth_url, "http://127.0.0.1:5000/v3");
  EXPECT_EQ(c->username, "demo");
  EXPECT_EQ(c->password, "from-secure-yaml");
  EXPECT_EQ(c->project_domain_name, "Default");
  EXPECT_EQ(c->region, "RegionOne");
  EXPECT_EQ(c->interface, "internal");
  EXPECT_FALSE(c->insecure);
}

TEST(CloudConfig, PasswordAuthWithoutPasswordIsAnError) {
  auto c = parse_cloud("devcloud", kClouds, "", "clouds.yaml");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().what.find("password"), std::string::npos);
  EXPECT_EQ(c.error().where, "clouds.yaml");
}

TEST(CloudConfig, ReadsApplicationCredentialsAndVerifyFalse) {
  auto c = parse_cloud("appcred", kClouds, "", "clouds.yaml");
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->method, AuthMethod::application_credential);
  EXPECT_EQ(c->application_credential_id, "ac-1");
  EXPECT_EQ(c->application_credential_secret, "ac-secret");
  EXPECT_TRUE(c->insecure);
}

TEST(CloudConfig, ReadsTokenAuthAndCacert) {
  auto c = parse_cloud("tokened", kClouds, "", "clouds.yaml");
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->method, AuthMethod::token);
  EXPECT_EQ(c->token, "tok");
  EXPECT_EQ(c->project_id, "p-1");
  EXPECT_EQ(c->cacert, "/etc/ssl/cloud.pem");
  EXPECT_EQ(c->api_timeout_s, 15);
  EXPECT_EQ(parse_cloud("appcred", kClouds, "", "clouds.yaml")->api_timeout_s, 0);
}

TEST(CloudConfig, ApiTimeoutMustBeWholeSeconds) {
  for (const char* value : {"0", "-3", "1.5", "soon"}) {
    const std::string yaml = fmt::format(
        "clouds:\n  c:\n    auth_type: token\n    auth:\n      auth_url: https://k.example\n      token: t\n"
        "      project_id: p\n    api_timeout: \"{}\"\n",
        value);
    auto c = parse_cloud("c", yaml, "", "clouds.yaml");
    ASSERT_FALSE(c) << value;
    EXPECT_EQ(c.error().where, "clouds.yaml: clouds.c.api_timeout") << value;
    EXPECT_NE(c.error().what.find(value), std::string::npos) << c.error().what;
  }
}

TEST(CloudConfig, UnknownCloudNamesTheFile) {
  auto c = parse_cloud("nope", kClouds, "", "/x/clouds.yaml");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().what, "cloud 'nope' is not defined");
  EXPECT_EQ(c.error().where, "/x/clouds.yaml");
  EXPECT_FALSE(c.error().hint.empty());
}

TEST(CloudConfig, ReadsOpenRcVariables) {
  auto c = cloud_from_env(env_of({{"OS_AUTH_URL", "http://k:5000/v3"},
                                  {"OS_USERNAME", "u"},
                                  {"OS_PASSWORD", "p"},
                                  {"OS_PROJECT_NAME", "proj"},
                                  {"OS_USER_DOMAIN_NAME", "Default"},
                                  {"OS_PROJECT_DOMAIN_ID", "default"},
                                  {"OS_REGION_NAME", "R2"},
                                  {"OS_ENDPOINT_TYPE", "internalURL"},
                                  {"OS_INSECURE", "true"}}));
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->method, AuthMethod::password);
  EXPECT_EQ(c->project_name, "proj");
  EXPECT_EQ(c->project_domain_id, "default");
  EXPECT_EQ(c->region, "R2");
  EXPECT_EQ(c->interface, "internal");
  EXPECT_TRUE(c->insecure);
}

TEST(CloudConfig, OpenRcWithApplicationCredentialByNameNeedsTheUser) {
  auto env = env_of({{"OS_AUTH_URL", "http://k/v3"},
                     {"OS_AUTH_TYPE", "v3applicationcredential"},
                     {"OS_APPLICATION_CREDENTIAL_NAME", "kstack"},
                     {"OS_APPLICATION_CREDENTIAL_SECRET", "s"}});
  auto c = cloud_from_env(env);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().what.find("its user"), std::string::npos);
}

class CloudFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("kstack-clouds-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_ / ".config/openstack");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::filesystem::path& rel, const std::string& text) { std::ofstream(dir_ / rel) << text; }
  std::filesystem::path dir_;
};

TEST_F(CloudFiles, FindsCloudsYamlInTheHomeConfigWithSecureYamlBeside) {
  write(".config/openstack/clouds.yaml", kClouds);
  write(".config/openstack/secure.yaml", kSecure);
  auto c = resolve_cloud("", env_of({{"HOME", dir_.string()}, {"OS_CLOUD", "devcloud"}}));
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->name, "devcloud");
  EXPECT_EQ(c->password, "from-secure-yaml");
}

TEST_F(CloudFiles, OsClientConfigFileWinsAndTheRequestedNameBeatsOsCloud) {
  write("elsewhere.yaml", kClouds);
  auto c = resolve_cloud("tokened", env_of({{"HOME", "/nonexistent"},
                                            {"OS_CLIENT_CONFIG_FILE", (dir_ / "elsewhere.yaml").string()},
                                            {"OS_CLOUD", "devcloud"}}));
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->name, "tokened");
}

TEST_F(CloudFiles, NothingConfiguredIsAClearError) {
  auto c = resolve_cloud("", env_of({{"HOME", dir_.string()}}));
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().what, "no cloud is configured");
  auto missing = resolve_cloud("devcloud", env_of({{"HOME", dir_.string()}}));
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().what.find("no clouds.yaml was found"), std::string::npos);
}

TEST(CloudConfig, CandidatesAreInOpenstacksdkOrder) {
  auto paths = clouds_yaml_candidates(env_of({{"HOME", "/home/u"}, {"OS_CLIENT_CONFIG_FILE", "/c.yaml"}}));
  ASSERT_EQ(paths.size(), 4u);
  EXPECT_EQ(paths[0], "/c.yaml");
  EXPECT_EQ(paths[1], "./clouds.yaml");
  EXPECT_EQ(paths[2], "/home/u/.config/openstack/clouds.yaml");
  EXPECT_EQ(paths[3], "/etc/openstack/clouds.yaml");
  EXPECT_EQ(secure_yaml_candidates(env_of({}))[0], "./secure.yaml");
}

}  // namespace
}  // namespace kstack::openstack
