#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kstack::spec {

/// Ipv4 is an IPv4 address as a host-order integer.
struct Ipv4 {
  uint32_t value = 0;

  /// Dotted quad, four decimal octets 0-255 without leading zeros ("10.0.0.1"); nullopt otherwise.
  static std::optional<Ipv4> parse(std::string_view text);
  std::string to_string() const;
};

/// Cidr is an IPv4 network: an address and a prefix length.
struct Cidr {
  Ipv4 address;
  int prefix = 0;

  /// "a.b.c.d/n" with 0 <= n <= 32; nullopt otherwise. Host bits may be set: see is_network().
  static std::optional<Cidr> parse(std::string_view text);

  /// True when no host bit is set ("10.0.0.0/16", not "10.0.0.1/16").
  bool is_network() const;
  uint32_t mask() const { return prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix); }
  /// Number of addresses, as a 64-bit count (a /0 holds 2^32).
  uint64_t size() const { return uint64_t{1} << (32 - prefix); }
  bool contains(Ipv4 ip) const { return (ip.value & mask()) == (address.value & mask()); }
  bool overlaps(const Cidr& other) const;
  /// True when the whole network lies in 10/8, 172.16/12 or 192.168/16.
  bool is_private() const;
  std::string to_string() const;
};

}  // namespace kstack::spec
