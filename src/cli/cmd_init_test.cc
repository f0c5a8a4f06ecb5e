#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/command.h"

namespace kstack::cli {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs the command in-process; returns the exit code and what it printed on stdout.
std::pair<int, std::string> run_captured(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  int code = run(static_cast<int>(argv.size()), argv.data());
  std::string out = testing::internal::GetCapturedStdout();
  testing::internal::GetCapturedStderr();
  return {code, out};
}

TEST(InitCommand, PrintsTheCorpusSpecOfEachTopology) {
  for (std::string topology : {"single", "non-ha", "ha"}) {
    auto [code, out] = run_captured({"kstack", "init", "--topology", topology});
    EXPECT_EQ(code, kOk);
    EXPECT_EQ(out, slurp(fs::path(KSTACK_SOURCE_DIR) / "tests/specs/good" / (topology + ".yaml"))) << topology;
  }
}

TEST(InitCommand, DefaultsToHaAndTakesAName) {
  auto [code, out] = run_captured({"kstack", "init", "--name", "prod-eu1"});
  EXPECT_EQ(code, kOk);
  EXPECT_NE(out.find("\nname: prod-eu1\n"), std::string::npos);
  EXPECT_NE(out.find("(ha: 3 masters, 3 workers"), std::string::npos);
}

TEST(InitCommand, RejectsAnUnknownTopology) {
  auto [code, out] = run_captured({"kstack", "init", "--topology", "huge"});
  EXPECT_EQ(code, kInvalid);
  EXPECT_TRUE(out.empty());
}

TEST(InitCommand, RejectsANameValidateWouldRefuse) {
  auto [code, out] = run_captured({"kstack", "init", "--name", "Not_A_Name"});
  EXPECT_EQ(code, kInvalid);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace kstack::cli
