#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace kstack::cli {

/// Exit codes scripts can rely on.
enum ExitCode : int {
  kOk = 0,
  kFailed = 1,   // the command ran and failed (cloud error, expired certificate, ...)
  kInvalid = 2,  // bad input: invalid spec, unknown flag, wrong arguments
  kInterrupted = 130,
};

/// Context is what every command shares: the global flags and the exit code the command sets.
struct Context {
  bool debug = false;
  int exit_code = kOk;
};

/// CommandRegistration is one subcommand's way of adding itself to the parser.
struct CommandRegistration {
  int order;  // position in `kstack --help`
  std::function<void(CLI::App& app, Context& ctx)> add;
};

/// Every subcommand registered so far, in no particular order.
std::vector<CommandRegistration>& command_registry();

/// RegisterCommand adds a subcommand at static-initialisation time: one per cmd_*.cc file.
struct RegisterCommand {
  RegisterCommand(int order, std::function<void(CLI::App&, Context&)> add) {
    command_registry().push_back({order, std::move(add)});
  }
};

/// Declares --debug and --version on the root, and lets every subcommand added afterwards pass them up to it,
/// so they are accepted before or after the subcommand.
void add_global_options(CLI::App& app, Context& ctx);

/// Builds the whole parser: global flags and every registered subcommand.
void build_app(CLI::App& app, Context& ctx);

/// Parses argv and runs the chosen subcommand; returns the process exit code.
int run(int argc, char** argv);

}  // namespace kstack::cli
