#include "openstack/auth.h"

#include <fmt/format.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "openstack/api_error.h"

namespace kstack::openstack {

using nlohmann::json;

std::string identity_v3_url(const std::string& auth_url) {
  std::string url = auth_url;
  while (url.ends_with("/")) url.pop_back();
  if (url.ends_with("/v3")) return url;
  if (url.ends_with("/v2.0")) url.resize(url.size() - 5);
  return url + "/v3";
}

namespace {

json domain(const std::string& id, const std::string& name) {
  if (!id.empty()) return {{"id", id}};
  return {{"name", name.empty() ? "Default" : name}};
}

json user_ref(const CloudConfig& c) {
  if (!c.user_id.empty()) return {{"id", c.user_id}};
  return {{"name", c.username}, {"domain", domain(c.user_domain_id, c.user_domain_name)}};
}

json scope(const CloudConfig& c) {
  if (!c.project_id.empty()) return {{"project", {{"id", c.project_id}}}};
  if (!c.project_name.empty()) {
    return {{"project", {{"name", c.project_name}, {"domain", domain(c.project_domain_id, c.project_domain_name)}}}};
  }
  return nullptr;
}

}  // namespace

std::string token_request_body(const CloudConfig& c) {
  json identity;
  switch (c.method) {
    case AuthMethod::password: {
      json user = user_ref(c);
      user["password"] = c.password;
      identity = {{"methods", {"password"}}, {"password", {{"user", user}}}};
      break;
    }
    case AuthMethod::token:
      identity = {{"methods", {"token"}}, {"token", {{"id", c.token}}}};
      break;
    case AuthMethod::application_credential: {
      json cred = {{"secret", c.application_credential_secret}};
      if (!c.application_credential_id.empty()) {
        cred["id"] = c.application_credential_id;
      } else {
        cred["name"] = c.application_credential_name;
        cred["user"] = user_ref(c);
      }
      identity = {{"methods", {"application_credential"}}, {"application_credential", cred}};
      break;
    }
  }
  json auth = {{"identity", identity}};
  // An application credential carries its own scope; asking for another is an error in Keystone.
  if (c.method != AuthMethod::application_credential) {
    if (auto s = scope(c); !s.is_null()) auth["scope"] = s;
  }
  return json{{"auth", auth}}.dump();
}

Result<std::chrono::system_clock::time_point> parse_iso8601(const std::string& text) {
  std::tm tm{};
  int year, month, day, hour, minute, second;
  if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d", &year, &month, &day, &hour, &minute, &second) != 6) {
    return fail(fmt::format("unreadable time '{}'", text));
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

Result<Token> parse_token_response(const HttpResponse& response) {
  const CallInfo call{"identity", "authenticate", "Keystone"};
  Token token;
  token.id = response.header("x-subject-token");
  if (token.id.empty()) return fail("Keystone's answer carries no X-Subject-Token", "Keystone");
  auto body = json::parse(response.body, nullptr, false);
  if (body.is_discarded() || !body.contains("token")) return fail("Keystone's answer is not a token", "Keystone");
  const json& t = body["token"];
  auto expires = parse_iso8601(t.value("expires_at", ""));
  if (!expires) return std::unexpected(expires.error());
  token.expires_at = *expires;
  if (t.contains("user")) token.user_id = t["user"].value("id", "");
  if (t.contains("project")) {
    token.project_id = t["project"].value("id", "");
    token.project_name = t["project"].value("name", "");
  } else if (t.contains("application_credential") && t.contains("project")) {
    token.project_id = t["project"].value("id", "");
  }
  for (const auto& r : t.value("roles", json::array())) token.roles.push_back(r.value("name", ""));
  for (const auto& s : t.value("catalog", json::array())) {
    CatalogService service{s.value("type", ""), s.value("name", ""), {}};
    for (const auto& e : s.value("endpoints", json::array())) {
      std::string region = e.value("region_id", "");
      if (region.empty()) region = e.value("region", "");
      service.endpoints.push_back({e.value("interface", ""), region, e.value("url", "")});
    }
    token.catalog.push_back(std::move(service));
  }
  return token;
}

Result<Token> issue_token(Transport& transport, const CloudConfig& cloud) {
  const CallInfo call{"identity", "authenticate", fmt::format("cloud {}", cloud.name)};
  HttpRequest request;
  request.method = "POST";
  request.url = identity_v3_url(cloud.auth_url) + "/auth/tokens";
  request.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
  request.body = token_request_body(cloud);
  request.retry = RetryRule::idempotent;  // a second token is harmless
  auto response = transport.send(request);
  if (!response) return std::unexpected(transport_error(call, response.error()));
  if (response->status != 201 && response->status != 200) return std::unexpected(api_error(call, *response));
  auto token = parse_token_response(*response);
  if (!token) {
    token.error().where = call.resource;
    return token;
  }
  if (token->project_id.empty()) {
    return fail("the token is not scoped to a project", call.resource,
                "set project_name (with its domain) or project_id for the cloud");
  }
  return token;
}

Result<std::string> catalog_url(const std::vector<CatalogService>& catalog, const std::string& type,
                                const std::string& interface, const std::string& region) {
  for (const auto& service : catalog) {
    if (service.type != type) continue;
    for (const auto& e : service.endpoints) {
      if (e.interface == interface && (region.empty() || e.region == region)) return e.url;
    }
    return fail(fmt::format("the catalog has no {} endpoint of service {}{}", interface, type,
                            region.empty() ? "" : " in region " + region),
                "service catalog", "check region_name and interface for the cloud");
  }
  return fail(fmt::format("the cloud offers no {} service", type), "service catalog",
              "kstack needs compute, network, volumev3, load-balancer and image");
}

}  // namespace kstack::openstack
