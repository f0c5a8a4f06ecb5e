// Every rendered kubeconfig loaded by kubectl and used for a real TLS handshake with mutual
// authentication: `openssl s_server` on 127.0.0.1 serves the rendered API server certificate and
// demands a client certificate from the cluster CA. kubectl is always pointed at that local server
// (--server), never at the address written in the kubeconfig.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "bootstrap/checks/process.h"
#include "bootstrap/checks/rendered_cluster.h"

namespace kstack::bootstrap::checks {
namespace {

namespace fs = std::filesystem;

int free_loopback_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

void write(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

/// The node's file paths in a kubeconfig pointed at the rendered tree, so kubectl can read them here.
std::string with_tree_paths(std::string kubeconfig, const fs::path& files_root) {
  for (const std::string prefix : {"/etc/kubernetes/", "/var/lib/kubelet/"}) {
    for (size_t at = kubeconfig.find(" " + prefix); at != std::string::npos; at = kubeconfig.find(" " + prefix, at)) {
      const std::string replacement = " " + (files_root / prefix.substr(1)).string() + "/";
      kubeconfig.replace(at, prefix.size() + 1, replacement);
      at += replacement.size();
    }
  }
  return kubeconfig;
}

class Kubeconfigs : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_TRUE(have_tool("kubectl"));
    ASSERT_TRUE(have_tool("openssl"));
    cluster_ = render_for_checks(reference_cluster_spec()).release();
    ASSERT_NE(cluster_, nullptr);
    // The kubelet's kubeconfig names kubelet-client-current.pem, the symlink the node's bootstrap makes.
    for (const auto& node : fs::directory_iterator(cluster_->tree)) {
      const fs::path dir = node.path() / "files/var/lib/kubelet/pki";
      if (fs::exists(dir / "kubelet-client-kstack.pem")) {
        fs::create_symlink("kubelet-client-kstack.pem", dir / "kubelet-client-current.pem");
      }
    }
    const fs::path pki = cluster_->tree / "demo-master-1/files/etc/kubernetes/pki";
    port_ = free_loopback_port();
    ASSERT_GT(port_, 0);
    server_ = new Background({"openssl", "s_server", "-accept", fmt::format("127.0.0.1:{}", port_), "-cert",
                              (pki / "apiserver.crt").string(), "-key", (pki / "apiserver.key").string(), "-CAfile",
                              (pki / "ca.crt").string(), "-Verify", "1", "-verify_return_error", "-www", "-quiet"},
                             (cluster_->work / "s_server.log").string());
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete cluster_;
    cluster_ = nullptr;
  }

