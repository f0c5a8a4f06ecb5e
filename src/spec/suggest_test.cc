#include "spec/suggest.h"

#include <gtest/gtest.h>

#include <array>

namespace kstack::spec {
namespace {

TEST(EditDistance, CountsEdits) {
  EXPECT_EQ(edit_distance("", ""), 0);
  EXPECT_EQ(edit_distance("abc", ""), 3);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3);
  EXPECT_EQ(edit_distance("count", "conut"), 1);  // a swap of neighbours is one edit
  EXPECT_EQ(edit_distance("masters", "masters"), 0);
}

TEST(Closest, SuggestsPlausibleTypos) {
  constexpr std::array<std::string_view, 4> kPools = {"masters", "workers", "bastion", "etcd"};
  EXPECT_EQ(closest("master", kPools), "masters");
  EXPECT_EQ(closest("wokrers", kPools), "workers");
  EXPECT_EQ(closest("bastoin", kPools), "bastion");
  EXPECT_EQ(closest("zzzzzzzz", kPools), "");
  EXPECT_EQ(closest("x", kPools), "");
}

}  // namespace
}  // namespace kstack::spec
