#include "bootstrap/render.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "bootstrap/addons.h"
#include "bootstrap/placeholder_pki.h"
#include "spec/render.h"

namespace kstack::bootstrap {
namespace {

/// RenderFixture renders the reference cluster with the placeholder PKI.
struct RenderFixture {
  spec::ClusterSpec spec = testing::reference_spec();
  model::ClusterModel model;
  pki::ClusterPki pki;
  BootstrapSecrets secrets{"c2VjcmV0Ym94LWtleS1mb3ItdGVzdHMtMzItYnl0ZXMhISE="};
  RenderOptions options;

  std::vector<RenderedNode> render() {
    auto m = model::build_model(spec);
    EXPECT_TRUE(m.has_value());
    model = *m;
    pki = testing::placeholder_pki(model);
    auto nodes = render_cluster(spec, model, pki, secrets, options);
    EXPECT_TRUE(nodes.has_value()) << nodes.error().to_string();
    return nodes ? *nodes : std::vector<RenderedNode>{};
  }
};

const NodeFile* find_file(const RenderedNode& node, std::string_view path) {
  for (const auto& f : node.files) {
    if (f.path == path) return &f;
  }
  return nullptr;
}

// True when any body line of a PEM block appears in `text` (user-data indents what it embeds).
bool carries_key_material(std::string_view text, std::string_view pem) {
  size_t pos = 0;
  while (pos < pem.size()) {
    size_t nl = pem.find('\n', pos);
    if (nl == std::string_view::npos) nl = pem.size();
    const std::string_view line = pem.substr(pos, nl - pos);
    if (!line.empty() && !line.starts_with("-----") && text.find(line) != std::string_view::npos) return true;
    pos = nl + 1;
  }
  return false;
}

const RenderedNode& by_name(const std::vector<RenderedNode>& nodes, std::string_view name) {
  for (const auto& n : nodes) {
    if (n.name == name) return n;
  }
  ADD_FAILURE() << "no node " << name;
  return nodes.front();
}

TEST(Render, EveryRoleGetsItsFilesAndNothingElse) {
  RenderFixture f;
  auto nodes = f.render();
  ASSERT_EQ(nodes.size(), 6u);
  const auto& m1 = by_name(nodes, "demo-master-1");
  const auto& m2 = by_name(nodes, "demo-master-2");
  const auto& w1 = by_name(nodes, "demo-worker-1");
  const auto& bastion = by_name(nodes, "demo-bastion");
  for (const char* path :
       {"/etc/kubernetes/manifests/etcd.yaml", "/etc/kubernetes/manifests/kube-apiserver.yaml",
        "/etc/kubernetes/manifests/kube-controller-manager.yaml", "/etc/kubernetes/manifests/kube-scheduler.yaml",
        "/etc/kubernetes/pki/ca.key", "/etc/kubernetes/encryption-config.yaml", "/var/lib/kubelet/config.yaml"}) {
    EXPECT_NE(find_file(m1, path), nullptr) << path;
    EXPECT_NE(find_file(m2, path), nullptr) << path;
    EXPECT_EQ(find_file(w1, path) != nullptr, std::string_view(path) == "/var/lib/kubelet/config.yaml") << path;
  }
  EXPECT_NE(find_file(m1, "/etc/kubernetes/addons/20-flannel.yaml"), nullptr);
  EXPECT_NE(find_file(m1, "/etc/kubernetes/super-admin.conf"), nullptr);
  // Any master applies the add-ons, so the cluster forms whichever boots first.
  EXPECT_NE(find_file(m2, "/etc/kubernetes/addons/20-flannel.yaml"), nullptr);
  EXPECT_NE(find_file(m2, "/etc/kubernetes/super-admin.conf"), nullptr);
  EXPECT_EQ(find_file(w1, "/etc/kubernetes/super-admin.conf"), nullptr);
  for (const auto& file : bastion.files) {
    EXPECT_EQ(file.path.find("kube"), std::string::npos) << file.path;
  }
  EXPECT_NE(find_file(bastion, "/etc/ssh/sshd_config.d/10-kstack.conf"), nullptr);
}

TEST(Render, NoWorkerFileCarriesACaKeyOrTheServiceAccountKey) {
  RenderFixture f;
  auto nodes = f.render();
  const std::vector<std::string> forbidden = {f.pki.ca.key_pem, f.pki.etcd_ca.key_pem, f.pki.front_proxy_ca.key_pem,
                                              f.pki.service_account.private_pem};
  int workers = 0;
  for (const auto& node : nodes) {
    if (node.role != model::Role::worker) continue;
    ++workers;
    for (const auto& file : node.files) {
      for (const auto& secret : forbidden) EXPECT_FALSE(carries_key_material(file.content, secret)) << file.path;
      EXPECT_EQ(file.path.find("ca.key"), std::string::npos) << file.path;
      EXPECT_EQ(file.path.find("sa.key"), std::string::npos) << file.path;
    }
    for (const auto& secret : forbidden) EXPECT_FALSE(carries_key_material(node.cloud_config, secret)) << node.name;
  }
  EXPECT_EQ(workers, 2);
  // The check itself can fail: the masters do carry the CA key.
  EXPECT_TRUE(carries_key_material(by_name(nodes, "demo-master-1").cloud_config, f.pki.ca.key_pem));
}

TEST(Render, KubeletUsesTheNovaNameAndTheModelsAddress) {
  RenderFixture f;
  auto nodes = f.render();
  const auto* unit = find_file(by_name(nodes, "demo-worker-2"), "/etc/systemd/system/kubelet.service");
  ASSERT_NE(unit, nullptr);
  EXPECT_NE(unit->content.find("--hostname-override=demo-worker-2"), std::string::npos);
  EXPECT_NE(unit->content.find("--node-ip=10.0.0.101"), std::string::npos);
  EXPECT_NE(unit->content.find("--cloud-provider=external"), std::string::npos);
  EXPECT_EQ(unit->content.find("novalocal"), std::string::npos);
}

TEST(Render, EtcdMembersKnowEachOtherFromTheFirstBoot) {
  RenderFixture f;
  auto nodes = f.render();
  const auto* etcd = find_file(by_name(nodes, "demo-master-3"), "/etc/kubernetes/manifests/etcd.yaml");
  ASSERT_NE(etcd, nullptr);
  EXPECT_NE(etcd->content.find("--initial-cluster=demo-master-1=https://10.0.0.11:2380,demo-master-2=https://"
                               "10.0.0.12:2380,demo-master-3=https://10.0.0.13:2380"),
            std::string::npos);
  EXPECT_NE(etcd->content.find("--listen-peer-urls=https://10.0.0.13:2380"), std::string::npos);
}

TEST(Render, AnEtcdMemberWithPeersJoinsARunningClusterBeforeTheKubeletStarts) {
  RenderFixture f;
  auto nodes = f.render();
  const auto& m3 = by_name(nodes, "demo-master-3");
  const auto* join = find_file(m3, "/usr/local/lib/kstack/etcd-join.sh");
  ASSERT_NE(join, nullptr);
  EXPECT_EQ(join->mode, 0755);
  // It asks the other members, never itself, and names its own peer address.
  EXPECT_NE(join->content.find("for url in 'https://10.0.0.11:2379' 'https://10.0.0.12:2379'; do"), std::string::npos)
      << join->content;
  EXPECT_NE(join->content.find("me='https://10.0.0.13:2380'"), std::string::npos);
  // The rendered manifest starts a new cluster; only the join turns it into "existing".
  const auto* etcd = find_file(m3, "/etc/kubernetes/manifests/etcd.yaml");
  ASSERT_NE(etcd, nullptr);
  EXPECT_NE(etcd->content.find("--initial-cluster-state=new"), std::string::npos);
  const auto* script = find_file(m3, "/usr/local/lib/kstack/bootstrap.sh");
  ASSERT_NE(script, nullptr);
  const auto joined = script->content.find("step=etcd-join");
  ASSERT_NE(joined, std::string::npos);
  EXPECT_LT(joined, script->content.find("step=services"));
  // No peers, no join: the one master of a non-HA cluster, and the workers.
  EXPECT_EQ(find_file(by_name(nodes, "demo-worker-1"), "/usr/local/lib/kstack/etcd-join.sh"), nullptr);
  RenderFixture single;
  single.spec.masters.count = 1;
  const auto one = single.render();
  const auto& m1 = by_name(one, "demo-master-1");
  EXPECT_EQ(find_file(m1, "/usr/local/lib/kstack/etcd-join.sh"), nullptr);
  EXPECT_EQ(find_file(m1, "/usr/local/lib/kstack/bootstrap.sh")->content.find("etcd-join"), std::string::npos);
}

TEST(Render, PodsOnTheHostNetworkCannotReachTheMetadataService) {
  RenderFixture f;
  auto nodes = f.render();
  for (const char* name : {"demo-master-1", "demo-worker-1"}) {
    const auto* block = find_file(by_name(nodes, name), "/usr/local/lib/kstack/block-metadata.sh");
    ASSERT_NE(block, nullptr) << name;
    EXPECT_NE(block->content.find("-s \"$pod_cidr\" -d 169.254.169.254/32 -j DROP"), std::string::npos);
    EXPECT_NE(block->content.find("-I OUTPUT 1 -d 169.254.169.254/32 -m cgroup --path /kubepods.slice -j REJECT"),
              std::string::npos)
        << block->content;
    EXPECT_LT(block->content.find("systemctl start kubepods.slice"), block->content.find("-I OUTPUT 1"));
  }
  // The bastion runs no pods: it keeps the pod-network rule only.
  const auto* bastion = find_file(by_name(nodes, "demo-bastion"), "/usr/local/lib/kstack/block-metadata.sh");
  ASSERT_NE(bastion, nullptr);
  EXPECT_EQ(bastion->content.find("kubepods"), std::string::npos);
}

TEST(Render, DedicatedEtcdNodesRunEtcdOnly) {
  RenderFixture f;
  f.spec.etcd_placement = spec::EtcdPlacement::dedicated;
  f.spec.etcd.count = 3;
  auto nodes = f.render();
  ASSERT_EQ(nodes.size(), 9u);
  const auto& e1 = by_name(nodes, "demo-etcd-1");
  EXPECT_NE(find_file(e1, "/etc/kubernetes/manifests/etcd.yaml"), nullptr);
  EXPECT_EQ(find_file(e1, "/etc/kubernetes/manifests/kube-apiserver.yaml"), nullptr);
  EXPECT_EQ(find_file(e1, "/etc/kubernetes/pki/ca.key"), nullptr);
  EXPECT_EQ(find_file(by_name(nodes, "demo-master-1"), "/etc/kubernetes/manifests/etcd.yaml"), nullptr);
  const auto* apiserver = find_file(by_name(nodes, "demo-master-1"), "/etc/kubernetes/manifests/kube-apiserver.yaml");
  EXPECT_NE(apiserver->content.find("https://10.0.0.21:2379,https://10.0.0.22:2379"), std::string::npos);
}

TEST(Render, MirrorsReplaceEveryDownloadAndImageHost) {
  RenderFixture f;
  f.spec.mirrors.binaries = "https://mirror.example/bin/";
  f.spec.mirrors.images = "registry.example:5000";
  auto nodes = f.render();
  for (const auto& node : nodes) {
    for (const auto& file : node.files) {
      EXPECT_EQ(file.content.find("https://dl.k8s.io"), std::string::npos) << file.path;
      EXPECT_EQ(file.content.find("https://github.com"), std::string::npos) << file.path;
      for (const char* upstream : {"registry.k8s.io", "docker.io", "ghcr.io"}) {
        // Images are written quoted; either form would be an image pulled from upstream.
        EXPECT_EQ(file.content.find(std::string("image: \"") + upstream), std::string::npos) << file.path;
        EXPECT_EQ(file.content.find(std::string("image: ") + upstream), std::string::npos) << file.path;
      }
    }
  }
  const auto& m1 = by_name(nodes, "demo-master-1");
  EXPECT_NE(find_file(m1, "/usr/local/lib/kstack/install-binaries.sh")
                ->content.find("'https://mirror.example/bin/release/v1.34.4/bin/linux/amd64/kubelet'"),
            std::string::npos);
  EXPECT_NE(find_file(m1, "/etc/containerd/config.toml")->content.find("sandbox = \"registry.example:5000/pause:"),
            std::string::npos);
}

TEST(Render, OnASharedKernelContainerdKeepsOomScoresAndKubeProxyTheConntrackSize) {
  RenderFixture f;
  // Every node that runs containers (the bastion runs none) has the line, with the spec's value.
  auto count = [&](const std::string& line) {
    int n = 0;
    for (const auto& node : f.render()) {
      const auto* config = find_file(node, "/etc/containerd/config.toml");
      n += config != nullptr && config->content.find(line) != std::string::npos;
    }
    return n;
  };
  EXPECT_EQ(count("restrict_oom_score_adj = false"), 5);
  const auto proxy = [&] {
    return find_file(by_name(f.render(), "demo-master-1"), "/etc/kubernetes/addons/10-kube-proxy.yaml")->content;
  };
  EXPECT_EQ(proxy().find("maxPerCore"), std::string::npos);
  f.spec.kubernetes.shared_kernel = true;
  EXPECT_NE(proxy().find("    conntrack:\n      maxPerCore: 0\n"), std::string::npos);
  EXPECT_EQ(count("restrict_oom_score_adj = true"), 5);
  EXPECT_EQ(count("restrict_oom_score_adj = false"), 0);
}

TEST(Render, PackagesAreInstalledByTheBootstrapOnlyWhenTheImageLacksThem) {
  RenderFixture f;
  for (const auto& node : f.render()) {
    EXPECT_EQ(node.cloud_config.find("package_update"), std::string::npos) << node.name;
    const auto& script = find_file(node, "/usr/local/lib/kstack/bootstrap.sh")->content;
    EXPECT_NE(script.find("command -v iptables >/dev/null 2>&1 || missing=\"$missing iptables\""), std::string::npos);
    const bool container_host = node.role != model::Role::bastion;
    EXPECT_EQ(script.find("command -v conntrack >/dev/null 2>&1 || missing=") != std::string::npos, container_host)
        << node.name;
    // Before anything that needs them: the data volume's mkfs, the binaries' curl.
    EXPECT_LT(script.find("step=packages"), script.find("step=swap")) << node.name;
  }
}

TEST(Render, VolumeIdsFromTheCloudReachTheMountStep) {
  RenderFixture f;
  f.options.volume_ids["demo-worker-1"] = "0f7c2a8e-1b2c-4d5e-8f90-123456789abc";
  auto nodes = f.render();
  const auto* script = find_file(by_name(nodes, "demo-worker-1"), "/usr/local/lib/kstack/bootstrap.sh");
  EXPECT_NE(script->content.find("mount-data-volume.sh\" '0f7c2a8e-1b2c-4d5e-8f90-123456789abc' '/var/lib/containerd'"),
            std::string::npos);
  const auto* offline = find_file(by_name(nodes, "demo-worker-2"), "/usr/local/lib/kstack/bootstrap.sh");
  EXPECT_NE(offline->content.find(std::string(kOfflinePlaceholder)), std::string::npos);
}

TEST(Render, WithoutTheCloudIntegrationIngressUsesTheHostNetwork) {
  RenderFixture f;
  f.spec.addons.cloud_provider = false;
  f.spec.addons.cinder_csi = false;
  auto nodes = f.render();
  const auto& m1 = by_name(nodes, "demo-master-1");
  const auto* ingress = find_file(m1, "/etc/kubernetes/addons/50-nginx-ingress.yaml");
  ASSERT_NE(ingress, nullptr);
  EXPECT_NE(ingress->content.find("kind: \"DaemonSet\""), std::string::npos);
  EXPECT_NE(ingress->content.find("hostNetwork: true"), std::string::npos);
  EXPECT_EQ(ingress->content.find("type: LoadBalancer"), std::string::npos);
  EXPECT_EQ(find_file(m1, "/etc/kubernetes/addons/41-openstack-cloud-controller-manager.yaml"), nullptr);
  EXPECT_EQ(find_file(by_name(nodes, "demo-worker-1"), "/etc/systemd/system/kubelet.service")
                ->content.find("--cloud-provider"),
            std::string::npos);
  f.spec.addons.ingress = spec::Ingress::traefik;
  nodes = f.render();
  EXPECT_NE(find_file(by_name(nodes, "demo-master-1"), "/etc/kubernetes/addons/50-traefik.yaml"), nullptr);
}

TEST(Render, NginxIngressListsNodesAndReportsNoTelemetry) {
  RenderFixture f;
  for (bool cloud : {true, false}) {
    f.spec.addons.cloud_provider = cloud;
    auto nodes = f.render();
    const auto* ingress = find_file(by_name(nodes, "demo-master-1"), "/etc/kubernetes/addons/50-nginx-ingress.yaml");
    ASSERT_NE(ingress, nullptr);
    // Upstream's rbac.yaml grants nodes: list; without it the controller's node lister is refused.
    EXPECT_NE(ingress->content.find("    resources: [nodes]\n    verbs: [list]\n"), std::string::npos);
    EXPECT_NE(ingress->content.find("- -enable-telemetry-reporting=false\n"), std::string::npos);
  }
}

TEST(Render, CinderCsiTagsVolumesWithTheCluster) {
  RenderFixture f;
  auto nodes = f.render();
  const auto* csi = find_file(by_name(nodes, "demo-master-1"), "/etc/kubernetes/addons/42-cinder-csi.yaml");
  ASSERT_NE(csi, nullptr);
  EXPECT_NE(csi->content.find("--cluster=$(CLUSTER_NAME)"), std::string::npos);
  EXPECT_NE(csi->content.find("value: \"demo\""), std::string::npos);
}

// The cloud.conf OCCM and the Cinder CSI controller read, as the fixture's spec and options give it.
std::string cloud_conf_of(RenderFixture& f) {
  (void)f.render();
  const auto* release = spec::find_release(f.spec.kubernetes.version);
  EXPECT_NE(release, nullptr);
  return cloud_conf({f.spec, f.model, f.pki, *release, f.secrets, f.options});
}

TEST(Render, CloudConfCarriesTheCredentialTheRegionAndTheCloudsTlsSettingsOnly) {
  RenderFixture f;
  f.options.cloud = {.auth_url = "https://keystone.example:5000/v3",
                     .region = "RegionOne",
                     .application_credential_id = "ac-id",
                     .application_credential_secret = "ac-secret",
                     .ca_pem = "-----BEGIN CERTIFICATE-----\n",
                     .insecure = true};
  const auto conf = cloud_conf_of(f);
  EXPECT_TRUE(
      conf.starts_with("[Global]\nauth-url=https://keystone.example:5000/v3\nregion=RegionOne\n"
                       "application-credential-id=ac-id\napplication-credential-secret=ac-secret\n"
                       "ca-file=/etc/config/ca.pem\ntls-insecure=true\n"))
      << conf;
  EXPECT_EQ(conf.find("os-endpoint-type"), std::string::npos) << "public is gophercloud's default";
}

TEST(Render, CloudConfTakesTheSpecsAuthUrlAndInterfaceForTheClustersWayIn) {
  RenderFixture f;
  f.options.cloud = {.auth_url = "http://127.0.0.1:5000/v3",
                     .region = "RegionOne",
                     .application_credential_id = "ac-id",
                     .application_credential_secret = "ac-secret"};
  f.spec.addons.cloud_auth_url = "http://203.0.113.4:5000/v3";
  f.spec.addons.cloud_interface = "internal";
  const auto conf = cloud_conf_of(f);
  EXPECT_TRUE(
      conf.starts_with("[Global]\nauth-url=http://203.0.113.4:5000/v3\nregion=RegionOne\n"
                       "os-endpoint-type=internal\n"))
      << conf;
  EXPECT_EQ(conf.find("127.0.0.1"), std::string::npos) << conf;
}

TEST(Render, AuditPolicyNamesOnlyResourcesThatExist) {
  RenderFixture f;
  auto nodes = f.render();
  const auto* policy = find_file(by_name(nodes, "demo-master-1"), "/etc/kubernetes/audit-policy.yaml");
  ASSERT_NE(policy, nullptr);
  // A token request is the subresource serviceaccounts/token; authentication.k8s.io has no "tokenrequests".
  EXPECT_NE(policy->content.find("- serviceaccounts/token"), std::string::npos);
  EXPECT_EQ(policy->content.find("tokenrequests"), std::string::npos);
}

TEST(Render, VolumeSnapshotsAreOffAndTheSpecSaysSo) {
  RenderFixture f;
  auto nodes = f.render();
  const auto* csi = find_file(by_name(nodes, "demo-master-1"), "/etc/kubernetes/addons/42-cinder-csi.yaml");
  ASSERT_NE(csi, nullptr);
  // No half install: the snapshotter sidecar without the CRDs and controller only fails.
  EXPECT_EQ(csi->content.find("snapshot"), std::string::npos);
  EXPECT_NE(spec::render_spec(f.spec).find("# Volume snapshots are off"), std::string::npos);
}

TEST(Render, NoTemplatePlaceholderIsLeftInAnyFile) {
  RenderFixture f;
  f.spec.etcd_placement = spec::EtcdPlacement::dedicated;
  f.spec.etcd.count = 3;
  f.spec.etcd.volume_size_gb = 10;
  for (auto ingress : {spec::Ingress::nginx, spec::Ingress::traefik}) {
    f.spec.addons.ingress = ingress;
    for (bool cloud : {true, false}) {
      f.spec.addons.cloud_provider = cloud;
      for (const auto& node : f.render()) {
        for (const auto& file : node.files) {
          const std::regex placeholder("@[A-Z_]+@");
          EXPECT_FALSE(std::regex_search(file.content, placeholder)) << node.name << " " << file.path;
        }
      }
    }
  }
}

TEST(Render, SameInputsGiveTheSameBytes) {
  RenderFixture f;
  auto a = f.render();
  auto b = f.render();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].user_data, b[i].user_data) << a[i].name;
}

