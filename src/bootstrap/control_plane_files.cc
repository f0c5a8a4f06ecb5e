#include "bootstrap/control_plane_files.h"

#include <fmt/format.h>

#include "bootstrap/etcd_join.h"
#include "bootstrap/text.h"

namespace kstack::bootstrap {
namespace {

constexpr std::string_view kPki = "/etc/kubernetes/pki";

// A static pod's command as YAML list items, one flag a line.
std::string command_yaml(std::string_view binary, const std::vector<std::string>& flags) {
  std::string out = fmt::format("        - {}\n", binary);
  for (const auto& flag : flags) out += fmt::format("        - {}\n", yaml_quote(flag));
  return out;
}

constexpr std::string_view kStaticPod = R"TXT(apiVersion: v1
kind: Pod
metadata:
  name: "@NAME@"
  namespace: kube-system
  labels:
    component: "@NAME@"
    tier: control-plane
spec:
  hostNetwork: true
  priorityClassName: system-node-critical
  securityContext:
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: "@NAME@"
      image: "@IMAGE@"
      imagePullPolicy: IfNotPresent
      command:
@COMMAND@      resources:
        requests:
          cpu: "@CPU@"
@PROBES@      volumeMounts:
@MOUNTS@  volumes:
@VOLUMES@)TXT";

struct HostMount {
  std::string name;
  std::string path;
  bool read_only;
  std::string type;  // hostPath type
};

std::string static_pod(std::string_view name, std::string_view image, std::string_view binary,
                       const std::vector<std::string>& flags, std::string_view cpu, std::string_view probes,
                       const std::vector<HostMount>& mounts) {
  std::string mount_yaml;
  std::string volume_yaml;
  for (const auto& m : mounts) {
    mount_yaml += fmt::format("        - name: {}\n          mountPath: {}\n          readOnly: {}\n", m.name, m.path,
                              m.read_only ? "true" : "false");
    volume_yaml +=
        fmt::format("    - name: {}\n      hostPath:\n        path: {}\n        type: {}\n", m.name, m.path, m.type);
  }
  return render_manifest(
      kStaticPod, {{"NAME", name}, {"IMAGE", image}, {"CPU", cpu}},
      {{"COMMAND", command_yaml(binary, flags)}, {"PROBES", probes}, {"MOUNTS", mount_yaml}, {"VOLUMES", volume_yaml}});
}

std::string https_probes(int port, std::string_view live_path, std::string_view ready_path, std::string_view host) {
  // The port is a number, inserted as one.
  return render_manifest(R"TXT(      livenessProbe:
        httpGet:
          host: "@HOST@"
          path: "@LIVE@"
          port: @PORT@
          scheme: HTTPS
        initialDelaySeconds: 10
        periodSeconds: 10
        timeoutSeconds: 15
        failureThreshold: 8
      readinessProbe:
        httpGet:
          host: "@HOST@"
          path: "@READY@"
          port: @PORT@
          scheme: HTTPS
        periodSeconds: 1
        timeoutSeconds: 15
        failureThreshold: 3
      startupProbe:
        httpGet:
          host: "@HOST@"
          path: "@LIVE@"
          port: @PORT@
          scheme: HTTPS
        initialDelaySeconds: 10
        periodSeconds: 10
        timeoutSeconds: 15
        failureThreshold: 24
)TXT",
                         {{"HOST", host}, {"LIVE", live_path}, {"READY", ready_path}},
                         {{"PORT", std::to_string(port)}});
}

std::string kubeconfig_file(const RenderContext& ctx, std::string_view server, std::string_view user,
                            const pki::CertKey& client) {
  return pki::kubeconfig(ctx.spec.name, server, ctx.pki.ca.cert_pem, user, client);
}

constexpr std::string_view kEncryptionConfig = R"TXT(apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources:
      - secrets
    providers:
      - secretbox:
          keys:
            - name: key1
              secret: "@KEY@"
      - identity: {}
)TXT";

// Metadata for everything, never the bodies of Secrets, tokens or reviews (they hold credentials);
// request bodies for changes to the objects an attacker would touch; the noisiest read-only
// traffic of the system components is left out.
constexpr std::string_view kAuditPolicy = R"TXT(apiVersion: audit.k8s.io/v1
kind: Policy
omitStages:
  - RequestReceived
