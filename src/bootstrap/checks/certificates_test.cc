// Every certificate as it lands on the nodes, verified by `openssl verify` against the CA file on the
// same node, for the purpose it serves and every address and name a peer will check.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "bootstrap/checks/process.h"
#include "bootstrap/checks/rendered_cluster.h"

namespace kstack::bootstrap::checks {
namespace {

class Certificates : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_TRUE(have_tool("openssl"));
    cluster_ = render_for_checks(reference_cluster_spec()).release();
    ASSERT_NE(cluster_, nullptr);
  }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }

  /// Runs openssl verify on a node's certificate file; `checks` are -verify_ip / -verify_hostname pairs.
  static RunResult verify(const std::string& node, const std::string& ca, const std::string& cert,
                          const std::string& purpose, const std::vector<std::string>& checks = {}) {
    std::vector<std::string> argv = {"openssl",  "verify", "-x509_strict", "-CAfile", cluster_->path_of(node, ca),
                                     "-purpose", purpose};
    argv.insert(argv.end(), checks.begin(), checks.end());
    argv.push_back(cluster_->path_of(node, cert));
    return run(argv);
  }

  static std::string subject(const std::string& node, const std::string& cert) {
    return run({"openssl", "x509", "-noout", "-subject", "-nameopt", "RFC2253", "-in", cluster_->path_of(node, cert)})
        .out;
  }

  static RenderedCluster* cluster_;
};

RenderedCluster* Certificates::cluster_ = nullptr;

#define EXPECT_VERIFIES(result)           \
  do {                                    \
    auto r_ = (result);                   \
    EXPECT_EQ(r_.exit_code, 0) << r_.out; \
  } while (0)

TEST_F(Certificates, ApiServerServesEveryNameAndAddressOnEveryMaster) {
  for (const auto* master : cluster_->model.with_role(model::Role::master)) {
    std::vector<std::string> ips = {master->ip, cluster_->model.api_vip, cluster_->model.kubernetes_service_ip,
                                    "127.0.0.1"};
    for (const auto& ip : ips) {
      EXPECT_VERIFIES(verify(master->name, "/etc/kubernetes/pki/ca.crt", "/etc/kubernetes/pki/apiserver.crt",
                             "sslserver", {"-verify_ip", ip}));
    }
    for (const char* name : {"kubernetes", "kubernetes.default", "kubernetes.default.svc",
                             "kubernetes.default.svc.cluster.local", "localhost"}) {
      EXPECT_VERIFIES(verify(master->name, "/etc/kubernetes/pki/ca.crt", "/etc/kubernetes/pki/apiserver.crt",
                             "sslserver", {"-verify_hostname", name}));
    }
  }
  // The check can fail: a worker's address is not the API server's.
  auto wrong = verify("demo-master-1", "/etc/kubernetes/pki/ca.crt", "/etc/kubernetes/pki/apiserver.crt", "sslserver",
                      {"-verify_ip", "10.0.0.100"});
  EXPECT_NE(wrong.exit_code, 0) << wrong.out;
}

TEST_F(Certificates, ApiServerClientCertificatesChainToTheirCas) {
  for (const auto* master : cluster_->model.with_role(model::Role::master)) {
    const std::string& m = master->name;
    EXPECT_VERIFIES(
        verify(m, "/etc/kubernetes/pki/ca.crt", "/etc/kubernetes/pki/apiserver-kubelet-client.crt", "sslclient"));
    EXPECT_VERIFIES(
        verify(m, "/etc/kubernetes/pki/etcd/ca.crt", "/etc/kubernetes/pki/apiserver-etcd-client.crt", "sslclient"));
    EXPECT_VERIFIES(
        verify(m, "/etc/kubernetes/pki/front-proxy-ca.crt", "/etc/kubernetes/pki/front-proxy-client.crt", "sslclient"));
    EXPECT_NE(subject(m, "/etc/kubernetes/pki/front-proxy-client.crt").find("CN=front-proxy-client"),
              std::string::npos);
    // The etcd client certificate must not chain to the cluster CA (etcd trusts only its own CA).
    EXPECT_NE(
        verify(m, "/etc/kubernetes/pki/ca.crt", "/etc/kubernetes/pki/apiserver-etcd-client.crt", "sslclient").exit_code,
        0);
  }
}

