#include "reconcile/cluster_credential.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "bootstrap/render.h"
#include "bootstrap/secrets.h"
#include "openstack/testing/fake_cloud.h"
#include "pki/cluster_pki.h"
#include "reconcile/testing/reference_cluster.h"
#include "util/testing/decode.h"

namespace kstack::reconcile {
namespace {

namespace fs = std::filesystem;
using openstack::testing::FakeCloud;

constexpr const char* kUser = "7cd3e01459f44aafa5cc39c543e9fcc3";  // the recorded token's user

std::string credentials_path(const std::string& rest = "") {
  return std::string("/identity/v3/users/") + kUser + "/application_credentials" + rest;
}

/// CredentialTest gives each test a fake Keystone with an empty credential list and a fresh state directory.
class CredentialTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::path(::testing::TempDir()) / "kstack-credential-XXXXXX").string();
    root_ = ::mkdtemp(tmpl.data());
    auto opened = state::StateDir::open(root_);
    ASSERT_TRUE(opened) << opened.error().to_string();
    state_.emplace(std::move(*opened));
    cloud_.server.on("GET", credentials_path(), 200, R"({"application_credentials": [], "links": {"next": null}})");
    cloud_.on("POST", credentials_path(), 201, "identity/application_credential_created.json");
    client_ = cloud_.connect();
  }
  void TearDown() override {
    state_.reset();
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  Result<EnsuredCredential> ensure() { return ensure_credential(*client_, *state_, spec_, no_clouds_yaml); }
  static Result<openstack::CloudConfig> no_clouds_yaml(const std::string& entry) {
    return fail("no clouds.yaml entry " + entry);
  }

  fs::path root_;
  std::optional<state::StateDir> state_;
  FakeCloud cloud_;
  std::unique_ptr<openstack::Client> client_;
  spec::ClusterSpec spec_ = testing::reference_spec();
};

TEST_F(CredentialTest, TheFirstApplyMakesOneAndKeepsItPrivate) {
  auto made = ensure();
  ASSERT_TRUE(made) << made.error().to_string();
  EXPECT_EQ(made->action, CredentialAction::created);
  EXPECT_EQ(made->credentials.application_credential_id, "c1c230cc8a124795b931a082da4087e0");
  EXPECT_FALSE(made->credentials.application_credential_secret.empty());
  EXPECT_EQ(made->credentials.region, "RegionOne");
  EXPECT_EQ(made->credentials.auth_url, cloud_.config().auth_url);
  auto sent = nlohmann::json::parse(cloud_.server.received().back().body)["application_credential"];
  EXPECT_EQ(sent["name"], "kstack-demo");
  EXPECT_EQ(sent["roles"], nlohmann::json::parse(R"([{"name": "member"}, {"name": "load-balancer_member"}])"));
  EXPECT_EQ(sent["description"], credential_description("demo", cloud_.project_id));
  struct stat st {};
  ASSERT_EQ(::stat(state_->path(kCredentialFile).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  auto kept = load_credential(*state_);
  ASSERT_TRUE(kept && *kept);
  EXPECT_EQ((*kept)->secret, made->credentials.application_credential_secret);
  EXPECT_EQ((*kept)->user_id, kUser);
}

TEST_F(CredentialTest, ALaterApplyChecksItWithOneCallAndReusesIt) {
  ASSERT_TRUE(ensure());
  cloud_.server.on("GET", credentials_path("/c1c230cc8a124795b931a082da4087e0"), 200,
                   R"({"application_credential": {"id": "c1c230cc8a124795b931a082da4087e0", "name": "kstack-demo"}})");
  const auto before = cloud_.server.received().size();
  auto again = ensure();
  ASSERT_TRUE(again) << again.error().to_string();
  EXPECT_EQ(again->action, CredentialAction::reused);
  EXPECT_EQ(again->id, "c1c230cc8a124795b931a082da4087e0");
  EXPECT_EQ(cloud_.server.received().size(), before + 1);
  EXPECT_EQ(cloud_.server.count("POST", credentials_path()), 1);
}

TEST_F(CredentialTest, OneDeletedByHandIsMadeAgain) {
  ASSERT_TRUE(save_credential(*state_, {"gone-id", "kstack-demo", "old-secret", kUser, cloud_.project_id, "", "", {}}));
  cloud_.server.on("GET", credentials_path("/gone-id"), 404,
                   R"({"error": {"code": 404, "message": "Could not find Application Credential: gone-id."}})");
  auto made = ensure();
  ASSERT_TRUE(made) << made.error().to_string();
  EXPECT_EQ(made->action, CredentialAction::recreated);
  EXPECT_EQ(made->replaced_id, "gone-id");
  EXPECT_EQ(made->id, "c1c230cc8a124795b931a082da4087e0");
  auto kept = load_credential(*state_);
  ASSERT_TRUE(kept && *kept);
  EXPECT_EQ((*kept)->id, "c1c230cc8a124795b931a082da4087e0");
}

TEST_F(CredentialTest, ATakenNameGetsTheNextFreeOne) {
  cloud_.server.on("GET", credentials_path(), 200,
                   R"({"application_credentials": [{"id": "x", "name": "kstack-demo"}, {"id": "y", "name": )"
                   R"("kstack-demo-2"}], "links": {"next": null}})");
  ASSERT_TRUE(ensure());
  auto sent = nlohmann::json::parse(cloud_.server.received().back().body)["application_credential"];
  EXPECT_EQ(sent["name"], "kstack-demo-3");
}

TEST_F(CredentialTest, APolicyRefusalSaysHowToSupplyOneAndKeepsNothing) {
  cloud_.server.on("POST", credentials_path(), 403,
                   R"({"error": {"code": 403, "message": "You are not authorized to perform the requested action: )"
                   R"(identity:create_application_credential.", "title": "Forbidden"}})",
                   {{"x-openstack-request-id", "req-refused"}});
  auto made = ensure();
  ASSERT_FALSE(made);
  EXPECT_EQ(made.error().http_status, 403);
  EXPECT_EQ(made.error().request_id, "req-refused");
  EXPECT_NE(made.error().what.find("nothing was created"), std::string::npos) << made.error().what;
  EXPECT_NE(made.error().hint.find("addons.application_credential"), std::string::npos) << made.error().hint;
  EXPECT_FALSE(state_->exists(kCredentialFile));
}

