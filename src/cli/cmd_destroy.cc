// `kstack destroy`: delete everything the cluster owns, including what Kubernetes created in the cloud.
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "cli/output_options.h"
#include "cli/plan_view.h"
#include "cli/progress_view.h"
#include "reconcile/session.h"

namespace kstack::cli {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_destroy_interrupt(int) { g_stop = true; }

/// DestroyCommandOptions are the flags of `kstack destroy`.
struct DestroyCommandOptions {
  reconcile::SessionOptions session;
  bool yes = false;
  bool delete_volumes = false;
  int parallelism = 8;
  ProgressOptions progress;
};

/// Deletes the cluster's application credentials once nothing in the cloud uses them any more.
bool forget_credentials(reconcile::Session& s) {
  auto deleted = reconcile::delete_credentials(s.client(), s.state(), s.spec().name);
  if (!deleted) {
    fmt::print(stderr, "{}\n", deleted.error().to_string());
    return false;
  }
  if (*deleted > 0) fmt::print("Deleted the cluster's application credential{}.\n", *deleted > 1 ? "s" : "");
  return true;
}

int run_destroy(const DestroyCommandOptions& options) {
  auto session = reconcile::Session::open(options.session);
  if (!session) {
    fmt::print(stderr, "{}\n", session.error().to_string());
    return kFailed;
  }
  auto& s = **session;
  auto observed = reconcile::observe(s.cloud(), /*include_kubernetes=*/true);
  if (!observed) {
    fmt::print(stderr, "{}\n", observed.error().to_string());
    return kFailed;
  }
  auto plan = reconcile::make_destroy_plan(*observed, options.delete_volumes);
  fmt::print("{}", render_plan_text(plan));
  auto credential = reconcile::load_credential(s.state());
  if (!credential) {
    fmt::print(stderr, "{}\n", credential.error().to_string());
    return kFailed;
  }
  if (*credential) fmt::print("  and the cluster's application credential {} will be deleted\n", (*credential)->name);
  if (plan.actions.empty() && !*credential) return kOk;
  if (!options.yes) {
    if (!isatty(STDIN_FILENO)) {
      fmt::print(stderr, "not a terminal: pass --yes to destroy without confirmation\n");
      return kInvalid;
    }
    fmt::print("Destroy cluster {}? Type its name to confirm: ", s.spec().name);
    std::string answer;
    std::getline(std::cin, answer);
    if (answer != s.spec().name) {
      fmt::print("Not destroyed.\n");
      return kFailed;
    }
  }
  if (plan.actions.empty()) return forget_credentials(s) ? kOk : kFailed;
  std::signal(SIGINT, on_destroy_interrupt);
  ProgressView view(stdout, options.progress.live(stdout));
  view.begin(plan);
  auto result = reconcile::execute(plan, *observed, s.cloud(),
                                   {.parallelism = options.parallelism,
                                    .stop = &g_stop,
                                    .on_event = [&view](const reconcile::Event& e) { view.on_event(e); }});
  view.finish();
  std::signal(SIGINT, SIG_DFL);
  for (const auto& e : result.errors) fmt::print(stderr, "{}\n", e.to_string());
  if (result.interrupted) return kInterrupted;
  if (!result.ok()) return kFailed;
  if (!forget_credentials(s)) return kFailed;
  fmt::print(
      "Destroy complete: {} deleted{}.\n", result.deleted,
      plan.kept.empty() ? "" : fmt::format(", {} volumes kept (--delete-volumes deletes them)", plan.kept.size()));
  return kOk;
}

const RegisterCommand kDestroy(90, [](CLI::App& app, Context& ctx) {
  auto options = std::make_shared<DestroyCommandOptions>();
  auto* cmd = app.add_subcommand(
      "destroy", "Delete every cloud resource of the cluster, what Kubernetes made, and its application credential");
  cmd->add_option("-f,--file", options->session.spec_file, "The cluster spec (cluster.yaml)")
      ->required()
      ->type_name("FILE");
  cmd->add_option("--state-dir", options->session.state_dir,
                  "The state directory (default: .kstack/<cluster>/ beside the spec)")
      ->type_name("DIR");
  cmd->add_option("--os-cloud", options->session.os_cloud, "The clouds.yaml entry (default: the spec's, OS_CLOUD)");
  cmd->add_flag("-y,--yes", options->yes, "Destroy without asking");
  cmd->add_flag("--delete-volumes", options->delete_volumes,
                "Also delete the volumes of PersistentVolumes (kept and listed otherwise)");
  cmd->add_option("--parallelism", options->parallelism, "Cloud calls in flight at once")->check(CLI::Range(1, 64));
  add_progress_options(*cmd, options->progress);
  cmd->callback([options, &ctx] { ctx.exit_code = run_destroy(*options); });
});

}  // namespace
}  // namespace kstack::cli
