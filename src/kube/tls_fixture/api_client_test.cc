// The Kubernetes API client against a real TLS server (openssl s_server) that demands a client certificate.
#include "kube/api_client.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "kube/node_status.h"
#include "kube/tls_fixture/tls_server.h"

namespace kstack::kube {
namespace {

namespace fs = std::filesystem;

/// ApiServerFixture is an s_server with fresh certificates and a NodeList at /api/v1/nodes.
class ApiServerFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("kstack-kube-api-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    auto files = testing::make_tls_files(dir_ / "pki");
    ASSERT_TRUE(files) << files.error().to_string();
    files_ = *files;
    auto server = testing::TlsServer::start(dir_, files_);
    ASSERT_TRUE(server) << server.error().to_string();
    server_ = std::move(*server);
    fs::create_directories(server_->docroot() / "api/v1");
    std::ofstream(server_->docroot() / "api/v1/nodes")
        << R"({"kind":"NodeList","items":[{"metadata":{"name":"demo-master-1"},)"
           R"("status":{"conditions":[{"type":"Ready","status":"True","reason":"KubeletReady"}]}}]})";
  }
  void TearDown() override {
    server_.reset();
    fs::remove_all(dir_);
  }
  ApiCredentials credentials() const {
    return {server_->url(), files_.ca_pem, files_.client_cert_pem, files_.client_key_pem};
  }

  fs::path dir_;
  testing::TlsFiles files_;
  std::unique_ptr<testing::TlsServer> server_;
};

TEST_F(ApiServerFixture, ReadsNodesOverMutualTls) {
  auto body = api_get(credentials(), "/api/v1/nodes");
  ASSERT_TRUE(body) << body.error().to_string();
  auto nodes = parse_node_list(*body);
  ASSERT_TRUE(nodes) << nodes.error().to_string();
  ASSERT_EQ(nodes->size(), 1u);
  EXPECT_EQ((*nodes)[0].ready, "True");
}

TEST_F(ApiServerFixture, RefusesAServerTheClusterCaDidNotSign) {
  auto other = testing::make_tls_files(dir_ / "other");
  ASSERT_TRUE(other);
  auto c = credentials();
  c.ca_pem = other->ca_pem;
  auto body = api_get(c, "/api/v1/nodes");
  ASSERT_FALSE(body);
  EXPECT_EQ(body.error().where, server_->url());
  EXPECT_NE(body.error().what.find("did not answer"), std::string::npos) << body.error().what;
}

TEST_F(ApiServerFixture, AnAnswerThatIsNotANodeListIsAnError) {
  // s_server answers a missing file with "200 ok" and an error text: what a proxy in the way might do.
  auto body = api_get(credentials(), "/api/v1/namespaces");
  ASSERT_TRUE(body) << body.error().to_string();
  EXPECT_FALSE(parse_node_list(*body));
}

TEST_F(ApiServerFixture, ACertificateFromAnotherCaIsRefusedByTheServer) {
  auto other = testing::make_tls_files(dir_ / "other");
  ASSERT_TRUE(other);
  auto c = credentials();
  c.cert_pem = other->client_cert_pem;
  c.key_pem = other->client_key_pem;
  EXPECT_FALSE(api_get(c, "/api/v1/nodes"));
}

TEST(ApiClient, NobodyListeningIsAnErrorWithinTheTimeout) {
  auto body = api_get({"https://127.0.0.1:1", "", "", ""}, "/api/v1/nodes", std::chrono::milliseconds(500));
  ASSERT_FALSE(body);
  EXPECT_EQ(body.error().where, "https://127.0.0.1:1");
}

}  // namespace
}  // namespace kstack::kube