rules:
  - level: None
    users:
      - system:kube-proxy
    verbs:
      - watch
  - level: None
    userGroups:
      - system:nodes
    verbs:
      - get
    resources:
      - group: ""
        resources:
          - nodes
          - nodes/status
  - level: None
    nonResourceURLs:
      - /healthz*
      - /livez*
      - /readyz*
      - /version
  - level: None
    resources:
      - group: coordination.k8s.io
        resources:
          - leases
  - level: Metadata
    resources:
      - group: ""
        resources:
          - secrets
          - configmaps
          - serviceaccounts/token
      - group: authentication.k8s.io
        resources:
          - tokenreviews
  - level: RequestResponse
    verbs:
      - create
      - update
      - patch
      - delete
      - deletecollection
    resources:
      - group: rbac.authorization.k8s.io
      - group: certificates.k8s.io
  - level: Request
    verbs:
      - create
      - update
      - patch
      - delete
      - deletecollection
  - level: Metadata
)TXT";

}  // namespace

std::string etcd_initial_cluster(const model::ClusterModel& model) {
  std::string out;
  for (const auto* member : model.etcd_members()) {
    if (!out.empty()) out += ',';
    out += fmt::format("{}=https://{}:2380", member->name, member->ip);
  }
  return out;
}

void add_etcd_files(const RenderContext& ctx, const model::Node& node, NodeFiles& files) {
  const auto& server = ctx.pki.etcd_server.at(node.name);
  const auto& peer = ctx.pki.etcd_peer.at(node.name);
  files.add("/etc/kubernetes/pki/etcd/ca.crt", ctx.pki.etcd_ca.cert_pem);
  files.add("/etc/kubernetes/pki/etcd/server.crt", server.cert_pem);
  files.add_secret("/etc/kubernetes/pki/etcd/server.key", server.key_pem);
  files.add("/etc/kubernetes/pki/etcd/peer.crt", peer.cert_pem);
  files.add_secret("/etc/kubernetes/pki/etcd/peer.key", peer.key_pem);
  files.add("/etc/kubernetes/pki/etcd/healthcheck-client.crt", ctx.pki.etcd_healthcheck_client.cert_pem);
  files.add_secret("/etc/kubernetes/pki/etcd/healthcheck-client.key", ctx.pki.etcd_healthcheck_client.key_pem);

  const std::vector<std::string> flags = {
      "--name=" + node.name,
      "--data-dir=/var/lib/etcd",
      fmt::format("--listen-client-urls=https://127.0.0.1:2379,https://{}:2379", node.ip),
      fmt::format("--advertise-client-urls=https://{}:2379", node.ip),
      fmt::format("--listen-peer-urls=https://{}:2380", node.ip),
      fmt::format("--initial-advertise-peer-urls=https://{}:2380", node.ip),
      "--initial-cluster=" + etcd_initial_cluster(ctx.model),
      "--initial-cluster-state=new",
      "--initial-cluster-token=" + ctx.spec.name + "-etcd",
      "--listen-metrics-urls=http://127.0.0.1:2381",
      "--client-cert-auth=true",
      "--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt",
      "--cert-file=/etc/kubernetes/pki/etcd/server.crt",
      "--key-file=/etc/kubernetes/pki/etcd/server.key",
      "--peer-client-cert-auth=true",
      "--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt",
      "--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt",
      "--peer-key-file=/etc/kubernetes/pki/etcd/peer.key",
      "--snapshot-count=10000",
      "--auto-compaction-retention=8",
  };
  const std::string probes = R"TXT(      livenessProbe:
        httpGet:
          host: 127.0.0.1
          path: /health?exclude=NOSPACE&serializable=true
          port: 2381
          scheme: HTTP
        initialDelaySeconds: 10
        periodSeconds: 10
        timeoutSeconds: 15
        failureThreshold: 8
      startupProbe:
        httpGet:
          host: 127.0.0.1
          path: /health?serializable=false
          port: 2381
          scheme: HTTP
        initialDelaySeconds: 10
        periodSeconds: 10
        timeoutSeconds: 15
        failureThreshold: 24
)TXT";
  files.add("/etc/kubernetes/manifests/etcd.yaml",
            static_pod("etcd", ctx.image(ctx.release.images.etcd), "etcd", flags, "100m", probes,
                       {{"etcd-data", "/var/lib/etcd", false, "DirectoryOrCreate"},
                        {"etcd-certs", "/etc/kubernetes/pki/etcd", true, "Directory"}}));
  if (has_etcd_peers(ctx, node)) add_etcd_join_script(ctx, node, files);
}

