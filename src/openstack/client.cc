#include "openstack/client.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cctype>
#include <regex>
#include <set>

namespace kstack::openstack {

using nlohmann::json;

namespace {

// Re-authenticate this long before the token expires, so that no call starts with a dying token.
constexpr auto kExpiryMargin = std::chrono::minutes(5);

std::string strip_slash(std::string url) {
  while (url.ends_with("/")) url.pop_back();
  return url;
}

bool has_version_segment(const std::string& url) {
  static const std::regex versioned(R"(/v\d+(\.\d+)?(/|$))");
  const auto scheme = url.find("://");
  const auto path_start = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return path_start != std::string::npos && std::regex_search(url.substr(path_start), versioned);
}

// "http://h:8774/v2.1/abc" → "http://h:8774"; the root where a service publishes its versions.
std::string unversioned_root(const std::string& url) {
  static const std::regex versioned(R"(/v\d+(\.\d+)?(/.*)?$)");
  return strip_slash(std::regex_replace(url, versioned, ""));
}

std::string last_segment(std::string href) {
  href = strip_slash(href);
  const auto slash = href.rfind('/');
  return slash == std::string::npos ? href : href.substr(slash + 1);
}

std::string self_href(const json& version) {
  for (const auto& link : version.value("links", json::array())) {
    if (link.value("rel", "") == "self") return link.value("href", "");
  }
  return {};
}

// The major API version kstack speaks for each service.
std::string wanted_major(const std::string& service_type) {
  if (service_type == "volumev3" || service_type == "block-storage") return "3";
  return "2";
}

std::string major_of(const std::string& id) {  // "v2.1" → "2"
  std::string s = id.starts_with("v") ? id.substr(1) : id;
  return s.substr(0, s.find('.'));
}

}  // namespace

bool version_less(std::string_view a, std::string_view b) {
  auto next = [](std::string_view& s) {
    int n = 0;
    while (!s.empty() && std::isdigit(static_cast<unsigned char>(s.front()))) {
      n = n * 10 + (s.front() - '0');
      s.remove_prefix(1);
    }
    if (!s.empty()) s.remove_prefix(1);
    return n;
  };
  if (a.starts_with("v")) a.remove_prefix(1);
  if (b.starts_with("v")) b.remove_prefix(1);
  while (!a.empty() || !b.empty()) {
    const int x = next(a), y = next(b);
    if (x != y) return x < y;
  }
  return false;
}

std::string url_encode(std::string_view value) {
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string query(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (value.empty()) continue;
    out += (out.empty() ? "?" : "&") + name + "=" + url_encode(value);
  }
  return out;
}

Client::Client(CloudConfig cloud, TransportOptions options) : cloud_(std::move(cloud)) {
  if (options.cacert.empty()) options.cacert = cloud_.cacert;
  options.insecure = options.insecure || cloud_.insecure;
  if (cloud_.api_timeout_s > 0) options.total_timeout = std::chrono::seconds(cloud_.api_timeout_s);
  transport_ = std::make_unique<Transport>(std::move(options));
}

Result<std::unique_ptr<Client>> Client::connect(const CloudConfig& cloud, TransportOptions options) {
  std::unique_ptr<Client> client(new Client(cloud, std::move(options)));
  ++client->auth_requests_;
  auto token = issue_token(*client->transport_, client->cloud_);
  if (!token) return std::unexpected(token.error());
  client->token_ = std::move(*token);
  client->authentications_ = 1;
  return client;
}

std::string Client::project_id() const {
  std::lock_guard lock(mu_);
  return token_.project_id;
}

std::string Client::project_name() const {
  std::lock_guard lock(mu_);
  return token_.project_name;
}

std::string Client::user_id() const {
  std::lock_guard lock(mu_);
  return token_.user_id;
}

std::vector<std::string> Client::roles() const {
  std::lock_guard lock(mu_);
  return token_.roles;
}

std::vector<CatalogService> Client::catalog() const {
  std::lock_guard lock(mu_);
  return token_.catalog;
}

int Client::authentications() const {
  std::lock_guard lock(mu_);
  return authentications_;
}

RequestCounts Client::requests() const {
  return {auth_requests_.load(), discovery_requests_.load(), read_requests_.load(), write_requests_.load()};
}

Result<std::string> Client::current_token() {
  std::string stale;
  {
    std::lock_guard lock(mu_);
    if (std::chrono::system_clock::now() + kExpiryMargin < token_.expires_at) return token_.id;
    stale = token_.id;
  }
  spdlog::debug("   the token expires within {} minutes; authenticating again",
                std::chrono::duration_cast<std::chrono::minutes>(kExpiryMargin).count());
  if (auto r = reauthenticate(stale); !r) return std::unexpected(r.error());
  std::lock_guard lock(mu_);
  return token_.id;
}

Result<void> Client::reauthenticate(const std::string& stale_token) {
  // Serialised: of many threads that saw the same stale token, only the first asks Keystone.
  static std::mutex auth_mu;
  std::lock_guard auth_lock(auth_mu);
  {
    std::lock_guard lock(mu_);
    if (token_.id != stale_token) return {};
  }
  ++auth_requests_;
  auto token = issue_token(*transport_, cloud_);
  if (!token) return std::unexpected(token.error());
  std::lock_guard lock(mu_);
  token_ = std::move(*token);
  ++authentications_;
  return {};
}

Result<ServiceEndpoint> Client::discover(const std::string& service_type, const std::string& catalog_url) {
  const CallInfo info{service_type, "discover the API version", catalog_url};
  const std::string base = strip_slash(catalog_url);
  const bool versioned = has_version_segment(base);
  // Cinder's endpoint carries the project and its version; nothing to discover there.
  if (versioned && service_type != "compute" && service_type != "load-balancer") return ServiceEndpoint{base, ""};
  const std::string doc_url = service_type == "compute" && versioned ? base : unversioned_root(base);
  std::string token;
  if (auto t = current_token(); t) token = *t;
  HttpRequest request{
      "GET", doc_url + "/", {{"Accept", "application/json"}, {"X-Auth-Token", token}}, "", RetryRule::idempotent};
  ++discovery_requests_;
  auto response = transport_->send(request);
  if (!response) return std::unexpected(transport_error(info, response.error()));
  if (response->status >= 400) return std::unexpected(api_error(info, *response));
  auto doc = json::parse(response->body, nullptr, false);
  if (doc.is_discarded()) return fail("the version document is not JSON", catalog_url);
  if (doc.contains("version")) {  // Nova answers GET /v2.1 with one version
    return ServiceEndpoint{base, doc["version"].value("version", "")};
  }
  json versions = doc.value("versions", json::array());
  if (versions.is_object()) versions = versions.value("values", json::array());
  ServiceEndpoint best;
  std::string best_id;
  for (const auto& v : versions) {
    const std::string id = v.value("id", "");
    if (major_of(id) != wanted_major(service_type)) continue;
    // Octavia lists every minor as its own version (v2.0 … v2.27); the highest is what it speaks.
    std::string max = v.value("version", "");
    if (max.empty()) max = id.substr(1);
    if (best_id.empty() || version_less(best.max_version, max)) {
      best_id = id;
      best.max_version = max;
      const std::string href = self_href(v);
      best.url = versioned ? base : doc_url + "/" + (href.empty() ? id : last_segment(href));
    }
  }
  if (best_id.empty()) {
    return fail(fmt::format("the {} service offers no v{} API", service_type, wanted_major(service_type)), catalog_url,
                "kstack needs Nova v2.1, Neutron v2.0, Cinder v3, Octavia v2 and Glance v2");
  }
  return best;
}

Result<std::string> Client::catalog_endpoint(const std::string& service_type) const {
  std::lock_guard lock(mu_);
  return catalog_url(token_.catalog, service_type, cloud_.interface, cloud_.region);
}

Result<ServiceEndpoint> Client::discover_and_check(const std::string& service_type, const std::string& url) {
  auto ep = discover(service_type, url);
  if (!ep) return ep;
  const auto check = [&](std::string_view needed, const char* what) -> Result<void> {
    if (!ep->max_version.empty() && version_less(ep->max_version, needed)) {
      return fail(fmt::format("the cloud's {} API is too old: kstack needs version {}, it offers up to {}", what,
                              needed, ep->max_version),
                  url, "use a newer OpenStack release (Nova 2.64 arrived in Rocky)");
    }
    return {};
  };
  if (service_type == "compute") {
    if (auto r = check(kComputeMicroversion, "compute"); !r) return std::unexpected(r.error());
  } else if (service_type == "load-balancer") {
    if (auto r = check(kLoadBalancerVersion, "load-balancer"); !r) return std::unexpected(r.error());
  }
  return ep;
}

Result<ServiceEndpoint> Client::endpoint(const std::string& service_type) {
  std::shared_future<Result<ServiceEndpoint>> in_flight;
  std::promise<Result<ServiceEndpoint>> mine;
  std::string url;
  {
    std::lock_guard lock(mu_);
    if (auto it = endpoints_.find(service_type); it != endpoints_.end()) return it->second;
    if (auto it = discovering_.find(service_type); it != discovering_.end()) {
      in_flight = it->second;
    } else {
      auto found = catalog_url(token_.catalog, service_type, cloud_.interface, cloud_.region);
      if (!found) return std::unexpected(found.error());
      url = *found;
      discovering_[service_type] = mine.get_future().share();
    }
  }
  // Concurrent first calls to a service wait for the one discovery in flight instead of sending their own.
  if (in_flight.valid()) return in_flight.get();
  auto ep = discover_and_check(service_type, url);
  {
    std::lock_guard lock(mu_);
    if (ep) endpoints_[service_type] = *ep;
    discovering_.erase(service_type);  // a failed discovery is tried again by the next call
  }
  mine.set_value(ep);
  return ep;
}

Result<std::string> Client::base_url(const std::string& service_type) {
  {
    std::lock_guard lock(mu_);
    if (auto it = endpoints_.find(service_type); it != endpoints_.end()) return it->second.url;
  }
  auto url = catalog_endpoint(service_type);
  if (!url) return std::unexpected(url.error());
  const std::string base = strip_slash(*url);
  // As gophercloud does: the version document is needed only to find a path the catalog does not give.
  // Nova checks the microversion of every request itself (406, see call()); Octavia's version is checked
  // before the first change sent to it.
  if (has_version_segment(base)) return base;
  if (service_type == "network") return base + "/v2.0";
  if (service_type == "image") return base + "/v2";
  if (service_type == "load-balancer") return base + "/v2";
  auto ep = endpoint(service_type);
  if (!ep) return std::unexpected(ep.error());
  return ep->url;
}

Result<HttpResponse> Client::send(const std::string& service_type, const ApiCall& call, const std::string& base,
                                  const std::string& token) {
  HttpRequest request;
  request.method = call.method;
  request.url = call.path.starts_with("http://") || call.path.starts_with("https://") ? call.path : base + call.path;
  request.headers = {{"Accept", "application/json"}, {"X-Auth-Token", token}};
  if (service_type == "compute") {
    request.headers.emplace_back("OpenStack-API-Version", fmt::format("compute {}", kComputeMicroversion));
    request.headers.emplace_back("X-OpenStack-Nova-API-Version", std::string(kComputeMicroversion));
  }
  if (call.body) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = call.body->dump();
  }
  request.retry = call.retry;
  ++(call.method == "GET" ? read_requests_ : write_requests_);
  return transport_->send(request);
}

