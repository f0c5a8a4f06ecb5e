// IPv4 addresses and networks: the one type the spec checks, the addressing plan and the rules use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/error.h"

namespace kstack {

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

/// The address `text` names; an error naming the text when it is no dotted quad.
[[nodiscard]] Result<Ipv4> parse_address(std::string_view text);

/// The network `text` names ("10.0.0.0/16"); an error naming the text when it is no CIDR or has host
/// bits set.
[[nodiscard]] Result<Cidr> parse_network(std::string_view text);

/// Whether `text` is an address reserved for documentation (RFC 5737: 192.0.2.0/24, 198.51.100.0/24,
/// 203.0.113.0/24). No real network routes them; a test cloud's floating IPs use them.
bool is_documentation_address(std::string_view text);

}  // namespace kstack
