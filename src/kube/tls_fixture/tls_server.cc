#include "kube/tls_fixture/tls_server.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

namespace kstack::kube::testing {
namespace fs = std::filesystem;

namespace {

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Result<void> run(const std::string& command) {
  if (std::system((command + " >/dev/null 2>&1").c_str()) != 0) return fail("failed: " + command);
  return {};
}

// A port nobody listens on right now (the kernel picks it).
int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

bool accepts(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

Result<TlsFiles> make_tls_files(const fs::path& dir) {
  fs::create_directories(dir);
  const std::string d = dir.string();
  const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes";
  std::ofstream(dir / "server.ext") << "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n";
  std::ofstream(dir / "client.ext") << "extendedKeyUsage=clientAuth\n";
  for (const auto& command :
       {fmt::format("openssl req -x509 {} -keyout {}/ca.key -out {}/ca.crt -subj /CN=test-ca -days 1", ec, d, d),
        fmt::format("openssl req {} -keyout {}/server.key -out {}/server.csr -subj /CN=kube-apiserver", ec, d, d),
        fmt::format("openssl x509 -req -in {0}/server.csr -CA {0}/ca.crt -CAkey {0}/ca.key -CAcreateserial "
                    "-out {0}/server.crt -days 1 -extfile {0}/server.ext",
                    d),
        fmt::format("openssl req {} -keyout {}/client.key -out {}/client.csr -subj /O=kstack:cluster-admins/"
                    "CN=kubernetes-admin",
                    ec, d, d),
        fmt::format("openssl x509 -req -in {0}/client.csr -CA {0}/ca.crt -CAkey {0}/ca.key -CAcreateserial "
                    "-out {0}/client.crt -days 1 -extfile {0}/client.ext",
                    d)}) {
    auto ok = run(command);
    if (!ok) return std::unexpected(ok.error());
  }
  return TlsFiles{read(dir / "ca.crt"), read(dir / "server.crt"), read(dir / "server.key"), read(dir / "client.crt"),
                  read(dir / "client.key")};
}

Result<std::unique_ptr<TlsServer>> TlsServer::start(const fs::path& dir, const TlsFiles& files) {
  std::unique_ptr<TlsServer> s(new TlsServer());
  s->docroot_ = dir / "docroot";
  fs::create_directories(s->docroot_);
  std::ofstream(dir / "s_ca.crt") << files.ca_pem;
  std::ofstream(dir / "s_server.crt") << files.server_cert_pem;
  std::ofstream(dir / "s_server.key") << files.server_key_pem;
  s->port_ = free_port();
  const std::string accept = fmt::format("127.0.0.1:{}", s->port_);
  const std::string ca = (dir / "s_ca.crt").string(), cert = (dir / "s_server.crt").string(),
                    key = (dir / "s_server.key").string(), log = (dir / "s_server.log").string();
  pid_t pid = ::fork();
  if (pid < 0) return fail("fork failed");
  if (pid == 0) {
    if (::chdir(s->docroot_.c_str()) != 0) ::_exit(127);
    FILE* out = std::freopen(log.c_str(), "w", stdout);
    if (!out || !std::freopen(log.c_str(), "a", stderr)) ::_exit(127);
    ::execlp("openssl", "openssl", "s_server", "-accept", accept.c_str(), "-cert", cert.c_str(), "-key", key.c_str(),
             "-CAfile", ca.c_str(), "-Verify", "1", "-verify_return_error", "-WWW", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  s->pid_ = pid;
  for (int i = 0; i < 100; ++i) {
    if (accepts(s->port_)) return s;
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      s->pid_ = -1;
      return fail("openssl s_server exited: " + read(log));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return fail("openssl s_server did not listen within 5 s on " + accept);
}

TlsServer::~TlsServer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

std::string TlsServer::url() const { return fmt::format("https://127.0.0.1:{}", port_); }

}  // namespace kstack::kube::testing
