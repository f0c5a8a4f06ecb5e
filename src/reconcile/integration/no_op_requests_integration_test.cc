// What an unchanged cluster costs on the dev cloud's wire: a no-op apply, a plan and a status each send
// at most 15 HTTP requests, the token and any version documents included, each from a fresh process's
// client (a new Session).
#include <gtest/gtest.h>

#include "reconcile/integration/dev_cloud_cluster.h"

namespace kstack::reconcile {
namespace {

constexpr long kNoOpBudget = 15;

class NoOpRequests : public DevCloudCluster {
 protected:
  void SetUp() override {
    DevCloudCluster::SetUp();
    name_ = "h3-" + name_;  // this work's clusters on the shared dev cloud
  }

  /// Fails the test when `what` sent more than the budget; prints the count by purpose.
  void expect_within_budget(Session& s, const std::string& what) {
    const auto c = s.client().requests();
    const long wire = s.client().transport().requests_sent();
    std::printf("%s: %ld requests (auth %ld, discovery %ld, list %ld, other %ld)\n", what.c_str(), wire, c.auth,
                c.discovery, c.reads, c.writes);
    EXPECT_LE(wire, kNoOpBudget) << what;
    EXPECT_EQ(c.writes, 0) << what << " changed something";
  }
};

TEST_F(NoOpRequests, ApplyPlanAndStatusOfAnUnchangedClusterStayWithinFifteen) {
  const auto spec = write_spec(3, 3);
  {
    auto s = open(spec);
    ASSERT_TRUE(s);
    auto made = s->apply({}, fast(), nullptr);
    ASSERT_TRUE(made) << made.error().to_string();
    ASSERT_TRUE(made->result.ok());
  }
  {  // kstack apply
    auto s = open(spec);
    ASSERT_TRUE(s);
    auto noop = s->apply({}, fast(), nullptr);
    ASSERT_TRUE(noop) << noop.error().to_string();
    EXPECT_TRUE(noop->plan.empty());
    expect_within_budget(*s, "no-op apply");
  }
  {  // kstack plan: observe, then the desired resources
    auto s = open(spec);
    ASSERT_TRUE(s);
    auto plan = plan_now(*s);
    ASSERT_TRUE(plan) << plan.error().to_string();
    EXPECT_TRUE(plan->empty());
    expect_within_budget(*s, "plan");
  }
  {  // kstack status: what Kubernetes made too
    auto s = open(spec);
    ASSERT_TRUE(s);
    auto observed = observe(s->cloud(), /*include_kubernetes=*/true);
    ASSERT_TRUE(observed) << observed.error().to_string();
    auto want = s->desired(*observed);
    ASSERT_TRUE(want) << want.error().to_string();
    expect_within_budget(*s, "status");
  }
  auto s = open(spec);
  ASSERT_TRUE(s);
  destroy_and_prove_empty(*s);
}

}  // namespace
}  // namespace kstack::reconcile
