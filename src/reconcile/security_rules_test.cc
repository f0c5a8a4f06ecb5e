#include "reconcile/security_rules.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "reconcile/testing/reference_cluster.h"

namespace kstack::reconcile {
namespace {

using testing::reference_spec;

std::vector<RuleSpec> ingress_of(const SecurityGroupPlan& p, const std::string& group) {
  std::vector<RuleSpec> out;
  for (const auto& [g, r] : p.rules) {
    if (g == group && r.direction == "ingress") out.push_back(r);
  }
  return out;
}

bool has(const std::vector<RuleSpec>& rules, const std::string& protocol, int min, int max, const std::string& cidr,
         const std::string& group) {
  return std::any_of(rules.begin(), rules.end(), [&](const RuleSpec& r) {
    return r.protocol == protocol && r.port_min == min && r.port_max == max && r.remote_cidr == cidr &&
           r.remote_group == group;
  });
}

TEST(SecurityRules, ReferenceClusterIsLeastPrivilege) {
  auto spec = reference_spec();
  auto model = model::build_model(spec);
  ASSERT_TRUE(model);
  auto p = security_groups(spec, *model);
  ASSERT_TRUE(p) << p.error().to_string();
  EXPECT_EQ(p->groups, (std::vector<std::string>{"demo-bastion", "demo-masters", "demo-workers", "demo-nodes"}));

  auto bastion = ingress_of(*p, "demo-bastion");
  ASSERT_EQ(bastion.size(), 1u);
  EXPECT_TRUE(has(bastion, "tcp", 22, 22, "203.0.113.0/24", ""));

  auto masters = ingress_of(*p, "demo-masters");
  EXPECT_TRUE(has(masters, "tcp", 6443, 6443, "10.0.128.0/17", ""));  // the load balancer's pool
  EXPECT_TRUE(has(masters, "tcp", 6443, 6443, "", "demo-workers"));
  EXPECT_TRUE(has(masters, "tcp", 6443, 6443, "", "demo-masters"));  // kube-proxy's choice of master
  EXPECT_TRUE(has(masters, "tcp", 6443, 6443, "198.51.100.0/24", ""));
  EXPECT_TRUE(has(masters, "tcp", 6443, 6443, "203.0.113.0/24", ""));
  EXPECT_TRUE(has(masters, "tcp", 2379, 2380, "", "demo-masters"));
  EXPECT_TRUE(has(masters, "tcp", 10250, 10250, "", "demo-masters"));
  EXPECT_EQ(masters.size(), 7u);

  auto workers = ingress_of(*p, "demo-workers");
  EXPECT_TRUE(has(workers, "tcp", 10250, 10250, "", "demo-masters"));
  EXPECT_TRUE(has(workers, "tcp", 30000, 32767, "10.0.0.0/16", ""));
  EXPECT_TRUE(has(workers, "udp", 30000, 32767, "10.0.0.0/16", ""));
  EXPECT_EQ(workers.size(), 3u);

  auto nodes = ingress_of(*p, "demo-nodes");
  EXPECT_TRUE(has(nodes, "udp", 8472, 8472, "", "demo-nodes"));
  EXPECT_TRUE(has(nodes, "icmp", 0, 0, "", "demo-nodes"));
  EXPECT_TRUE(has(nodes, "tcp", 22, 22, "", "demo-bastion"));
  EXPECT_EQ(nodes.size(), 3u);

  // Nothing but SSH to the bastion and the API is open to an address outside the cloud.
  for (const auto& [group, r] : p->rules) {
    if (r.direction != "ingress" || r.remote_cidr.empty() || r.remote_cidr.starts_with("10.0.")) continue;
    EXPECT_TRUE((group == "demo-bastion" && r.port_min == 22) || (group == "demo-masters" && r.port_min == 6443))
        << rule_name(group, r);
  }
}

TEST(SecurityRules, HostNetworkIngressOpensHttpAndHttpsOnTheWorkers) {
  auto spec = reference_spec();
  auto model = model::build_model(spec);
  ASSERT_TRUE(model);
  auto with_lb = security_groups(spec, *model);
  ASSERT_TRUE(with_lb);
  EXPECT_FALSE(has(ingress_of(*with_lb, "demo-workers"), "tcp", 80, 80, "0.0.0.0/0", ""));

  spec.addons.cloud_provider = false;  // the ingress controller then serves on the workers' host network
  auto host = security_groups(spec, *model);
  ASSERT_TRUE(host);
  auto workers = ingress_of(*host, "demo-workers");
  EXPECT_TRUE(has(workers, "tcp", 80, 80, "0.0.0.0/0", ""));
  EXPECT_TRUE(has(workers, "tcp", 443, 443, "0.0.0.0/0", ""));
  EXPECT_FALSE(has(ingress_of(*host, "demo-masters"), "tcp", 80, 80, "0.0.0.0/0", ""));

  spec.addons.ingress = spec::Ingress::none;
  auto none = security_groups(spec, *model);
  ASSERT_TRUE(none);
  EXPECT_FALSE(has(ingress_of(*none, "demo-workers"), "tcp", 80, 80, "0.0.0.0/0", ""));
}

TEST(SecurityRules, DedicatedEtcdOnlyFromMastersAndPeers) {
  auto spec = reference_spec();
  spec.etcd_placement = spec::EtcdPlacement::dedicated;
  spec.etcd.count = 3;
  auto model = model::build_model(spec);
  ASSERT_TRUE(model);
  auto p = security_groups(spec, *model);
  ASSERT_TRUE(p);
  auto etcd = ingress_of(*p, "demo-etcd");
  EXPECT_TRUE(has(etcd, "tcp", 2379, 2380, "", "demo-etcd"));
  EXPECT_TRUE(has(etcd, "tcp", 2379, 2379, "", "demo-masters"));
  EXPECT_EQ(etcd.size(), 2u);
  EXPECT_FALSE(has(ingress_of(*p, "demo-masters"), "tcp", 2379, 2380, "", "demo-masters"));
}

TEST(SecurityRules, NamesSpellEveryAttributeAndEgressMatchesNeutronDefaults) {
  EXPECT_EQ(rule_name("demo-masters",
                      RuleSpec{.protocol = "tcp", .port_min = 6443, .port_max = 6443, .remote_cidr = "0.0.0.0/0"}),
            "demo-masters:ingress:IPv4:tcp:6443-6443:cidr=0.0.0.0/0");
  EXPECT_EQ(rule_name("demo-nodes", RuleSpec{.direction = "egress", .ethertype = "IPv6"}),
            "demo-nodes:egress:IPv6:any:all:any");
  auto spec = reference_spec(1, 0);
  spec.bastion.count = 0;
  auto model = model::build_model(spec);
  ASSERT_TRUE(model);
  auto p = security_groups(spec, *model);
  ASSERT_TRUE(p);
  auto resources = security_group_resources(*p);
  int egress = 0;
  for (const auto& r : resources) {
    if (r.key.kind == Kind::security_group_rule && r.props.at("direction") == "egress") ++egress;
    if (r.key.kind == Kind::security_group_rule) {
      EXPECT_EQ(r.props.at("security_group_id"), ref(r.depends_on.front()));
    }
  }
  EXPECT_EQ(egress, 2 * static_cast<int>(p->groups.size()));
  EXPECT_TRUE(p->bastion.empty());
}

}  // namespace
}  // namespace kstack::reconcile
