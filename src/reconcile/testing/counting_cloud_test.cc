#include "reconcile/testing/counting_cloud.h"

#include <gtest/gtest.h>

#include "reconcile/executor.h"
#include "reconcile/testing/fake_cloud.h"
#include "reconcile/testing/reference_cluster.h"

namespace kstack::reconcile {
namespace {

TEST(CountingCloud, CountsWhatPassesThrough) {
  FakeCloud fake({.lists_until_settled = 1});
  CountingCloud counted(fake);
  auto desired = testing::reference_resources();
  auto observed = observe(counted);
  ASSERT_TRUE(observed);
  EXPECT_EQ(counted.lists(), static_cast<int>(all_kinds().size()));
  auto plan = make_plan(desired, *observed);
  ASSERT_TRUE(plan);
  auto result = execute(*plan, *observed, counted, {.poll_interval = std::chrono::milliseconds(1)});
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(counted.creates(), static_cast<int>(desired.size()));
  EXPECT_EQ(counted.total(), fake.calls());
}

}  // namespace
}  // namespace kstack::reconcile
