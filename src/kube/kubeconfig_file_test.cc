#include "kube/kubeconfig_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace kstack::kube {
namespace {

namespace fs = std::filesystem;

std::string added(const std::string& cluster, const std::string& server) {
  return "apiVersion: v1\nkind: Config\nclusters:\n- name: \"" + cluster + "\"\n  cluster:\n    server: \"" + server +
         "\"\n    certificate-authority-data: Q0E=\nusers:\n- name: \"" + cluster +
         "-admin\"\n  user:\n    client-certificate-data: Q0VSVA==\n    client-key-data: S0VZ\ncontexts:\n- name: \"" +
         cluster + "-admin@" + cluster + "\"\n  context:\n    cluster: \"" + cluster + "\"\n    user: \"" + cluster +
         "-admin\"\ncurrent-context: \"" + cluster + "-admin@" + cluster + "\"\npreferences: {}\n";
}

TEST(KubeconfigMerge, IntoNothingGivesTheAdditionAsCurrent) {
  auto merged = merge_kubeconfig("", added("demo", "https://203.0.113.7:6443"), false, "config");
  ASSERT_TRUE(merged) << merged.error().to_string();
  auto doc = YAML::Load(*merged);
  EXPECT_EQ(doc["current-context"].as<std::string>(), "demo-admin@demo");
  EXPECT_EQ(doc["clusters"][0]["cluster"]["server"].as<std::string>(), "https://203.0.113.7:6443");
  EXPECT_EQ(doc["users"][0]["user"]["client-key-data"].as<std::string>(), "S0VZ");
}

TEST(KubeconfigMerge, KeepsOtherClustersAndReplacesTheSameName) {
  auto first = merge_kubeconfig("", added("other", "https://other:6443"), false, "config");
  ASSERT_TRUE(first);
  auto second = merge_kubeconfig(*first, added("demo", "https://old:6443"), false, "config");
  ASSERT_TRUE(second);
  auto third = merge_kubeconfig(*second, added("demo", "https://new:6443"), false, "config");
  ASSERT_TRUE(third);
  auto doc = YAML::Load(*third);
  ASSERT_EQ(doc["clusters"].size(), 2u);
  EXPECT_EQ(doc["clusters"][0]["name"].as<std::string>(), "other");
  EXPECT_EQ(doc["clusters"][1]["cluster"]["server"].as<std::string>(), "https://new:6443");
  EXPECT_EQ(doc["users"].size(), 2u);
  EXPECT_EQ(doc["contexts"].size(), 2u);
  // The user's current context is theirs to change, unless asked.
  EXPECT_EQ(doc["current-context"].as<std::string>(), "other-admin@other");
  auto switched = merge_kubeconfig(*third, added("demo", "https://new:6443"), true, "config");
  ASSERT_TRUE(switched);
  EXPECT_EQ(YAML::Load(*switched)["current-context"].as<std::string>(), "demo-admin@demo");
}

TEST(KubeconfigMerge, RefusesAFileItCannotRead) {
  auto broken = merge_kubeconfig("clusters: [\n", added("demo", "https://x:6443"), false, "/home/u/.kube/config");
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().where, "/home/u/.kube/config");
  EXPECT_NE(broken.error().what.find("line"), std::string::npos) << broken.error().what;
  EXPECT_FALSE(merge_kubeconfig("- a\n- b\n", added("demo", "https://x:6443"), false, "c"));
  EXPECT_FALSE(merge_kubeconfig("clusters: 3\n", added("demo", "https://x:6443"), false, "c"));
}

TEST(KubeconfigFile, CreatesPrivateFileAndMergesAtomically) {
  fs::path dir = fs::path(testing::TempDir()) / ("kstack-kubeconfig-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::path path = dir / ".kube" / "config";
  ASSERT_TRUE(merge_into_file(path, added("one", "https://one:6443"), false));
  ASSERT_TRUE(merge_into_file(path, added("two", "https://two:6443"), false));
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(path.parent_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  auto doc = YAML::LoadFile(path.string());
  EXPECT_EQ(doc["clusters"].size(), 2u);
  EXPECT_EQ(doc["current-context"].as<std::string>(), "one-admin@one");
  for (const auto& entry : fs::directory_iterator(path.parent_path())) {
    EXPECT_EQ(entry.path().filename(), "config") << "left behind: " << entry.path();
  }
  // An unreadable file is left as it was.
  std::ofstream(path) << "{{{ not yaml";
  EXPECT_FALSE(merge_into_file(path, added("three", "https://three:6443"), false));
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "{{{ not yaml");
  fs::remove_all(dir);
}

TEST(KubeconfigFile, DefaultPathFollowsKubeconfigThenHome) {
  const char* saved = std::getenv("KUBECONFIG");
  std::string keep = saved ? saved : "";
  const char* saved_home = std::getenv("HOME");
  std::string keep_home = saved_home ? saved_home : "";
  setenv("KUBECONFIG", "/a/first:/b/second", 1);
  EXPECT_EQ(default_kubeconfig_path(), fs::path("/a/first"));
  unsetenv("KUBECONFIG");
  setenv("HOME", "/home/someone", 1);
  EXPECT_EQ(default_kubeconfig_path(), fs::path("/home/someone/.kube/config"));
  if (saved) setenv("KUBECONFIG", keep.c_str(), 1);
  if (saved_home) setenv("HOME", keep_home.c_str(), 1);
}

}  // namespace
}  // namespace kstack::kube
