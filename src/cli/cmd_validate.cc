// `kstack validate`: the offline checks of a cluster spec.
#include <fmt/format.h>

#include <memory>

#include "cli/command.h"
#include "spec/load.h"
#include "spec/render.h"

namespace kstack::cli {
namespace {

/// ValidateOptions are the flags of `kstack validate`.
struct ValidateOptions {
  std::string file;
};

int run_validate(const ValidateOptions& options) {
  auto text = spec::read_spec_text(options.file);
  if (!text) {
    fmt::print(stderr, "{}\n", text.error().to_string());
    return kFailed;
  }
  const std::string name = spec::spec_source_name(options.file);
  auto parsed = spec::parse(*text, name);
  if (!parsed) {
    for (const auto& e : parsed.error()) fmt::print(stderr, "{}\n", e.to_string());
    size_t n = parsed.error().size();
    fmt::print(stderr, "{}: invalid ({} error{})\n", name, n, n == 1 ? "" : "s");
    return kInvalid;
  }
  fmt::print("{}: valid ({})\n", name, spec::summary(*parsed));
  return kOk;
}

const RegisterCommand kValidate(20, [](CLI::App& app, Context& ctx) {
  auto options = std::make_shared<ValidateOptions>();
  auto* cmd = app.add_subcommand("validate", "Check a cluster spec: every error with file:line:column, all at once");
  cmd->add_option("-f,--file", options->file, "The cluster spec (cluster.yaml); - reads it from standard input")
      ->required()
      ->type_name("FILE");
  cmd->callback([options, &ctx] { ctx.exit_code = run_validate(*options); });
});

}  // namespace
}  // namespace kstack::cli