Result<json> Client::call(const std::string& service_type, const ApiCall& call) {
  if (service_type == "load-balancer" && call.method != "GET") {
    // Octavia has no microversions to refuse: its version document says whether it takes what kstack sends.
    if (auto ep = endpoint(service_type); !ep) return std::unexpected(ep.error());
  }
  auto base = base_url(service_type);
  if (!base) return std::unexpected(base.error());
  auto token = current_token();
  if (!token) return std::unexpected(token.error());
  auto response = send(service_type, call, *base, *token);
  if (response && response->status == 401) {
    spdlog::debug("   401 from {}: authenticating again, then retrying once", service_type);
    if (auto r = reauthenticate(*token); !r) return std::unexpected(r.error());
    token = current_token();
    if (!token) return std::unexpected(token.error());
    response = send(service_type, call, *base, *token);
  }
  if (!response) return std::unexpected(transport_error(call.info, response.error()));
  if (service_type == "compute" && response->status == 406) {
    // Nova refuses a microversion newer than it speaks with 406 ("Version 2.64 is not supported by the API").
    Error e = api_error(call.info, *response);
    e.what =
        fmt::format("the cloud's compute API is too old: kstack needs version {} ({})", kComputeMicroversion, e.what);
    e.hint = "use a newer OpenStack release (Nova 2.64 arrived in Rocky)";
    return std::unexpected(e);
  }
  if (response->status < 200 || response->status >= 300) return std::unexpected(api_error(call.info, *response));
  if (response->body.empty()) return json::object();
  auto body = json::parse(response->body, nullptr, false);
  if (body.is_discarded()) {
    Error e = api_error(call.info, *response);
    e.what = fmt::format("{} failed: the answer is not JSON", call.info.operation);
    return std::unexpected(e);
  }
  return body;
}

