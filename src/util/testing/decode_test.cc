#include "util/testing/decode.h"

#include <gtest/gtest.h>

#include "util/text.h"

namespace kstack::testing {
namespace {

TEST(Decode, Base64RoundTripsEveryPadding) {
  for (const std::string text : {"", "a", "ab", "abc", "abcd", "secret=with/slashes+plus"}) {
    EXPECT_EQ(decode_base64(base64(text)), text);
  }
  EXPECT_EQ(decode_base64("not base64!"), "");
}

TEST(Decode, PlainTextIsNotGzip) { EXPECT_EQ(gunzip_if_gzipped("#cloud-config\n"), "#cloud-config\n"); }

}  // namespace
}  // namespace kstack::testing
