#include "util/error.h"

#include <gtest/gtest.h>

namespace kstack {
namespace {

TEST(Error, ToStringNamesPlaceStatusRequestAndHint) {
  Error e{"quota exceeded for cores",
          "server demo-master-1",
          "raise the cores quota or use a smaller flavor",
          "compute",
          403,
          "req-1234"};
  EXPECT_EQ(e.to_string(),
            "server demo-master-1: quota exceeded for cores (compute HTTP 403, request req-1234)\n"
            "  hint: raise the cores quota or use a smaller flavor");
}

TEST(Error, ToStringWithoutCloudDetailsIsOneLine) {
  Error e{.what = "bad value", .where = "cluster.yaml:3:7"};
  EXPECT_EQ(e.to_string(), "cluster.yaml:3:7: bad value");
}

TEST(Error, FailBuildsUnexpected) {
  Result<int> r = fail("nope", "x");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().what, "nope");
  EXPECT_EQ(r.error().where, "x");
}

}  // namespace
}  // namespace kstack
