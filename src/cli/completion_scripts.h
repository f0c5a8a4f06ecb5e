#pragma once

#include <string>
#include <vector>

#include "cli/completion_model.h"

namespace kstack::cli {

/// The bash completion script for the commands of `model` (`kstack completion bash`): subcommands, options,
/// choices, file and directory names, and node names for `kstack ssh`, which it asks of
/// `kstack completion nodes -f <spec>`.
std::string bash_completion(const std::vector<CompletedCommand>& model);

/// The same for zsh (`kstack completion zsh`), with each command's and option's description.
std::string zsh_completion(const std::vector<CompletedCommand>& model);

}  // namespace kstack::cli
