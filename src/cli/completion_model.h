#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace kstack::cli {

/// ValueKind is what the shell offers for an option's value or a positional argument. It is read off the
/// option's type name, the same text --help shows: FILE, DIR, NODE, or choices written "a|b|c".
enum class ValueKind { none, text, file, dir, node, choice };

/// CompletedOption is one option of a command as the completion scripts offer it.
struct CompletedOption {
  std::vector<std::string> names;  // "-f", "--file"
  std::string description;
  ValueKind value = ValueKind::none;  // none: a flag
  std::vector<std::string> choices;   // for ValueKind::choice
};

/// CompletedCommand is one command of the tree ("" for kstack itself, "certs check") and what follows it.
struct CompletedCommand {
  std::string path;
  std::string description;
  std::vector<std::pair<std::string, std::string>> subcommands;  // name, description
  std::vector<CompletedOption> options;                          // the root's global options included
  ValueKind positional = ValueKind::none;                        // what the first positional argument is
};

/// Every visible command of the parser, root first, each followed by its subcommands. Hidden commands
/// (no help group) are left out; the root's options are listed on every command, since subcommands pass
/// them up (add_global_options).
std::vector<CompletedCommand> completion_model(const CLI::App& root);

}  // namespace kstack::cli