TEST(ClusterRoles, MemberAndTheLoadBalancerRoleNeverAdmin) {
  EXPECT_EQ(cluster_roles({"admin", "member", "reader"}), (std::vector<std::string>{"member"}));
  EXPECT_EQ(cluster_roles({"reader", "member", "load-balancer_member"}),
            (std::vector<std::string>{"member", "load-balancer_member"}));
  EXPECT_EQ(cluster_roles({"_member_"}), (std::vector<std::string>{"_member_"}));
  EXPECT_TRUE(cluster_roles({"admin", "reader", "load-balancer_member"}).empty());
}

TEST_F(CredentialTest, ASuppliedEntryIsUsedAndNothingIsCreated) {
  spec_.addons.application_credential = "cluster-credential";
  auto made =
      ensure_credential(*client_, *state_, spec_, [&](const std::string& entry) -> Result<openstack::CloudConfig> {
        EXPECT_EQ(entry, "cluster-credential");
        openstack::CloudConfig c;
        c.name = entry;
        c.method = openstack::AuthMethod::application_credential;
        c.auth_url = "https://keystone.example:5000/v3";
        c.application_credential_id = "byo-id";
        c.application_credential_secret = "byo-secret";
        return c;
      });
  ASSERT_TRUE(made) << made.error().to_string();
  EXPECT_EQ(made->action, CredentialAction::supplied);
  EXPECT_EQ(made->credentials.application_credential_id, "byo-id");
  EXPECT_EQ(made->credentials.region, "RegionOne");  // the entry names none: the operator's
  EXPECT_EQ(cloud_.server.count("POST", credentials_path()), 0);
  EXPECT_EQ(cloud_.server.count("GET", credentials_path()), 0);
}

TEST_F(CredentialTest, ASuppliedEntryWithAPasswordIsRefused) {
  spec_.addons.application_credential = "operator";
  auto made = ensure_credential(*client_, *state_, spec_, [&](const std::string&) { return cloud_.config(); });
  ASSERT_FALSE(made);
  EXPECT_NE(made.error().what.find("holds no application credential"), std::string::npos) << made.error().what;
  EXPECT_EQ(cloud_.server.count("POST", credentials_path()), 0);
}

TEST_F(CredentialTest, TheCaBundleAndVerifyChoiceReachTheCloudConf) {
  const auto ca = fs::path(root_) / "ca.pem";
  std::ofstream(ca) << "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  auto config = cloud_.config();
  config.cacert = ca.string();
  config.insecure = true;
  auto c = stored_credentials(config, {"id", "kstack-demo", "secret", kUser, "p", "", "", {}});
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_NE(c->ca_pem.find("BEGIN CERTIFICATE"), std::string::npos);
  EXPECT_TRUE(c->insecure);
  config.cacert = (fs::path(root_) / "missing.pem").string();
  auto missing = stored_credentials(config, {"id", "kstack-demo", "secret", kUser, "p", "", "", {}});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().where, config.cacert);
}

