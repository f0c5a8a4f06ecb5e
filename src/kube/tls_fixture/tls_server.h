#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

#include "util/error.h"

namespace kstack::kube::testing {

/// TlsFiles are a CA, a serving certificate for 127.0.0.1 and a client certificate, made by `openssl`.
struct TlsFiles {
  std::string ca_pem, server_cert_pem, server_key_pem, client_cert_pem, client_key_pem;
};

/// Makes a fresh CA, a serving certificate (SAN IP:127.0.0.1) and a client certificate in `dir` with the
/// openssl command-line tool.
[[nodiscard]] Result<TlsFiles> make_tls_files(const std::filesystem::path& dir);

/// TlsServer is `openssl s_server -WWW` on 127.0.0.1: it serves the files under its document root over
/// TLS and requires a client certificate signed by the given CA. Killed (its own PID) on destruction.
class TlsServer {
 public:
  [[nodiscard]] static Result<std::unique_ptr<TlsServer>> start(const std::filesystem::path& dir,
                                                                const TlsFiles& files);
  ~TlsServer();
  TlsServer(const TlsServer&) = delete;
  TlsServer& operator=(const TlsServer&) = delete;

  /// "https://127.0.0.1:<port>"
  std::string url() const;
  /// Where GET /a/b is answered from: docroot()/a/b.
  const std::filesystem::path& docroot() const { return docroot_; }

 private:
  TlsServer() = default;
  pid_t pid_ = -1;
  int port_ = 0;
  std::filesystem::path docroot_;
};

}  // namespace kstack::kube::testing
