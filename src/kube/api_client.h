#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "util/error.h"

namespace kstack::kube {

/// ApiCredentials are what reaching the Kubernetes API takes: its URL, the CA that signed its serving
/// certificate, and a client certificate and key (PEM; never logged).
struct ApiCredentials {
  std::string server;  // "https://203.0.113.7:6443"
  std::string ca_pem;
  std::string cert_pem;
  std::string key_pem;
};

/// GETs `path` ("/api/v1/nodes") from the API server over mutual TLS, verifying its certificate against
/// the cluster CA (never the system's). The body of a 200; any other status, a TLS failure or no answer
/// within `timeout` is an error naming the server.
[[nodiscard]] Result<std::string> api_get(const ApiCredentials& credentials, std::string_view path,
                                          std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace kstack::kube
