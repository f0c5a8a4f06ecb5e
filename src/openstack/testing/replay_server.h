#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace kstack::openstack::testing {

/// Reply is one scripted answer of the ReplayServer.
struct Reply {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds delay{0};  // wait this long before answering (a slow service)
  bool reset = false;                  // close the connection with a TCP reset instead of answering
};

/// Received is one request as the ReplayServer saw it.
struct Received {
  std::string method;
  std::string target;                          // path with query
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

/// ReplayServer is an HTTP/1.1 server on 127.0.0.1 (ephemeral port) that answers requests with scripted
/// replies, keeps connections alive, and records what it received. For the client's tests only.
class ReplayServer {
 public:
  ReplayServer();
  ~ReplayServer();
  ReplayServer(const ReplayServer&) = delete;
  ReplayServer& operator=(const ReplayServer&) = delete;

  /// Scripts the replies to METHOD target. `target` is matched against the path with its query first,
  /// then without. Replies are used in order; the last one repeats.
  void on(const std::string& method, const std::string& target, std::vector<Reply> replies);
  /// Shorthand: one JSON reply with a status and optional headers.
  void on(const std::string& method, const std::string& target, int status, std::string body,
          std::vector<std::pair<std::string, std::string>> headers = {});

  /// A handler consulted before the scripted routes; it answers by returning a Reply.
  void on_request(std::function<std::optional<Reply>(const Received&)> handler);

  /// "http://127.0.0.1:<port>".
  std::string url() const;
  int port() const { return port_; }
  std::vector<Received> received() const;
  /// How many requests matched METHOD target (path with or without query).
  int count(const std::string& method, const std::string& target) const;
  int connections_accepted() const { return accepted_.load(); }
  /// The most requests that were being answered at the same time.
  int max_concurrent() const { return max_concurrent_.load(); }

 private:
  void accept_loop();
  void serve(int fd);
  void serve_connection(int fd);
  Reply reply_for(const Received& request);

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> accepted_{0};
  std::atomic<int> concurrent_{0};
  std::atomic<int> max_concurrent_{0};
  mutable std::mutex mu_;
  std::map<std::string, std::deque<Reply>> routes_;
  std::function<std::optional<Reply>(const Received&)> handler_;
  std::vector<Received> received_;
  std::vector<int> open_fds_;
  std::vector<std::thread> workers_;
  std::thread acceptor_;
};

/// The text of tests/fixtures/<relative>; fails the calling test when the file is missing.
std::string fixture(const std::string& relative);

}  // namespace kstack::openstack::testing
