// `kstack completion bash|zsh`: shell completion scripts generated from the parser itself.
#include <fmt/format.h>

#include <memory>

#include "cli/build_info.h"
#include "cli/command.h"
#include "cli/completion_model.h"
#include "cli/completion_scripts.h"
#include "cli/man_page.h"
#include "model/cluster_model.h"
#include "spec/load.h"

namespace kstack::cli {
namespace {

// The short names `kstack ssh` accepts ("master-1", "bastion"), one a line; nothing when the spec does not load.
int print_node_names(const std::string& spec_file) {
  auto spec = spec::load_file(spec_file);
  if (!spec) return kInvalid;
  auto model = model::build_model(*spec);
  if (!model) return kInvalid;
  for (const auto& node : model->nodes) {
    const std::string prefix = model->cluster + "-";
    fmt::print("{}\n", node.name.starts_with(prefix) ? node.name.substr(prefix.size()) : node.name);
  }
  return kOk;
}

const RegisterCommand kCompletion(110, [](CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("completion", "Print a shell completion script: kstack completion bash|zsh");
  cmd->require_subcommand(1);
  cmd->add_subcommand("bash", "The bash completion script (source it, or put it in bash-completion's directory)")
      ->callback([&app, &ctx] {
        fmt::print("{}", bash_completion(completion_model(app)));
        ctx.exit_code = kOk;
      });
  cmd->add_subcommand("zsh", "The zsh completion script (put it in $fpath as _kstack)")->callback([&app, &ctx] {
    fmt::print("{}", zsh_completion(completion_model(app)));
    ctx.exit_code = kOk;
  });
  // What the scripts run to complete `kstack ssh -f cluster.yaml <TAB>`; not for people, so not in --help.
  auto spec_file = std::make_shared<std::string>();
  auto* nodes = cmd->add_subcommand("nodes", "The node names of a spec, one a line")->group("");
  nodes->add_option("-f,--file", *spec_file, "The cluster spec (cluster.yaml)")->required()->type_name("FILE");
  nodes->callback([spec_file, &ctx] { ctx.exit_code = print_node_names(*spec_file); });
});

// The manual page, from the same tree; packaging/ installs it. Not for people, so not in --help.
const RegisterCommand kHelpMan(120, [](CLI::App& app, Context& ctx) {
  app.add_subcommand("help-man", "Print the kstack(1) manual page in roff")->group("")->callback([&app, &ctx] {
    fmt::print("{}", man_page(app, build_info().version));
    ctx.exit_code = kOk;
  });
});

}  // namespace
}  // namespace kstack::cli
