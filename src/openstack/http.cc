#include "openstack/http.h"

#include <curl/curl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <charconv>
#include <ctime>
#include <limits>
#include <random>
#include <thread>
#include <utility>

#include "openstack/redact.h"

namespace kstack::openstack {
namespace {

void global_init() {
  static const bool done = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
  (void)done;
}

/// CurlSlist owns a curl header list.
struct CurlSlist {
  curl_slist* list = nullptr;
  ~CurlSlist() { curl_slist_free_all(list); }
  void add(const std::string& line) { list = curl_slist_append(list, line.c_str()); }
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    headers->clear();  // a new response (after 100 Continue or a redirect) starts over
    return size * count;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  (*headers)[name] = std::string(value);
  return size * count;
}

std::string headers_for_log(const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string out;
  for (const auto& [name, value] : headers) {
    out += fmt::format("\n    {}: {}", name, is_secret_header(name) ? std::string(kMasked) : value);
  }
  return out;
}

std::string headers_for_log(const std::map<std::string, std::string>& headers) {
  std::string out;
  for (const auto& [name, value] : headers) {
    out += fmt::format("\n    {}: {}", name, is_secret_header(name) ? std::string(kMasked) : value);
  }
  return out;
}

bool is_connection_error(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
      return true;
    default:
      return false;
  }
}

}  // namespace

// --- HttpResponse -------------------------------------------------------------------------------------------

std::string HttpResponse::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string{} : it->second;
}

std::string HttpResponse::request_id() const {
  std::string id = header("x-openstack-request-id");
  return id.empty() ? header("x-compute-request-id") : id;
}

// --- InFlightLimit ------------------------------------------------------------------------------------------

void InFlightLimit::acquire() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return in_flight_ < max_; });
  ++in_flight_;
  high_water_ = std::max(high_water_, in_flight_);
}

void InFlightLimit::release() {
  {
    std::lock_guard lock(mu_);
    --in_flight_;
  }
  cv_.notify_one();
}

void InFlightLimit::set_max(int max) {
  {
    std::lock_guard lock(mu_);
    max_ = std::max(1, max);
  }
  cv_.notify_all();
}

int InFlightLimit::max() const {
  std::lock_guard lock(mu_);
  return max_;
}

int InFlightLimit::high_water() const {
  std::lock_guard lock(mu_);
  return high_water_;
}

std::shared_ptr<InFlightLimit> InFlightLimit::process_wide() {
  static auto limit = std::make_shared<InFlightLimit>(10);
  return limit;
}

// --- EasyPool -----------------------------------------------------------------------------------------------

/// EasyPool keeps idle curl easy handles, all attached to one share handle, so that connections, DNS
/// answers and TLS sessions are reused by every thread.
class EasyPool {
 public:
  EasyPool() {
    global_init();
    share_ = curl_share_init();
    curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, &EasyPool::lock);
    curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, &EasyPool::unlock);
    curl_share_setopt(share_, CURLSHOPT_USERDATA, this);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  }
  ~EasyPool() {
    for (CURL* h : idle_) curl_easy_cleanup(h);
    curl_share_cleanup(share_);
  }
  EasyPool(const EasyPool&) = delete;
  EasyPool& operator=(const EasyPool&) = delete;

  /// Handle lends one easy handle of the pool; it goes back when the Handle goes. Move-only.
  class Handle {
   public:
    Handle(EasyPool& pool, CURL* curl) : pool_(&pool), curl_(curl) {}
    ~Handle() {
      if (curl_) pool_->give_back(curl_);
    }
    Handle(Handle&& other) noexcept : pool_(other.pool_), curl_(std::exchange(other.curl_, nullptr)) {}
    Handle& operator=(Handle&&) = delete;
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    CURL* get() const { return curl_; }

   private:
    EasyPool* pool_;
    CURL* curl_;
  };

  [[nodiscard]] Result<Handle> take() {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      CURL* h = idle_.back();
      idle_.pop_back();
      curl_easy_reset(h);
      curl_easy_setopt(h, CURLOPT_SHARE, share_);
      return Handle(*this, h);
    }
    CURL* h = curl_easy_init();
    if (h == nullptr) return fail("libcurl could not make a connection handle (out of memory?)");
    curl_easy_setopt(h, CURLOPT_SHARE, share_);
    return Handle(*this, h);
  }

  std::atomic<long> connections{0};
  std::atomic<long> requests{0};

 private:
  void give_back(CURL* h) {
    std::lock_guard lock(mu_);
    idle_.push_back(h);
  }
  static void lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<EasyPool*>(user)->locks_[static_cast<size_t>(data) % kLocks].lock();
  }
  static void unlock(CURL*, curl_lock_data data, void* user) {
    static_cast<EasyPool*>(user)->locks_[static_cast<size_t>(data) % kLocks].unlock();
  }

  static constexpr size_t kLocks = CURL_LOCK_DATA_LAST;
  std::mutex mu_;
  std::vector<CURL*> idle_;
  CURLSH* share_ = nullptr;
  std::array<std::mutex, kLocks> locks_;
};

// --- Transport ----------------------------------------------------------------------------------------------

Transport::Transport(TransportOptions options, std::shared_ptr<InFlightLimit> limit)
    : options_(std::move(options)),
      limit_(limit ? std::move(limit) : InFlightLimit::process_wide()),
      pool_(std::make_unique<EasyPool>()) {}

Transport::~Transport() = default;

long Transport::connections_opened() const { return pool_->connections.load(); }

long Transport::requests_sent() const { return pool_->requests.load(); }

