#include "reconcile/kind.h"

#include <gtest/gtest.h>

namespace kstack::reconcile {
namespace {

TEST(Kind, NamesRoundTrip) {
  for (auto kind : all_kinds()) {
    auto parsed = parse_kind(kind_name(kind));
    ASSERT_TRUE(parsed.has_value()) << kind_name(kind);
    EXPECT_EQ(*parsed, kind);
  }
  EXPECT_FALSE(parse_kind("flavor").has_value());
  EXPECT_EQ(all_kinds().size(), 13u);
}

TEST(Kind, AsynchronousKindsHaveStatusesAndTimeouts) {
  for (auto kind : all_kinds()) {
    const auto& p = kind_policy(kind);
    if (p.async_create) {
      EXPECT_FALSE(p.ready.empty()) << kind_name(kind);
      EXPECT_FALSE(p.failed.empty()) << kind_name(kind);
      EXPECT_GT(p.timeout.count(), 0) << kind_name(kind);
    }
  }
  EXPECT_TRUE(kind_policy(Kind::server).drift.contains("user_data_sha256"));
  EXPECT_GT(kind_policy(Kind::load_balancer).timeout, kind_policy(Kind::server).timeout);
}

}  // namespace
}  // namespace kstack::reconcile
