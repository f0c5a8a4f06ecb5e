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

/// RunResult is what one run of the real kstack binary produced.
struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// A scratch directory removed at the end of the test.
class ValidateCommand : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("kstack_validate_test_" + std::to_string(::getpid()) + "_" +
                                        testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& text) {
    fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

  // Runs `kstack <args>` with HOME pointing at an empty directory: no SSH key, no clouds.yaml.
  RunResult kstack(const std::string& args) {
    fs::create_directories(dir_ / "home");
    std::string cmd = "cd '" + dir_.string() + "' && HOME='" + (dir_ / "home").string() + "' '" KSTACK_BINARY "' " +
                      args + " >'" + (dir_ / "out").string() + "' 2>'" + (dir_ / "err").string() + "'";
    int status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(dir_ / "out"), slurp(dir_ / "err")};
  }

  fs::path dir_;
};

TEST_F(ValidateCommand, InitOutputIsValidOnAMachineWithoutAnSshKey) {
  for (std::string topology : {"single", "non-ha", "ha"}) {
    RunResult init = kstack("init --topology " + topology + " --name demo");
    ASSERT_EQ(init.exit_code, 0) << init.err;
    write("cluster.yaml", init.out);
    RunResult r = kstack("validate -f cluster.yaml");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err;
    EXPECT_TRUE(r.out.starts_with("cluster.yaml: valid (" + topology + ": ")) << r.out;
  }
}

TEST_F(ValidateCommand, DashReadsTheSpecFromStandardInput) {
  RunResult r = kstack("init --topology single --name demo | '" KSTACK_BINARY "' validate -f -");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("<stdin>: valid (single: ")) << r.out;

  write("bad.yaml", "name: demo\nnode_pools:\n  masters: {count: 2}\n");
  r = kstack("validate -f - < bad.yaml");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.err.starts_with("<stdin>:3:20: node_pools.masters.count: found 2")) << r.err;
  EXPECT_TRUE(r.err.ends_with("<stdin>: invalid (1 error)\n")) << r.err;
}

TEST_F(ValidateCommand, ReferenceSummaryLine) {
  write("cluster.yaml", "name: demo\n");
  RunResult r = kstack("validate -f cluster.yaml");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out,
            "cluster.yaml: valid (ha: 3 masters, 3 workers, 1 bastion, etcd on the masters, Kubernetes 1.34.4)\n");
}

TEST_F(ValidateCommand, InvalidSpecExitsTwoWithEveryErrorOnStderr) {
  write("cluster.yaml", "name: demo\nnode_pools:\n  masters: {count: 2}\n  wrokers: {count: 3}\n");
  RunResult r = kstack("validate -f cluster.yaml");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(
      r.err,
      "cluster.yaml:3:20: node_pools.masters.count: found 2; allowed: 1, 3 or 5\n"
      "  hint: etcd needs an odd number of members to keep a quorum\n"
      "cluster.yaml:4:3: node_pools.wrokers: found unknown field \"wrokers\"; allowed: masters, workers, bastion, "
      "etcd\n"
      "  hint: did you mean workers?\n"
      "cluster.yaml: invalid (2 errors)\n");
}

TEST_F(ValidateCommand, UnreadableFileExitsOne) {
  RunResult r = kstack("validate -f does-not-exist.yaml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("does-not-exist.yaml: cannot read the spec"), std::string::npos) << r.err;
}

TEST_F(ValidateCommand, DirectoryIsNotASpec) {
  fs::create_directories(dir_ / "adir");
  RunResult r = kstack("validate -f adir");
  EXPECT_EQ(r.exit_code, 1) << r.err;
}

TEST_F(ValidateCommand, MissingFlagIsAUsageError) {
  RunResult r = kstack("validate");
  EXPECT_EQ(r.exit_code, 2);
}

TEST_F(ValidateCommand, EveryBadCorpusSpecExitsTwo) {
  int n = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(KSTACK_SOURCE_DIR) / "tests/specs/bad")) {
    if (entry.path().extension() != ".yaml") continue;
    RunResult r = kstack("validate -f '" + entry.path().string() + "'");
    EXPECT_EQ(r.exit_code, 2) << entry.path();
    EXPECT_NE(r.err.find(": invalid ("), std::string::npos) << entry.path();
    ++n;
  }
  EXPECT_GE(n, 40);
}

}  // namespace
}  // namespace kstack::cli