TEST_F(CredentialTest, DestroyDeletesTheKeptOneAndAnyAKilledRunLeft) {
  ASSERT_TRUE(ensure());
  const std::string mine = credential_description("demo", cloud_.project_id);
  cloud_.server.on(
      "GET", credentials_path(), 200,
      nlohmann::json{
          {"application_credentials",
           {{{"id", "c1c230cc8a124795b931a082da4087e0"},
             {"name", "kstack-demo"},
             {"description", mine},
             {"project_id", cloud_.project_id}},
            {{"id", "orphan"}, {"name", "kstack-demo-2"}, {"description", mine}, {"project_id", cloud_.project_id}},
            {{"id", "other-project"}, {"name", "kstack-demo"}, {"description", mine}, {"project_id", "elsewhere"}},
            {{"id", "operator"},
             {"name", "ci"},
             {"description", "the operator's"},
             {"project_id", cloud_.project_id}}}}}
          .dump());
  for (const char* id : {"c1c230cc8a124795b931a082da4087e0", "orphan", "other-project", "operator"}) {
    cloud_.server.on("DELETE", credentials_path(std::string("/") + id), 204, "");
  }
  auto deleted = delete_credentials(*client_, *state_, "demo");
  ASSERT_TRUE(deleted) << deleted.error().to_string();
  EXPECT_EQ(*deleted, 2);
  EXPECT_EQ(cloud_.server.count("DELETE", credentials_path("/c1c230cc8a124795b931a082da4087e0")), 1);
  EXPECT_EQ(cloud_.server.count("DELETE", credentials_path("/orphan")), 1);
  EXPECT_EQ(cloud_.server.count("DELETE", credentials_path("/other-project")), 0);
  EXPECT_EQ(cloud_.server.count("DELETE", credentials_path("/operator")), 0);
  EXPECT_FALSE(state_->exists(kCredentialFile));
}

// The operator logs in with a password (the fake cloud's config has one); not one byte of it, nor of the
// token, reaches a node's user-data, a file on a node (Secrets decoded) or the state directory.
TEST_F(CredentialTest, TheOperatorsPasswordAndTokenReachNoNodeAndNoStateFile) {
  const std::string password = cloud_.config().password;
  const std::string token = "tok-1";  // what the fake Keystone issued
  ASSERT_FALSE(password.empty());
  auto made = ensure();
  ASSERT_TRUE(made) << made.error().to_string();
  auto model = model::build_model(spec_);
  ASSERT_TRUE(model);
  auto pki = pki::ensure_pki(*state_, bootstrap::pki_inputs(spec_, *model, "198.51.100.7"));
  ASSERT_TRUE(pki) << pki.error().to_string();
  auto secrets = bootstrap::ensure_secrets(*state_);
  ASSERT_TRUE(secrets);
  bootstrap::RenderOptions options;
  options.cloud = made->credentials;
  auto nodes = bootstrap::render_cluster(spec_, *model, *pki, *secrets, options);
  ASSERT_TRUE(nodes) << nodes.error().to_string();
  const std::regex encoded("(cloud\\.conf|ca\\.pem): ([A-Za-z0-9+/=]+)");
  int cloud_confs = 0;
  for (const auto& node : *nodes) {
    std::vector<std::string> texts = {node.cloud_config, node.user_data};
    for (const auto& f : node.files) {
      texts.push_back(f.content);
      for (std::sregex_iterator m(f.content.begin(), f.content.end(), encoded), end; m != end; ++m) {
        texts.push_back(kstack::testing::decode_base64((*m)[2].str()));
        if ((*m)[1] == "cloud.conf" && texts.back().find("application-credential-secret=") != std::string::npos) {
          ++cloud_confs;
          EXPECT_NE(node.name.find("master"), std::string::npos) << node.name << " " << f.path;
          EXPECT_NE(texts.back().find(made->credentials.application_credential_secret), std::string::npos);
        }
      }
    }
    for (const auto& t : texts) {
      EXPECT_EQ(t.find(password), std::string::npos) << node.name;
      EXPECT_EQ(t.find("password="), std::string::npos) << node.name;
      EXPECT_EQ(t.find("username="), std::string::npos) << node.name;
    }
  }
  EXPECT_EQ(cloud_confs, spec_.masters.count);  // the masters' add-ons, and nowhere else
  auto files = state_->list();
  ASSERT_TRUE(files);
  for (const auto& f : *files) {
    auto text = state_->read(f);
    ASSERT_TRUE(text);
    EXPECT_EQ(text->find(password), std::string::npos) << f;
    EXPECT_EQ(text->find(token), std::string::npos) << f;
  }
}

}  // namespace
}  // namespace kstack::reconcile
