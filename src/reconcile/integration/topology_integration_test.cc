// The two smaller topologies kstack offers, on the dev cloud: a single master with a bastion, and the
// non-HA cluster (one master, two workers, no API load balancer). Each: apply, nothing left to plan,
// destroy, nothing left in the cloud.
#include <gtest/gtest.h>

#include <set>

#include "reconcile/integration/dev_cloud_cluster.h"

namespace kstack::reconcile {
namespace {

std::set<std::string> server_names(const ObservedState& observed) {
  std::set<std::string> out;
  for (const auto& r : observed.resources) {
    if (r.key.kind == Kind::server) out.insert(r.key.name);
  }
  return out;
}

int count_of(const ObservedState& observed, Kind kind) {
  int n = 0;
  for (const auto& r : observed.resources) n += r.key.kind == kind;
  return n;
}

class Topology : public DevCloudCluster {
 protected:
  // Applies the spec, checks the servers and that the cloud holds exactly the desired resources, then
  // destroys.
  void apply_plan_destroy(const std::string& spec, const std::set<std::string>& servers) {
    auto s = open(spec);
    ASSERT_TRUE(s);
    auto first = s->apply({}, fast(), nullptr);
    ASSERT_TRUE(first) << first.error().to_string();
    for (const auto& e : first->result.errors) ADD_FAILURE() << e.to_string();
    EXPECT_TRUE(first->result.ok());

    auto observed = observe(s->cloud());
    ASSERT_TRUE(observed) << observed.error().to_string();
    EXPECT_EQ(server_names(*observed), servers);
    EXPECT_EQ(count_of(*observed, Kind::load_balancer), 0) << "no API load balancer with one master";
    auto desired = s->desired(*observed);
    ASSERT_TRUE(desired) << desired.error().to_string();
    EXPECT_EQ(observed->resources.size(), desired->size());
    EXPECT_EQ(first->result.created, static_cast<int>(desired->size()));
    expect_plan_empty(*s, "after apply");

    destroy_and_prove_empty(*s);
  }
};

TEST_F(Topology, SingleMasterApplyThenPlanIsEmptyThenDestroyLeavesNothing) {
  // single.yaml as it is (1 master, 0 workers, a bastion, no load balancer): only the cloud-facing keys change.
  auto spec = write_spec({.base = "single"});
  apply_plan_destroy(spec, {name_ + "-bastion", name_ + "-master-1"});
}

TEST_F(Topology, NonHaApplyThenPlanIsEmptyThenDestroyLeavesNothing) {
  auto spec = write_spec({.base = "non-ha"});
  apply_plan_destroy(spec, {name_ + "-bastion", name_ + "-master-1", name_ + "-worker-1", name_ + "-worker-2"});
}

}  // namespace
}  // namespace kstack::reconcile
