#include "cli/completion_model.h"

#include <algorithm>

namespace kstack::cli {
namespace {

ValueKind kind_of(const std::string& type_name, std::vector<std::string>& choices) {
  if (type_name == "FILE") return ValueKind::file;
  if (type_name == "DIR") return ValueKind::dir;
  if (type_name == "NODE") return ValueKind::node;
  if (type_name.find('|') != std::string::npos) {
    for (const auto& choice : CLI::detail::split(type_name, '|')) choices.push_back(choice);
    return ValueKind::choice;
  }
  return ValueKind::text;
}

CompletedOption option_of(const CLI::Option& opt) {
  CompletedOption out{.description = opt.get_description()};
  for (const auto& s : opt.get_snames()) out.names.push_back("-" + s);
  for (const auto& l : opt.get_lnames()) out.names.push_back("--" + l);
  if (opt.get_items_expected_max() > 0) out.value = kind_of(opt.get_type_name(), out.choices);
  return out;
}

void add_command(const CLI::App& app, const std::string& path, const std::vector<CompletedOption>& global,
                 std::vector<CompletedCommand>& out) {
  CompletedCommand cmd{.path = path, .description = app.get_description()};
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->get_positional()) {
      if (cmd.positional == ValueKind::none) {
        std::vector<std::string> ignored;
        cmd.positional = kind_of(opt->get_type_name(), ignored);
      }
      continue;
    }
    cmd.options.push_back(option_of(*opt));
  }
  for (const auto& g : global) {
    const bool declared = std::any_of(cmd.options.begin(), cmd.options.end(),
                                      [&](const CompletedOption& o) { return o.names == g.names; });
    if (!declared) cmd.options.push_back(g);
  }
  const auto subcommands = app.get_subcommands([](const CLI::App* sub) { return !sub->get_group().empty(); });
  for (const CLI::App* sub : subcommands) cmd.subcommands.emplace_back(sub->get_name(), sub->get_description());
  out.push_back(std::move(cmd));
  for (const CLI::App* sub : subcommands) {
    add_command(*sub, path.empty() ? sub->get_name() : path + " " + sub->get_name(), global, out);
  }
}

}  // namespace

std::vector<CompletedCommand> completion_model(const CLI::App& root) {
  std::vector<CompletedOption> global;
  for (const CLI::Option* opt : root.get_options()) {
    if (!opt->get_positional() && opt != root.get_help_ptr()) global.push_back(option_of(*opt));
  }
  std::vector<CompletedCommand> out;
  add_command(root, "", global, out);
  return out;
}

}  // namespace kstack::cli
