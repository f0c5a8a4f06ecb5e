// Small text helpers every module shares: lists, quoting for shells and YAML, base64.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kstack {

/// The items with `separator` between them.
std::string join(const std::vector<std::string>& items, std::string_view separator = ",");

/// The pieces of `text` between `separator`s; empty text has none (not one empty piece).
std::vector<std::string> split(std::string_view text, char separator = ',');

/// A single-quoted shell word: safe for any value.
std::string shell_quote(std::string_view value);

/// A double-quoted YAML (and JSON) string: safe for any value, control characters escaped.
std::string yaml_quote(std::string_view value);

/// Standard base64, without line breaks.
std::string base64(std::string_view bytes);

}  // namespace kstack
