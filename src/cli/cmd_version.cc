// `kstack version`: this binary's version and commit, and the Kubernetes releases it pins.
#include <fmt/format.h>

#include <memory>

#include "cli/command.h"
#include "cli/output_options.h"
#include "cli/version_report.h"

namespace kstack::cli {
namespace {

/// VersionCommandOptions are the flags of `kstack version`.
struct VersionCommandOptions {
  OutputFormat output = OutputFormat::text;
};

const RegisterCommand kVersion(100, [](CLI::App& app, Context& ctx) {
  auto options = std::make_shared<VersionCommandOptions>();
  auto* cmd = app.add_subcommand(
      "version", "Print kstack's version and commit, and every component and image of the Kubernetes releases");
  add_output_format_option(*cmd, options->output);
  cmd->callback([options, &ctx] {
    const auto report = current_version_report();
    fmt::print("{}", options->output == OutputFormat::json ? render_version_json(report) : render_version_text(report));
    ctx.exit_code = kOk;
  });
});

}  // namespace
}  // namespace kstack::cli
