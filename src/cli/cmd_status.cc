// `kstack status`: every cloud resource of the cluster with its state.
#include <fmt/format.h>

#include <memory>

#include "cli/cluster_access.h"
#include "cli/command.h"
#include "kube/node_status.h"
#include "model/ipv4.h"
#include "reconcile/plan.h"
#include "reconcile/session.h"

namespace kstack::cli {
namespace {

/// StatusCommandOptions are the flags of `kstack status`.
struct StatusCommandOptions {
  reconcile::SessionOptions session{.read_only = true};  // changes nothing in the cloud
  bool kubernetes = true;
};

// Each node's Ready condition, when the API answers; a line saying why not otherwise.
void print_nodes(reconcile::Session& s, const reconcile::ObservedState& observed, const std::string& spec_file) {
  const auto endpoints = reconcile::endpoints_of(s.model(), observed.resources);
  if (!endpoints.api_public) {
    fmt::print(
        "\nKubernetes: not asked: the API ({}) is inside the cluster's network; from a node: kstack ssh -f {} "
        "master-1 -- sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes\n",
        endpoints.api_address, spec_file);
    return;
  }
  if (model::is_documentation_address(endpoints.api_address)) {
    fmt::print(
        "\nKubernetes: not asked: {} is a documentation address (RFC 5737) that no network routes, as a test "
        "cloud's floating IPs are\n",
        endpoints.api_address);
    return;
  }
  auto credentials = admin_credentials(s, endpoints.api_server);
  if (!credentials) {
    fmt::print("\nKubernetes: not checked: {}\n", credentials.error().what);
    return;
  }
  auto body = kube::api_get(*credentials, "/api/v1/nodes");
  auto nodes =
      body ? kube::parse_node_list(*body) : Result<std::vector<kube::NodeStatus>>(std::unexpected(body.error()));
  if (!nodes) {
    fmt::print("\nKubernetes API {}: not reachable: {}\n", endpoints.api_server, nodes.error().what);
    return;
  }
  int ready = 0;
  fmt::print("\n{:<40} {:<10} {:<20} {}\n", "NODE", "READY", "REASON", "VERSION");
  for (const auto& n : *nodes) {
    ready += n.ready == "True";
    fmt::print("{:<40} {:<10} {:<20} {}{}\n", n.name, n.ready, n.reason, n.kubelet_version,
               n.unschedulable ? " (cordoned)" : "");
  }
  const auto expected = s.model().kubelet_nodes().size();
  fmt::print("{} of {} nodes Ready (the spec has {}) at {}\n", ready, nodes->size(), expected, endpoints.api_server);
}

int run_status(const StatusCommandOptions& options) {
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
  auto desired = s.desired(*observed);
  if (!desired) {
    fmt::print(stderr, "{}\n", desired.error().to_string());
    return kFailed;
  }
  auto plan = reconcile::make_plan(*desired, *observed);
  fmt::print("{:<20} {:<52} {:<16} {}\n", "KIND", "NAME", "STATUS", "ID");
  for (const auto& r : observed->resources) {
    std::string status = r.status.empty() ? "present" : r.status;
    if (r.origin != reconcile::Origin::kstack) status += " (kubernetes)";
    fmt::print("{:<20} {:<52} {:<16} {}\n", reconcile::kind_name(r.key.kind), r.key.name, status, r.id);
  }
  for (const auto& d : *desired) {
    if (observed->find(d.key).empty()) {
      fmt::print("{:<20} {:<52} {:<16}\n", reconcile::kind_name(d.key.kind), d.key.name, "missing");
    }
  }
  if (plan) {
    fmt::print("\n{} resources; {}\n", observed->resources.size(),
               plan->empty() ? "the cloud matches the spec"
                             : fmt::format("apply would add {}, change {}, destroy {}", plan->to_add(),
                                           plan->to_change(), plan->to_destroy()));
  }
  if (options.kubernetes) print_nodes(s, *observed, options.session.spec_file);
  return kOk;
}

const RegisterCommand kStatus(60, [](CLI::App& app, Context& ctx) {
  auto options = std::make_shared<StatusCommandOptions>();
  auto* cmd = app.add_subcommand(
      "status", "Show every cloud resource of the cluster and its state, and each node's Ready condition");
  cmd->add_option("-f,--file", options->session.spec_file, "The cluster spec (cluster.yaml)")->required();
  cmd->add_option("--state-dir", options->session.state_dir,
                  "The state directory (default: .kstack/<cluster>/ beside the spec)");
  cmd->add_option("--os-cloud", options->session.os_cloud, "The clouds.yaml entry (default: the spec's, OS_CLOUD)");
  cmd->add_flag("!--no-kubernetes", options->kubernetes,
                "Do not ask the Kubernetes API for the nodes' Ready condition");
  cmd->callback([options, &ctx] { ctx.exit_code = run_status(*options); });
});

}  // namespace
}  // namespace kstack::cli
