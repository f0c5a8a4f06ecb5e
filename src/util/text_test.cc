#include "util/text.h"

#include <gtest/gtest.h>

namespace kstack {
namespace {

TEST(Text, JoinPutsTheSeparatorBetweenItemsOnly) {
  EXPECT_EQ(join({}), "");
  EXPECT_EQ(join({"a"}), "a");
  EXPECT_EQ(join({"a", "b", "c"}), "a,b,c");
  EXPECT_EQ(join({"a", "b"}, ", "), "a, b");
}

TEST(Text, SplitIsJoinsInverseAndEmptyTextHasNoPieces) {
  EXPECT_TRUE(split("").empty());
  EXPECT_EQ(split("a"), std::vector<std::string>{"a"});
  EXPECT_EQ(split("a,,b"), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(split("a:b", ':'), (std::vector<std::string>{"a", "b"}));
  const std::vector<std::string> items = {"10.0.0.0/8", "", "x"};
  EXPECT_EQ(split(join(items)), items);
}

TEST(Text, ShellQuoteSurvivesSingleQuotes) {
  EXPECT_EQ(shell_quote("plain"), "'plain'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote(""), "''");
}

TEST(Text, YamlQuoteEscapes) {
  EXPECT_EQ(yaml_quote("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
  EXPECT_EQ(yaml_quote("system:node:x #1"), "\"system:node:x #1\"");
  EXPECT_EQ(yaml_quote(std::string("\x01", 1)), "\"\\u0001\"");
}

TEST(Text, Base64MatchesRfc4648Vectors) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("f"), "Zg==");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_EQ(base64("foo"), "Zm9v");
  EXPECT_EQ(base64("foob"), "Zm9vYg==");
  EXPECT_EQ(base64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64(std::string("\xff\x00\x10", 3)), "/wAQ");
}

}  // namespace
}  // namespace kstack