Result<HttpResponse> Transport::send_once(const HttpRequest& request, bool& delivered_maybe, int& curl_code) {
  auto handle = pool_->take();
  if (!handle) {
    delivered_maybe = false;
    return std::unexpected(handle.error());
  }
  ++pool_->requests;
  CURL* h = handle->get();
  HttpResponse response;
  CurlSlist headers;
  for (const auto& [name, value] : request.headers) headers.add(name + ": " + value);
  headers.add("Expect:");  // no 100-continue round trip

  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.list);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout.count()));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &response.headers);
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  // libcurl sends a request again by itself when a reused connection dies before any answer came: for a
  // create that arrived, a duplicate. A create goes over a connection of its own.
  const bool fresh = !options_.reuse_connections || request.retry != RetryRule::idempotent;
  curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, fresh ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_FORBID_REUSE, options_.reuse_connections ? 0L : 1L);
  if (!options_.cacert.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options_.cacert.c_str());
  if (options_.insecure) {
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (request.method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
    }
  }

  const auto started = std::chrono::steady_clock::now();
  const CURLcode code = curl_easy_perform(h);
  curl_code = static_cast<int>(code);
  long new_connections = 0;
  curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &new_connections);
  pool_->connections += new_connections;
  curl_off_t pretransfer = 0;
  curl_easy_getinfo(h, CURLINFO_PRETRANSFER_TIME_T, &pretransfer);
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  if (code != CURLE_OK) {
    // Before pretransfer nothing of the request was sent: the service cannot have acted on it.
    delivered_maybe = pretransfer > 0 && code != CURLE_COULDNT_CONNECT && code != CURLE_COULDNT_RESOLVE_HOST;
    spdlog::debug("<- {} {}: {} after {} ms", request.method, redact_url(request.url), curl_easy_strerror(code),
                  elapsed);
    kstack::Error e;
    e.what = fmt::format("{} {} failed: {}", request.method, redact_url(request.url), curl_easy_strerror(code));
    e.hint = code == CURLE_OPERATION_TIMEDOUT
                 ? "the service did not answer in time; check that it is up, or raise the timeout"
             : is_connection_error(code) ? "check that the endpoint is reachable from this machine"
                                         : "";
    return std::unexpected(std::move(e));
  }
  delivered_maybe = true;
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  if (spdlog::should_log(spdlog::level::debug)) {
    spdlog::debug("<- {} {} {} ({} ms){}\n    body: {}", response.status, request.method, redact_url(request.url),
                  elapsed, headers_for_log(response.headers), redact_body(response.body));
  }
  return response;
}

Result<HttpResponse> Transport::send(const HttpRequest& request) {
  if (spdlog::should_log(spdlog::level::debug)) {
    spdlog::debug("-> {} {}{}\n    body: {}", request.method, redact_url(request.url), headers_for_log(request.headers),
                  redact_body(request.body));
  }
  std::chrono::milliseconds waited_out{0};  // spent waiting out 429s
  for (int attempt = 1;; ++attempt) {
    bool delivered_maybe = true;
    int curl_code = 0;
    auto result = [&] {
      InFlightLimit::Slot slot(*limit_);
      return send_once(request, delivered_maybe, curl_code);
    }();
    const bool rate_limited = result && result->status == 429;
    const bool last = request.retry == RetryRule::never || (rate_limited ? waited_out >= options_.rate_limit_patience ||
                                                                               attempt >= 10 * options_.max_attempts
                                                                         : attempt >= options_.max_attempts);
    std::string retry_after;
    bool retry = false;
    if (!result) {
      const auto code = static_cast<CURLcode>(curl_code);
      retry = is_connection_error(code) &&
              (request.retry == RetryRule::idempotent || (request.retry == RetryRule::create && !delivered_maybe));
    } else {
      const int s = result->status;
      // A 500 too: a repeat of an idempotent call is harmless, and a service's transient fault (a lost
      // database connection, a message-queue timeout) is answered with one.
      retry = s == 429 || (request.retry == RetryRule::idempotent && (s == 500 || s == 502 || s == 503 || s == 504));
      retry_after = result->header("retry-after");
    }
    if (!retry || last) return result;
    auto delay = retry_delay(options_, attempt, retry_after);
    if (rate_limited) {
      delay = std::min(delay, options_.rate_limit_patience - waited_out);
      waited_out += delay;
    }
    spdlog::debug("   retrying {} {} in {} ms (attempt {} of {})", request.method, redact_url(request.url),
                  delay.count(), attempt + 1, options_.max_attempts);
    std::this_thread::sleep_for(delay);
  }
}

long long parse_retry_after_ms(const std::string& value) {
  if (value.empty()) return -1;
  if (std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); })) {
    long long seconds = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec != std::errc{} || end != value.data() + value.size()) return std::numeric_limits<long long>::max();
    return seconds > std::numeric_limits<long long>::max() / 1000 ? std::numeric_limits<long long>::max()
                                                                  : seconds * 1000;  // capped by backoff_max
  }
  const time_t when = curl_getdate(value.c_str(), nullptr);
  if (when < 0) return -1;
  const time_t now = std::time(nullptr);
  return when > now ? static_cast<long long>(when - now) * 1000 : 0;
}

std::chrono::milliseconds retry_delay(const TransportOptions& options, int attempt, const std::string& retry_after) {
  const long long cap = options.backoff_max.count();
  const long long after = parse_retry_after_ms(retry_after);
  if (after >= 0) return std::chrono::milliseconds(std::min(after, cap));
  const long long ceiling = std::min<long long>(cap, options.backoff_base.count() << std::min(attempt - 1, 20));
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<long long> pick(ceiling / 2, std::max(ceiling / 2, ceiling));
  return std::chrono::milliseconds(pick(rng));
}

}  // namespace kstack::openstack
