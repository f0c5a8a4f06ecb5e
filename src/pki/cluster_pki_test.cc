#include "pki/cluster_pki.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <openssl/x509_vfy.h>
#include <stdlib.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "pki/certificate.h"
#include "pki/key.h"
#include "state/state_dir.h"

namespace kstack::pki {
namespace {
namespace fs = std::filesystem;
using spec::KeyAlgorithm;

/// ScratchState is a state directory in a fresh temp directory, removed when the test ends.
class ScratchState {
 public:
  ScratchState() {
    std::string tmpl = (fs::path(testing::TempDir()) / "kstack-pki-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
    state_.emplace(std::move(state::StateDir::open(dir_ / "state").value()));
  }
  ~ScratchState() {
    state_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  state::StateDir& operator*() { return *state_; }
  state::StateDir* operator->() { return &*state_; }

 private:
  fs::path dir_;
  std::optional<state::StateDir> state_;
};

PkiInputs reference_inputs() {
  PkiInputs in;
  in.cluster_name = "demo";
  in.masters = {{"demo-master-1", "10.0.0.11"}, {"demo-master-2", "10.0.0.12"}, {"demo-master-3", "10.0.0.13"}};
  in.etcd_members = in.masters;
  in.kubelet_nodes = in.masters;
  for (int i = 1; i <= 3; ++i)
    in.kubelet_nodes.push_back({fmt::format("demo-worker-{}", i), fmt::format("10.0.0.2{}", i)});
  in.api_vip = "10.0.0.5";
  in.api_floating_ip = "203.0.113.10";
  return in;
}

X509Ptr cert_of(const std::string& pem) { return std::move(parse_certificate(pem, "test").value()); }
CertInfo info_of(const CertKey& pair) { return describe_certificate(cert_of(pair.cert_pem).get()).value(); }

/// Verifies a leaf against its CA in process, for a purpose and optionally a host name or IP.
bool verifies(const CertKey& leaf, const CertKey& ca, int purpose, const std::string& host = "",
              const std::string& ip = "") {
  X509Ptr cert = cert_of(leaf.cert_pem), root = cert_of(ca.cert_pem);
  std::unique_ptr<X509_STORE, FreeWith<X509_STORE_free>> store(X509_STORE_new());
  std::unique_ptr<X509_STORE_CTX, FreeWith<X509_STORE_CTX_free>> ctx(X509_STORE_CTX_new());
  X509_STORE_add_cert(store.get(), root.get());
  X509_STORE_CTX_init(ctx.get(), store.get(), cert.get(), nullptr);
  X509_STORE_CTX_set_purpose(ctx.get(), purpose);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  if (!host.empty()) X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
  if (!ip.empty()) X509_VERIFY_PARAM_set1_ip_asc(param, ip.c_str());
  return X509_verify_cert(ctx.get()) == 1;
}

bool pair_matches(const CertKey& pair) {
  X509Ptr cert = cert_of(pair.cert_pem);
  KeyPtr key = std::move(parse_private_key(pair.key_pem, "test").value());
  return key_matches(cert.get(), key.get());
}

std::vector<std::string> changed_files(const ClusterPki& pki) {
  std::vector<std::string> files;
  for (const auto& change : pki.changes) files.push_back(change.file);
  return files;
}

bool changed(const ClusterPki& pki, const std::string& file) {
  auto files = changed_files(pki);
  return std::find(files.begin(), files.end(), file) != files.end();
}

TEST(FirstServiceIp, IsTheAddressAfterTheNetwork) {
  EXPECT_EQ(first_service_ip("10.96.0.0/12").value(), "10.96.0.1");
  EXPECT_EQ(first_service_ip("10.100.7.9/16").value(), "10.100.0.1");
  EXPECT_EQ(first_service_ip("172.16.0.255/24").value(), "172.16.0.1");
  EXPECT_EQ(first_service_ip("fd00:10:96::/108").value(), "fd00:10:96::1");
  EXPECT_FALSE(first_service_ip("10.96.0.0"));
  EXPECT_FALSE(first_service_ip("10.96.0.0/31"));
  EXPECT_FALSE(first_service_ip("10.96.0.0/abc"));
  EXPECT_FALSE(first_service_ip("nonsense/12"));
}

TEST(EnsurePki, IssuesTheWholeReferencePki) {
  ScratchState state;
  auto pki = ensure_pki(*state, reference_inputs());
  ASSERT_TRUE(pki) << pki.error().to_string();

  for (const auto* ca : {&pki->ca, &pki->etcd_ca, &pki->front_proxy_ca}) {
    auto info = info_of(*ca);
    EXPECT_TRUE(info.is_ca);
    EXPECT_EQ(info.key_algorithm, KeyAlgorithm::ecdsa_p256);
    EXPECT_NEAR(static_cast<double>(info.not_after - std::time(nullptr)), 3650.0 * 86400, 60);
    EXPECT_TRUE(pair_matches(*ca));
  }
  EXPECT_EQ(info_of(pki->ca).subject, "O=demo, CN=kubernetes-ca");

  // The API server answers to every name and address a client may use.
  for (const char* host : {"kubernetes", "kubernetes.default", "kubernetes.default.svc",
                           "kubernetes.default.svc.cluster.local", "localhost", "demo-master-2"}) {
    EXPECT_TRUE(verifies(pki->apiserver, pki->ca, X509_PURPOSE_SSL_SERVER, host)) << host;
  }
  for (const char* ip : {"10.96.0.1", "127.0.0.1", "10.0.0.11", "10.0.0.12", "10.0.0.13", "10.0.0.5", "203.0.113.10"}) {
    EXPECT_TRUE(verifies(pki->apiserver, pki->ca, X509_PURPOSE_SSL_SERVER, "", ip)) << ip;
  }
  EXPECT_FALSE(verifies(pki->apiserver, pki->ca, X509_PURPOSE_SSL_SERVER, "", "10.0.0.21"));
  EXPECT_FALSE(verifies(pki->apiserver, pki->etcd_ca, X509_PURPOSE_SSL_SERVER, "kubernetes"));
  EXPECT_EQ(info_of(pki->apiserver).ip_addresses.size(), 7u);

  // Clients, each with the CA that the server checking it trusts.
  struct Client {
    const CertKey* pair;
    const CertKey* ca;
    std::string subject;
  };
  std::vector<Client> clients = {
      {&pki->apiserver_kubelet_client, &pki->ca, "O=kstack:cluster-admins, CN=kube-apiserver-kubelet-client"},
      {&pki->apiserver_etcd_client, &pki->etcd_ca, "CN=kube-apiserver-etcd-client"},
      {&pki->front_proxy_client, &pki->front_proxy_ca, "CN=front-proxy-client"},
      {&pki->etcd_healthcheck_client, &pki->etcd_ca, "CN=kube-etcd-healthcheck-client"},
      {&pki->controller_manager, &pki->ca, "CN=system:kube-controller-manager"},
      {&pki->scheduler, &pki->ca, "CN=system:kube-scheduler"},
      {&pki->kube_proxy, &pki->ca, "O=system:node-proxier, CN=system:kube-proxy"},
      {&pki->admin, &pki->ca, "O=kstack:cluster-admins, CN=kubernetes-admin"},
      {&pki->super_admin, &pki->ca, "O=system:masters, CN=kubernetes-super-admin"},
  };
  for (const auto& client : clients) {
    EXPECT_EQ(info_of(*client.pair).subject, client.subject);
    EXPECT_TRUE(verifies(*client.pair, *client.ca, X509_PURPOSE_SSL_CLIENT)) << client.subject;
    EXPECT_FALSE(verifies(*client.pair, *client.ca, X509_PURPOSE_SSL_SERVER)) << client.subject;
    EXPECT_TRUE(pair_matches(*client.pair)) << client.subject;
  }

  ASSERT_EQ(pki->etcd_server.size(), 3u);
  ASSERT_EQ(pki->etcd_peer.size(), 3u);
  for (const auto& member : reference_inputs().etcd_members) {
    for (const auto* pair : {&pki->etcd_server.at(member.name), &pki->etcd_peer.at(member.name)}) {
      EXPECT_TRUE(verifies(*pair, pki->etcd_ca, X509_PURPOSE_SSL_SERVER, member.name));
      EXPECT_TRUE(verifies(*pair, pki->etcd_ca, X509_PURPOSE_SSL_SERVER, "localhost"));
      EXPECT_TRUE(verifies(*pair, pki->etcd_ca, X509_PURPOSE_SSL_SERVER, "", member.ip));
      EXPECT_TRUE(verifies(*pair, pki->etcd_ca, X509_PURPOSE_SSL_SERVER, "", "127.0.0.1"));
      EXPECT_TRUE(verifies(*pair, pki->etcd_ca, X509_PURPOSE_SSL_CLIENT));
      EXPECT_FALSE(verifies(*pair, pki->ca, X509_PURPOSE_SSL_CLIENT));
      EXPECT_TRUE(pair_matches(*pair));
    }
  }
  EXPECT_NE(pki->etcd_server.at("demo-master-1").cert_pem, pki->etcd_peer.at("demo-master-1").cert_pem);

  ASSERT_EQ(pki->kubelet_client.size(), 6u);
  ASSERT_EQ(pki->kubelet_serving.size(), 6u);
  for (const auto& node : reference_inputs().kubelet_nodes) {
    const CertKey& client = pki->kubelet_client.at(node.name);
    const CertKey& serving = pki->kubelet_serving.at(node.name);
    EXPECT_EQ(info_of(client).subject, "O=system:nodes, CN=system:node:" + node.name);
    EXPECT_TRUE(verifies(client, pki->ca, X509_PURPOSE_SSL_CLIENT));
    EXPECT_TRUE(verifies(serving, pki->ca, X509_PURPOSE_SSL_SERVER, node.name));
    EXPECT_TRUE(verifies(serving, pki->ca, X509_PURPOSE_SSL_SERVER, "", node.ip));
    EXPECT_FALSE(verifies(serving, pki->ca, X509_PURPOSE_SSL_SERVER, "demo-other"));
    EXPECT_TRUE(pair_matches(client));
    EXPECT_TRUE(pair_matches(serving));
  }

  // The service-account key pair belongs together.
  KeyPtr sa = std::move(parse_private_key(pki->service_account.private_pem, "sa.key").value());
  EXPECT_EQ(public_key_pem(sa.get()).value(), pki->service_account.public_pem);

  // Everything landed in the state directory: 3 CAs, sa.key and sa.pub, 10 shared leaves, 6 etcd, 12 kubelet.
  EXPECT_EQ(pki->changes.size(), 3u + 2u + 10u + 6u + 12u);
  EXPECT_EQ(state->read("pki/apiserver.crt").value(), pki->apiserver.cert_pem);
  EXPECT_EQ(state->read("pki/nodes/demo-worker-2/kubelet-client.key").value(),
            pki->kubelet_client.at("demo-worker-2").key_pem);
  EXPECT_EQ(state->read("pki/etcd/members/demo-master-3/peer.crt").value(),
            pki->etcd_peer.at("demo-master-3").cert_pem);
  EXPECT_EQ(state->read("pki/sa.pub").value(), pki->service_account.public_pem);
}

TEST(EnsurePki, SecondRunReusesEverything) {
  ScratchState state;
  auto first = ensure_pki(*state, reference_inputs());
  ASSERT_TRUE(first);
  auto files_before = state->list().value();
  auto second = ensure_pki(*state, reference_inputs());
  ASSERT_TRUE(second) << second.error().to_string();
  EXPECT_TRUE(second->changes.empty()) << second->changes.front().file << ": " << second->changes.front().reason;
  EXPECT_EQ(second->ca.cert_pem, first->ca.cert_pem);
  EXPECT_EQ(second->ca.key_pem, first->ca.key_pem);
  EXPECT_EQ(second->apiserver.cert_pem, first->apiserver.cert_pem);
  EXPECT_EQ(second->kubelet_serving.at("demo-worker-3").key_pem, first->kubelet_serving.at("demo-worker-3").key_pem);
  EXPECT_EQ(second->service_account.private_pem, first->service_account.private_pem);
  EXPECT_EQ(state->list().value(), files_before);
}

TEST(EnsurePki, ChangedAddressReissuesOnlyTheCertificatesThatNameItAndKeepsABackup) {
  ScratchState state;
  auto first = ensure_pki(*state, reference_inputs());
  ASSERT_TRUE(first);
  PkiInputs in = reference_inputs();
  in.api_floating_ip = "203.0.113.99";
  auto second = ensure_pki(*state, in);
  ASSERT_TRUE(second) << second.error().to_string();
  ASSERT_EQ(second->changes.size(), 1u);
  EXPECT_EQ(second->changes[0].file, "pki/apiserver.crt");
  EXPECT_EQ(second->changes[0].reason, "SANs changed: +203.0.113.99 -203.0.113.10");
  EXPECT_TRUE(verifies(second->apiserver, second->ca, X509_PURPOSE_SSL_SERVER, "", "203.0.113.99"));
  EXPECT_FALSE(verifies(second->apiserver, second->ca, X509_PURPOSE_SSL_SERVER, "", "203.0.113.10"));
  EXPECT_NE(second->apiserver.key_pem, first->apiserver.key_pem);  // a fresh key with the new certificate
  EXPECT_EQ(second->ca.cert_pem, first->ca.cert_pem);

  auto backups = state->list("pki/backup").value();
  ASSERT_EQ(backups.size(), 2u);
  EXPECT_TRUE(backups[0].ends_with("/apiserver.crt"));
  EXPECT_TRUE(backups[1].ends_with("/apiserver.key"));
  EXPECT_EQ(state->read(backups[0]).value(), first->apiserver.cert_pem);
  EXPECT_EQ(state->read(backups[1]).value(), first->apiserver.key_pem);
}

TEST(EnsurePki, MemberAddressChangeReissuesItsEtcdAndKubeletCertificates) {
  ScratchState state;
  ASSERT_TRUE(ensure_pki(*state, reference_inputs()));
  PkiInputs in = reference_inputs();
  in.masters[1].ip = "10.0.0.42";
  in.etcd_members[1].ip = "10.0.0.42";
  in.kubelet_nodes[1].ip = "10.0.0.42";
  auto second = ensure_pki(*state, in);
  ASSERT_TRUE(second);
  auto files = changed_files(*second);
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files, (std::vector<std::string>{"pki/apiserver.crt", "pki/etcd/members/demo-master-2/peer.crt",
                                             "pki/etcd/members/demo-master-2/server.crt",
                                             "pki/nodes/demo-master-2/kubelet-serving.crt"}));
}

TEST(EnsurePki, DepartedNodesAreRetiredAndNewOnesIssued) {
  ScratchState state;
  ASSERT_TRUE(ensure_pki(*state, reference_inputs()));
  PkiInputs in = reference_inputs();
  in.kubelet_nodes.pop_back();                                 // demo-worker-3 leaves
  in.kubelet_nodes.push_back({"demo-worker-4", "10.0.0.24"});  // demo-worker-4 joins
  auto second = ensure_pki(*state, in);
  ASSERT_TRUE(second);
  EXPECT_TRUE(changed(*second, "pki/nodes/demo-worker-4/kubelet-client.crt"));
  EXPECT_TRUE(changed(*second, "pki/nodes/demo-worker-3/kubelet-client.crt"));
  EXPECT_FALSE(state->exists("pki/nodes/demo-worker-3/kubelet-client.crt"));
  EXPECT_FALSE(second->kubelet_client.contains("demo-worker-3"));
  EXPECT_EQ(state->list("pki/backup").value().size(), 4u);  // its client and serving pairs
}

TEST(EnsurePki, AlgorithmChangeReissuesLeavesButNeverTheCas) {
  ScratchState state;
  auto first = ensure_pki(*state, reference_inputs());
  ASSERT_TRUE(first);
  PkiInputs in = reference_inputs();
  in.algorithm = KeyAlgorithm::rsa2048;
  in.kubelet_nodes.resize(1);
  in.etcd_members.resize(1);
  in.masters.resize(1);
  auto second = ensure_pki(*state, in);
  ASSERT_TRUE(second) << second.error().to_string();
  EXPECT_EQ(second->ca.cert_pem, first->ca.cert_pem);
  EXPECT_EQ(second->etcd_ca.cert_pem, first->etcd_ca.cert_pem);
  EXPECT_EQ(second->service_account.private_pem, first->service_account.private_pem);
  EXPECT_EQ(info_of(second->admin).key_algorithm, KeyAlgorithm::rsa2048);
  EXPECT_EQ(info_of(second->etcd_server.at("demo-master-1")).key_algorithm, KeyAlgorithm::rsa2048);
  EXPECT_TRUE(verifies(second->admin, second->ca, X509_PURPOSE_SSL_CLIENT));
  bool saw_reason = false;
  for (const auto& change : second->changes) {
    EXPECT_FALSE(change.file == "pki/ca.crt" || change.file == "pki/etcd/ca.crt" || change.file == "pki/sa.key");
    if (change.file == "pki/admin.crt") saw_reason = change.reason == "key algorithm changed to RSA-2048";
  }
  EXPECT_TRUE(saw_reason);
}

TEST(EnsurePki, LeafExpiringWithin30DaysIsReissuedOthersKept) {
  ScratchState state;
  auto first = ensure_pki(*state, reference_inputs());
  ASSERT_TRUE(first);
  // Replace the scheduler's certificate with one of identical content that expires in 10 days.
  X509Ptr ca = cert_of(first->ca.cert_pem);
  KeyPtr ca_key = std::move(parse_private_key(first->ca.key_pem, "ca").value());
  KeyPtr key = std::move(parse_private_key(first->scheduler.key_pem, "scheduler").value());
  auto short_lived = issue_certificate({.common_name = "system:kube-scheduler", .validity_days = 10}, key.get(),
                                       Signer{ca.get(), ca_key.get()});
  ASSERT_TRUE(short_lived);
  ASSERT_TRUE(state->write("pki/scheduler.crt", certificate_pem(short_lived->get()).value()));

  auto second = ensure_pki(*state, reference_inputs());
  ASSERT_TRUE(second);
  ASSERT_EQ(second->changes.size(), 1u);
  EXPECT_EQ(second->changes[0].file, "pki/scheduler.crt");
  // 10 days minus the seconds since it was issued.
  EXPECT_TRUE(second->changes[0].reason == "expires in 9 days" || second->changes[0].reason == "expires in 10 days")
      << second->changes[0].reason;
  EXPECT_GT(info_of(second->scheduler).not_after, std::time(nullptr) + 364 * 86400);
}

TEST(EnsurePki, ShortLivedKubeletClientCertificatesForARotationTest) {
  ScratchState state;
  PkiInputs in = reference_inputs();
  in.kubelet_client_validity_minutes = 6;
  auto first = ensure_pki(*state, in);
  ASSERT_TRUE(first) << first.error().to_string();
  const std::time_t now = std::time(nullptr);
  const auto client = info_of(first->kubelet_client.at("demo-worker-1"));
  EXPECT_GE(client.not_after, now + 6 * 60 - 5);
  EXPECT_LE(client.not_after, now + 6 * 60 + 5);
  // Nothing else is short-lived: the kubelet's serving certificate, the API server's.
  EXPECT_GT(info_of(first->kubelet_serving.at("demo-worker-1")).not_after, now + 364 * 86400);
  EXPECT_GT(info_of(first->apiserver).not_after, now + 364 * 86400);
  // A second run keeps them (renewal starts in the last third of their life, not 30 days before).
  auto second = ensure_pki(*state, in);
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->changes.empty()) << second->changes.front().file << ": " << second->changes.front().reason;
  // A value that is not a whole number of minutes is refused.
  in.kubelet_client_validity_minutes = -1;
  auto refused = ensure_pki(*state, in);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().to_string().find("KSTACK_TEST_KUBELET_CERT_MINUTES"), std::string::npos);
}

TEST(EnsurePki, DamagedLeafIsReissued) {
  ScratchState state;
  auto first = ensure_pki(*state, reference_inputs());
  ASSERT_TRUE(first);
  ASSERT_TRUE(state->write("pki/admin.key", first->scheduler.key_pem));  // a key of another certificate
  ASSERT_TRUE(state->write("pki/kube-proxy.crt", "garbage"));
  ASSERT_TRUE(state->remove("pki/front-proxy-client.key"));
  auto second = ensure_pki(*state, reference_inputs());
  ASSERT_TRUE(second);
  std::map<std::string, std::string> reasons;
  for (const auto& change : second->changes) reasons[change.file] = change.reason;
  EXPECT_EQ(reasons, (std::map<std::string, std::string>{
                         {"pki/admin.crt", "key does not match the certificate"},
                         {"pki/front-proxy-client.crt", "key missing"},
                         {"pki/kube-proxy.crt", "unreadable certificate"},
                     }));
  EXPECT_TRUE(pair_matches(second->admin));
}

TEST(EnsurePki, LeafSignedByAnotherCaIsReissued) {
  ScratchState state;
  auto first = ensure_pki(*state, reference_inputs());
  ASSERT_TRUE(first);
  // The etcd client pair copied where a cluster-CA client belongs.
  ASSERT_TRUE(state->write("pki/controller-manager.crt", first->apiserver_etcd_client.cert_pem));
  ASSERT_TRUE(state->write("pki/controller-manager.key", first->apiserver_etcd_client.key_pem));
  auto second = ensure_pki(*state, reference_inputs());
  ASSERT_TRUE(second);
  ASSERT_EQ(second->changes.size(), 1u);
  EXPECT_EQ(second->changes[0].reason, "issued by another CA");
}

TEST(EnsurePki, CaWithAForeignKeyFailsLoudlyAndReplacesNothing) {
  ScratchState state;
  auto first = ensure_pki(*state, reference_inputs());
  ASSERT_TRUE(first);
  ASSERT_TRUE(state->write("pki/ca.key", first->etcd_ca.key_pem));
  auto files_before = state->list().value();
  auto second = ensure_pki(*state, reference_inputs());
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().what, "the CA key does not match the CA certificate");
  EXPECT_TRUE(second.error().where.ends_with("pki/ca.key"));
  EXPECT_NE(second.error().hint.find("never replaces a CA"), std::string::npos);
  EXPECT_EQ(state->read("pki/ca.crt").value(), first->ca.cert_pem);
  EXPECT_EQ(state->list().value(), files_before);
}

