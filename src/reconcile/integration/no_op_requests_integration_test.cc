// What an unchanged cluster costs on the dev cloud's wire: a plan and a status each send at most 15 HTTP
// requests, the token and any version documents included, a no-op apply one more (the GET that checks the
// cluster's application credential still exists), each from a fresh process's client (a new Session), and
// the same number for 3 workers as for 50.
#include <gtest/gtest.h>

#include <cstdio>

#include "reconcile/integration/dev_cloud_cluster.h"

namespace kstack::reconcile {
namespace {

constexpr long kNoOpBudget = 15;
constexpr long kNoOpApplyBudget = kNoOpBudget + 1;  // and the credential's check

/// NoOpCost is what each read-only command sent on the wire for one size of the cluster.
struct NoOpCost {
  long apply = 0;
  long plan = 0;
  long status = 0;
};

class NoOpRequests : public DevCloudCluster {
 protected:
  void SetUp() override {
    DevCloudCluster::SetUp();
    name_ = "h3-" + name_;  // this work's clusters on the shared dev cloud
  }

  /// Applies `spec` until it holds, with `parallelism` calls at once.
  void converge(const std::string& spec, int parallelism) {
    auto s = open(spec);
    ASSERT_TRUE(s);
    auto exec = fast();
    exec.parallelism = parallelism;
    auto made = s->apply({}, exec, nullptr);
    ASSERT_TRUE(made) << made.error().to_string();
    for (const auto& e : made->result.errors) ADD_FAILURE() << e.to_string();
    ASSERT_TRUE(made->result.ok());
  }

  /// The requests `s` sent; fails the test when they exceed the budget or changed anything.
  long wire(Session& s, const std::string& what, long budget = kNoOpBudget) {
    const auto c = s.client().requests();
    const long sent = s.client().transport().requests_sent();
    std::printf("%s: %ld requests (auth %ld, discovery %ld, list %ld, other %ld)\n", what.c_str(), sent, c.auth,
                c.discovery, c.reads, c.writes);
    EXPECT_LE(sent, budget) << what;
    EXPECT_EQ(c.writes, 0) << what << " changed something";
    return sent;
  }

  /// A no-op apply, a plan and a status of the unchanged cluster `spec`, each from a fresh session.
  NoOpCost measure(const std::string& spec, const std::string& size) {
    NoOpCost cost;
    {  // kstack apply
      auto s = open(spec);
      EXPECT_TRUE(s);
      if (!s) return cost;
      auto noop = s->apply({}, fast(), nullptr);
      EXPECT_TRUE(noop) << noop.error().to_string();
      if (noop) {
        EXPECT_TRUE(noop->plan.empty()) << size;
      }
      cost.apply = wire(*s, size + ", no-op apply", kNoOpApplyBudget);
    }
    {  // kstack plan: observe, then the desired resources
      auto s = open(spec);
      EXPECT_TRUE(s);
      if (!s) return cost;
      auto plan = plan_now(*s);
      EXPECT_TRUE(plan) << plan.error().to_string();
      if (plan) {
        EXPECT_TRUE(plan->empty()) << size;
      }
      cost.plan = wire(*s, size + ", plan");
    }
    {  // kstack status: what Kubernetes made too
      auto s = open(spec);
      EXPECT_TRUE(s);
      if (!s) return cost;
      auto observed = observe(s->cloud(), /*include_kubernetes=*/true);
      EXPECT_TRUE(observed) << observed.error().to_string();
      if (observed) {
        auto want = s->desired(*observed);
        EXPECT_TRUE(want) << want.error().to_string();
      }
      cost.status = wire(*s, size + ", status");
    }
    return cost;
  }
};

TEST_F(NoOpRequests, ApplyPlanAndStatusStayWithinBudgetAtThreeAndFiftyWorkers) {
  converge(write_spec(3, 3), 2);
  const NoOpCost three = measure(spec_path_, "3 workers");

  // The same cluster grown to 50 workers: every list is longer, none is sent twice.
  converge(write_spec(3, 50), 4);
  const NoOpCost fifty = measure(spec_path_, "50 workers");
  EXPECT_EQ(fifty.apply, three.apply) << "a no-op apply's requests grow with the workers";
  EXPECT_EQ(fifty.plan, three.plan) << "a plan's requests grow with the workers";
  EXPECT_EQ(fifty.status, three.status) << "a status's requests grow with the workers";

  auto s = open(spec_path_);
  ASSERT_TRUE(s);
  destroy_and_prove_empty(*s);
}

}  // namespace
}  // namespace kstack::reconcile
