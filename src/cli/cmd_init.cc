// `kstack init`: prints a complete, commented cluster.yaml for a topology.
#include <fmt/format.h>

#include <memory>

#include "cli/command.h"
#include "spec/defaults.h"
#include "spec/load.h"
#include "spec/render.h"

namespace kstack::cli {
namespace {

/// InitOptions are the flags of `kstack init`.
struct InitOptions {
  std::string topology = "ha";
  std::string name = "kstack";
};

int run_init(const InitOptions& options) {
  auto topology = spec::parse_topology(options.topology);
  if (!topology) {
    fmt::print(stderr, "--topology: found \"{}\"; allowed: single, non-ha, ha\n", options.topology);
    return kInvalid;
  }
  std::string text = spec::render_spec(spec::reference_cluster(*topology, options.name));
  // What init prints must pass validate as it is; a bad --name is the only way it cannot.
  auto parsed = spec::parse(text, "--name");
  if (!parsed) {
    for (const auto& e : parsed.error()) fmt::print(stderr, "{}\n", e.what);
    return kInvalid;
  }
  fmt::print("{}", text);
  return kOk;
}

const RegisterCommand kInit(10, [](CLI::App& app, Context& ctx) {
  auto options = std::make_shared<InitOptions>();
  auto* cmd = app.add_subcommand("init", "Print a complete, commented cluster spec (cluster.yaml) to stdout");
  cmd->add_option("--topology", options->topology, "The shape of the cluster (ha: the reference HA cluster)")
      ->type_name("single|non-ha|ha")
      ->capture_default_str();
  cmd->add_option("--name", options->name, "Cluster name: lower-case letters, digits and '-', at most 20 characters")
      ->capture_default_str();
  cmd->callback([options, &ctx] { ctx.exit_code = run_init(*options); });
});

}  // namespace
}  // namespace kstack::cli
