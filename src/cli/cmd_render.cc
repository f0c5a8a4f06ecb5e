// `kstack render`: every file that lands on every node, and each node's user-data, without a cloud.
#include <fmt/format.h>

#include <memory>

#include "bootstrap/render.h"
#include "bootstrap/secrets.h"
#include "bootstrap/user_data.h"
#include "cli/command.h"
#include "model/cluster_model.h"
#include "pki/cluster_pki.h"
#include "spec/load.h"
#include "state/state_dir.h"

namespace kstack::cli {
namespace {

/// RenderCommandOptions are the flags of `kstack render`.
struct RenderCommandOptions {
  std::string file;
  std::string out_dir;
  std::string state_dir;  // empty: .kstack/<cluster>/ beside the spec
};

int report(const Error& error, int code) {
  fmt::print(stderr, "{}\n", error.to_string());
  return code;
}

int run_render(const RenderCommandOptions& options) {
  auto spec = spec::load_file(options.file);
  if (!spec) {
    for (const auto& e : spec.error()) fmt::print(stderr, "{}\n", e.to_string());
    return kInvalid;
  }
  auto model = model::build_model(*spec);
  if (!model) return report(model.error(), kInvalid);
  const auto state_path = options.state_dir.empty() ? state::default_state_dir(options.file, spec->name)
                                                    : std::filesystem::path(options.state_dir);
  auto state = state::StateDir::open(state_path);
  if (!state) return report(state.error(), kFailed);
  // Offline, the API's floating IP is not known: certificates are issued without it and re-issued
  // by `apply` once the floating IP exists.
  auto pki = pki::ensure_pki(*state, bootstrap::pki_inputs(*spec, *model, ""));
  if (!pki) return report(pki.error(), kFailed);
  auto secrets = bootstrap::ensure_secrets(*state);
  if (!secrets) return report(secrets.error(), kFailed);
  auto nodes = bootstrap::render_cluster(*spec, *model, *pki, *secrets, bootstrap::RenderOptions{});
  if (!nodes) return report(nodes.error(), kFailed);
  if (auto written = bootstrap::write_tree(*nodes, options.out_dir); !written) return report(written.error(), kFailed);

  fmt::print("{:<28} {:<8} {:>6} {:>10} {:>10}  {}\n", "NODE", "ROLE", "FILES", "USER-DATA", "BASE64", "FORM");
  for (const auto& node : *nodes) {
    fmt::print("{:<28} {:<8} {:>6} {:>10} {:>10}  {}\n", node.name, model::role_name(node.role), node.files.size(),
               node.user_data.size(), node.base64_size, node.gzipped ? "gzip" : "#cloud-config");
  }
  fmt::print("rendered {} nodes into {} (Nova accepts {} bytes of base64 user-data; state in {})\n", nodes->size(),
             options.out_dir, bootstrap::kNovaUserDataLimit, state->root().string());
  return kOk;
}

const RegisterCommand kRender(70, [](CLI::App& app, Context& ctx) {
  auto options = std::make_shared<RenderCommandOptions>();
  auto* cmd = app.add_subcommand("render", "Write every node's user-data and every file it installs, no cloud needed");
  cmd->add_option("-f,--file", options->file, "The cluster spec (cluster.yaml)")->required()->type_name("FILE");
  cmd->add_option("-o,--output", options->out_dir, "The directory to write <node>/user-data and <node>/files/ into")
      ->required()
      ->type_name("DIR");
  cmd->add_option("--state-dir", options->state_dir,
                  "The state directory (default: .kstack/<cluster>/ beside the spec)")
      ->type_name("DIR");
  cmd->callback([options, &ctx] { ctx.exit_code = run_render(*options); });
});

}  // namespace
}  // namespace kstack::cli
