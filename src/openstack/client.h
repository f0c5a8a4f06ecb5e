#pragma once

#include <atomic>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "openstack/api_error.h"
#include "openstack/auth.h"
#include "openstack/cloud_config.h"
#include "openstack/http.h"

namespace kstack::openstack {

/// The microversions kstack speaks. Compute 2.64 brings server-group `policy` (soft-anti-affinity) and tags
/// on create (2.52); load-balancer 2.5 brings tags.
inline constexpr std::string_view kComputeMicroversion = "2.64";
inline constexpr std::string_view kLoadBalancerVersion = "2.12";

/// ServiceEndpoint is a service's versioned base URL after discovery, and the newest version it offers.
struct ServiceEndpoint {
  std::string url;          // no trailing slash
  std::string max_version;  // "2.93" for compute, "2.27" for load-balancer; empty when not advertised
};

/// ApiCall is one request to a service: a path below the service's versioned endpoint (or an absolute URL).
struct ApiCall {
  CallInfo info;
  std::string method = "GET";
  std::string path;  // "/servers/detail?tags=x"; an "http…" URL is used as is
  std::optional<nlohmann::json> body;
  RetryRule retry = RetryRule::idempotent;
};

/// RequestCounts are the requests a Client sent by purpose, each as it was first sent (the transport's
/// retries are in Transport::requests_sent only).
struct RequestCounts {
  long auth = 0;       // token issues
  long discovery = 0;  // version documents
  long reads = 0;      // GETs: lists and lookups
  long writes = 0;     // POST, PUT, DELETE
  long total() const { return auth + discovery + reads + writes; }
};

/// Client talks to one cloud as one project: it holds the token, finds endpoints, and sends calls with
/// re-authentication. Thread-safe: share one Client between the threads of a reconciler.
class Client {
 public:
  /// Authenticates and returns a ready client.
  [[nodiscard]] static Result<std::unique_ptr<Client>> connect(const CloudConfig& cloud, TransportOptions options = {});

  /// Sends the call; the parsed JSON body ({} when empty) on 2xx, a complete Error otherwise. A 401, or a
  /// token within five minutes of expiry, leads to one re-authentication and one retry.
  [[nodiscard]] Result<nlohmann::json> call(const std::string& service_type, const ApiCall& call);

  /// GETs a collection and follows its next links (`<key>_links`, or Glance's `next`) to the end.
  [[nodiscard]] Result<std::vector<nlohmann::json>> list(const std::string& service_type, const CallInfo& info,
                                                         const std::string& path, const std::string& key);

  /// The service's versioned endpoint and newest version, from its version document: read once per process
  /// (threads that ask while it is in flight wait for that one answer), then cached; an error when the
  /// service is older than kstack needs.
  [[nodiscard]] Result<ServiceEndpoint> endpoint(const std::string& service_type);

  /// Where calls to the service go. No request when the catalog names the version, or when the service
  /// has one API whose path is fixed (network /v2.0, image /v2, load-balancer /v2); else endpoint()'s.
  [[nodiscard]] Result<std::string> base_url(const std::string& service_type);

  const CloudConfig& cloud() const { return cloud_; }
  std::string project_id() const;
  std::string project_name() const;
  std::string user_id() const;
  /// The names of the token's roles in the project.
  std::vector<std::string> roles() const;
  std::vector<CatalogService> catalog() const;
  Transport& transport() { return *transport_; }
  /// How many times the client authenticated (1 after connect).
  int authentications() const;
  /// The requests sent so far, by purpose.
  RequestCounts requests() const;

 private:
  Client(CloudConfig cloud, TransportOptions options);
  [[nodiscard]] Result<std::string> current_token();
  [[nodiscard]] Result<void> reauthenticate(const std::string& stale_token);
  [[nodiscard]] Result<ServiceEndpoint> discover(const std::string& service_type, const std::string& catalog_url);
  [[nodiscard]] Result<ServiceEndpoint> discover_and_check(const std::string& service_type,
                                                           const std::string& catalog_url);
  [[nodiscard]] Result<std::string> catalog_endpoint(const std::string& service_type) const;
  [[nodiscard]] Result<HttpResponse> send(const std::string& service_type, const ApiCall& call, const std::string& base,
                                          const std::string& token);

  CloudConfig cloud_;
  std::unique_ptr<Transport> transport_;
  mutable std::mutex mu_;
  Token token_;
  int authentications_ = 0;
  std::map<std::string, ServiceEndpoint> endpoints_;
  // The discovery in flight for a service, which every other first caller waits for.
  std::map<std::string, std::shared_future<Result<ServiceEndpoint>>> discovering_;
  std::atomic<long> auth_requests_{0}, discovery_requests_{0}, read_requests_{0}, write_requests_{0};
};

/// Percent-encodes a query value.
std::string url_encode(std::string_view value);

/// "?a=1&b=2" from pairs whose value is not empty; "" when none is.
std::string query(const std::vector<std::pair<std::string, std::string>>& params);

/// Compares dotted versions: "2.64" < "2.93", "2.5" < "2.27".
bool version_less(std::string_view a, std::string_view b);

}  // namespace kstack::openstack
