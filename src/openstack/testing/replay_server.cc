#include "openstack/testing/replay_server.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace kstack::openstack::testing {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

const char* reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 300:
      return "Multiple Choices";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 409:
      return "Conflict";
    case 413:
      return "Request Entity Too Large";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

bool send_all(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

ReplayServer::ReplayServer() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 64) != 0) {
    throw std::runtime_error("replay server: cannot listen on 127.0.0.1");
  }
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

ReplayServer::~ReplayServer() {
  stopping_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  {
    std::lock_guard lock(mu_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& t : workers_) t.join();
  ::close(listen_fd_);
}

void ReplayServer::on(const std::string& method, const std::string& target, std::vector<Reply> replies) {
  std::lock_guard lock(mu_);
  routes_[method + " " + target] = std::deque<Reply>(replies.begin(), replies.end());
}

void ReplayServer::on(const std::string& method, const std::string& target, int status, std::string body,
                      std::vector<std::pair<std::string, std::string>> headers) {
  on(method, target, std::vector<Reply>{Reply{status, std::move(body), std::move(headers)}});
}

void ReplayServer::on_request(std::function<std::optional<Reply>(const Received&)> handler) {
  std::lock_guard lock(mu_);
  handler_ = std::move(handler);
}

std::string ReplayServer::url() const { return fmt::format("http://127.0.0.1:{}", port_); }

std::vector<Received> ReplayServer::received() const {
  std::lock_guard lock(mu_);
  return received_;
}

int ReplayServer::count(const std::string& method, const std::string& target) const {
  std::lock_guard lock(mu_);
  return static_cast<int>(std::count_if(received_.begin(), received_.end(), [&](const Received& r) {
    return r.method == method && (r.target == target || r.target.substr(0, r.target.find('?')) == target);
  }));
}

void ReplayServer::accept_loop() {
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ++accepted_;
    std::lock_guard lock(mu_);
    open_fds_.push_back(fd);
    workers_.emplace_back([this, fd] { serve(fd); });
  }
}

Reply ReplayServer::reply_for(const Received& request) {
  std::lock_guard lock(mu_);
  received_.push_back(request);
  if (handler_) {
    if (auto reply = handler_(request)) return *reply;
  }
  const std::string path = request.target.substr(0, request.target.find('?'));
  for (const auto& key : {request.method + " " + request.target, request.method + " " + path}) {
    auto it = routes_.find(key);
    if (it == routes_.end() || it->second.empty()) continue;
    Reply r = it->second.front();
    if (it->second.size() > 1) it->second.pop_front();
    return r;
  }
  return Reply{404, R"({"itemNotFound": {"code": 404, "message": "no scripted reply"}})", {}};
}

void ReplayServer::serve(int fd) {
  serve_connection(fd);
  std::lock_guard lock(mu_);
  std::erase(open_fds_, fd);
  ::close(fd);
}

void ReplayServer::serve_connection(int fd) {
  std::string buffer;
  char chunk[8192];
  while (!stopping_) {
    // Read one request: headers, then Content-Length bytes of body.
    size_t header_end;
    while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return;
      buffer.append(chunk, static_cast<size_t>(n));
    }
    Received request;
    std::istringstream head(buffer.substr(0, header_end));
    std::string line;
    std::getline(head, line);
    std::istringstream request_line(line);
    request_line >> request.method >> request.target;
    while (std::getline(head, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      request.headers[lower(line.substr(0, colon))] = value;
    }
    size_t length = 0;
    if (auto it = request.headers.find("content-length"); it != request.headers.end()) length = std::stoul(it->second);
    buffer.erase(0, header_end + 4);
    while (buffer.size() < length) {
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return;
      buffer.append(chunk, static_cast<size_t>(n));
    }
    request.body = buffer.substr(0, length);
    buffer.erase(0, length);

    const int now = ++concurrent_;
    int seen = max_concurrent_.load();
    while (now > seen && !max_concurrent_.compare_exchange_weak(seen, now)) {
    }
    Reply reply = reply_for(request);
    if (reply.delay.count() > 0) std::this_thread::sleep_for(reply.delay);
    --concurrent_;
    if (reply.reset) {
      linger l{1, 0};  // close with RST
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
      return;
    }
    std::string out =
        fmt::format("HTTP/1.1 {} {}\r\nContent-Length: {}\r\n", reply.status, reason(reply.status), reply.body.size());
    bool has_type = false;
    for (const auto& [name, value] : reply.headers) {
      out += name + ": " + value + "\r\n";
      has_type = has_type || lower(name) == "content-type";
    }
    if (!has_type && !reply.body.empty()) out += "Content-Type: application/json\r\n";
    out += "\r\n" + reply.body;
    if (!send_all(fd, out)) return;
  }
}

std::string fixture(const std::string& relative) {
  const std::string path = std::string(KSTACK_SOURCE_DIR) + "/tests/fixtures/" + relative;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace kstack::openstack::testing
