#include "bootstrap/user_data.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <random>

#include "util/testing/decode.h"

namespace kstack::bootstrap {
namespace {

TEST(UserData, CloudConfigWritesEveryFileWithItsModeAndStartsTheBootstrapUnit) {
  std::vector<NodeFile> files = {{"/etc/a.conf", "line one\n  indented: yes\n", 0644, false},
                                 {"/etc/secret.key", "KEY\n", 0600, true}};
  const std::string doc = cloud_config({"demo-worker-1", "ssh-ed25519 AAAA x", "kstack-bootstrap.service"}, files);
  ASSERT_TRUE(doc.starts_with("#cloud-config\n"));
  const YAML::Node y = YAML::Load(doc);
  EXPECT_EQ(y["hostname"].as<std::string>(), "demo-worker-1");
  EXPECT_FALSE(y["ssh_pwauth"].as<bool>());
  ASSERT_EQ(y["write_files"].size(), 2u);
  EXPECT_EQ(y["write_files"][0]["content"].as<std::string>(), files[0].content);
  EXPECT_EQ(y["write_files"][0]["permissions"].as<std::string>(), "0644");
  EXPECT_EQ(y["write_files"][1]["permissions"].as<std::string>(), "0600");
  // The unit runs the bootstrap (and retries it, and runs it at every boot), not cloud-init.
  ASSERT_EQ(y["runcmd"].size(), 2u);
  EXPECT_EQ(y["runcmd"][0][1].as<std::string>(), "daemon-reload");
  EXPECT_EQ(y["runcmd"][1][0].as<std::string>(), "systemctl");
  EXPECT_EQ(y["runcmd"][1][1].as<std::string>(), "enable");
  EXPECT_EQ(y["runcmd"][1][4].as<std::string>(), "kstack-bootstrap.service");
  // Packages are the bootstrap's (only what the image lacks), not cloud-init's: no archive update.
  EXPECT_FALSE(y["packages"]);
  EXPECT_FALSE(y["package_update"]);
}

TEST(UserData, GzipIsDeterministicAndRoundTrips) {
  const std::string text(100000, 'k');
  auto a = gzip(text);
  auto b = gzip(text);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(static_cast<unsigned char>((*a)[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>((*a)[1]), 0x8b);
  EXPECT_EQ(testing::gunzip_if_gzipped(*a), text);
}

TEST(UserData, SmallDocumentsStayPlain) {
  RenderedNode node{.name = "n", .cloud_config = "#cloud-config\nhostname: n\n"};
  ASSERT_TRUE(pack_user_data(node).has_value());
  EXPECT_FALSE(node.gzipped);
  EXPECT_EQ(node.user_data, node.cloud_config);
  EXPECT_EQ(node.base64_size, base64_size(node.cloud_config.size()));
}

TEST(UserData, LargeDocumentsAreCompressedToFit) {
  RenderedNode node{.name = "n", .cloud_config = "#cloud-config\n" + std::string(70000, 'a')};
  ASSERT_TRUE(pack_user_data(node).has_value());
  EXPECT_TRUE(node.gzipped);
  EXPECT_LE(node.base64_size, kNovaUserDataLimit);
  EXPECT_EQ(testing::gunzip_if_gzipped(node.user_data), node.cloud_config);
}

TEST(UserData, IncompressibleDocumentsFailNamingTheNodeAndSize) {
  std::mt19937 rng(42);
  std::string noise;
  for (int i = 0; i < 80000; ++i) noise += static_cast<char>('!' + rng() % 90);
  RenderedNode node{.name = "demo-master-1", .cloud_config = "#cloud-config\n" + noise};
  auto packed = pack_user_data(node);
  ASSERT_FALSE(packed.has_value());
  EXPECT_EQ(packed.error().where, "demo-master-1");
  EXPECT_NE(packed.error().what.find("demo-master-1"), std::string::npos);
  EXPECT_NE(packed.error().what.find(std::to_string(node.base64_size)), std::string::npos);
  EXPECT_NE(packed.error().what.find("65535"), std::string::npos);
}

TEST(UserData, Base64SizeRoundsUpToWholeQuads) {
  EXPECT_EQ(base64_size(0), 0u);
  EXPECT_EQ(base64_size(1), 4u);
  EXPECT_EQ(base64_size(3), 4u);
  EXPECT_EQ(base64_size(4), 8u);
  EXPECT_EQ(base64_size(49152), 65536u);
}

}  // namespace
}  // namespace kstack::bootstrap
