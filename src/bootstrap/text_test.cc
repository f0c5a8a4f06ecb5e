#include "bootstrap/text.h"

#include <gtest/gtest.h>

namespace kstack::bootstrap {
namespace {

TEST(Text, SubstituteReplacesEveryKnownPlaceholderAndKeepsOtherAts) {
  EXPECT_EQ(substitute("a @X@ b @Y@ @X@", {{"X", "1"}, {"Y", "2"}}), "a 1 b 2 1");
  EXPECT_EQ(substitute("mail root@example.org @X@", {{"X", "v"}}), "mail root@example.org v");
  EXPECT_EQ(substitute("no placeholders", {}), "no placeholders");
  EXPECT_EQ(substitute("@UNKNOWN@ stays", {{"X", "v"}}), "@UNKNOWN@ stays");
}

TEST(Text, IndentSkipsEmptyLines) { EXPECT_EQ(indent("a\n\nb\n", 2), "  a\n\n  b\n"); }

}  // namespace
}  // namespace kstack::bootstrap
