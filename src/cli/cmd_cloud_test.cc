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

/// CloudRun is what one run of the real kstack binary printed, both streams together.
struct CloudRun {
  int exit_code = -1;
  std::string output;
};

/// A scratch directory with a spec and a clouds.yaml whose Keystone does not answer.
class CloudCommand : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("kstack_cloud_test_" + std::to_string(::getpid()) + "_" +
                                        testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_ / "home");
    std::ofstream(dir_ / "clouds.yaml") << "clouds:\n  nowhere:\n    auth:\n"
                                           "      auth_url: http://127.0.0.1:1/v3\n"
                                           "      username: demo\n      password: very-secret-pw-42\n"
                                           "      project_name: demo\n      user_domain_name: Default\n"
                                           "      project_domain_name: Default\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  // kstack() sends both streams to a file of its own, so the spec is written from init's output.
  void write_spec() {
    CloudRun init = kstack("init --topology single --name demo");
    ASSERT_EQ(init.exit_code, 0) << init.output;
    std::ofstream(dir_ / "cluster.yaml") << init.output;
  }

  // `stdout_only`: what the run printed on stdout, stderr dropped.
  CloudRun kstack(const std::string& args, bool stdout_only = false) {
    const std::string cmd = "cd '" + dir_.string() + "' && env -u OS_CLOUD -u OS_AUTH_URL HOME='" +
                            (dir_ / "home").string() + "' OS_CLIENT_CONFIG_FILE='" + (dir_ / "clouds.yaml").string() +
                            "' '" KSTACK_BINARY "' " + args + " >'" + (dir_ / "out").string() + "' " +
                            (stdout_only ? "2>/dev/null" : "2>&1");
    const int status = std::system(cmd.c_str());
    std::ifstream in(dir_ / "out");
    std::stringstream ss;
    ss << in.rdbuf();
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ss.str()};
  }

  fs::path dir_;
};

TEST_F(CloudCommand, MissingSpecIsInvalidInput) {
  CloudRun r = kstack("cloud check -f no-such.yaml");
  EXPECT_EQ(r.exit_code, 2) << r.output;
}

TEST_F(CloudCommand, UnknownCloudFailsWithAHint) {
  write_spec();
  CloudRun r = kstack("cloud check -f cluster.yaml --os-cloud elsewhere");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("cloud 'elsewhere' is not defined"), std::string::npos) << r.output;
}

TEST_F(CloudCommand, UnreachableKeystoneFailsAndDebugShowsNoPassword) {
  write_spec();
  CloudRun r = kstack("--debug cloud check -f cluster.yaml --os-cloud nowhere");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("authenticate failed"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("-> POST http://127.0.0.1:1/v3/auth/tokens"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("very-secret-pw-42"), std::string::npos) << r.output;
}

TEST_F(CloudCommand, JsonOutputOfAFailedLoginIsNoDocumentAndExitsOne) {
  write_spec();
  CloudRun r = kstack("cloud check -f cluster.yaml --os-cloud nowhere --output json");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_EQ(r.output.find("format_version"), std::string::npos) << "an error is text on stderr: " << r.output;
  EXPECT_NE(r.output.find("authenticate failed"), std::string::npos) << r.output;
}

// Log lines are not output: with --output json, stdout holds nothing but the document (none, here: the
// login fails), even with --debug's requests and the warning an unverified cloud gets.
TEST_F(CloudCommand, LogLinesGoToStderrNotIntoTheOutput) {
  write_spec();
  std::ofstream(dir_ / "clouds.yaml", std::ios::app) << "  unverified:\n    verify: false\n    auth:\n"
                                                        "      auth_url: https://127.0.0.1:1/v3\n"
                                                        "      username: demo\n      password: pw\n"
                                                        "      project_name: demo\n      user_domain_name: Default\n"
                                                        "      project_domain_name: Default\n";
  CloudRun both = kstack("--debug cloud check -f cluster.yaml --os-cloud unverified --output json");
  EXPECT_NE(both.output.find("-> POST https://127.0.0.1:1/v3/auth/tokens"), std::string::npos) << both.output;
  EXPECT_NE(both.output.find("verification is OFF"), std::string::npos) << both.output;
  CloudRun out = kstack("--debug cloud check -f cluster.yaml --os-cloud unverified --output json", true);
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_EQ(out.output, "");
}

TEST_F(CloudCommand, GlobalOptionAfterTheSubcommand) {
  write_spec();
  CloudRun r = kstack("cloud check -f cluster.yaml --os-cloud nowhere --debug");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("-> POST http://127.0.0.1:1/v3/auth/tokens"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace kstack::cli
