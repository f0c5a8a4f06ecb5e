#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "util/error.h"

namespace kstack::openstack {

/// RetryRule says which failures a call may be retried on, decided per call by what a repeat could do.
enum class RetryRule {
  // GET, PUT, DELETE and POSTs that change nothing or converge (token issue, add a router interface):
  // retried on connection errors, 429 and 500/502/503/504.
  idempotent,
  // A POST that creates something: retried only when the request provably never reached the service
  // (connection refused, name not resolved) or was refused by the rate limiter (429), so a retry can
  // never leave a duplicate behind.
  create,
  // Never retried.
  never,
};

/// HttpRequest is one request as the transport sends it; url is absolute.
struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  RetryRule retry = RetryRule::idempotent;
};

/// HttpResponse is what came back: status, headers (names lower-cased) and the body.
struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;
  std::string body;

  /// The header's value, or "" when the response did not carry it.
  std::string header(const std::string& lower_name) const;
  /// x-openstack-request-id, else x-compute-request-id, else "".
  std::string request_id() const;
};

/// TransportOptions are the knobs of the HTTP layer; the defaults suit an interactive CLI.
struct TransportOptions {
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds total_timeout{120'000};
  int max_attempts = 5;  // the first try included
  // 429s are waited out beyond max_attempts, for this long in all per request: a rate limiter's storm
  // passes, and Retry-After (or the backoff) keeps the requests it sees few.
  std::chrono::milliseconds rate_limit_patience{120'000};
  std::chrono::milliseconds backoff_base{500};    // doubled each retry, with jitter
  std::chrono::milliseconds backoff_max{30'000};  // cap for both backoff and Retry-After
  bool reuse_connections = true;                  // false: a fresh connection for every request (benchmarks)
  std::string cacert;                             // CA bundle; empty: the system's
  bool insecure = false;                          // skip TLS verification
};

/// InFlightLimit bounds how many requests run at once; one instance is shared by the whole process.
class InFlightLimit {
 public:
  explicit InFlightLimit(int max) : max_(max) {}

  /// Slot holds one of the limit's places for as long as it lives.
  class Slot {
   public:
    explicit Slot(InFlightLimit& limit) : limit_(limit) { limit_.acquire(); }
    ~Slot() { limit_.release(); }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

   private:
    InFlightLimit& limit_;
  };

  void acquire();
  void release();
  void set_max(int max);
  int max() const;
  /// The most requests that were ever in flight at the same time (for tests and benchmarks).
  int high_water() const;

  /// The process-wide limit every Transport uses unless given another; 10 by default.
  static std::shared_ptr<InFlightLimit> process_wide();

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  int max_;
  int in_flight_ = 0;
  int high_water_ = 0;
};

class EasyPool;

/// Transport sends HTTP requests with libcurl: pooled handles that keep their connections alive, a shared
/// limit on requests in flight, timeouts, and retries with backoff. Thread-safe.
class Transport {
 public:
  explicit Transport(TransportOptions options = {}, std::shared_ptr<InFlightLimit> limit = nullptr);
  ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  /// Sends the request, retrying as its RetryRule allows. An HTTP error status is a response, not an
  /// error; the error side is for requests that got no usable response at all.
  [[nodiscard]] Result<HttpResponse> send(const HttpRequest& request);

  const TransportOptions& options() const { return options_; }
  /// How many TCP connections libcurl opened so far (to prove reuse).
  long connections_opened() const;
  /// How many HTTP requests were sent so far, every retry and re-authentication included.
  long requests_sent() const;

 private:
  [[nodiscard]] Result<HttpResponse> send_once(const HttpRequest& request, bool& delivered_maybe, int& curl_code);

  TransportOptions options_;
  std::shared_ptr<InFlightLimit> limit_;
  std::unique_ptr<EasyPool> pool_;
};

/// The delay before retry number `attempt` (1-based): Retry-After when the server gave one (capped),
/// else exponential backoff with jitter
/// (a random delay between half and all of base * 2^(attempt-1)).
std::chrono::milliseconds retry_delay(const TransportOptions& options, int attempt, const std::string& retry_after);

/// Parses a Retry-After value (seconds, or an HTTP date); -1 when it is absent or unreadable.
long long parse_retry_after_ms(const std::string& value);

}  // namespace kstack::openstack
