#include "reconcile/endpoints.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "spec/defaults.h"

namespace kstack::reconcile {
namespace {

model::ClusterModel model_of(spec::Topology topology) {
  auto m = model::build_model(spec::reference_cluster(topology, "demo"));
  EXPECT_TRUE(m);
  return *m;
}

ObservedResource fip(const std::string& name, const std::string& address, Origin origin = Origin::kstack) {
  return {.key = {Kind::floating_ip, name}, .id = "id-" + name, .props = {{"address", address}}, .origin = origin};
}

TEST(Endpoints, TheApiFloatingIpWinsAndTheBastionHasItsOwn) {
  auto m = model_of(spec::Topology::ha);
  auto e = endpoints_of(m, {fip("demo-bastion", "203.0.113.10"), fip("demo-api", "203.0.113.11")});
  EXPECT_EQ(e.bastion, "203.0.113.10");
  EXPECT_EQ(e.api_server, "https://203.0.113.11:6443");
  EXPECT_TRUE(e.api_public);
}

TEST(Endpoints, WithoutAnApiFloatingIpTheApiIsTheInternalAddress) {
  auto m = model_of(spec::Topology::ha);
  auto e = endpoints_of(m, {fip("demo-api", "203.0.113.99", Origin::kubernetes_service)});
  EXPECT_EQ(e.api_server, "https://" + m.api_vip + ":6443");
  EXPECT_FALSE(e.api_public);
  EXPECT_TRUE(e.bastion.empty());
  auto single = model_of(spec::Topology::single);
  EXPECT_EQ(endpoints_of(single, {}).api_server, "https://" + single.api_address + ":6443");
}

TEST(Endpoints, OtherKindsArePassedOverAndAnApplyResultReadsTheSame) {
  auto m = model_of(spec::Topology::ha);
  // A port named like the API's floating IP must not be taken for it.
  ObservedResource port{.key = {Kind::port, "demo-api"}, .id = "p", .props = {{"address", "10.0.0.9"}}};
  std::vector<ObservedResource> observed = {port, fip("demo-bastion", "203.0.113.10")};
  auto from_list = endpoints_of(m, observed);
  EXPECT_FALSE(from_list.api_public);
  EXPECT_EQ(from_list.bastion, "203.0.113.10");
  std::map<Key, ObservedResource> result;
  for (const auto& r : observed) result[r.key] = r;
  auto from_result = endpoints_of_applied(m, result);
  EXPECT_EQ(from_result.bastion, from_list.bastion);
  EXPECT_EQ(from_result.api_server, from_list.api_server);
}

TEST(SshCommand, ReachesANodeThroughTheBastionWithOneIdentity) {
  auto m = model_of(spec::Topology::ha);
  Endpoints e{.bastion = "203.0.113.10"};
  const auto* master = m.find("demo-master-2");
  ASSERT_NE(master, nullptr);
  auto argv = ssh_command(e, *master, {.identity_file = "/k/id", .known_hosts = "/s/known_hosts"}, {"uptime"});
  ASSERT_TRUE(argv) << argv.error().to_string();
  const std::vector<std::string> want = {
      "ssh",
      "-i",
      "/k/id",
      "-o",
      "UserKnownHostsFile=/s/known_hosts",
      "-o",
      "StrictHostKeyChecking=accept-new",
      "-o",
      "ProxyCommand=ssh -i '/k/id' -o 'UserKnownHostsFile=/s/known_hosts' -o StrictHostKeyChecking=accept-new -W "
      "%h:%p ubuntu@203.0.113.10",
      "ubuntu@" + master->ip,
      "--",
      "uptime"};
  EXPECT_EQ(*argv, want);
}

TEST(SshCommand, TheBastionDirectlyAndAnErrorWithoutOne) {
  auto m = model_of(spec::Topology::ha);
  const auto* bastion = m.find("demo-bastion");
  ASSERT_NE(bastion, nullptr);
  auto argv = ssh_command({.bastion = "203.0.113.10"}, *bastion, {.user = "debian"}, {});
  ASSERT_TRUE(argv);
  EXPECT_EQ(argv->back(), "debian@203.0.113.10");
  EXPECT_EQ(std::count_if(argv->begin(), argv->end(), [](const auto& a) { return a.starts_with("ProxyCommand"); }), 0);
  auto none = ssh_command({}, *bastion, {}, {});
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().hint.find("kstack apply"), std::string::npos);
}

}  // namespace
}  // namespace kstack::reconcile
