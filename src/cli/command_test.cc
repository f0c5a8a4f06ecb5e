#include "cli/command.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace kstack::cli
