#include "openstack/redact.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <nlohmann/json.hpp>

namespace kstack::openstack {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool is_secret_key(std::string_view key) {
  static constexpr std::array<std::string_view, 9> kKeys = {
      "password",  "secret",         "user_data",
      "adminpass", "admin_password", "private_key",
      "token_id",  "auth_token",     "application_credential_secret"};
  const std::string k = lower(key);
  return std::find(kKeys.begin(), kKeys.end(), k) != kKeys.end();
}

void mask(nlohmann::json& j, bool inside_token) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      // Keystone's token auth sends {"token": {"id": "<the token>"}}.
      const bool scalar = !it.value().is_object() && !it.value().is_array();
      // Keystone's {"password": {"user": ...}} is a container: only its leaves are secret.
      if ((is_secret_key(it.key()) && scalar) || (inside_token && it.key() == "id" && it.value().is_string())) {
        it.value() = kMasked;
      } else {
        mask(it.value(), it.key() == "token");
      }
    }
  } else if (j.is_array()) {
    for (auto& v : j) mask(v, false);
  }
}

}  // namespace

bool is_secret_header(std::string_view name) {
  const std::string n = lower(name);
  return n == "x-auth-token" || n == "x-subject-token" || n == "authorization" || n == "x-service-token" ||
         n == "cookie" || n == "set-cookie";
}

std::string redact_body(std::string_view body) {
  if (body.empty()) return {};
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return fmt::format("<{} bytes, not JSON, not shown>", body.size());
  mask(j, false);
  return j.dump();
}

std::string redact_url(std::string_view url) {
  const auto q = url.find('?');
  if (q == std::string_view::npos) return std::string(url);
  std::string out(url.substr(0, q + 1));
  std::string_view rest = url.substr(q + 1);
  bool first = true;
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    std::string_view part = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (!first) out += '&';
    first = false;
    const auto eq = part.find('=');
    if (eq != std::string_view::npos && is_secret_key(part.substr(0, eq))) {
      out += std::string(part.substr(0, eq + 1)) + std::string(kMasked);
    } else {
      out += part;
    }
  }
  return out;
}

}  // namespace kstack::openstack
