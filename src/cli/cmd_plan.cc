// `kstack plan`: what apply would create, change, replace and delete.
#include <fmt/format.h>

#include <memory>

#include "cli/command.h"
#include "cli/output_options.h"
#include "cli/plan_view.h"
#include "reconcile/session.h"

namespace kstack::cli {
namespace {

/// PlanCommandOptions are the flags of `kstack plan`.
struct PlanCommandOptions {
  reconcile::SessionOptions session{.read_only = true};  // changes nothing in the cloud
  OutputFormat output = OutputFormat::text;
  bool replace_drifted = false;
};

int run_plan(const PlanCommandOptions& options) {
  auto session = reconcile::Session::open(options.session);
  if (!session) {
    fmt::print(stderr, "{}\n", session.error().to_string());
    return kFailed;
  }
  auto& s = **session;
  auto observed = reconcile::observe(s.cloud());
  if (!observed) {
    fmt::print(stderr, "{}\n", observed.error().to_string());
    return kFailed;
  }
  auto desired = s.desired(*observed);
  if (!desired) {
    fmt::print(stderr, "{}\n", desired.error().to_string());
    return kFailed;
  }
  auto plan = reconcile::make_plan(*desired, *observed, {.replace_drifted = options.replace_drifted});
  if (!plan) {
    fmt::print(stderr, "{}\n", plan.error().to_string());
    return kFailed;
  }
  fmt::print("{}", options.output == OutputFormat::json ? render_plan_json(*plan) : render_plan_text(*plan));
  return kOk;
}

const RegisterCommand kPlan(40, [](CLI::App& app, Context& ctx) {
  auto options = std::make_shared<PlanCommandOptions>();
  auto* cmd = app.add_subcommand("plan", "Show what apply would create, change, replace and delete");
  cmd->add_option("-f,--file", options->session.spec_file, "The cluster spec (cluster.yaml)")
      ->required()
      ->type_name("FILE");
  cmd->add_option("--state-dir", options->session.state_dir,
                  "The state directory (default: .kstack/<cluster>/ beside the spec)")
      ->type_name("DIR");
  cmd->add_option("--os-cloud", options->session.os_cloud, "The clouds.yaml entry (default: the spec's, OS_CLOUD)");
  add_output_format_option(*cmd, options->output);
  cmd->add_flag("--replace-drifted", options->replace_drifted,
                "Plan to replace servers whose user-data changed, one at a time");
  cmd->callback([options, &ctx] { ctx.exit_code = run_plan(*options); });
});

}  // namespace
}  // namespace kstack::cli
