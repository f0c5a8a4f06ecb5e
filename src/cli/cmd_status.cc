// `kstack status`: every cloud resource of the cluster with its state, and each node's Ready condition.
#include <fmt/format.h>

#include <memory>

#include "cli/cluster_access.h"
#include "cli/command.h"
#include "cli/output_options.h"
#include "cli/status_report.h"
#include "kube/local_network.h"
#include "kube/node_status.h"
#include "reconcile/plan.h"
#include "reconcile/session.h"
#include "util/ipv4.h"

namespace kstack::cli {
namespace {

/// StatusCommandOptions are the flags of `kstack status`.
struct StatusCommandOptions {
  reconcile::SessionOptions session{.read_only = true};  // changes nothing in the cloud
  bool kubernetes = true;
  OutputFormat output = OutputFormat::text;
};

// Each node's Ready condition, when the API answers; why not otherwise.
NodesReport ask_nodes(reconcile::Session& s, const reconcile::ObservedState& observed, const std::string& spec_file) {
  const auto endpoints = reconcile::endpoints_of(s.model(), observed.resources);
  NodesReport report{.api_server = endpoints.api_server, .expected = s.model().kubelet_nodes().size()};
  if (!endpoints.api_public) {
    report.note = fmt::format(
        "Kubernetes: not asked: the API ({}) is inside the cluster's network; from a node: kstack ssh -f {} "
        "master-1 -- sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes",
        endpoints.api_address, spec_file);
    return report;
  }
  // A documentation address is routed nowhere, except on a test network this machine is attached to.
  if (is_documentation_address(endpoints.api_address) && !kube::on_attached_network(endpoints.api_address)) {
    report.note = fmt::format(
        "Kubernetes: not asked: {} is a documentation address (RFC 5737) that no network routes, as a test "
        "cloud's floating IPs are",
        endpoints.api_address);
    return report;
  }
  auto credentials = admin_credentials(s, endpoints.api_server);
  if (!credentials) {
    report.note = fmt::format("Kubernetes: not checked: {}", credentials.error().what);
    return report;
  }
  auto body = kube::api_get(*credentials, "/api/v1/nodes");
  auto nodes =
      body ? kube::parse_node_list(*body) : Result<std::vector<kube::NodeStatus>>(std::unexpected(body.error()));
  if (!nodes) {
    report.note = fmt::format("Kubernetes API {}: not reachable: {}", endpoints.api_server, nodes.error().what);
    return report;
  }
  report.checked = true;
  report.nodes = std::move(*nodes);
  return report;
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
  StatusReport report{.cluster = s.spec().name};
  for (const auto& r : observed->resources) {
    report.resources.push_back({.kind = reconcile::kind_name(r.key.kind),
                                .name = r.key.name,
                                .id = r.id,
                                .status = r.status,
                                .fault = r.fault,
                                .origin = r.origin == reconcile::Origin::kstack ? "kstack" : "kubernetes"});
  }
  for (const auto& d : *desired) {
    if (observed->find(d.key).empty()) {
      report.resources.push_back({.kind = reconcile::kind_name(d.key.kind), .name = d.key.name, .missing = true});
    }
  }
  if (auto plan = reconcile::make_plan(*desired, *observed)) {
    report.plan = PlanCounts{.add = plan->to_add(), .change = plan->to_change(), .destroy = plan->to_destroy()};
  }
  if (options.kubernetes) report.kubernetes = ask_nodes(s, *observed, options.session.spec_file);
  fmt::print("{}", options.output == OutputFormat::json ? render_status_json(report) : render_status_text(report));
  return status_exit_code(report);
}

const RegisterCommand kStatus(60, [](CLI::App& app, Context& ctx) {
  auto options = std::make_shared<StatusCommandOptions>();
  auto* cmd = app.add_subcommand(
      "status",
      "Show every cloud resource of the cluster and its state, and each node's Ready condition; exit 1 if a "
      "resource is in ERROR or a node is not Ready");
  cmd->add_option("-f,--file", options->session.spec_file, "The cluster spec (cluster.yaml)")
      ->required()
      ->type_name("FILE");
  cmd->add_option("--state-dir", options->session.state_dir,
                  "The state directory (default: .kstack/<cluster>/ beside the spec)")
      ->type_name("DIR");
  cmd->add_option("--os-cloud", options->session.os_cloud, "The clouds.yaml entry (default: the spec's, OS_CLOUD)");
  cmd->add_flag("!--no-kubernetes", options->kubernetes,
                "Do not ask the Kubernetes API for the nodes' Ready condition");
  add_output_format_option(*cmd, options->output);
  cmd->callback([options, &ctx] { ctx.exit_code = run_status(*options); });
});

}  // namespace
}  // namespace kstack::cli