TEST(EnsurePki, UnreadableOrMissingCaPartFailsLoudly) {
  ScratchState state;
  auto first = ensure_pki(*state, reference_inputs());
  ASSERT_TRUE(first);

  ASSERT_TRUE(state->write("pki/front-proxy-ca.crt", "-----BEGIN CERTIFICATE-----\ntruncated"));
  auto unreadable = ensure_pki(*state, reference_inputs());
  ASSERT_FALSE(unreadable);
  EXPECT_TRUE(unreadable.error().what.starts_with("the CA certificate is unreadable")) << unreadable.error().what;
  EXPECT_EQ(state->read("pki/front-proxy-ca.crt").value(), "-----BEGIN CERTIFICATE-----\ntruncated");
  ASSERT_TRUE(state->write("pki/front-proxy-ca.crt", first->front_proxy_ca.cert_pem));

  ASSERT_TRUE(state->remove("pki/etcd/ca.key"));
  auto keyless = ensure_pki(*state, reference_inputs());
  ASSERT_FALSE(keyless);
  EXPECT_EQ(keyless.error().what, "the CA certificate is here but its key is missing");
  EXPECT_FALSE(state->exists("pki/etcd/ca.key"));

  ASSERT_TRUE(state->write("pki/etcd/ca.key", "not a key"));
  auto bad_key = ensure_pki(*state, reference_inputs());
  ASSERT_FALSE(bad_key);
  EXPECT_TRUE(bad_key.error().what.starts_with("the CA key is unreadable")) << bad_key.error().what;
}

