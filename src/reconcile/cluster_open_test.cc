#include "reconcile/cluster_open.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace kstack::reconcile {
namespace {

namespace fs = std::filesystem;

/// SpecDir is a directory of its own for one test's spec and key files, removed after it.
class SpecDir {
 public:
  SpecDir() : root_(fs::temp_directory_path() / ("kstack-open-" + std::to_string(::getpid()) + "-" + next())) {
    fs::create_directories(root_);
  }
  ~SpecDir() { fs::remove_all(root_); }
  SpecDir(const SpecDir&) = delete;
  SpecDir& operator=(const SpecDir&) = delete;

  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(root_ / name) << text;
    return (root_ / name).string();
  }

 private:
  static std::string next() {
    static int n = 0;
    return std::to_string(++n);
  }
  fs::path root_;
};

constexpr const char* kSpec =
    "name: demo\n"
    "network: {cidr: 10.0.0.0/16, external_network: floating}\n"
    "ssh_public_key_file: keys/demo.pub\n";

TEST(LoadClusterSpec, ReadsTheKeyBesideTheSpec) {
  SpecDir dir;
  fs::create_directories(fs::path(dir.write("keys/.keep", "")).parent_path());
  dir.write("keys/demo.pub", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq0 demo@example  \n");
  auto loaded = load_cluster_spec(dir.write("cluster.yaml", kSpec));
  ASSERT_TRUE(loaded) << loaded.error().to_string();
  EXPECT_EQ(loaded->spec.name, "demo");
  EXPECT_EQ(loaded->spec.ssh_public_key, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq0 demo@example");
  EXPECT_FALSE(loaded->key_error);
  EXPECT_FALSE(loaded->model.nodes.empty());
}

TEST(LoadClusterSpec, AnUnreadableKeyIsKeptAsAnErrorNotAFailure) {
  SpecDir dir;
  auto loaded = load_cluster_spec(dir.write("cluster.yaml", kSpec));
  ASSERT_TRUE(loaded) << loaded.error().to_string();  // destroy, ssh and kubeconfig need no key
  ASSERT_TRUE(loaded->key_error);
  EXPECT_NE(loaded->key_error->what.find("cannot read the SSH public key"), std::string::npos);
  EXPECT_NE(loaded->key_error->where.find("ssh_public_key_file"), std::string::npos);
  EXPECT_NE(loaded->key_error->hint.find("ssh-keygen"), std::string::npos);
}

TEST(LoadClusterSpec, APrivateKeyIsRefused) {
  SpecDir dir;
  fs::create_directories(fs::path(dir.write("keys/.keep", "")).parent_path());
  dir.write("keys/demo.pub", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n");
  auto loaded = load_cluster_spec(dir.write("cluster.yaml", kSpec));
  ASSERT_TRUE(loaded);
  ASSERT_TRUE(loaded->key_error);
  EXPECT_NE(loaded->key_error->what.find("is not an OpenSSH public key"), std::string::npos);
  EXPECT_EQ(loaded->key_error->what.find("b3BlbnNzaC1rZXktdjEAAAAA"), std::string::npos);  // no key material shown
  EXPECT_NE(loaded->key_error->hint.find("never the private key"), std::string::npos);
}

TEST(LoadClusterSpec, TheFirstSpecErrorWithACountOfTheOthers) {
  SpecDir dir;
  auto loaded = load_cluster_spec(dir.write("cluster.yaml", "name: Demo_Cluster\nmasters: {count: two}\nwat: 1\n"));
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().where.find("cluster.yaml"), std::string::npos) << loaded.error().to_string();
  EXPECT_NE(loaded.error().hint.find("more errors: run kstack validate"), std::string::npos)
      << loaded.error().to_string();
  EXPECT_FALSE(load_cluster_spec(dir.write("missing-dir/none.yaml", "")).has_value());
}

TEST(OpenCluster, AMissingSpecFailsBeforeTheStateDirectoryIsMade) {
  SpecDir dir;
  const fs::path state = fs::temp_directory_path() / ("kstack-open-state-" + std::to_string(::getpid()));
  auto opened = open_cluster({.spec_file = "/nonexistent/cluster.yaml", .state_dir = state.string()});
  ASSERT_FALSE(opened);
  EXPECT_FALSE(fs::exists(state));
}

}  // namespace
}  // namespace kstack::reconcile
