#pragma once

#include <ctime>
#include <nlohmann/json.hpp>
#include <string>

namespace kstack::cli {

/// Json is every JSON document kstack prints: keys stay in the order they were added.
using Json = nlohmann::ordered_json;

/// A new document: {"format_version": 1, "ok": ok}; the conventions are in docs/cli-output.md.
Json json_document(bool ok);

/// The document as printed: two-space indented, one trailing newline.
std::string json_text(const Json& doc);

/// A time as RFC 3339 in UTC: "2026-03-01T12:00:00Z".
std::string rfc3339_utc(std::time_t t);

}  // namespace kstack::cli
