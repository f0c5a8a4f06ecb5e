#include "reconcile/desired.h"

#include <gtest/gtest.h>

#include "reconcile/plan.h"
#include "reconcile/testing/reference_cluster.h"

namespace kstack::reconcile {
namespace {

using testing::reference_facts;
using testing::reference_spec;

std::map<Kind, int> count_by_kind(const std::vector<Resource>& resources) {
  std::map<Kind, int> out;
  for (const auto& r : resources) ++out[r.key.kind];
  return out;
}

const Resource& find(const std::vector<Resource>& resources, Kind kind, const std::string& name) {
  for (const auto& r : resources) {
    if (r.key == Key{kind, name}) return r;
  }
  ADD_FAILURE() << "no " << kind_name(kind) << " " << name;
  static Resource none;
  return none;
}

TEST(Desired, ReferenceHaCluster) {
  auto spec = reference_spec();
  auto model = model::build_model(spec);
  ASSERT_TRUE(model);
  auto r = desired_resources(spec, *model, reference_facts(*model));
  ASSERT_TRUE(r) << r.error().to_string();
  auto counts = count_by_kind(*r);
  EXPECT_EQ(counts[Kind::keypair], 1);
  EXPECT_EQ(counts[Kind::network], 1);
  EXPECT_EQ(counts[Kind::subnet], 1);
  EXPECT_EQ(counts[Kind::router], 1);
  EXPECT_EQ(counts[Kind::router_interface], 1);
  EXPECT_EQ(counts[Kind::security_group], 4);
  EXPECT_EQ(counts[Kind::server_group], 2);
  EXPECT_EQ(counts[Kind::port], 7);
  EXPECT_EQ(counts[Kind::floating_ip], 2);
  EXPECT_EQ(counts[Kind::volume], 6);  // masters and workers; the bastion has none
  EXPECT_EQ(counts[Kind::server], 7);
  EXPECT_EQ(counts[Kind::load_balancer], 1);
  EXPECT_EQ(counts[Kind::security_group_rule], 22);
  EXPECT_EQ(r->size(), 56u);
  ASSERT_TRUE(dependency_order(*r)) << dependency_order(*r).error().to_string();

  const auto& lb = find(*r, Kind::load_balancer, "demo-api");
  EXPECT_EQ(lb.props.at("members"), "10.0.0.11,10.0.0.12,10.0.0.13");
  EXPECT_EQ(lb.props.at("vip_address"), "10.0.0.5");
  EXPECT_EQ(lb.props.at("listener_port"), "6443");
  EXPECT_EQ(lb.props.at("monitor"), "HTTPS delay=5 timeout=5 max_retries=3 url_path=/readyz expected_codes=200");
  // The spec's API sources and the subnet the nodes reach the VIP from.
  EXPECT_EQ(lb.props.at("allowed_cidrs"), "10.0.0.0/16,198.51.100.0/24,203.0.113.0/24");
  EXPECT_EQ(lb.props.at("timeout_client_data"), "14400000");
  EXPECT_EQ(lb.props.at("timeout_member_data"), "14400000");
  EXPECT_EQ(find(*r, Kind::floating_ip, "demo-api").props.at("port_id"), "ref:load_balancer/demo-api#vip_port_id");
  EXPECT_EQ(find(*r, Kind::floating_ip, "demo-bastion").props.at("port_id"), "ref:port/demo-bastion");

  const auto& port = find(*r, Kind::port, "demo-worker-2");
  EXPECT_EQ(port.props.at("fixed_ip"), "10.0.0.101");
  EXPECT_EQ(port.props.at("security_groups"), "ref:security_group/demo-workers,ref:security_group/demo-nodes");

  const auto& server = find(*r, Kind::server, "demo-master-2");
  EXPECT_EQ(server.props.at("flavor_id"), "flavor-master");
  EXPECT_EQ(server.props.at("volume_id"), "ref:volume/demo-master-2-data");
  EXPECT_EQ(server.props.at("server_group_id"), "ref:server_group/demo-masters");
  EXPECT_EQ(server.props.at("port_id"), "ref:port/demo-master-2");
  EXPECT_EQ(server.props.at("user_data_sha256"), sha256_hex(server.payload.at("user_data")));
  EXPECT_EQ(find(*r, Kind::server_group, "demo-masters").props.at("policy"), "anti-affinity");
  EXPECT_EQ(find(*r, Kind::server_group, "demo-workers").props.at("policy"), "soft-anti-affinity");
  EXPECT_EQ(find(*r, Kind::volume, "demo-worker-3-data").props.at("size_gb"), "50");
  EXPECT_EQ(find(*r, Kind::subnet, "demo-subnet").props.at("dns_nameservers"), "1.1.1.1,9.9.9.9");
}

TEST(Desired, SingleNodeHasNoLoadBalancerAndConfigurablePolicy) {
  auto spec = reference_spec(1, 0);
  spec.masters.server_group_policy = "soft-anti-affinity";
  auto model = model::build_model(spec);
  ASSERT_TRUE(model);
  auto r = desired_resources(spec, *model, reference_facts(*model));
  ASSERT_TRUE(r);
  auto counts = count_by_kind(*r);
  EXPECT_EQ(counts[Kind::load_balancer], 0);
  EXPECT_EQ(counts[Kind::floating_ip], 1);
  EXPECT_EQ(counts[Kind::server], 2);
  EXPECT_EQ(find(*r, Kind::server_group, "demo-masters").props.at("policy"), "soft-anti-affinity");
}

TEST(Desired, ApiOpenToEveryoneLeavesTheListenerUnrestricted) {
  auto spec = reference_spec();
  spec.network.api_allowed_cidrs = {"0.0.0.0/0"};
  auto model = model::build_model(spec);
  auto r = desired_resources(spec, *model, reference_facts(*model));
  ASSERT_TRUE(r);
  EXPECT_EQ(find(*r, Kind::load_balancer, "demo-api").props.at("allowed_cidrs"), "");
}

TEST(Desired, ApiWithoutFloatingIp) {
  auto spec = reference_spec();
  spec.api_load_balancer.floating_ip = false;
  auto model = model::build_model(spec);
  auto r = desired_resources(spec, *model, reference_facts(*model));
  ASSERT_TRUE(r);
  EXPECT_EQ(count_by_kind(*r)[Kind::floating_ip], 1);
}

TEST(Desired, MissingFlavorIsAnError) {
  auto spec = reference_spec();
  auto model = model::build_model(spec);
  auto facts = reference_facts(*model);
  facts.flavor_ids.erase(model::Role::worker);
  auto r = desired_resources(spec, *model, facts);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().what.find("worker"), std::string::npos);
}

TEST(Desired, IsAPureFunction) {
  auto a = testing::reference_resources();
  auto b = testing::reference_resources();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].key, b[i].key);
    EXPECT_EQ(a[i].props, b[i].props);
  }
}

TEST(Sha256, KnownVector) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace kstack::reconcile