TEST_F(Certificates, EtcdServerAndPeerCertificatesCarryTheirMembersAddress) {
  for (const auto* member : cluster_->model.etcd_members()) {
    const std::string& m = member->name;
    for (const char* purpose : {"sslserver", "sslclient"}) {
      EXPECT_VERIFIES(verify(m, "/etc/kubernetes/pki/etcd/ca.crt", "/etc/kubernetes/pki/etcd/peer.crt", purpose,
                             {"-verify_ip", member->ip}));
    }
    EXPECT_VERIFIES(verify(m, "/etc/kubernetes/pki/etcd/ca.crt", "/etc/kubernetes/pki/etcd/server.crt", "sslserver",
                           {"-verify_ip", member->ip}));
    EXPECT_VERIFIES(verify(m, "/etc/kubernetes/pki/etcd/ca.crt", "/etc/kubernetes/pki/etcd/server.crt", "sslserver",
                           {"-verify_ip", "127.0.0.1"}));
    EXPECT_VERIFIES(
        verify(m, "/etc/kubernetes/pki/etcd/ca.crt", "/etc/kubernetes/pki/etcd/healthcheck-client.crt", "sslclient"));
    for (const auto* other : cluster_->model.etcd_members()) {
      if (other == member) continue;
      EXPECT_NE(verify(m, "/etc/kubernetes/pki/etcd/ca.crt", "/etc/kubernetes/pki/etcd/peer.crt", "sslserver",
                       {"-verify_ip", other->ip})
                    .exit_code,
                0)
          << m << "'s peer certificate must not serve " << other->ip;
    }
  }
}

TEST_F(Certificates, EveryKubeletServesItsOwnNameAndAddressAndAuthenticatesAsItsNode) {
  for (const auto* node : cluster_->model.kubelet_nodes()) {
    const std::string& n = node->name;
    EXPECT_VERIFIES(verify(n, "/etc/kubernetes/pki/ca.crt", "/var/lib/kubelet/pki/kubelet.crt", "sslserver",
                           {"-verify_ip", node->ip}));
    EXPECT_VERIFIES(verify(n, "/etc/kubernetes/pki/ca.crt", "/var/lib/kubelet/pki/kubelet.crt", "sslserver",
                           {"-verify_hostname", n}));
    EXPECT_VERIFIES(
        verify(n, "/etc/kubernetes/pki/ca.crt", "/var/lib/kubelet/pki/kubelet-client-kstack.pem", "sslclient"));
    const std::string subj = subject(n, "/var/lib/kubelet/pki/kubelet-client-kstack.pem");
    EXPECT_NE(subj.find("CN=system:node:" + n), std::string::npos) << subj;
    EXPECT_NE(subj.find("O=system:nodes"), std::string::npos) << subj;
    // The key in the combined file belongs to its certificate.
    const auto pem = cluster_->path_of(n, "/var/lib/kubelet/pki/kubelet-client-kstack.pem").string();
    const auto cert_pub = sh(fmt::format("openssl x509 -in '{}' -noout -pubkey", pem));
    const auto key_pub = sh(fmt::format("openssl pkey -in '{}' -pubout", pem));
    EXPECT_EQ(cert_pub.exit_code, 0);
    EXPECT_EQ(cert_pub.out, key_pub.out) << n;
  }
  auto wrong = verify("demo-worker-1", "/etc/kubernetes/pki/ca.crt", "/var/lib/kubelet/pki/kubelet.crt", "sslserver",
                      {"-verify_ip", cluster_->model.find("demo-worker-2")->ip});
  EXPECT_NE(wrong.exit_code, 0) << "worker-1's serving certificate must not serve worker-2's address";
}

TEST_F(Certificates, ServiceAccountKeyPairOnTheMastersMatches) {
  for (const auto* master : cluster_->model.with_role(model::Role::master)) {
    const auto key = cluster_->path_of(master->name, "/etc/kubernetes/pki/sa.key").string();
    const auto derived = sh(fmt::format("openssl pkey -in '{}' -pubout", key));
    ASSERT_EQ(derived.exit_code, 0) << derived.out;
    EXPECT_EQ(derived.out, cluster_->file(master->name, "/etc/kubernetes/pki/sa.pub"));
  }
}

}  // namespace
}  // namespace kstack::bootstrap::checks
