// kstack's main job against the dev cloud (devcloud/): apply the reference HA cluster, plan nothing
// after it, apply again without a change, destroy, and prove by listing every kind that nothing is left.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "reconcile/integration/dev_cloud_cluster.h"

namespace kstack::reconcile {
namespace {

TEST_F(DevCloudCluster, ApplyHaThenPlanIsEmptyNoOpApplyThenDestroyLeavesNothing) {
  auto spec = write_spec(3, 3);
  auto s = open(spec);
  ASSERT_TRUE(s);
  auto first = s->apply({}, fast(), nullptr);
  ASSERT_TRUE(first) << first.error().to_string();
  for (const auto& e : first->result.errors) ADD_FAILURE() << e.to_string();
  EXPECT_TRUE(first->result.ok());
  EXPECT_GT(first->result.created, 40);

  auto observed = observe(s->cloud());
  ASSERT_TRUE(observed);
  auto desired = s->desired(*observed);
  ASSERT_TRUE(desired) << desired.error().to_string();
  auto plan = make_plan(*desired, *observed);
  ASSERT_TRUE(plan);
  for (const auto& a : plan->actions) ADD_FAILURE() << "after apply: " << op_name(a.op) << " " << a.key.to_string();
  EXPECT_EQ(observed->resources.size(), desired->size());

  auto again = s->apply({}, fast(), nullptr);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->result.created + again->result.updated + again->result.deleted, 0);
  EXPECT_EQ(again->api_calls_observe, static_cast<int>(all_kinds().size()));

  destroy_and_prove_empty(*s);
}

TEST_F(DevCloudCluster, PreflightNamesMissingImageAndFlavorAndCreatesNothing) {
  auto spec_path = write_spec(1, 1);
  std::string yaml = read_file(spec_path);
  yaml = std::regex_replace(yaml, std::regex("image: ubuntu-22.04"), "image: no-such-image");
  yaml = std::regex_replace(yaml, std::regex("flavor: \\{vcpus: 6, ram_mb: 16384, disk_gb: 40\\}"),
                            "flavor: {vcpus: 64, ram_mb: 16384, disk_gb: 40}");
  std::ofstream(spec_path) << yaml;
  auto s = open(spec_path);
  ASSERT_TRUE(s);
  auto outcome = s->apply({}, fast(), nullptr);
  ASSERT_FALSE(outcome);
  const auto text = outcome.error().to_string();
  EXPECT_NE(text.find("image no-such-image"), std::string::npos) << text;
  EXPECT_NE(text.find("flavor for the worker nodes"), std::string::npos) << text;
  auto observed = observe(s->cloud(), true);
  ASSERT_TRUE(observed);
  EXPECT_TRUE(observed->resources.empty());
}

}  // namespace
}  // namespace kstack::reconcile
