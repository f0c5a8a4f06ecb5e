#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/error.h"

namespace kstack::model {

/// Ipv4Cidr is an IPv4 network: its base address and prefix length.
struct Ipv4Cidr {
  uint32_t base = 0;  // host byte order, host bits zero
  int prefix = 0;

  /// The number of addresses in the network, network and broadcast included.
  uint64_t size() const { return uint64_t{1} << (32 - prefix); }
  bool contains(uint32_t address) const;
};

/// Parses "10.0.0.0/16"; host bits must be zero.
Result<Ipv4Cidr> parse_cidr(std::string_view text);

/// Parses a dotted quad.
Result<uint32_t> parse_ipv4(std::string_view text);

/// The dotted quad of a host-order address.
std::string format_ipv4(uint32_t address);

/// Whether `text` is an address reserved for documentation (RFC 5737: 192.0.2.0/24, 198.51.100.0/24,
/// 203.0.113.0/24). No real network routes them; a test cloud's floating IPs use them.
bool is_documentation_address(std::string_view text);

}  // namespace kstack::model
