#include "cli/output_options.h"

#include <gtest/gtest.h>

#include <memory>

#include "cli/command.h"

namespace kstack::cli {
namespace {

/// The description of `--plain` on a subcommand of the real parser, or "" when it has none.
std::string plain_flag_of(const std::string& subcommand) {
  CLI::App app;
  Context ctx;
  build_app(app, ctx);
  try {
    return app.get_subcommand(subcommand)->get_option("--plain")->get_description();
  } catch (const CLI::OptionNotFound&) {
    return "";
  }
}

TEST(OutputOptions, EveryCommandThatReportsProgressHasTheSameFlags) {
  const std::string apply = plain_flag_of("apply");
  EXPECT_FALSE(apply.empty());
  EXPECT_EQ(plain_flag_of("destroy"), apply);
}

TEST(OutputOptions, PlainIsParsed) {
  CLI::App cmd;
  ProgressOptions options;
  add_progress_options(cmd, options);
  cmd.parse("--plain", false);
  EXPECT_TRUE(options.plain);
}

TEST(OutputOptions, NoLiveViewWhenNotATerminalOrPlain) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::tmpfile(), &std::fclose);
  ASSERT_TRUE(file);
  EXPECT_FALSE(ProgressOptions{}.live(file.get()));
  EXPECT_FALSE(ProgressOptions{.plain = true}.live(file.get()));
}

TEST(OutputOptions, OutputFormatTakesTextOrJson) {
  CLI::App cmd;
  OutputFormat format = OutputFormat::text;
  add_output_format_option(cmd, format);
  cmd.parse("--output json", false);
  EXPECT_EQ(format, OutputFormat::json);
  cmd.parse("-o text", false);
  EXPECT_EQ(format, OutputFormat::text);
  EXPECT_THROW(cmd.parse("-o yaml", false), CLI::ValidationError);
}

}  // namespace
}  // namespace kstack::cli