  /// `kubectl get --raw /` against the local TLS server, retried while the server starts.
  static RunResult get_raw(const fs::path& kubeconfig, int attempts = 20) {
    RunResult r;
    for (int i = 0; i < attempts; ++i) {
      r = run({"kubectl", "--kubeconfig", kubeconfig.string(), "--server", fmt::format("https://127.0.0.1:{}", port_),
               "--tls-server-name", "kubernetes", "--request-timeout=5s", "get", "--raw", "/"});
      if (r.exit_code == 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    return r;
  }

  /// Writes a kubeconfig of the rendered tree into the work directory, file paths made local.
  static fs::path stage(const std::string& node, const std::string& name, const std::string& content) {
    const fs::path out = cluster_->work / ("kubeconfig-" + node + "-" + name);
    write(out, with_tree_paths(content, cluster_->tree / node / "files"));
    return out;
  }

  static RenderedCluster* cluster_;
  static Background* server_;
  static int port_;
};

RenderedCluster* Kubeconfigs::cluster_ = nullptr;
Background* Kubeconfigs::server_ = nullptr;
int Kubeconfigs::port_ = 0;

TEST_F(Kubeconfigs, EveryKubeconfigLoadsAndCompletesAMutualTlsHandshake) {
  struct Case {
    std::string node;
    std::string path;
    std::string user;
  };
  const std::vector<Case> cases = {
      {"demo-master-1", "/etc/kubernetes/admin.conf", "kubernetes-admin"},
      {"demo-master-1", "/etc/kubernetes/super-admin.conf", "kubernetes-super-admin"},
      {"demo-master-1", "/etc/kubernetes/controller-manager.conf", "system:kube-controller-manager"},
      {"demo-master-2", "/etc/kubernetes/scheduler.conf", "system:kube-scheduler"},
      {"demo-master-2", "/etc/kubernetes/kubelet.conf", "system:node:demo-master-2"},
      {"demo-worker-1", "/etc/kubernetes/kubelet.conf", "system:node:demo-worker-1"},
      {"demo-worker-2", "/etc/kubernetes/kubelet.conf", "system:node:demo-worker-2"},
  };
  for (const auto& c : cases) {
    const std::string content = cluster_->file(c.node, c.path);
    ASSERT_FALSE(content.empty()) << c.node << c.path;
    const auto staged = stage(c.node, fs::path(c.path).filename().string(), content);
    auto view = run({"kubectl", "config", "view", "--kubeconfig", staged.string(), "-o",
                     "jsonpath={.users[0].name} {.contexts[0].context.cluster}"});
    ASSERT_EQ(view.exit_code, 0) << view.out;
    EXPECT_EQ(view.out, c.user + " demo") << c.path;
    auto got = get_raw(staged);
    EXPECT_EQ(got.exit_code, 0) << c.node << c.path << ": " << got.out;
    EXPECT_NE(got.out.find("s_server"), std::string::npos) << got.out;
  }
}

TEST_F(Kubeconfigs, KubeProxyKubeconfigInsideItsSecretWorks) {
  const std::string manifest = cluster_->file("demo-master-1", "/etc/kubernetes/addons/10-kube-proxy.yaml");
  std::string encoded;
  for (const auto& doc : YAML::LoadAll(manifest)) {
    if (doc["kind"].as<std::string>() == "Secret") encoded = doc["data"]["kubeconfig.conf"].as<std::string>();
  }
  ASSERT_FALSE(encoded.empty());
  auto decoded = run({"base64", "-d"}, encoded);
  ASSERT_EQ(decoded.exit_code, 0);
  const auto staged = stage("demo-master-1", "kube-proxy", decoded.out);
  auto got = get_raw(staged);
  EXPECT_EQ(got.exit_code, 0) << got.out;
}

TEST_F(Kubeconfigs, ServersAddressIsTheApiEndpointOfTheModel) {
  const std::string content = cluster_->file("demo-worker-1", "/etc/kubernetes/kubelet.conf");
  EXPECT_NE(content.find("server: \"https://" + cluster_->model.api_vip + ":6443\""), std::string::npos) << content;
  const std::string admin = cluster_->file("demo-master-2", "/etc/kubernetes/admin.conf");
  EXPECT_NE(admin.find("https://10.0.0.12:6443"), std::string::npos);
}

TEST_F(Kubeconfigs, AClientCertificateFromAnotherCaIsRefused) {
  // Make sure the server is up, then present the etcd client certificate (etcd CA, not the cluster CA).
  ASSERT_EQ(
      get_raw(stage("demo-master-1", "admin-again", cluster_->file("demo-master-1", "/etc/kubernetes/admin.conf")))
          .exit_code,
      0);
  const auto wrong = pki::kubeconfig("demo", "https://10.0.0.5:6443", cluster_->pki.ca.cert_pem, "intruder",
                                     cluster_->pki.apiserver_etcd_client);
  const auto staged = stage("demo-master-1", "intruder", wrong);
  auto got = get_raw(staged, 1);
  EXPECT_NE(got.exit_code, 0) << got.out;
  EXPECT_EQ(got.out.find("s_server"), std::string::npos);
}

}  // namespace
}  // namespace kstack::bootstrap::checks
