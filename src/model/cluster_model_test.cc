#include "model/cluster_model.h"

#include <gtest/gtest.h>

#include <set>

namespace kstack::model {
namespace {

spec::ClusterSpec reference_spec() {
  spec::ClusterSpec spec;
  spec.name = "demo";
  spec.masters.count = 3;
  spec.masters.volume_size_gb = 25;
  spec.workers.count = 2;
  spec.workers.volume_size_gb = 50;
  spec.bastion.count = 1;
  return spec;
}

TEST(ClusterModel, NamesAndAddressesFollowTheScheme) {
  auto model = build_model(reference_spec());
  ASSERT_TRUE(model.has_value()) << model.error().to_string();
  ASSERT_EQ(model->nodes.size(), 6u);
  EXPECT_EQ(model->nodes[0].name, "demo-bastion");
  EXPECT_EQ(model->nodes[0].ip, "10.0.0.6");
  EXPECT_EQ(model->nodes[1].name, "demo-master-1");
  EXPECT_EQ(model->nodes[1].ip, "10.0.0.11");
  EXPECT_EQ(model->nodes[3].ip, "10.0.0.13");
  EXPECT_EQ(model->nodes[4].name, "demo-worker-1");
  EXPECT_EQ(model->nodes[4].ip, "10.0.0.100");
  EXPECT_EQ(model->nodes[4].volume_size_gb, 50);
  EXPECT_EQ(model->nodes[0].volume_size_gb, 0);
  EXPECT_EQ(model->api_vip, "10.0.0.5");
  EXPECT_EQ(model->api_address, "10.0.0.5");
  EXPECT_EQ(model->gateway_ip, "10.0.0.1");
  EXPECT_EQ(model->dynamic_pool_start, "10.0.128.0");
  EXPECT_EQ(model->dynamic_pool_end, "10.0.255.254");
  EXPECT_EQ(model->kubernetes_service_ip, "10.96.0.1");
  EXPECT_EQ(model->cluster_dns_ip, "10.96.0.10");
  EXPECT_EQ(model->etcd_members().size(), 3u);
  EXPECT_EQ(model->kubelet_nodes().size(), 5u);
  EXPECT_EQ(model->find("demo-worker-2")->ip, "10.0.0.101");
  EXPECT_EQ(model->find("demo-worker-3"), nullptr);
}

TEST(ClusterModel, AddingOrRemovingWorkersMovesNoExistingAddress) {
  auto spec = reference_spec();
  auto before = build_model(spec);
  spec.workers.count = 40;
  auto after = build_model(spec);
  spec.workers.count = 1;
  auto fewer = build_model(spec);
  ASSERT_TRUE(before && after && fewer);
  for (const auto& node : before->nodes) {
    const Node* same = after->find(node.name);
    ASSERT_NE(same, nullptr) << node.name;
    EXPECT_EQ(same->ip, node.ip) << node.name;
    if (const Node* kept = fewer->find(node.name)) {
      EXPECT_EQ(kept->ip, node.ip);
    }
  }
  EXPECT_EQ(fewer->find("demo-worker-2"), nullptr);
}

TEST(ClusterModel, EveryAddressIsUniqueAndOutsideTheDynamicPool) {
  auto spec = reference_spec();
  spec.network.cidr = "192.168.10.0/24";
  spec.workers.count = 28;
  spec.etcd_placement = spec::EtcdPlacement::dedicated;
  spec.etcd.count = 5;
  auto model = build_model(spec);
  ASSERT_TRUE(model.has_value()) << model.error().to_string();
  std::set<std::string> seen{model->gateway_ip, model->api_vip};
  for (const auto& node : model->nodes) EXPECT_TRUE(seen.insert(node.ip).second) << node.ip;
  EXPECT_EQ(model->find("demo-worker-28")->ip, "192.168.10.127");
  EXPECT_EQ(model->dynamic_pool_start, "192.168.10.128");
  EXPECT_EQ(model->find("demo-etcd-5")->ip, "192.168.10.25");
  EXPECT_EQ(model->etcd_members().front()->name, "demo-etcd-1");
  EXPECT_EQ(model->find("demo-etcd-1")->volume_size_gb, 0);
}

TEST(ClusterModel, RejectsASubnetTooSmallForTheWorkers) {
  auto spec = reference_spec();
  spec.network.cidr = "192.168.10.0/24";
  spec.workers.count = 29;
  auto model = build_model(spec);
  ASSERT_FALSE(model.has_value());
  EXPECT_EQ(model.error().where, "workers.count");
  spec.network.cidr = "192.168.10.0/25";
  EXPECT_FALSE(build_model(spec).has_value());
  spec.network.cidr = "192.168.10.7/24";
  EXPECT_EQ(build_model(spec).error().where, "network.cidr");
}

TEST(ClusterModel, WithoutALoadBalancerTheApiIsTheFirstMaster) {
  auto spec = reference_spec();
  spec.masters.count = 1;
  spec.api_load_balancer.enabled = false;
  spec.bastion.count = 0;
  auto model = build_model(spec);
  ASSERT_TRUE(model.has_value());
  EXPECT_TRUE(model->api_vip.empty());
  EXPECT_EQ(model->api_address, "10.0.0.11");
}

}  // namespace
}  // namespace kstack::model
