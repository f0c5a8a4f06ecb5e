#include "cli/command.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "cli/build_info.h"

namespace kstack::cli {

std::vector<CommandRegistration>& command_registry() {
  static std::vector<CommandRegistration> registry;
  return registry;
}

void add_global_options(CLI::App& app, Context& ctx) {
  app.set_version_flag("--version", version_line(build_info()));
  app.add_flag("--debug", ctx.debug, "Log every step, and every API request and response with secrets masked")
      ->each([](const std::string&) { spdlog::set_level(spdlog::level::debug); });
  // Subcommands inherit fallthrough: an option a subcommand does not know goes up to its parent, so the
  // global options are accepted after the subcommand too (`kstack cloud check -f x --debug`).
  app.fallthrough();
}

void build_app(CLI::App& app, Context& ctx) {
  app.require_subcommand(1);
  add_global_options(app, ctx);
  // Subcommands inherit the footer: each one's --help names the global options it accepts.
  app.footer(
      "Global options, before or after the subcommand: --debug, --version.\n"
      "Exit codes: 0 success, 1 failure, 2 invalid input or usage, 130 interrupted (docs/exit-codes.md).");
  auto& registry = command_registry();
  std::sort(registry.begin(), registry.end(), [](const auto& a, const auto& b) { return a.order < b.order; });
  for (const auto& command : registry) command.add(app, ctx);
}

int run(int argc, char** argv) {
  CLI::App app{
      "kstack builds a production-ready Kubernetes cluster on an existing OpenStack cloud, and keeps it that way."};
  app.name("kstack");
  Context ctx;
  build_app(app, ctx);
  // Log lines (warnings, --debug's requests) go to stderr: stdout is the command's output, which a
  // script may parse (--output json).
  spdlog::set_default_logger(
      std::make_shared<spdlog::logger>("kstack", std::make_shared<spdlog::sinks::stderr_sink_mt>()));
  spdlog::set_pattern("%v");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kInvalid;
  }
  return ctx.exit_code;
}

}  // namespace kstack::cli