TEST(EnsurePki, CaKeyWithoutCertificateGetsACertificateForThatKey) {
  // A run that stopped between writing a CA key and its certificate signed nothing with it yet.
  ScratchState state;
  auto first = ensure_pki(*state, reference_inputs());
  ASSERT_TRUE(first);
  ASSERT_TRUE(state->remove("pki/ca.crt"));
  auto second = ensure_pki(*state, reference_inputs());
  ASSERT_TRUE(second) << second.error().to_string();
  EXPECT_EQ(second->ca.key_pem, first->ca.key_pem);
  EXPECT_TRUE(pair_matches(second->ca));
  EXPECT_TRUE(changed(*second, "pki/ca.crt"));
  EXPECT_TRUE(verifies(second->admin, second->ca, X509_PURPOSE_SSL_CLIENT));
}

TEST(EnsurePki, UnreadableServiceAccountKeyFailsLoudly) {
  ScratchState state;
  ASSERT_TRUE(ensure_pki(*state, reference_inputs()));
  ASSERT_TRUE(state->write("pki/sa.key", "nope"));
  auto second = ensure_pki(*state, reference_inputs());
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().what.find("service-account"), std::string::npos);
}

TEST(EnsurePki, MissingServiceAccountPublicKeyIsDerivedAgain) {
  ScratchState state;
  auto first = ensure_pki(*state, reference_inputs());
  ASSERT_TRUE(first);
  ASSERT_TRUE(state->remove("pki/sa.pub"));
  auto second = ensure_pki(*state, reference_inputs());
  ASSERT_TRUE(second);
  EXPECT_EQ(state->read("pki/sa.pub").value(), first->service_account.public_pem);
}

