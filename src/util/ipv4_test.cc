#include "util/ipv4.h"

#include <gtest/gtest.h>

namespace kstack {
namespace {

TEST(Ipv4, ParsesDottedQuads) {
  ASSERT_TRUE(Ipv4::parse("10.0.0.1"));
  EXPECT_EQ(Ipv4::parse("10.0.0.1")->value, 0x0A000001u);
  EXPECT_EQ(Ipv4::parse("255.255.255.255")->value, 0xFFFFFFFFu);
  EXPECT_EQ(Ipv4::parse("1.2.3.4")->to_string(), "1.2.3.4");
}

TEST(Ipv4, RejectsMalformedAddresses) {
  for (const char* bad : {"", "10.0.0", "10.0.0.0.1", "256.0.0.1", "01.0.0.1", "a.b.c.d", "10..0.1", "10.0.0.1 ",
                          "-1.0.0.0", "1.2.3.4/8"}) {
    EXPECT_FALSE(Ipv4::parse(bad)) << bad;
  }
}

TEST(Cidr, ParsesAndKnowsNetworkAddresses) {
  auto c = Cidr::parse("10.244.0.0/16");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->prefix, 16);
  EXPECT_TRUE(c->is_network());
  EXPECT_EQ(c->size(), 65536u);
  EXPECT_FALSE(Cidr::parse("10.244.0.1/16")->is_network());
  EXPECT_TRUE(Cidr::parse("0.0.0.0/0")->is_network());
  EXPECT_EQ(Cidr::parse("0.0.0.0/0")->size(), uint64_t{1} << 32);
  EXPECT_FALSE(Cidr::parse("10.0.0.0/33"));
  EXPECT_FALSE(Cidr::parse("10.0.0.0"));
  EXPECT_FALSE(Cidr::parse("10.0.0.0/"));
  EXPECT_FALSE(Cidr::parse("10.0.0.0/016"));
}

TEST(Cidr, OverlapIsSymmetricAndExact) {
  auto a = *Cidr::parse("10.0.0.0/16");
  auto b = *Cidr::parse("10.0.128.0/17");
  auto c = *Cidr::parse("10.1.0.0/16");
  auto all = *Cidr::parse("10.0.0.0/8");
  EXPECT_TRUE(a.overlaps(b));
  EXPECT_TRUE(b.overlaps(a));
  EXPECT_FALSE(a.overlaps(c));
  EXPECT_FALSE(c.overlaps(a));
  EXPECT_TRUE(all.overlaps(c));
  EXPECT_TRUE(c.overlaps(all));
}

TEST(Cidr, PrivateRanges) {
  EXPECT_TRUE(Cidr::parse("10.0.0.0/16")->is_private());
  EXPECT_TRUE(Cidr::parse("172.16.0.0/12")->is_private());
  EXPECT_TRUE(Cidr::parse("172.31.0.0/16")->is_private());
  EXPECT_TRUE(Cidr::parse("192.168.1.0/24")->is_private());
  EXPECT_FALSE(Cidr::parse("172.32.0.0/16")->is_private());
  EXPECT_FALSE(Cidr::parse("8.8.8.0/24")->is_private());
  EXPECT_FALSE(Cidr::parse("10.0.0.0/7")->is_private());
}

TEST(Cidr, ParseNetworkRefusesHostBitsWithTheText) {
  auto cidr = parse_network("10.0.0.0/16");
  ASSERT_TRUE(cidr) << cidr.error().to_string();
  EXPECT_EQ(cidr->size(), 65536u);
  EXPECT_TRUE(cidr->contains(*Ipv4::parse("10.0.255.1")));
  EXPECT_FALSE(cidr->contains(*Ipv4::parse("10.1.0.1")));
  auto host = parse_network("10.0.0.1/16");
  ASSERT_FALSE(host);
  EXPECT_EQ(host.error().what, "'10.0.0.1/16' has host bits set");
  EXPECT_FALSE(parse_network("10.0.0.0/33"));
  EXPECT_FALSE(parse_network("10.0.0.0"));
  EXPECT_TRUE(parse_network("0.0.0.0/0")->contains(*Ipv4::parse("169.254.169.254")));
  auto bad = parse_address("10.0.0");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().what, "'10.0.0' is not an IPv4 address");
  EXPECT_EQ(parse_address("10.0.1.254")->to_string(), "10.0.1.254");
}

TEST(Ipv4, DocumentationAddressesAreKnown) {
  EXPECT_TRUE(is_documentation_address("203.0.113.57"));
  EXPECT_TRUE(is_documentation_address("192.0.2.1"));
  EXPECT_TRUE(is_documentation_address("198.51.100.255"));
  EXPECT_FALSE(is_documentation_address("203.0.114.1"));
  EXPECT_FALSE(is_documentation_address("10.0.0.5"));
  EXPECT_FALSE(is_documentation_address("not an address"));
}

}  // namespace
}  // namespace kstack
