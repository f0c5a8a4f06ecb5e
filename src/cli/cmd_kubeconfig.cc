// `kstack kubeconfig`: write or merge the cluster's admin kubeconfig.
#include <fmt/format.h>

#include <memory>

#include "cli/cluster_access.h"
#include "cli/command.h"
#include "kube/kubeconfig_file.h"
#include "pki/cluster_pki.h"

namespace kstack::cli {
namespace {

/// KubeconfigCommandOptions are the flags of `kstack kubeconfig`.
struct KubeconfigCommandOptions {
  reconcile::SessionOptions session{.read_only = true};  // changes nothing in the cloud
  std::string path;                                      // empty: $KUBECONFIG's first file, else ~/.kube/config
  std::string server;                                    // empty: the API's floating IP, else its internal address
  bool set_current = false;
  bool to_stdout = false;
};

int run_kubeconfig(const KubeconfigCommandOptions& options) {
  auto session = reconcile::Session::open(options.session);
  if (!session) {
    fmt::print(stderr, "{}\n", session.error().to_string());
    return kFailed;
  }
  auto& s = **session;
  std::string server = options.server;
  bool is_public = !server.empty();
  if (server.empty()) {
    auto endpoints = cluster_endpoints(s);
    if (!endpoints) {
      fmt::print(stderr, "{}\n", endpoints.error().to_string());
      return kFailed;
    }
    server = endpoints->api_server;
    is_public = endpoints->api_public;
  }
  auto credentials = admin_credentials(s, server);
  if (!credentials) {
    fmt::print(stderr, "{}\n", credentials.error().to_string());
    return kFailed;
  }
  const std::string& cluster = s.spec().name;
  const std::string text = pki::kubeconfig(cluster, server, credentials->ca_pem, cluster + "-admin",
                                           {credentials->cert_pem, credentials->key_pem});
  if (options.to_stdout) {
    fmt::print("{}", text);
    return kOk;
  }
  const auto path = options.path.empty() ? kube::default_kubeconfig_path() : std::filesystem::path(options.path);
  if (auto merged = kube::merge_into_file(path, text, options.set_current); !merged) {
    fmt::print(stderr, "{}\n", merged.error().to_string());
    return kFailed;
  }
  const std::string context = fmt::format("{0}-admin@{0}", cluster);
  fmt::print("Wrote context {} (server {}) to {}.\n", context, server, path.string());
  if (!options.set_current) fmt::print("Use it: kubectl --context {} get nodes\n", context);
  if (!is_public) {
    fmt::print(
        "Note: {} is an address inside the cluster's network: kubectl reaches it from a node (kstack ssh -f {} "
        "master-1), or from anywhere once the API has a floating IP (api_load_balancer: enabled and floating_ip: "
        "true).\n",
        server, options.session.spec_file);
  }
  return kOk;
}

const RegisterCommand kKubeconfig(70, [](CLI::App& app, Context& ctx) {
  auto options = std::make_shared<KubeconfigCommandOptions>();
  auto* cmd = app.add_subcommand("kubeconfig",
                                 "Write the cluster's admin kubeconfig, merged into ~/.kube/config (or $KUBECONFIG)");
  cmd->add_option("-f,--file", options->session.spec_file, "The cluster spec (cluster.yaml)")
      ->required()
      ->type_name("FILE");
  cmd->add_option("--state-dir", options->session.state_dir,
                  "The state directory (default: .kstack/<cluster>/ beside the spec)")
      ->type_name("DIR");
  cmd->add_option("--os-cloud", options->session.os_cloud, "The clouds.yaml entry (default: the spec's, OS_CLOUD)");
  cmd->add_option("--kubeconfig", options->path,
                  "The file to merge into (default: the first file of $KUBECONFIG, else ~/.kube/config)")
      ->type_name("FILE");
  cmd->add_option("--server", options->server,
                  "The API URL to write (default: https://<the API's floating IP>:6443, else its internal address)");
  cmd->add_flag("--set-current", options->set_current, "Make the cluster's context the current one");
  cmd->add_flag("--stdout", options->to_stdout,
                "Print the kubeconfig instead of writing it (it holds the admin's private key)");
  cmd->callback([options, &ctx] { ctx.exit_code = run_kubeconfig(*options); });
});

}  // namespace
}  // namespace kstack::cli
