#include "model/ipv4.h"

#include <fmt/format.h>

#include <charconv>

namespace kstack::model {

namespace {
uint32_t netmask(int prefix) { return prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix); }
}  // namespace

bool Ipv4Cidr::contains(uint32_t address) const { return (address & netmask(prefix)) == base; }

Result<uint32_t> parse_ipv4(std::string_view text) {
  uint32_t out = 0;
  std::string_view rest = text;
  for (int octet = 0; octet < 4; ++octet) {
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
    const size_t used = static_cast<size_t>(ptr - rest.data());
    if (ec != std::errc{} || used == 0 || used > 3 || value > 255) {
      return fail(fmt::format("'{}' is not an IPv4 address", text));
    }
    out = (out << 8) | value;
    rest.remove_prefix(used);
    if (octet < 3) {
      if (rest.empty() || rest.front() != '.') return fail(fmt::format("'{}' is not an IPv4 address", text));
      rest.remove_prefix(1);
    }
  }
  if (!rest.empty()) return fail(fmt::format("'{}' is not an IPv4 address", text));
  return out;
}

Result<Ipv4Cidr> parse_cidr(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return fail(fmt::format("'{}' is not a CIDR (address/prefix)", text));
  auto address = parse_ipv4(text.substr(0, slash));
  if (!address) return fail(fmt::format("'{}' is not a CIDR: {}", text, address.error().what));
  const std::string_view prefix_text = text.substr(slash + 1);
  int prefix = -1;
  auto [ptr, ec] = std::from_chars(prefix_text.data(), prefix_text.data() + prefix_text.size(), prefix);
  if (ec != std::errc{} || ptr != prefix_text.data() + prefix_text.size() || prefix < 0 || prefix > 32) {
    return fail(fmt::format("'{}' has no valid prefix length (0-32)", text));
  }
  Ipv4Cidr cidr{*address, prefix};
  if ((*address & ~netmask(prefix)) != 0) {
    return fail(fmt::format("'{}' has host bits set", text));
  }
  return cidr;
}

std::string format_ipv4(uint32_t a) {
  return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

bool is_documentation_address(std::string_view text) {
  auto address = parse_ipv4(text);
  if (!address) return false;
  for (const char* net : {"192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"}) {
    if (parse_cidr(net)->contains(*address)) return true;
  }
  return false;
}

}  // namespace kstack::model