TEST(EnsurePki, BadInputsAreErrors) {
  ScratchState state;
  auto expect_error = [&](PkiInputs in, const std::string& fragment) {
    auto pki = ensure_pki(*state, in);
    ASSERT_FALSE(pki) << fragment;
    EXPECT_NE(pki.error().what.find(fragment), std::string::npos) << pki.error().what;
  };
  PkiInputs in = reference_inputs();
  in.cluster_name = "";
  expect_error(in, "cluster name");
  in = reference_inputs();
  in.masters.clear();
  expect_error(in, "at least one master");
  in = reference_inputs();
  in.kubelet_nodes[4].ip = "10.0.0.256";
  expect_error(in, "'10.0.0.256' is not an IP address");
  in = reference_inputs();
  in.kubelet_nodes.push_back(in.kubelet_nodes[0]);
  expect_error(in, "appears twice");
  in = reference_inputs();
  in.etcd_members[0].name = "../evil";
  expect_error(in, "not a DNS-1123 name");
  in = reference_inputs();
  in.api_vip = "vip";
  expect_error(in, "API address");
  in = reference_inputs();
  in.leaf_validity_days = 0;
  expect_error(in, "validity");
  in = reference_inputs();
  in.service_cidr = "10.96.0.0";
  expect_error(in, "service CIDR");
  EXPECT_TRUE(state->list().value().empty());  // nothing written for bad inputs
}