void add_control_plane_files(const RenderContext& ctx, const model::Node& node, NodeFiles& files) {
  const auto& pki = ctx.pki;
  auto pair = [&](std::string_view stem, const pki::CertKey& ck) {
    files.add(fmt::format("{}/{}.crt", kPki, stem), ck.cert_pem);
    files.add_secret(fmt::format("{}/{}.key", kPki, stem), ck.key_pem);
  };
  // ca.crt comes with the kubelet's files; masters alone hold the CA key (controller-manager signs CSRs).
  files.add_secret(fmt::format("{}/ca.key", kPki), pki.ca.key_pem);
  files.add(fmt::format("{}/front-proxy-ca.crt", kPki), pki.front_proxy_ca.cert_pem);
  pair("apiserver", pki.apiserver);
  pair("apiserver-kubelet-client", pki.apiserver_kubelet_client);
  pair("apiserver-etcd-client", pki.apiserver_etcd_client);
  pair("front-proxy-client", pki.front_proxy_client);
  files.add_secret(fmt::format("{}/sa.key", kPki), pki.service_account.private_pem);
  files.add(fmt::format("{}/sa.pub", kPki), pki.service_account.public_pem);
  if (ctx.spec.etcd_placement == spec::EtcdPlacement::dedicated) {
    files.add("/etc/kubernetes/pki/etcd/ca.crt", pki.etcd_ca.cert_pem);
  }

  // Components on a master talk to their own API server (its address is in the serving certificate), so
  // a master works while the load balancer's VIP is not up yet.
  const std::string local = fmt::format("https://{}:6443", node.ip);
  files.add_secret("/etc/kubernetes/controller-manager.conf",
                   kubeconfig_file(ctx, local, "system:kube-controller-manager", pki.controller_manager));
  files.add_secret("/etc/kubernetes/scheduler.conf",
                   kubeconfig_file(ctx, local, "system:kube-scheduler", pki.scheduler));
  files.add_secret("/etc/kubernetes/admin.conf", kubeconfig_file(ctx, local, "kubernetes-admin", pki.admin));
  // Every master may be the one that applies the add-ons (and with them the binding that gives
  // admin.conf its rights), so each holds the break-glass credential; a master holds the CA key anyway.
  files.add_secret("/etc/kubernetes/super-admin.conf",
                   kubeconfig_file(ctx, local, "kubernetes-super-admin", pki.super_admin));
  files.add_secret("/etc/kubernetes/encryption-config.yaml",
                   render_manifest(kEncryptionConfig, {{"KEY", ctx.secrets.encryption_key_base64}}));
  files.add("/etc/kubernetes/audit-policy.yaml", std::string(kAuditPolicy));

  std::string etcd_servers;
  for (const auto* member : ctx.model.etcd_members()) {
    etcd_servers += fmt::format("{}https://{}:2379", etcd_servers.empty() ? "" : ",", member->ip);
  }
  const std::string issuer = "https://kubernetes.default.svc." + ctx.spec.kubernetes.cluster_domain;
  std::vector<std::string> apiserver_flags = {
      "--advertise-address=" + node.ip,
      "--secure-port=6443",
      "--allow-privileged=true",
      "--anonymous-auth=true",
      "--authorization-mode=Node,RBAC",
      "--enable-admission-plugins=NodeRestriction",
      "--client-ca-file=/etc/kubernetes/pki/ca.crt",
      "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt",
      "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key",
      "--tls-min-version=VersionTLS12",
      "--etcd-servers=" + etcd_servers,
      "--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt",
      "--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt",
      "--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key",
      "--kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt",
      "--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt",
      "--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key",
      "--kubelet-preferred-address-types=InternalIP,Hostname",
      "--proxy-client-cert-file=/etc/kubernetes/pki/front-proxy-client.crt",
      "--proxy-client-key-file=/etc/kubernetes/pki/front-proxy-client.key",
      "--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt",
      "--requestheader-allowed-names=front-proxy-client",
      "--requestheader-extra-headers-prefix=X-Remote-Extra-",
      "--requestheader-group-headers=X-Remote-Group",
      "--requestheader-username-headers=X-Remote-User",
      "--enable-aggregator-routing=true",
      "--service-account-issuer=" + issuer,
      "--service-account-key-file=/etc/kubernetes/pki/sa.pub",
      "--service-account-signing-key-file=/etc/kubernetes/pki/sa.key",
      "--service-cluster-ip-range=" + ctx.spec.kubernetes.service_cidr,
      "--encryption-provider-config=/etc/kubernetes/encryption-config.yaml",
      "--audit-policy-file=/etc/kubernetes/audit-policy.yaml",
      "--audit-log-path=/var/log/kubernetes/audit/audit.log",
      "--audit-log-maxage=30",
      "--audit-log-maxbackup=10",
      "--audit-log-maxsize=100",
      "--profiling=false",
  };
  files.add("/etc/kubernetes/manifests/kube-apiserver.yaml",
            static_pod("kube-apiserver", ctx.image(ctx.release.images.kube_apiserver), "kube-apiserver",
                       apiserver_flags, "250m", https_probes(6443, "/livez", "/readyz", node.ip),
                       {{"k8s-certs", "/etc/kubernetes/pki", true, "Directory"},
                        {"encryption-config", "/etc/kubernetes/encryption-config.yaml", true, "File"},
                        {"audit-policy", "/etc/kubernetes/audit-policy.yaml", true, "File"},
                        {"audit-log", "/var/log/kubernetes/audit", false, "DirectoryOrCreate"},
                        {"ca-certs", "/etc/ssl/certs", true, "DirectoryOrCreate"}}));

  std::vector<std::string> cm_flags = {
      "--bind-address=127.0.0.1",
      "--kubeconfig=/etc/kubernetes/controller-manager.conf",
      "--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf",
      "--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf",
      "--client-ca-file=/etc/kubernetes/pki/ca.crt",
      "--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt",
      "--cluster-name=" + ctx.spec.name,
      "--cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt",
      "--cluster-signing-key-file=/etc/kubernetes/pki/ca.key",
      "--root-ca-file=/etc/kubernetes/pki/ca.crt",
      "--service-account-private-key-file=/etc/kubernetes/pki/sa.key",
      "--use-service-account-credentials=true",
      "--allocate-node-cidrs=true",
      "--cluster-cidr=" + ctx.spec.kubernetes.pod_cidr,
      "--node-cidr-mask-size=24",
      "--service-cluster-ip-range=" + ctx.spec.kubernetes.service_cidr,
      "--controllers=*,bootstrapsigner,tokencleaner",
      "--leader-elect=true",
      "--profiling=false",
  };
  if (ctx.spec.addons.cloud_provider) cm_flags.push_back("--cloud-provider=external");
  files.add(
      "/etc/kubernetes/manifests/kube-controller-manager.yaml",
      static_pod("kube-controller-manager", ctx.image(ctx.release.images.kube_controller_manager),
                 "kube-controller-manager", cm_flags, "200m", https_probes(10257, "/healthz", "/healthz", "127.0.0.1"),
                 {{"k8s-certs", "/etc/kubernetes/pki", true, "Directory"},
                  {"kubeconfig", "/etc/kubernetes/controller-manager.conf", true, "FileOrCreate"},
                  {"ca-certs", "/etc/ssl/certs", true, "DirectoryOrCreate"}}));

  const std::vector<std::string> scheduler_flags = {
      "--bind-address=127.0.0.1",
      "--kubeconfig=/etc/kubernetes/scheduler.conf",
      "--authentication-kubeconfig=/etc/kubernetes/scheduler.conf",
      "--authorization-kubeconfig=/etc/kubernetes/scheduler.conf",
      "--leader-elect=true",
      "--profiling=false",
  };
  files.add("/etc/kubernetes/manifests/kube-scheduler.yaml",
            static_pod("kube-scheduler", ctx.image(ctx.release.images.kube_scheduler), "kube-scheduler",
                       scheduler_flags, "100m", https_probes(10259, "/livez", "/readyz", "127.0.0.1"),
                       {{"kubeconfig", "/etc/kubernetes/scheduler.conf", true, "FileOrCreate"}}));
}

}  // namespace kstack::bootstrap
