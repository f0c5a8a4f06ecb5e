#include "bootstrap/kubelet_files.h"

#include <fmt/format.h>

#include "bootstrap/text.h"

namespace kstack::bootstrap {
namespace {

constexpr std::string_view kKubeletConfig = R"TXT(apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
authorization:
  mode: Webhook
cgroupDriver: systemd
clusterDNS:
  - "@CLUSTER_DNS@"
clusterDomain: "@CLUSTER_DOMAIN@"
containerRuntimeEndpoint: unix:///run/containerd/containerd.sock
failSwapOn: true
protectKernelDefaults: true
readOnlyPort: 0
resolvConf: /etc/kubernetes/resolv.conf
rotateCertificates: true
serverTLSBootstrap: false
staticPodPath: /etc/kubernetes/manifests
tlsCertFile: /var/lib/kubelet/pki/kubelet.crt
tlsPrivateKeyFile: /var/lib/kubelet/pki/kubelet.key
tlsMinVersion: VersionTLS12
@TAINTS@)TXT";

constexpr std::string_view kStandaloneKubeletConfig = R"TXT(apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 127.0.0.1
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: false
authorization:
  mode: AlwaysAllow
cgroupDriver: systemd
containerRuntimeEndpoint: unix:///run/containerd/containerd.sock
failSwapOn: true
protectKernelDefaults: true
readOnlyPort: 0
resolvConf: /etc/kubernetes/resolv.conf
staticPodPath: /etc/kubernetes/manifests
)TXT";

constexpr std::string_view kKubeletUnit = R"TXT([Unit]
Description=Kubernetes kubelet
Documentation=https://kubernetes.io/docs/reference/command-line-tools-reference/kubelet/
After=containerd.service network-online.target
Wants=network-online.target
Requires=containerd.service

[Service]
ExecStart=/usr/local/bin/kubelet \
  --config=/var/lib/kubelet/config.yaml \
@FLAGS@Restart=always
RestartSec=5

[Install]
WantedBy=multi-user.target
)TXT";

std::string kubelet_unit(std::vector<std::string> flags) {
  std::string lines;
  for (size_t i = 0; i < flags.size(); ++i) {
    lines += "  " + flags[i] + (i + 1 < flags.size() ? " \\\n" : "\n");
  }
  return substitute(kKubeletUnit, {{"FLAGS", lines}});
}

std::string taints_yaml(const RenderContext& ctx, const model::Node& node) {
  std::vector<spec::Taint> taints;
  if (node.role == model::Role::master) {
    taints = ctx.spec.masters.taints;
    if (ctx.spec.topology() != spec::Topology::single) {
      taints.push_back({"node-role.kubernetes.io/control-plane", "", "NoSchedule"});
    }
  } else {
    taints = ctx.spec.workers.taints;
  }
  if (taints.empty()) return {};
  std::string out = "registerWithTaints:\n";
  for (const auto& t : taints) {
    out += fmt::format("  - key: {}\n", yaml_quote(t.key));
    if (!t.value.empty()) out += fmt::format("    value: {}\n", yaml_quote(t.value));
    out += fmt::format("    effect: {}\n", t.effect);
  }
  return out;
}

// A master's kubelet talks to its own API server, as kubeadm's ControlPlaneKubeletLocalMode does: an
// outage of the load balancer must not make every master NotReady. Other nodes use the VIP.
std::string kubelet_api_url(const RenderContext& ctx, const model::Node& node) {
  if (node.role == model::Role::master) return "https://" + node.ip + ":6443";
  return ctx.api_url();
}

}  // namespace

void add_kubelet_files(const RenderContext& ctx, const model::Node& node, NodeFiles& files) {
  const auto& client = ctx.pki.kubelet_client.at(node.name);
  const auto& serving = ctx.pki.kubelet_serving.at(node.name);
  files.add("/etc/kubernetes/pki/ca.crt", ctx.pki.ca.cert_pem);
  files.add("/var/lib/kubelet/pki/kubelet.crt", serving.cert_pem);
  files.add_secret("/var/lib/kubelet/pki/kubelet.key", serving.key_pem);
  // The kubelet rotates its client certificate by writing a dated file and repointing the
  // kubelet-client-current.pem symlink, which the bootstrap makes point at this first pair: client-go
  // refuses to replace a -current that is a regular file, and the kubelet would lose the API at expiry.
  files.add_secret("/var/lib/kubelet/pki/kubelet-client-kstack.pem", client.cert_pem + client.key_pem);
  const std::string kubeconfig =
      render_manifest(R"TXT(apiVersion: v1
kind: Config
clusters:
  - name: "@CLUSTER@"
    cluster:
      certificate-authority: /etc/kubernetes/pki/ca.crt
      server: "@SERVER@"
users:
  - name: "system:node:@NODE@"
    user:
      client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem
      client-key: /var/lib/kubelet/pki/kubelet-client-current.pem
contexts:
  - name: default
    context:
      cluster: "@CLUSTER@"
      user: "system:node:@NODE@"
current-context: default
)TXT",
                      {{"CLUSTER", ctx.spec.name}, {"SERVER", kubelet_api_url(ctx, node)}, {"NODE", node.name}});
  files.add_secret("/etc/kubernetes/kubelet.conf", kubeconfig);
  files.add("/var/lib/kubelet/config.yaml", render_manifest(kKubeletConfig,
                                                            {{"CLUSTER_DNS", ctx.model.cluster_dns_ip},
                                                             {"CLUSTER_DOMAIN", ctx.spec.kubernetes.cluster_domain}},
                                                            {{"TAINTS", taints_yaml(ctx, node)}}));

  std::vector<std::string> flags = {"--kubeconfig=/etc/kubernetes/kubelet.conf", "--hostname-override=" + node.name,
                                    "--node-ip=" + node.ip};
  if (ctx.spec.addons.cloud_provider) flags.push_back("--cloud-provider=external");
  std::string labels;
  const auto& pool_labels = node.role == model::Role::master ? ctx.spec.masters.labels : ctx.spec.workers.labels;
  for (const auto& [key, value] : pool_labels) labels += (labels.empty() ? "" : ",") + key + "=" + value;
  // The ingress controller runs on the workers; a single-node cluster has none, so its one node serves it.
  const bool serves_ingress = node.role == model::Role::worker || ctx.spec.topology() == spec::Topology::single;
  if (serves_ingress) labels += std::string(labels.empty() ? "" : ",") + "kstack.io/ingress=true";
  // The cloud controller manager leaves such nodes out of every LoadBalancer Service's members: a master
  // runs no ingress and would stay a member that is down. (A kubelet may set node.kubernetes.io/ labels.)
  if (node.role == model::Role::master && ctx.spec.topology() != spec::Topology::single) {
    labels += std::string(labels.empty() ? "" : ",") + "node.kubernetes.io/exclude-from-external-load-balancers=true";
  }
  if (!labels.empty()) flags.push_back("--node-labels=" + labels);
  files.add("/etc/systemd/system/kubelet.service", kubelet_unit(std::move(flags)));
}

void add_standalone_kubelet_files(const RenderContext&, const model::Node& node, NodeFiles& files) {
  files.add("/var/lib/kubelet/config.yaml", std::string(kStandaloneKubeletConfig));
  files.add("/etc/systemd/system/kubelet.service",
            kubelet_unit({"--hostname-override=" + node.name, "--node-ip=" + node.ip}));
}

}  // namespace kstack::bootstrap
