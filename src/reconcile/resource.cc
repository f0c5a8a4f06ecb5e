#include "reconcile/resource.h"

#include <fmt/format.h>

#include <charconv>
#include <limits>

#include "util/text.h"

namespace kstack::reconcile {

const std::string& prop(const Props& props, const std::string& name) {
  static const std::string none;
  auto it = props.find(name);
  return it == props.end() ? none : it->second;
}

namespace {

// The decimal number `text` holds, or nothing.
std::optional<long> parse_long(std::string_view text) {
  long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

long prop_number(const Props& props, const std::string& name) { return parse_long(prop(props, name)).value_or(0); }

int int_or_zero(std::string_view text) {
  const long value = parse_long(text).value_or(0);
  return value < std::numeric_limits<int>::min() || value > std::numeric_limits<int>::max() ? 0
                                                                                            : static_cast<int>(value);
}

int prop_int(const Props& props, const std::string& name) { return int_or_zero(prop(props, name)); }

std::string Key::to_string() const { return fmt::format("{}.{}", kind_name(kind), name); }

std::vector<const ObservedResource*> ObservedState::find(const Key& key) const {
  std::vector<const ObservedResource*> out;
  for (const auto& r : resources) {
    if (r.key == key) out.push_back(&r);
  }
  return out;
}

std::string ref(const Key& key, std::string_view attribute) {
  if (attribute.empty()) return fmt::format("ref:{}/{}", kind_name(key.kind), key.name);
  return fmt::format("ref:{}/{}#{}", kind_name(key.kind), key.name, attribute);
}

std::optional<Ref> parse_ref(std::string_view value) {
  constexpr std::string_view prefix = "ref:";
  if (!value.starts_with(prefix)) return std::nullopt;
  value.remove_prefix(prefix.size());
  auto slash = value.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto kind = parse_kind(value.substr(0, slash));
  if (!kind) return std::nullopt;
  auto rest = value.substr(slash + 1);
  Ref out;
  out.key.kind = *kind;
  auto hash = rest.find('#');
  if (hash == std::string_view::npos) {
    out.key.name = std::string(rest);
  } else {
    out.key.name = std::string(rest.substr(0, hash));
    out.attribute = std::string(rest.substr(hash + 1));
  }
  if (out.key.name.empty()) return std::nullopt;
  return out;
}

std::expected<std::string, Ref> resolve_refs(const std::string& value, const RefLookup& lookup) {
  if (value.find("ref:") == std::string::npos) return value;
  std::vector<std::string> items = split(value);
  for (auto& item : items) {
    auto r = parse_ref(item);
    if (!r) continue;
    auto resolved = lookup(*r);
    if (!resolved || resolved->empty()) return std::unexpected(*r);
    item = std::move(*resolved);
  }
  return join(items);
}

}  // namespace kstack::reconcile