TEST(EnsurePki, CustomDomainAndNoLoadBalancer) {
  ScratchState state;
  PkiInputs in = reference_inputs();
  in.cluster_domain = "k8s.example";
  in.api_vip.clear();
  in.api_floating_ip.clear();
  in.service_cidr = "10.32.0.0/16";
  auto pki = ensure_pki(*state, in);
  ASSERT_TRUE(pki);
  auto info = info_of(pki->apiserver);
  EXPECT_NE(std::find(info.dns_names.begin(), info.dns_names.end(), "kubernetes.default.svc.k8s.example"),
            info.dns_names.end());
  EXPECT_EQ(info.ip_addresses,
            (std::vector<std::string>{"10.0.0.11", "10.0.0.12", "10.0.0.13", "10.32.0.1", "127.0.0.1"}));
}

std::string decode_base64(const std::string& text) {
  std::string out(text.size(), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return "<invalid base64>";
  // EVP_DecodeBlock counts each '=' of padding as a decoded zero byte.
  size_t padding = text.ends_with("==") ? 2 : text.ends_with('=') ? 1 : 0;
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

TEST(Kubeconfig, EmbedsTheCertificatesAndParsesAsYaml) {
  CertKey client{"-----BEGIN CERTIFICATE-----\nclient\n-----END CERTIFICATE-----\n", "key\"with#odd:chars"};
  std::string text =
      kubeconfig("demo", "https://203.0.113.10:6443", "ca-pem-text", "system:node:demo-worker-1", client);
  YAML::Node doc = YAML::Load(text);
  EXPECT_EQ(doc["apiVersion"].as<std::string>(), "v1");
  EXPECT_EQ(doc["kind"].as<std::string>(), "Config");
  EXPECT_EQ(doc["clusters"][0]["name"].as<std::string>(), "demo");
  EXPECT_EQ(doc["clusters"][0]["cluster"]["server"].as<std::string>(), "https://203.0.113.10:6443");
  EXPECT_EQ(decode_base64(doc["clusters"][0]["cluster"]["certificate-authority-data"].as<std::string>()),
            "ca-pem-text");
  EXPECT_EQ(doc["users"][0]["name"].as<std::string>(), "system:node:demo-worker-1");
  EXPECT_EQ(decode_base64(doc["users"][0]["user"]["client-certificate-data"].as<std::string>()), client.cert_pem);
  EXPECT_EQ(decode_base64(doc["users"][0]["user"]["client-key-data"].as<std::string>()), client.key_pem);
  const std::string context = "system:node:demo-worker-1@demo";
  EXPECT_EQ(doc["current-context"].as<std::string>(), context);
  EXPECT_EQ(doc["contexts"][0]["name"].as<std::string>(), context);
  EXPECT_EQ(doc["contexts"][0]["context"]["cluster"].as<std::string>(), "demo");
  EXPECT_EQ(doc["contexts"][0]["context"]["user"].as<std::string>(), "system:node:demo-worker-1");
  EXPECT_EQ(text.find('\t'), std::string::npos);
}

TEST(Kubeconfig, QuotesNamesThatYamlWouldMisread) {
  std::string text = kubeconfig("c\"x", "https://h", "ca", "# not a comment", {"cert", "key"});
  YAML::Node doc = YAML::Load(text);
  EXPECT_EQ(doc["clusters"][0]["name"].as<std::string>(), "c\"x");
  EXPECT_EQ(doc["users"][0]["name"].as<std::string>(), "# not a comment");
}

}  // namespace
}  // namespace kstack::pki
