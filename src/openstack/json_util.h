#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "util/error.h"

namespace kstack::openstack {

/// A string field, or "" when it is missing or null (OpenStack sends null for many unset fields).
std::string str(const nlohmann::json& j, const char* key);
/// An integer field, or 0 when it is missing, null or not a number (numeric strings are read).
long long num(const nlohmann::json& j, const char* key);
/// A boolean field, or `fallback`.
bool flag(const nlohmann::json& j, const char* key, bool fallback = false);
/// A list of strings, [] when missing.
std::vector<std::string> strings(const nlohmann::json& j, const char* key);
/// A string → string map (non-string values are dumped as JSON), {} when missing.
std::map<std::string, std::string> string_map(const nlohmann::json& j, const char* key);

/// Treats "already gone" as success for a delete: 404 is what a repeated DELETE answers.
[[nodiscard]] inline Result<void> deleted(const Result<nlohmann::json>& r) {
  if (r || r.error().http_status == 404) return {};
  return std::unexpected(r.error());
}

}  // namespace kstack::openstack