Result<std::vector<json>> Client::list(const std::string& service_type, const CallInfo& info, const std::string& path,
                                       const std::string& key) {
  auto base = base_url(service_type);
  if (!base) return std::unexpected(base.error());
  std::vector<json> items;
  std::set<std::string> seen;
  std::string next = path;
  while (!next.empty()) {
    if (!seen.insert(next).second) {
      return fail(fmt::format("{}: the service returned the same page twice", info.operation), info.resource);
    }
    auto page = call(service_type, ApiCall{info, "GET", next});
    if (!page) return std::unexpected(page.error());
    if (!page->contains(key) || !(*page)[key].is_array()) {
      return fail(fmt::format("{}: the answer has no '{}' list", info.operation, key), info.resource);
    }
    for (auto& item : (*page)[key]) items.push_back(std::move(item));
    next.clear();
    for (const auto& link : page->value(key + "_links", json::array())) {
      if (link.value("rel", "") == "next") next = link.value("href", "");
    }
    if (next.empty() && page->contains("next") && (*page)["next"].is_string()) {
      // Glance: "/v2/images?marker=…", relative to the service root.
      next = unversioned_root(*base) + (*page)["next"].get<std::string>();
    }
    if ((*page)[key].empty()) next.clear();
  }
  return items;
}

}  // namespace kstack::openstack
