#include "model/ipv4.h"

#include <gtest/gtest.h>

namespace kstack::model {
namespace {

TEST(Ipv4, ParsesAndFormatsRoundTrip) {
  auto a = parse_ipv4("10.0.1.254");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(*a, (10u << 24) | (1u << 8) | 254u);
  EXPECT_EQ(format_ipv4(*a), "10.0.1.254");
}

TEST(Ipv4, RejectsMalformedAddresses) {
  for (const char* bad : {"10.0.0", "10.0.0.256", "10.0.0.1.2", "a.b.c.d", "", "10..0.1", "1000.0.0.1"}) {
    EXPECT_FALSE(parse_ipv4(bad).has_value()) << bad;
  }
}

TEST(Ipv4, ParsesCidrAndChecksHostBits) {
  auto cidr = parse_cidr("10.0.0.0/16");
  ASSERT_TRUE(cidr.has_value());
  EXPECT_EQ(cidr->size(), 65536u);
  EXPECT_TRUE(cidr->contains(*parse_ipv4("10.0.255.1")));
  EXPECT_FALSE(cidr->contains(*parse_ipv4("10.1.0.1")));
  EXPECT_FALSE(parse_cidr("10.0.0.1/16").has_value());
  EXPECT_FALSE(parse_cidr("10.0.0.0/33").has_value());
  EXPECT_FALSE(parse_cidr("10.0.0.0").has_value());
  auto all = parse_cidr("0.0.0.0/0");
  ASSERT_TRUE(all.has_value());
  EXPECT_TRUE(all->contains(*parse_ipv4("169.254.169.254")));
}

TEST(Ipv4, DocumentationAddressesAreKnown) {
  EXPECT_TRUE(is_documentation_address("203.0.113.57"));
  EXPECT_TRUE(is_documentation_address("192.0.2.1"));
  EXPECT_TRUE(is_documentation_address("198.51.100.255"));
  EXPECT_FALSE(is_documentation_address("203.0.114.1"));
  EXPECT_FALSE(is_documentation_address("10.0.0.5"));
  EXPECT_FALSE(is_documentation_address("not-an-address"));
}

}  // namespace

}  // namespace kstack::model
