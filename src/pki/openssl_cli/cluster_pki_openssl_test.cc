// Checks every certificate ensure_pki() writes with the real `openssl` tool, the way a server
// or a client checks it: verify against the right CA, for the right purpose, for every name.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>

#include "pki/certificate.h"
#include "pki/cluster_pki.h"
#include "pki/openssl_cli/openssl_cli.h"
#include "state/state_dir.h"

namespace kstack::pki {
namespace {
namespace fs = std::filesystem;
using spec::KeyAlgorithm;

/// IssuedPki is a PKI written by ensure_pki() into a fresh state directory.
class IssuedPki {
 public:
  explicit IssuedPki(const PkiInputs& inputs) {
    std::string tmpl = (fs::path(testing::TempDir()) / "kstack-pki-openssl-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
    state_.emplace(std::move(state::StateDir::open(dir_ / "state").value()));
    auto issued = ensure_pki(*state_, inputs);
    EXPECT_TRUE(issued) << issued.error().to_string();
    if (issued) pki_ = std::move(*issued);
  }
  ~IssuedPki() {
    state_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string path(const std::string& relative) const { return state_->path(relative).string(); }
  const ClusterPki& pki() const { return pki_; }

 private:
  fs::path dir_;
  std::optional<state::StateDir> state_;
  ClusterPki pki_;
};

PkiInputs inputs(KeyAlgorithm algorithm, int masters, int workers) {
  PkiInputs in;
  in.cluster_name = "demo";
  in.algorithm = algorithm;
  for (int i = 1; i <= masters; ++i)
    in.masters.push_back({fmt::format("demo-master-{}", i), fmt::format("10.0.0.1{}", i)});
  in.etcd_members = in.masters;
  in.kubelet_nodes = in.masters;
  for (int i = 1; i <= workers; ++i) {
    in.kubelet_nodes.push_back({fmt::format("demo-worker-{}", i), fmt::format("10.0.0.2{}", i)});
  }
  in.api_vip = "10.0.0.5";
  in.api_floating_ip = "203.0.113.10";
  return in;
}

ToolRun openssl(const std::vector<std::string>& args) {
  auto run = run_openssl(args);
  EXPECT_TRUE(run) << run.error().to_string();
  return run ? *run : ToolRun{};
}

/// `openssl verify` of one certificate; the extra arguments pick the purpose and the name checked.
bool verifies(const IssuedPki& issued, const std::string& ca, const std::string& cert, std::vector<std::string> extra) {
  std::vector<std::string> args = {"verify", "-x509_strict", "-CAfile", issued.path(ca)};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(issued.path(cert));
  ToolRun run = openssl(args);
  bool ok = run.exit_code == 0 && run.output == issued.path(cert) + ": OK\n";
  if (!ok)
    ADD_FAILURE() << "openssl verify " << fmt::format("{}", fmt::join(extra, " ")) << " " << cert << ":\n"
                  << run.output;
  return ok;
}

bool rejects(const IssuedPki& issued, const std::string& ca, const std::string& cert, std::vector<std::string> extra) {
  std::vector<std::string> args = {"verify", "-CAfile", issued.path(ca)};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(issued.path(cert));
  return openssl(args).exit_code != 0;
}

/// Checks with `openssl verify` that a server certificate is valid for exactly the `required`
/// names and addresses, and for nothing else.
void expect_serves(const IssuedPki& issued, const std::string& ca, const std::string& cert,
                   const std::vector<std::string>& required) {
  for (const auto& name : required) {
    const char* flag = canonical_ip(name) ? "-verify_ip" : "-verify_hostname";
    EXPECT_TRUE(verifies(issued, ca, cert, {"-purpose", "sslserver", flag, name})) << cert << " " << name;
  }
  auto leaf = parse_certificate(openssl({"x509", "-in", issued.path(cert)}).output, cert);
  ASSERT_TRUE(leaf);
  auto info = describe_certificate(leaf->get()).value();
  EXPECT_EQ(info.dns_names.size() + info.ip_addresses.size(), required.size()) << cert;
  EXPECT_TRUE(rejects(issued, ca, cert, {"-purpose", "sslserver", "-verify_hostname", "not-a-san.example"})) << cert;
  EXPECT_TRUE(rejects(issued, ca, cert, {"-purpose", "sslserver", "-verify_ip", "192.0.2.77"})) << cert;
}

/// The public key of a certificate and of a private key, as openssl prints them, must be equal.
void expect_pair(const IssuedPki& issued, const std::string& base) {
  ToolRun from_cert = openssl({"x509", "-noout", "-pubkey", "-in", issued.path(base + ".crt")});
  ToolRun from_key = openssl({"pkey", "-pubout", "-in", issued.path(base + ".key")});
  EXPECT_EQ(from_cert.exit_code, 0) << from_cert.output;
  EXPECT_EQ(from_key.exit_code, 0) << from_key.output;
  EXPECT_TRUE(from_cert.output.starts_with("-----BEGIN PUBLIC KEY-----")) << base;
  EXPECT_EQ(from_cert.output, from_key.output) << base;
}

/// "Nov 26 16:20:00 2027 GMT", as openssl prints a time, in seconds since the epoch.
std::time_t parse_openssl_date(const std::string& text) {
  std::tm tm{};
  if (::strptime(text.c_str(), "%b %d %H:%M:%S %Y GMT", &tm) == nullptr) return 0;
  return ::timegm(&tm);
}

/// What `openssl x509 -text` shows about a certificate's algorithm, serial, validity and extensions.
void expect_text(const IssuedPki& issued, const std::string& cert, bool is_ca, KeyAlgorithm algorithm,
                 int validity_days) {
  // The print options come out in the order given: serial, dates, then the text.
  ToolRun text = openssl({"x509", "-noout", "-serial", "-dates", "-text", "-in", issued.path(cert)});
  ASSERT_EQ(text.exit_code, 0) << text.output;
  const std::string& out = text.output;
  const char* signature = algorithm == KeyAlgorithm::ecdsa_p256 ? "Signature Algorithm: ecdsa-with-SHA256"
                                                                : "Signature Algorithm: sha256WithRSAEncryption";
  EXPECT_NE(out.find(signature), std::string::npos) << cert;
  EXPECT_NE(out.find("Version: 3 (0x2)"), std::string::npos) << cert;
  EXPECT_NE(out.find("X509v3 Basic Constraints: critical"), std::string::npos) << cert;
  EXPECT_NE(out.find(is_ca ? "CA:TRUE" : "CA:FALSE"), std::string::npos) << cert;
  EXPECT_NE(out.find("X509v3 Key Usage: critical"), std::string::npos) << cert;
  EXPECT_NE(out.find(is_ca ? "Certificate Sign, CRL Sign" : "Digital Signature"), std::string::npos) << cert;
  EXPECT_NE(out.find("X509v3 Subject Key Identifier"), std::string::npos) << cert;
  if (!is_ca) {
    EXPECT_NE(out.find("X509v3 Extended Key Usage"), std::string::npos) << cert;
    EXPECT_NE(out.find("X509v3 Authority Key Identifier"), std::string::npos) << cert;
  }
  const char* key = algorithm == KeyAlgorithm::ecdsa_p256 ? "Public-Key: (256 bit)"
                    : algorithm == KeyAlgorithm::rsa2048  ? "Public-Key: (2048 bit)"
                                                          : "Public-Key: (other)";
  EXPECT_NE(out.find(key), std::string::npos) << cert;

  // A 128-bit serial: 32 hex digits with the top bit set.
  std::smatch match;
  ASSERT_TRUE(std::regex_search(out, match, std::regex("^serial=([0-9A-F]{32})\n"))) << out;
  EXPECT_GE(match[1].str()[0], '8') << cert;

  // Valid from (about) now, for the chosen lifetime.
  ASSERT_TRUE(std::regex_search(out, match, std::regex("\nnotBefore=(.*)\nnotAfter=(.*)\n"))) << out;
  std::time_t now = std::time(nullptr);
  EXPECT_NEAR(static_cast<double>(parse_openssl_date(match[1].str()) - now), -300.0, 120.0) << cert;
  EXPECT_NEAR(static_cast<double>(parse_openssl_date(match[2].str()) - now), validity_days * 86400.0, 120.0) << cert;
}

std::string subject(const IssuedPki& issued, const std::string& cert) {
  return openssl({"x509", "-noout", "-subject", "-nameopt", "compat", "-in", issued.path(cert)}).output;
}

void check_whole_pki(const PkiInputs& in) {
  IssuedPki issued(in);
  const std::string ca = "pki/ca.crt", etcd_ca = "pki/etcd/ca.crt", proxy_ca = "pki/front-proxy-ca.crt";

  for (const auto& base : {"pki/ca", "pki/etcd/ca", "pki/front-proxy-ca"}) {
    expect_pair(issued, base);
    expect_text(issued, std::string(base) + ".crt", true, in.algorithm, in.ca_validity_days);
    EXPECT_TRUE(verifies(issued, std::string(base) + ".crt", std::string(base) + ".crt", {}));
  }

  // Servers, each for every SAN.
  std::vector<std::string> api_names = {
      "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local", "localhost",
      "10.96.0.1",  "127.0.0.1"};
  for (const auto& master : in.masters) {
    api_names.push_back(master.name);
    api_names.push_back(master.ip);
  }
  for (const auto& ip : {in.api_vip, in.api_floating_ip}) {
    if (!ip.empty()) api_names.push_back(ip);
  }
  expect_serves(issued, ca, "pki/apiserver.crt", api_names);
  std::vector<std::string> servers = {"pki/apiserver"};
  for (const auto& member : in.etcd_members) {
    for (const char* kind : {"server", "peer"}) {
      std::string base = fmt::format("pki/etcd/members/{}/{}", member.name, kind);
      expect_serves(issued, etcd_ca, base + ".crt", {member.name, "localhost", member.ip, "127.0.0.1", "::1"});
      // etcd presents these as clients too (peers to each other, the server to its own gateway).
      EXPECT_TRUE(verifies(issued, etcd_ca, base + ".crt", {"-purpose", "sslclient"}));
      EXPECT_TRUE(rejects(issued, ca, base + ".crt", {"-purpose", "sslserver"}));
      servers.push_back(base);
    }
  }
  for (const auto& node : in.kubelet_nodes) {
    std::string base = fmt::format("pki/nodes/{}/kubelet-serving", node.name);
    expect_serves(issued, ca, base + ".crt", {node.name, node.ip});
    EXPECT_EQ(subject(issued, base + ".crt"), fmt::format("subject=/O=system:nodes/CN=system:node:{}\n", node.name));
    servers.push_back(base);
  }
  for (const auto& base : servers) {
    expect_pair(issued, base);
    expect_text(issued, base + ".crt", false, in.algorithm, in.leaf_validity_days);
  }

  // Clients, against the CA of the server that checks them, and never usable as a server.
  struct Client {
    std::string base, ca, subject;
  };
  std::vector<Client> clients = {
      {"pki/apiserver-kubelet-client", ca, "/O=kstack:cluster-admins/CN=kube-apiserver-kubelet-client"},
      {"pki/apiserver-etcd-client", etcd_ca, "/CN=kube-apiserver-etcd-client"},
      {"pki/front-proxy-client", proxy_ca, "/CN=front-proxy-client"},
      {"pki/etcd/healthcheck-client", etcd_ca, "/CN=kube-etcd-healthcheck-client"},
      {"pki/controller-manager", ca, "/CN=system:kube-controller-manager"},
      {"pki/scheduler", ca, "/CN=system:kube-scheduler"},
      {"pki/kube-proxy", ca, "/O=system:node-proxier/CN=system:kube-proxy"},
      {"pki/admin", ca, "/O=kstack:cluster-admins/CN=kubernetes-admin"},
      {"pki/super-admin", ca, "/O=system:masters/CN=kubernetes-super-admin"},
  };
  for (const auto& node : in.kubelet_nodes) {
    clients.push_back({fmt::format("pki/nodes/{}/kubelet-client", node.name), ca,
                       fmt::format("/O=system:nodes/CN=system:node:{}", node.name)});
  }
  for (const auto& client : clients) {
    std::string cert = client.base + ".crt";
    EXPECT_TRUE(verifies(issued, client.ca, cert, {"-purpose", "sslclient"}));
    EXPECT_TRUE(rejects(issued, client.ca, cert, {"-purpose", "sslserver"})) << cert;
    std::string other_ca = client.ca == ca ? etcd_ca : ca;
    EXPECT_TRUE(rejects(issued, other_ca, cert, {"-purpose", "sslclient"})) << cert;
    EXPECT_EQ(subject(issued, cert), "subject=" + client.subject + "\n");
    expect_pair(issued, client.base);
    expect_text(issued, cert, false, in.algorithm, in.leaf_validity_days);
  }

  // The service-account public key is the public half of the private one.
  ToolRun derived = openssl({"pkey", "-pubout", "-in", issued.path("pki/sa.key")});
  EXPECT_EQ(derived.exit_code, 0);
  EXPECT_EQ(derived.output, issued.pki().service_account.public_pem);
}

TEST(OpensslVerify, ReferenceClusterEcdsa) { check_whole_pki(inputs(KeyAlgorithm::ecdsa_p256, 3, 3)); }

TEST(OpensslVerify, SingleMasterRsa2048) {
  PkiInputs in = inputs(KeyAlgorithm::rsa2048, 1, 1);
  in.api_vip.clear();
  in.api_floating_ip.clear();
  in.leaf_validity_days = 90;
  check_whole_pki(in);
}

TEST(OpensslVerify, KubeconfigCredentialsAreTheIssuedPair) {
  IssuedPki issued(inputs(KeyAlgorithm::ecdsa_p256, 1, 0));
  const ClusterPki& pki = issued.pki();
  std::string text = kubeconfig("demo", "https://10.0.0.5:6443", pki.ca.cert_pem, "kubernetes-admin", pki.admin);
  // Extract the embedded client certificate with base64 -d through openssl and compare.
  std::string line = text.substr(text.find("client-certificate-data: ") + 25);
  line = line.substr(0, line.find('\n'));
  fs::path b64 = issued.path("b64.txt");
  {
    std::ofstream out(b64);
    out << line << "\n";
  }
  ToolRun decoded = openssl({"base64", "-d", "-A", "-in", b64.string()});
  EXPECT_EQ(decoded.exit_code, 0);
  EXPECT_EQ(decoded.output, pki.admin.cert_pem);
}

TEST(OpensslCli, ReportsFailures) {
  auto run = run_openssl({"verify", "/nonexistent/cert.pem"});
  ASSERT_TRUE(run);
  EXPECT_NE(run->exit_code, 0);
  EXPECT_FALSE(run->output.empty());
}

}  // namespace
}  // namespace kstack::pki
