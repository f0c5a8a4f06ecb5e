// The cluster's application credential against the dev cloud's Keystone: apply makes it with the member
// role, a re-apply reuses it, one deleted by hand is made again, destroy deletes it; and the bytes Nova
// holds as the master's user-data (read back as admin) carry it and never the operator's password.
#include <gtest/gtest.h>

#include <regex>

#include "openstack/compute.h"
#include "openstack/identity.h"
#include "reconcile/integration/dev_cloud_cluster.h"
#include "util/testing/decode.h"

namespace kstack::reconcile {
namespace {

/// Every text in a master's user-data, the base64 values inside it (the Secrets) decoded as well.
std::vector<std::string> texts_of(const std::string& user_data) {
  std::vector<std::string> out = {kstack::testing::gunzip_if_gzipped(user_data)};
  const std::string doc = out.front();
  const std::regex encoded(": ([A-Za-z0-9+/]{16,}={0,2})\n");
  for (std::sregex_iterator m(doc.begin(), doc.end(), encoded), end; m != end; ++m) {
    out.push_back(kstack::testing::decode_base64((*m)[1].str()));
  }
  return out;
}

TEST_F(DevCloudCluster, TheClustersCredentialIsMadeReusedMadeAgainAndDeletedAndNoNodeGetsThePassword) {
  auto spec = write_spec({.base = "single"});
  auto s = open(spec);
  ASSERT_TRUE(s);
  auto first = s->apply({}, fast(), nullptr);
  ASSERT_TRUE(first) << first.error().to_string();
  for (const auto& e : first->result.errors) ADD_FAILURE() << e.to_string();
  ASSERT_TRUE(first->credential);
  EXPECT_EQ(first->credential->action, CredentialAction::created);
  EXPECT_EQ(first->credential->name, "kstack-" + name_);
  auto& client = s->client();
  auto made = openstack::identity::find_application_credential(client, client.user_id(), first->credential->id);
  ASSERT_TRUE(made && *made) << (made ? "not found" : made.error().to_string());
  EXPECT_EQ((*made)->roles, (std::vector<std::string>{"load-balancer_member", "member"}));  // sorted

  // What Nova holds as the master's user-data: the credential's secret, and not the operator's password.
  auto admin = openstack::Client::connect(*openstack::resolve_cloud("devcloud-admin"));
  ASSERT_TRUE(admin) << admin.error().to_string();
  const auto master = first->result.resources.find({Kind::server, name_ + "-master-1"});
  ASSERT_NE(master, first->result.resources.end());
  auto server =
      (*admin)->call("compute", {{"compute", "get server", master->second.id}, "GET", "/servers/" + master->second.id});
  ASSERT_TRUE(server) << server.error().to_string();
  const std::string user_data =
      kstack::testing::decode_base64((*server)["server"].value("OS-EXT-SRV-ATTR:user_data", std::string()));
  ASSERT_FALSE(user_data.empty());
  const std::string password = client.cloud().password;
  ASSERT_FALSE(password.empty());
  bool secret_seen = false;
  for (const auto& text : texts_of(user_data)) {
    EXPECT_EQ(text.find(password), std::string::npos) << "the operator's password is in the user-data";
    secret_seen |= text.find(first->credential->credentials.application_credential_secret) != std::string::npos;
  }
  EXPECT_TRUE(secret_seen) << "the master's cloud.conf does not carry the cluster's credential";

  const std::string first_id = first->credential->id;
  const std::string user_id = client.user_id();
  s.reset();  // one session at a time holds the state directory
  s = open(spec);
  ASSERT_TRUE(s);
  auto again = s->apply({}, fast(), nullptr);
  ASSERT_TRUE(again) << again.error().to_string();
  ASSERT_TRUE(again->credential);
  EXPECT_EQ(again->credential->action, CredentialAction::reused);
  EXPECT_EQ(again->credential->id, first_id);

  ASSERT_TRUE(openstack::identity::delete_application_credential(s->client(), user_id, first_id));
  s.reset();
  s = open(spec);
  ASSERT_TRUE(s);
  auto third = s->apply({}, fast(), nullptr);
  ASSERT_TRUE(third) << third.error().to_string();
  ASSERT_TRUE(third->credential);
  EXPECT_EQ(third->credential->action, CredentialAction::recreated);
  EXPECT_EQ(third->credential->replaced_id, first_id);
  EXPECT_NE(third->credential->id, first_id);

  destroy_and_prove_empty(*s);  // which proves no credential of the cluster is left
}

}  // namespace
}  // namespace kstack::reconcile