TEST(Render, UnknownKubernetesVersionIsAnError) {
  RenderFixture f;
  f.spec.kubernetes.version = "1.12.0";
  auto m = model::build_model(f.spec);
  auto p = testing::placeholder_pki(*m);
  auto nodes = render_cluster(f.spec, *m, p, f.secrets, f.options);
  ASSERT_FALSE(nodes.has_value());
  EXPECT_EQ(nodes.error().where, "kubernetes.version");
}

TEST(Render, WriteTreeLaysOutUserDataAndFiles) {
  RenderFixture f;
  auto nodes = f.render();
  const auto dir = std::filesystem::temp_directory_path() / ("kstack-render-test-" + std::to_string(getpid()));
  ASSERT_TRUE(write_tree(nodes, dir).has_value());
  EXPECT_TRUE(std::filesystem::exists(dir / "demo-master-1/user-data"));
  EXPECT_TRUE(std::filesystem::exists(dir / "demo-master-1/files/etc/kubernetes/manifests/kube-apiserver.yaml"));
  const auto key = std::filesystem::status(dir / "demo-worker-1/files/var/lib/kubelet/pki/kubelet.key").permissions();
  EXPECT_EQ(key & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kstack::bootstrap

namespace kstack::bootstrap {
namespace {

std::string master_ip(const model::ClusterModel& model, std::string_view name) {
  for (const auto& node : model.nodes) {
    if (node.name == name) return node.ip;
  }
  return "no such node";
}

// An air-gapped cluster: a plain-HTTP registry and a binary mirror with checksums of its own (amd64 only).
TEST(Render, AMirrorWithItsOwnChecksumsAndAPlainHttpRegistry) {
  RenderFixture f;
  f.spec.mirrors.binaries = "http://203.0.113.2:8080";
  f.spec.mirrors.images = "http://203.0.113.2:5000";
  f.spec.mirrors.checksums = "SHA256SUMS";
  const std::string own(64, 'e');
  for (const auto* binary : spec::find_release(f.spec.kubernetes.version)->binaries()) {
    f.spec.mirrors.checksum_list.sha256[std::string(spec::mirror_path(binary->amd64.url))] = own;
  }
  const auto nodes = f.render();
  const auto& master = by_name(nodes, "demo-master-1");
  const auto* hosts = find_file(master, "/etc/containerd/certs.d/203.0.113.2:5000/hosts.toml");
  ASSERT_NE(hosts, nullptr);
  EXPECT_NE(hosts->content.find("server = \"http://203.0.113.2:5000\""), std::string::npos) << hosts->content;
  const auto* pod = find_file(master, "/etc/kubernetes/manifests/kube-apiserver.yaml");
  ASSERT_NE(pod, nullptr);
  EXPECT_NE(pod->content.find("image: \"203.0.113.2:5000/kube-apiserver:v"), std::string::npos);  // no scheme
  const auto* install = find_file(master, "/usr/local/lib/kstack/install-binaries.sh");
  ASSERT_NE(install, nullptr);
  EXPECT_NE(install->content.find("'http://203.0.113.2:8080/release/v"), std::string::npos);
  EXPECT_NE(install->content.find("'" + own + "'"), std::string::npos);  // the mirror's checksum, not upstream's
  const auto& kubelet = spec::find_release(f.spec.kubernetes.version)->kubelet;
  EXPECT_EQ(install->content.find(std::string(kubelet.amd64.sha256)), std::string::npos);
  // No arm64 file is listed: such a node stops with a clear message instead of fetching unverifiable files.
  EXPECT_NE(install->content.find("checksums list no files for $arch"), std::string::npos);
}

TEST(Render, TheBootstrapIsAUnitThatRetriesAndRunsAtEveryBoot) {
  RenderFixture f;
  const auto nodes = f.render();
  for (const auto& node : nodes) {
    const auto* unit = find_file(node, "/etc/systemd/system/kstack-bootstrap.service");
    ASSERT_NE(unit, nullptr) << node.name;
    EXPECT_NE(unit->content.find("Restart=on-failure"), std::string::npos);
    EXPECT_NE(unit->content.find("WantedBy=multi-user.target"), std::string::npos);
    EXPECT_NE(unit->content.find("StandardOutput=journal+console"), std::string::npos);
    EXPECT_NE(node.cloud_config.find("kstack-bootstrap.service"), std::string::npos);
  }
  const auto& worker = by_name(nodes, "demo-worker-1");
  const auto* containerd = find_file(worker, "/etc/systemd/system/containerd.service");
  ASSERT_NE(containerd, nullptr);
  EXPECT_NE(containerd->content.find("Requires=kstack-bootstrap.service"), std::string::npos);
  // The kubelet's client pair is a file the -current symlink (made by the bootstrap) points at.
  EXPECT_EQ(find_file(worker, "/var/lib/kubelet/pki/kubelet-client-current.pem"), nullptr);
  EXPECT_NE(find_file(worker, "/var/lib/kubelet/pki/kubelet-client-kstack.pem"), nullptr);
  const auto* script = find_file(worker, "/usr/local/lib/kstack/bootstrap.sh");
  ASSERT_NE(script, nullptr);
  EXPECT_NE(script->content.find("ln -s kubelet-client-kstack.pem"), std::string::npos);
  EXPECT_EQ(script->content.find("\nmodprobe overlay"), std::string::npos);  // only when not built in
}

TEST(Render, MasterKubeletsUseTheirOwnApiServerAndStayOutOfServiceLoadBalancers) {
  RenderFixture f;
  const auto nodes = f.render();
  const auto& master = by_name(nodes, "demo-master-2");
  const auto* kubeconfig = find_file(master, "/etc/kubernetes/kubelet.conf");
  ASSERT_NE(kubeconfig, nullptr);
  EXPECT_NE(kubeconfig->content.find("server: \"https://" + master_ip(f.model, "demo-master-2") + ":6443\""),
            std::string::npos)
      << kubeconfig->content;
  const auto* unit = find_file(master, "/etc/systemd/system/kubelet.service");
  ASSERT_NE(unit, nullptr);
  EXPECT_NE(unit->content.find("node.kubernetes.io/exclude-from-external-load-balancers=true"), std::string::npos);
  const auto* worker_unit = find_file(by_name(nodes, "demo-worker-1"), "/etc/systemd/system/kubelet.service");
  ASSERT_NE(worker_unit, nullptr);
  EXPECT_EQ(worker_unit->content.find("exclude-from-external-load-balancers"), std::string::npos);
}

TEST(Render, TheIngressControllerHasANodeInEveryTopology) {
  // It is scheduled by the kstack.io/ingress label: on the workers, or on the one node of a single-node
  // cluster (which has no worker, and would otherwise leave the controller pending forever).
  for (const int workers : {2, 0}) {
    RenderFixture f;
    f.spec.workers.count = workers;
    if (workers == 0) f.spec.masters.count = 1;
    const auto nodes = f.render();
    int labelled = 0;
    for (const auto& node : nodes) {
      const auto* unit = find_file(node, "/etc/systemd/system/kubelet.service");
      if (unit != nullptr && unit->content.find("kstack.io/ingress=true") != std::string::npos) ++labelled;
    }
    EXPECT_EQ(labelled, workers == 0 ? 1 : workers) << "workers: " << workers;
  }
}

}  // namespace
}  // namespace kstack::bootstrap
