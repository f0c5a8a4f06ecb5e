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

TEST(Text, ShellQuoteSurvivesSingleQuotes) {
  EXPECT_EQ(shell_quote("plain"), "'plain'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
}

TEST(Text, YamlQuoteEscapes) { EXPECT_EQ(yaml_quote("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\""); }

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
}  // namespace kstack::bootstrap
