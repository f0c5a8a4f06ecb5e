#include "openstack/json_util.h"

#include <gtest/gtest.h>

namespace kstack::openstack {
namespace {

using nlohmann::json;

TEST(JsonUtil, NumReadsNumbersAndNumericStringsAndNeverThrows) {
  const json j = {{"n", 42},         {"s", "17"},  {"junk", "12abc"}, {"huge", "99999999999999999999999"},
                  {"null", nullptr}, {"neg", "-3"}};
  EXPECT_EQ(num(j, "n"), 42);
  EXPECT_EQ(num(j, "s"), 17);
  EXPECT_EQ(num(j, "neg"), -3);
  EXPECT_EQ(num(j, "junk"), 0);
  EXPECT_EQ(num(j, "huge"), 0);
  EXPECT_EQ(num(j, "null"), 0);
  EXPECT_EQ(num(j, "missing"), 0);
  EXPECT_EQ(num(json::array(), "n"), 0);
}

TEST(JsonUtil, StrAndStringsTolerateMissingAndNull) {
  const json j = {{"a", "x"}, {"null", nullptr}, {"list", {"p", "q"}}};
  EXPECT_EQ(str(j, "a"), "x");
  EXPECT_EQ(str(j, "null"), "");
  EXPECT_EQ(str(j, "missing"), "");
  EXPECT_EQ(strings(j, "list"), (std::vector<std::string>{"p", "q"}));
  EXPECT_TRUE(strings(j, "missing").empty());
}

}  // namespace
}  // namespace kstack::openstack
