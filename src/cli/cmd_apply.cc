// `kstack apply`: converge the cloud to the spec.
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
#include "reconcile/desired.h"
#include "reconcile/endpoints.h"
#include "reconcile/session.h"

namespace kstack::cli {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_interrupt(int) { g_stop = true; }

/// ApplyCommandOptions are the flags of `kstack apply`.
struct ApplyCommandOptions {
  reconcile::SessionOptions session;
  bool yes = false;
  bool replace_drifted = false;
  int parallelism = 8;
  int lb_timeout_s = 1800;
  ProgressOptions progress;
};

/// What the summary says of the add-ons' credential.
std::string credential_line(const reconcile::EnsuredCredential& c) {
  switch (c.action) {
    case reconcile::CredentialAction::supplied:
      return fmt::format("clouds.yaml entry {} (addons.application_credential)", c.name);
    case reconcile::CredentialAction::created:
      return fmt::format("application credential {}, made for the cluster (destroy deletes it)", c.name);
    case reconcile::CredentialAction::recreated:
      return fmt::format("application credential {}, made again", c.name);
    case reconcile::CredentialAction::reused:
      break;
  }
  return fmt::format("application credential {}", c.name);
}

/// Says, on stderr, that the credential was deleted outside kstack and what the running cluster needs.
void warn_recreated(const reconcile::EnsuredCredential& c, reconcile::Session& s) {
  fmt::print(stderr,
             "warning: Keystone no longer knows the cluster's application credential {} (deleted outside kstack); "
             "made {}.\n  Masters created from now on carry it. A running cluster's Secret kube-system/cloud-config "
             "still holds the deleted one, so the cloud controller manager and Cinder CSI cannot log in: put the new "
             "id and secret from {} into its cloud.conf, then restart the DaemonSet "
             "openstack-cloud-controller-manager and the Deployment csi-cinder-controllerplugin.\n",
             c.replaced_id, c.name, s.state().path(reconcile::kCredentialFile).string());
}

void print_summary(reconcile::Session& s, const reconcile::Session::ApplyOutcome& outcome,
                   const std::string& spec_file) {
  const auto& r = outcome.result;
  const auto endpoints = reconcile::endpoints_of_applied(s.model(), r.resources);
  fmt::print("\nApply complete: {} created, {} changed, {} deleted.\n", r.created, r.updated, r.deleted);
  if (!endpoints.bastion.empty()) fmt::print("  bastion:    {}\n", endpoints.bastion);
  fmt::print("  API:        {}{}\n", endpoints.api_server, endpoints.api_public ? "" : " (inside the cluster network)");
  fmt::print("  kubeconfig: kstack kubeconfig -f {}\n", spec_file);
  fmt::print("  ssh:        kstack ssh -f {} master-1\n", spec_file);
  fmt::print("  status:     kstack status -f {}\n", spec_file);
  if (outcome.credential) fmt::print("  credential: {}\n", credential_line(*outcome.credential));
}

int run_apply(const ApplyCommandOptions& options) {
  auto session = reconcile::Session::open(options.session);
  if (!session) {
    fmt::print(stderr, "{}\n", session.error().to_string());
    return kFailed;
  }
  auto& s = **session;
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  ProgressView view(stdout, options.progress.live(stdout));
  reconcile::ExecutorOptions exec{.parallelism = options.parallelism,
                                  .stop = &g_stop,
                                  .on_event = [&view](const reconcile::Event& e) { view.on_event(e); }};
  exec.timeouts[reconcile::Kind::load_balancer] = std::chrono::seconds(options.lb_timeout_s);
  auto confirm = [&](const reconcile::Plan& plan) {
    fmt::print("{}", render_plan_text(plan));
    auto go = [&] {
      view.begin(plan);
      return true;
    };
    if (plan.empty() || options.yes) return go();
    if (!isatty(STDIN_FILENO)) {
      fmt::print(stderr, "not a terminal: pass --yes to apply without confirmation\n");
      return false;
    }
    fmt::print("Apply these changes? Only 'yes' is accepted: ");
    std::string answer;
    std::getline(std::cin, answer);
    return answer == "yes" && go();
  };
  auto outcome = s.apply({.replace_drifted = options.replace_drifted}, exec, confirm);
  view.finish();
  std::signal(SIGINT, SIG_DFL);
  if (!outcome) {
    fmt::print(stderr, "{}\n", outcome.error().to_string());
    return kFailed;
  }
  const auto& r = outcome->result;
  if (outcome->credential && outcome->credential->action == reconcile::CredentialAction::recreated) {
    warn_recreated(*outcome->credential, s);
  }
  for (const auto& e : r.errors) fmt::print(stderr, "{}\n", e.to_string());
  if (r.interrupted) {
    fmt::print(stderr, "interrupted: calls in flight finished; {} steps not started. Run apply again to resume.\n",
               r.skipped);
    return kInterrupted;
  }
  if (!r.ok()) return kFailed;
  print_summary(s, *outcome, options.session.spec_file);
  return kOk;
}

const RegisterCommand kApply(50, [](CLI::App& app, Context& ctx) {
  auto options = std::make_shared<ApplyCommandOptions>();
  auto* cmd = app.add_subcommand("apply", "Converge the cloud to the spec: create, change and delete what differs");
  cmd->add_option("-f,--file", options->session.spec_file, "The cluster spec (cluster.yaml)")
      ->required()
      ->type_name("FILE");
  cmd->add_option("--state-dir", options->session.state_dir,
                  "The state directory (default: .kstack/<cluster>/ beside the spec)")
      ->type_name("DIR");
  cmd->add_option("--os-cloud", options->session.os_cloud, "The clouds.yaml entry (default: the spec's, OS_CLOUD)");
  cmd->add_flag("-y,--yes", options->yes, "Apply without asking");
  cmd->add_flag("--replace-drifted", options->replace_drifted,
                "Replace servers whose user-data changed, one at a time");
  cmd->add_option("--parallelism", options->parallelism, "Cloud calls in flight at once")->check(CLI::Range(1, 64));
  cmd->add_option("--lb-timeout", options->lb_timeout_s, "Seconds to wait for a load balancer to become ACTIVE");
  add_progress_options(*cmd, options->progress);
  cmd->callback([options, &ctx] { ctx.exit_code = run_apply(*options); });
});

}  // namespace
}  // namespace kstack::cli
