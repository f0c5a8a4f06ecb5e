#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace kstack::cli {
namespace {

namespace fs = std::filesystem;

/// RenderRun is what one run of the real kstack binary produced.
struct RenderRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// RenderCommand runs `kstack render` in a scratch directory removed at the end of the test.
class RenderCommand : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("kstack_render_test_" + std::to_string(::getpid()) + "_" +
                                        testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_ / "home");
    std::ofstream(dir_ / "cluster.yaml") << "name: demo\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  RenderRun kstack(const std::string& args) {
    std::string cmd = "cd '" + dir_.string() + "' && HOME='" + (dir_ / "home").string() + "' '" KSTACK_BINARY "' " +
                      args + " >'" + (dir_ / "out").string() + "' 2>'" + (dir_ / "err").string() + "'";
    int status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_all(dir_ / "out"), read_all(dir_ / "err")};
  }

  fs::path dir_;
};

TEST_F(RenderCommand, WritesEveryNodesTreeAndKeepsThePkiBesideTheSpec) {
  RenderRun r = kstack("render -f cluster.yaml -o tree");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* node : {"demo-bastion", "demo-master-1", "demo-master-3", "demo-worker-1", "demo-worker-3"}) {
    EXPECT_TRUE(fs::exists(dir_ / "tree" / node / "user-data")) << node;
    EXPECT_NE(r.out.find(node), std::string::npos) << r.out;
  }
  EXPECT_TRUE(fs::exists(dir_ / "tree/demo-master-1/files/etc/kubernetes/manifests/kube-apiserver.yaml"));
  EXPECT_TRUE(fs::exists(dir_ / "tree/demo-worker-1/files/var/lib/kubelet/config.yaml"));
  EXPECT_FALSE(fs::exists(dir_ / "tree/demo-worker-1/files/etc/kubernetes/pki/ca.key"));
  EXPECT_TRUE(fs::exists(dir_ / ".kstack/demo/pki"));
  EXPECT_NE(r.out.find("rendered 7 nodes"), std::string::npos) << r.out;
}

TEST_F(RenderCommand, SameStateDirectoryGivesTheSameUserData) {
  ASSERT_EQ(kstack("render -f cluster.yaml -o first").exit_code, 0);
  ASSERT_EQ(kstack("render -f cluster.yaml -o second").exit_code, 0);
  for (const char* node : {"demo-master-1", "demo-master-2", "demo-worker-2", "demo-bastion"}) {
    const auto a = read_all(dir_ / "first" / node / "user-data");
    EXPECT_FALSE(a.empty());
    EXPECT_EQ(a, read_all(dir_ / "second" / node / "user-data")) << node;
  }
}

TEST_F(RenderCommand, InvalidSpecExitsTwo) {
  std::ofstream(dir_ / "bad.yaml") << "name: demo\nnode_pools:\n  masters: {count: 2}\n";
  RenderRun r = kstack("render -f bad.yaml -o tree");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.yaml:3"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "tree"));
}

}  // namespace
}  // namespace kstack::cli
