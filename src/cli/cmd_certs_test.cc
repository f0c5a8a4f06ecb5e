#include <fmt/format.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "pki/certificate.h"
#include "pki/cluster_pki.h"
#include "pki/key.h"
#include "spec/defaults.h"
#include "spec/render.h"
#include "state/state_dir.h"

namespace kstack::cli {
namespace {
namespace fs = std::filesystem;

/// CertsWorkspace is a directory with a valid cluster.yaml for cluster "demo", removed at the end.
class CertsWorkspace {
 public:
  CertsWorkspace() {
    std::string tmpl = (fs::path(testing::TempDir()) / "kstack-certs-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
    std::ofstream(spec_file()) << spec::render_spec(spec::reference_cluster(spec::Topology::ha, "demo"));
  }
  ~CertsWorkspace() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path spec_file() const { return dir_ / "cluster.yaml"; }
  fs::path default_state() const { return dir_ / ".kstack" / "demo"; }
  const fs::path& dir() const { return dir_; }

  /// Issues a small PKI into `root`, then adds a certificate valid from `days_ago` for `days`, if asked.
  void issue(const fs::path& root, int days_ago = 0, int days = 0) {
    auto state = state::StateDir::open(root);
    ASSERT_TRUE(state) << state.error().to_string();
    pki::PkiInputs in;
    in.cluster_name = "demo";
    in.masters = {{"demo-master-1", "10.0.0.11"}};
    in.etcd_members = in.masters;
    in.kubelet_nodes = in.masters;
    auto pki = pki::ensure_pki(*state, in);
    ASSERT_TRUE(pki) << pki.error().to_string();
    if (days == 0) return;
    auto key = pki::generate_key(spec::KeyAlgorithm::ecdsa_p256).value();
    auto cert =
        pki::issue_certificate(
            {.common_name = "extra", .validity_days = days, .not_before = std::time(nullptr) - days_ago * 86400},
            key.get())
            .value();
    ASSERT_TRUE(state->write("pki/extra.crt", pki::certificate_pem(cert.get()).value()));
  }

 private:
  fs::path dir_;
};

/// Output is what one `kstack` run printed and its exit code.
struct Output {
  int code;
  std::string out, err;
};

Output kstack(std::vector<std::string> args) {
  args.insert(args.begin(), "kstack");
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  int code = run(static_cast<int>(argv.size()), argv.data());
  std::string out = testing::internal::GetCapturedStdout();
  return {code, out, testing::internal::GetCapturedStderr()};
}

std::string line_of(const std::string& text, const std::string& needle) {
  auto at = text.find(needle);
  if (at == std::string::npos) return "";
  auto start = text.rfind('\n', at);
  start = start == std::string::npos ? 0 : start + 1;
  return text.substr(start, text.find('\n', at) - start);
}

TEST(CertsCheck, ValidPkiExitsZeroAndListsEveryCertificate) {
  CertsWorkspace ws;
  ws.issue(ws.default_state());
  auto result = kstack({"certs", "check", "-f", ws.spec_file().string()});
  EXPECT_EQ(result.code, kOk) << result.out << result.err;
  EXPECT_TRUE(result.out.starts_with("CERTIFICATE")) << result.out;
  for (const char* file :
       {"pki/ca.crt", "pki/etcd/ca.crt", "pki/front-proxy-ca.crt", "pki/apiserver.crt", "pki/admin.crt",
        "pki/nodes/demo-master-1/kubelet-client.crt", "pki/etcd/members/demo-master-1/peer.crt"}) {
    EXPECT_NE(result.out.find(file), std::string::npos) << file;
  }
  EXPECT_EQ(result.out.find("pki/ca.key"), std::string::npos);
  std::string ca = line_of(result.out, "pki/ca.crt");
  EXPECT_NE(ca.find("O=demo, CN=kubernetes-ca"), std::string::npos) << ca;
  EXPECT_TRUE(ca.find(" 3650 ") != std::string::npos || ca.find(" 3649 ") != std::string::npos) << ca;
  EXPECT_TRUE(ca.ends_with("ok")) << ca;
  std::string admin = line_of(result.out, "pki/admin.crt");
  EXPECT_TRUE(admin.find(" 365 ") != std::string::npos || admin.find(" 364 ") != std::string::npos) << admin;
  EXPECT_NE(result.out.find("17 certificates in "), std::string::npos) << result.out;
  EXPECT_NE(result.out.find(": 0 expired, 0 expire within 30 days, 0 unreadable"), std::string::npos);
}

TEST(CertsCheck, CertificateExpiringWithin30DaysIsFlaggedButExitsZero) {
  CertsWorkspace ws;
  ws.issue(ws.default_state(), 355, 365);  // 10 days left
  auto result = kstack({"certs", "check", "-f", ws.spec_file().string()});
  EXPECT_EQ(result.code, kOk) << result.out << result.err;
  std::string extra = line_of(result.out, "pki/extra.crt");
  EXPECT_NE(extra.find("EXPIRES WITHIN 30 DAYS"), std::string::npos) << extra;
  EXPECT_NE(extra.find("  9  ") == std::string::npos ? extra.find(" 10  ") : 0, std::string::npos) << extra;
  EXPECT_NE(result.out.find("0 expired, 1 expire within 30 days"), std::string::npos) << result.out;
}

TEST(CertsCheck, ExpiredCertificateExitsOne) {
  CertsWorkspace ws;
  ws.issue(ws.default_state(), 400, 365);
  auto result = kstack({"certs", "check", "-f", ws.spec_file().string()});
  EXPECT_EQ(result.code, kFailed) << result.out << result.err;
  std::string extra = line_of(result.out, "pki/extra.crt");
  EXPECT_NE(extra.find("EXPIRED"), std::string::npos) << extra;
  EXPECT_NE(extra.find(" -35 "), std::string::npos) << extra;
  EXPECT_NE(result.out.find("1 expired"), std::string::npos);
}

TEST(CertsCheck, UnreadableCertificateExitsOne) {
  CertsWorkspace ws;
  ws.issue(ws.default_state());
  {
    auto state = state::StateDir::open(ws.default_state());
    ASSERT_TRUE(state->write("pki/scheduler.crt", "garbage"));
  }
  auto result = kstack({"certs", "check", "-f", ws.spec_file().string()});
  EXPECT_EQ(result.code, kFailed);
  EXPECT_NE(line_of(result.out, "pki/scheduler.crt").find("UNREADABLE"), std::string::npos) << result.out;
}

TEST(CertsCheck, StateDirFlagOverridesTheDefault) {
  CertsWorkspace ws;
  fs::path elsewhere = ws.dir() / "elsewhere";
  ws.issue(elsewhere, 400, 365);
  auto result = kstack({"certs", "check", "-f", ws.spec_file().string(), "--state-dir", elsewhere.string()});
  EXPECT_EQ(result.code, kFailed) << result.out << result.err;
  EXPECT_NE(result.out.find("pki/extra.crt"), std::string::npos);
  EXPECT_FALSE(fs::exists(ws.default_state()));
}

TEST(CertsCheck, NoStateDirectoryYetIsNotAnErrorAndCreatesNothing) {
  CertsWorkspace ws;
  auto result = kstack({"certs", "check", "-f", ws.spec_file().string()});
  EXPECT_EQ(result.code, kOk);
  EXPECT_NE(result.out.find("no certificates"), std::string::npos) << result.out;
  EXPECT_FALSE(fs::exists(ws.default_state()));
}

TEST(CertsCheck, BadSpecExitsTwo) {
  CertsWorkspace ws;
  std::ofstream(ws.spec_file()) << "name: demo\nno_such_field: 1\n";
  auto result = kstack({"certs", "check", "-f", ws.spec_file().string()});
  EXPECT_EQ(result.code, kInvalid);
  EXPECT_NE(result.err.find("cluster.yaml"), std::string::npos) << result.err;
  auto missing = kstack({"certs", "check", "-f", (ws.dir() / "absent.yaml").string()});
  EXPECT_EQ(missing.code, kInvalid);
  EXPECT_EQ(kstack({"certs", "check"}).code, kInvalid);  // -f is required
  EXPECT_EQ(kstack({"certs"}).code, kInvalid);           // so is the subcommand
}

TEST(CertsCheck, JsonOutputParsesWithEveryCertificateAndItsVerdict) {
  CertsWorkspace ws;
  ws.issue(ws.default_state(), 400, 365);
  auto result = kstack({"certs", "check", "-f", ws.spec_file().string(), "--output", "json"});
  EXPECT_EQ(result.code, kFailed) << result.out << result.err;
  const auto doc = nlohmann::json::parse(result.out);
  EXPECT_EQ(doc.at("format_version"), 1);
  EXPECT_EQ(doc.at("ok"), false);
  EXPECT_EQ(doc.at("renew_within_days"), 30);
  EXPECT_EQ(doc.at("summary").at("certificates"), 18);
  EXPECT_EQ(doc.at("summary").at("expired"), 1);
  ASSERT_EQ(doc.at("certificates").size(), 18u);
  for (const auto& cert : doc.at("certificates")) {
    if (cert.at("file") == "pki/extra.crt") {
      EXPECT_EQ(cert.at("status"), "expired");
      EXPECT_EQ(cert.at("days_left"), -35);
      EXPECT_TRUE(cert.at("not_after").get<std::string>().ends_with("Z"));
    }
    if (cert.at("file") == "pki/ca.crt") {
      EXPECT_EQ(cert.at("is_ca"), true);
      EXPECT_EQ(cert.at("status"), "ok");
    }
  }
}

TEST(CertsCheck, JsonOutputWithoutAStateDirectoryIsAnEmptyList) {
  CertsWorkspace ws;
  auto result = kstack({"certs", "check", "-f", ws.spec_file().string(), "-o", "json"});
  EXPECT_EQ(result.code, kOk);
  const auto doc = nlohmann::json::parse(result.out);
  EXPECT_EQ(doc.at("ok"), true);
  EXPECT_TRUE(doc.at("certificates").empty());
  EXPECT_FALSE(fs::exists(ws.default_state()));
}

TEST(CertsCheck, LockedStateDirectoryFailsNamingTheHolder) {
  CertsWorkspace ws;
  ws.issue(ws.default_state());
  auto held = state::StateDir::open(ws.default_state());
  ASSERT_TRUE(held);
  auto result = kstack({"certs", "check", "-f", ws.spec_file().string()});
  EXPECT_EQ(result.code, kFailed);
  EXPECT_NE(result.err.find(fmt::format("PID {}", ::getpid())), std::string::npos) << result.err;
}

}  // namespace
}  // namespace kstack::cli
