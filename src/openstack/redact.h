#pragma once

#include <string>
#include <string_view>

namespace kstack::openstack {

/// The text that replaces every secret in logs.
inline constexpr std::string_view kMasked = "***";

/// True for headers whose value is a secret (X-Auth-Token, X-Subject-Token, Authorization, ...).
bool is_secret_header(std::string_view name);

/// A request or response body fit for a log: in JSON, every password, secret, token id, private key and
/// user_data value is masked; a body that is not JSON is shown only by its length.
std::string redact_body(std::string_view body);

/// A URL fit for a log (query values named like secrets masked).
std::string redact_url(std::string_view url);

}  // namespace kstack::openstack
