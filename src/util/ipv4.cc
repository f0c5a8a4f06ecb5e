#include "util/ipv4.h"

#include <fmt/format.h>

#include <charconv>

namespace kstack {
namespace {

// A decimal number without sign or leading zeros, at most `max`.
std::optional<unsigned> parse_decimal(std::string_view text, unsigned max) {
  if (text.empty() || text.size() > 3) return std::nullopt;
  if (text.size() > 1 && text[0] == '0') return std::nullopt;
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value > max) return std::nullopt;
  return value;
}

}  // namespace

std::optional<Ipv4> Ipv4::parse(std::string_view text) {
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) {
    auto dot = text.find('.');
    if ((i < 3) == (dot == std::string_view::npos)) return std::nullopt;
    auto octet = parse_decimal(text.substr(0, dot), 255);
    if (!octet) return std::nullopt;
    value = (value << 8) | *octet;
    text = i < 3 ? text.substr(dot + 1) : std::string_view{};
  }
  return Ipv4{value};
}

std::string Ipv4::to_string() const {
  return fmt::format("{}.{}.{}.{}", value >> 24, (value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff);
}

std::optional<Cidr> Cidr::parse(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto address = Ipv4::parse(text.substr(0, slash));
  auto prefix = parse_decimal(text.substr(slash + 1), 32);
  if (!address || !prefix) return std::nullopt;
  return Cidr{*address, static_cast<int>(*prefix)};
}

bool Cidr::is_network() const { return (address.value & ~mask()) == 0; }

bool Cidr::overlaps(const Cidr& other) const {
  // Two networks overlap exactly when the shorter prefix's mask makes them equal.
  uint32_t m = prefix < other.prefix ? mask() : other.mask();
  return (address.value & m) == (other.address.value & m);
}

bool Cidr::is_private() const {
  static const Cidr kPrivate[] = {{{0x0A000000}, 8}, {{0xAC100000}, 12}, {{0xC0A80000}, 16}};
  for (const auto& range : kPrivate) {
    if (prefix >= range.prefix && range.contains(address)) return true;
  }
  return false;
}

std::string Cidr::to_string() const { return fmt::format("{}/{}", address.to_string(), prefix); }

Result<Ipv4> parse_address(std::string_view text) {
  auto address = Ipv4::parse(text);
  if (!address) return fail(fmt::format("'{}' is not an IPv4 address", text));
  return *address;
}

Result<Cidr> parse_network(std::string_view text) {
  auto cidr = Cidr::parse(text);
  if (!cidr) return fail(fmt::format("'{}' is not a CIDR (address/prefix, prefix 0-32)", text));
  if (!cidr->is_network()) return fail(fmt::format("'{}' has host bits set", text));
  return *cidr;
}

bool is_documentation_address(std::string_view text) {
  auto address = Ipv4::parse(text);
  if (!address) return false;
  for (const char* net : {"192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"}) {
    if (Cidr::parse(net)->contains(*address)) return true;
  }
  return false;
}

}  // namespace kstack
