#include "cli/command.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

namespace kstack::cli {
namespace {

TEST(Command, UnknownSubcommandIsUsageError) {
  const char* argv[] = {"kstack", "no-such-command"};
  EXPECT_EQ(run(2, const_cast<char**>(argv)), kInvalid);
}

TEST(Command, MissingSubcommandIsUsageError) {
  const char* argv[] = {"kstack"};
  EXPECT_EQ(run(1, const_cast<char**>(argv)), kInvalid);
}

TEST(Command, HelpExitsZero) {
  const char* argv[] = {"kstack", "--help"};
  testing::internal::CaptureStdout();
  EXPECT_EQ(run(2, const_cast<char**>(argv)), kOk);
  EXPECT_NE(testing::internal::GetCapturedStdout().find("OpenStack"), std::string::npos);
}

/// ParsedCommandLine builds the real parser and parses one command line, as `kstack` would.
struct ParsedCommandLine {
  CLI::App app{"kstack"};
  Context ctx;

  explicit ParsedCommandLine(const std::string& args) {
    build_app(app, ctx);
    app.parse(args, /*program_name_included=*/false);
  }
  ~ParsedCommandLine() { spdlog::set_level(spdlog::level::info); }
};

TEST(Command, GlobalOptionAfterTheSubcommandIsAccepted) {
  testing::internal::CaptureStderr();
  ParsedCommandLine parsed("validate -f /nonexistent/cluster.yaml --debug");
  testing::internal::GetCapturedStderr();
  EXPECT_TRUE(parsed.ctx.debug);
  EXPECT_EQ(parsed.ctx.exit_code, kFailed) << "validate ran, and could not read the file";
}

TEST(Command, GlobalOptionAfterANestedSubcommandIsAccepted) {
  testing::internal::CaptureStderr();
  ParsedCommandLine parsed("certs check --debug -f /nonexistent/cluster.yaml");
  testing::internal::GetCapturedStderr();
  EXPECT_TRUE(parsed.ctx.debug);
  EXPECT_EQ(parsed.ctx.exit_code, kInvalid) << "certs check ran, and could not load the spec";
}

TEST(Command, GlobalOptionBeforeTheSubcommandStillWorks) {
  testing::internal::CaptureStderr();
  ParsedCommandLine parsed("--debug validate -f /nonexistent/cluster.yaml");
  testing::internal::GetCapturedStderr();
  EXPECT_TRUE(parsed.ctx.debug);
}

TEST(Command, UnknownOptionAfterTheSubcommandIsStillRefused) {
  EXPECT_THROW(ParsedCommandLine("validate -f cluster.yaml --no-such-flag"), CLI::ExtrasError);
}

TEST(Command, ExtraArgumentAfterTheSubcommandIsStillRefused) {
  EXPECT_THROW(ParsedCommandLine("validate -f cluster.yaml status"), CLI::ExtrasError);
}

TEST(Command, VersionAfterTheSubcommandIsAccepted) {
  EXPECT_THROW(ParsedCommandLine("validate --version"), CLI::CallForVersion);
}

}  // namespace
}  // namespace kstack::cli
