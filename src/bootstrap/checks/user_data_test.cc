// Each node's user-data as Nova receives it: unpacked with gzip when compressed, validated by
// `cloud-init schema`, its top-level keys checked against the keys cloud-init's schema defines
// (the schema check alone ignores unknown ones), every script it runs passed through shellcheck, and
// its size reported against Nova's limit.
#include "bootstrap/user_data.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

#include "bootstrap/checks/process.h"
#include "bootstrap/checks/rendered_cluster.h"

namespace kstack::bootstrap::checks {
namespace {

namespace fs = std::filesystem;

// The cloud-init on this machine knows its schema; ask it for every top-level key it defines.
constexpr const char* kSchemaKeys = R"TXT(
from cloudinit.config.schema import get_schema
s = get_schema()
keys = set(s.get('properties', {}))
for ref in s.get('allOf', []):
    keys.update(s['$defs'][ref['$ref'].split('/')[-1]].get('properties', {}))
print('\n'.join(sorted(keys)))
)TXT";

std::set<std::string> schema_keys() {
  auto r = run({"/usr/bin/python3", "-c", kSchemaKeys});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  std::set<std::string> keys;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) keys.insert(line);
  }
  return keys;
}

/// The top-level keys of a #cloud-config document that cloud-init does not define.
std::vector<std::string> unknown_keys(const std::string& cloud_config, const std::set<std::string>& known) {
  std::vector<std::string> out;
  for (const auto& entry : YAML::Load(cloud_config)) {
    const auto key = entry.first.as<std::string>();
    if (!known.contains(key)) out.push_back(key);
  }
  return out;
}

/// The document cloud-init would see: the user-data, gunzipped by the real gzip when compressed.
std::string unpack(const RenderedNode& node, const fs::path& work) {
  const fs::path packed = work / (node.name + ".user-data");
  std::ofstream(packed, std::ios::binary) << node.user_data;
  const bool gzip_magic = node.user_data.size() > 2 && static_cast<unsigned char>(node.user_data[0]) == 0x1f &&
                          static_cast<unsigned char>(node.user_data[1]) == 0x8b;
  EXPECT_EQ(gzip_magic, node.gzipped) << node.name;
  if (!gzip_magic) return node.user_data;
  auto r = run({"gzip", "-dc", packed.string()});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  return r.out;
}

class UserData : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_TRUE(have_tool("cloud-init"));
    ASSERT_TRUE(have_tool("shellcheck"));
    cluster_ = render_for_checks(reference_cluster_spec()).release();
    ASSERT_NE(cluster_, nullptr);
  }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }
  static RenderedCluster* cluster_;
};

RenderedCluster* UserData::cluster_ = nullptr;

TEST_F(UserData, EveryNodesCloudConfigPassesCloudInitsSchema) {
  const auto known = schema_keys();
  ASSERT_GT(known.size(), 50u);
  for (const auto& node : cluster_->nodes) {
    const std::string document = unpack(node, cluster_->work);
    ASSERT_TRUE(document.starts_with("#cloud-config\n")) << node.name;
    EXPECT_EQ(document, node.cloud_config);
    const fs::path file = cluster_->work / (node.name + ".cloud-config");
    std::ofstream(file, std::ios::binary) << document;
    auto schema = run({"cloud-init", "schema", "-c", file.string()});
    EXPECT_EQ(schema.exit_code, 0) << node.name << ": " << schema.out;
    EXPECT_NE(schema.out.find("Valid cloud-config"), std::string::npos) << schema.out;
    EXPECT_EQ(unknown_keys(document, known), std::vector<std::string>{}) << node.name;
  }
}

TEST_F(UserData, TheKeyCheckCatchesWhatTheSchemaIgnores) {
  const std::string misspelled = "#cloud-config\nwrite_file:\n  - path: /x\n    content: y\nruncmd: [[true]]\n";
  const fs::path file = cluster_->work / "misspelled.cloud-config";
  std::ofstream(file, std::ios::binary) << misspelled;
  EXPECT_EQ(unknown_keys(misspelled, schema_keys()), std::vector<std::string>{"write_file"});
}

TEST_F(UserData, EveryScriptANodeRunsPassesShellcheck) {
  int scripts = 0;
  for (const auto& node : cluster_->nodes) {
    for (const auto& file : node.files) {
      if (!file.content.starts_with("#!/bin/sh") && !file.content.starts_with("#!/bin/bash")) continue;
      ++scripts;
      auto r = run({"shellcheck", "--severity=style", "-"}, file.content);
      EXPECT_EQ(r.exit_code, 0) << node.name << " " << file.path << ":\n" << r.out;
    }
  }
  EXPECT_GE(scripts, 6 * 2 + 3 * 3);
}

TEST_F(UserData, EveryUserDataFitsNovasLimitAndItsSizeIsReported) {
  std::string table = fmt::format("{:<18} {:>9} {:>9} {:>9}  {}\n", "node", "raw", "sent", "base64", "form");
  for (const auto& node : cluster_->nodes) {
    EXPECT_LE(node.base64_size, kNovaUserDataLimit) << node.name;
    EXPECT_EQ(node.base64_size, base64_size(node.user_data.size()));
    table += fmt::format("{:<18} {:>9} {:>9} {:>9}  {}\n", node.name, node.cloud_config.size(), node.user_data.size(),
                         node.base64_size, node.gzipped ? "gzip" : "plain");
    RecordProperty("user_data_base64_" + node.name, std::to_string(node.base64_size));
  }
  std::cout << table;
}

}  // namespace
}  // namespace kstack::bootstrap::checks
