#include "openstack/api_error.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

namespace kstack::openstack {
namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

std::string string_at(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

// Glance and some WSGI middlewares answer "404 Not Found\n\nThe resource could not be found.\n\n   ".
std::string plain_text_message(std::string_view body) {
  std::string text = trim(body);
  if (text.starts_with("<")) {  // an HTML page: keep the text between tags
    std::string stripped;
    bool in_tag = false;
    for (char c : text) {
      if (c == '<')
        in_tag = true;
      else if (c == '>') {
        in_tag = false;
        stripped += ' ';
      } else if (!in_tag)
        stripped += c;
    }
    text = stripped;
  }
  std::string out;
  bool space = false;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
    } else {
      if (space && !out.empty()) out += ' ';
      space = false;
      out += c;
    }
  }
  if (out.size() > 300) out = out.substr(0, 300) + "…";
  return out;
}

bool contains_ci(std::string_view haystack, std::string_view needle) {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  return it != haystack.end();
}

std::string hint_for(int status, std::string_view message, const CallInfo& call) {
  if (contains_ci(message, "quota") || status == 413) {
    return fmt::format("a {} quota is exhausted ({}); free resources or ask the cloud's operator for more",
                       call.service, message.empty() ? "the service did not say which" : message);
  }
  switch (status) {
    case 400:
      return "the service rejected the request; the message above says which field";
    case 401:
      return "check the credentials: the clouds.yaml entry (--os-cloud / OS_CLOUD) or the OS_* variables";
    case 403:
      return "the cloud's policy forbids this for your user; ask for the needed role, or use another project";
    case 404:
      return "it does not exist (any more), or it is in another project or region";
    case 409:
      return "it is busy or in a conflicting state; wait for it to settle and retry";
    case 429:
      return "the cloud is rate-limiting; retry later or lower the parallelism";
    case 500:
    case 502:
    case 503:
    case 504:
      return "the service failed on its side; retry later, and quote the request id to the cloud's operator";
    default:
      return "";
  }
}

std::string raw_service_message(std::string_view body);

}  // namespace

std::string service_message(std::string_view body) {
  // Glance and some middlewares put HTML line breaks and blank lines into their messages.
  const std::string message = raw_service_message(body);
  return message.find('<') != std::string::npos || message.find('\n') != std::string::npos
             ? plain_text_message("<p>" + message)
             : message;
}

namespace {

std::string raw_service_message(std::string_view body) {
  if (trim(body).empty()) return {};
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded()) return plain_text_message(body);
  if (!j.is_object()) return {};
  // Octavia (WSME): {"faultcode": "Client", "faultstring": "...", "debuginfo": null}
  if (auto s = string_at(j, "faultstring"); !s.empty()) return s;
  // Neutron: {"NeutronError": {"type": "...", "message": "...", "detail": ""}}
  if (auto it = j.find("NeutronError"); it != j.end() && it->is_object()) return string_at(*it, "message");
  // Placement and newer services: {"errors": [{"status": 409, "title": "...", "detail": "..."}]}
  if (auto it = j.find("errors"); it != j.end() && it->is_array() && !it->empty() && it->front().is_object()) {
    auto d = string_at(it->front(), "detail");
    return d.empty() ? string_at(it->front(), "title") : d;
  }
  // Glance JSON and some middlewares: {"message": "..."} or {"error_message": ...}
  if (auto s = string_at(j, "message"); !s.empty()) return s;
  // Keystone {"error": {...}}, Nova and Cinder {"itemNotFound": {"message": "...", "code": 404}}: one key.
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it->is_object()) {
      if (auto s = string_at(*it, "message"); !s.empty()) return s;
      if (auto s = string_at(*it, "detail"); !s.empty()) return s;
    } else if (it->is_string() && (it.key() == "error" || it.key() == "error_message")) {
      return it->get<std::string>();
    }
  }
  return {};
}

}  // namespace

std::string service_error_type(std::string_view body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return {};
  if (auto it = j.find("NeutronError"); it != j.end() && it->is_object()) return string_at(*it, "type");
  // Nova and Cinder: {"conflictingRequest": {"message": "...", "code": 409}}
  // (Keystone's {"error": {...}} names no type.)
  if (j.size() == 1 && j.begin().key() != "error" && j.begin()->is_object() && j.begin()->contains("code")) {
    return j.begin().key();
  }
  return {};
}

Error api_error(const CallInfo& call, const HttpResponse& response) {
  Error e;
  const std::string message = service_message(response.body);
  e.what = fmt::format("{} failed", call.operation);
  if (!message.empty()) e.what += ": " + message;
  e.where = call.resource;
  e.service = call.service;
  e.http_status = response.status;
  e.request_id = response.request_id();
  e.type = service_error_type(response.body);
  e.hint = hint_for(response.status, message, call);
  return e;
}

Error transport_error(const CallInfo& call, Error cause) {
  cause.what = fmt::format("{} failed: {}", call.operation, cause.what);
  cause.where = call.resource;
  cause.service = call.service;
  return cause;
}

}  // namespace kstack::openstack
