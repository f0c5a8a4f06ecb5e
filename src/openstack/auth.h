#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "openstack/cloud_config.h"
#include "openstack/http.h"
#include "util/error.h"

namespace kstack::openstack {

/// CatalogEndpoint is one URL of a service in the Keystone catalog.
struct CatalogEndpoint {
  std::string interface;  // public | internal | admin
  std::string region;
  std::string url;
};

/// CatalogService is one service of the Keystone catalog with its endpoints.
struct CatalogService {
  std::string type;  // compute, network, volumev3, load-balancer, image, identity, placement
  std::string name;  // nova, neutron, ...
  std::vector<CatalogEndpoint> endpoints;
};

/// Token is a Keystone v3 token with what kstack needs from its body.
struct Token {
  std::string id;  // the X-Subject-Token; a secret
  std::chrono::system_clock::time_point expires_at;
  std::string user_id;
  std::string project_id;
  std::string project_name;
  std::vector<std::string> roles;  // the names of the user's roles in the project, implied ones included
  std::vector<CatalogService> catalog;
};

/// Keystone's base URL with /v3, whatever form auth_url had ("http://k:5000", ".../v3/", ".../v2.0").
std::string identity_v3_url(const std::string& auth_url);

/// The JSON body of POST /v3/auth/tokens for the cloud's auth method.
std::string token_request_body(const CloudConfig& cloud);

/// Reads a token out of Keystone's answer to POST /v3/auth/tokens.
[[nodiscard]] Result<Token> parse_token_response(const HttpResponse& response);

/// Parses "2026-11-26T17:04:05.000000Z" (Keystone's expires_at).
[[nodiscard]] Result<std::chrono::system_clock::time_point> parse_iso8601(const std::string& text);

/// Authenticates against Keystone v3 and returns the scoped token with its catalog.
[[nodiscard]] Result<Token> issue_token(Transport& transport, const CloudConfig& cloud);

/// The URL of a service type in the catalog, for the interface and (when not empty) the region.
[[nodiscard]] Result<std::string> catalog_url(const std::vector<CatalogService>& catalog, const std::string& type,
                                              const std::string& interface, const std::string& region);

}  // namespace kstack::openstack
