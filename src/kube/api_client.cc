#include "kube/api_client.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <memory>
#include <mutex>

namespace kstack::kube {
namespace {

/// CurlEasy owns one libcurl easy handle.
using CurlEasy = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;

size_t append(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

curl_blob blob(const std::string& pem) { return {const_cast<char*>(pem.data()), pem.size(), CURL_BLOB_COPY}; }

}  // namespace

Result<std::string> api_get(const ApiCredentials& c, std::string_view path, std::chrono::milliseconds timeout) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  CurlEasy curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return fail("libcurl could not make a handle", c.server);
  const std::string url = c.server + std::string(path);
  std::string body;
  char message[CURL_ERROR_SIZE] = {0};
  curl_blob ca = blob(c.ca_pem), cert = blob(c.cert_pem), key = blob(c.key_pem);
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &ca);
  curl_easy_setopt(h, CURLOPT_CAPATH, nullptr);
  curl_easy_setopt(h, CURLOPT_SSLCERT_BLOB, &cert);
  curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
  curl_easy_setopt(h, CURLOPT_SSLKEY_BLOB, &key);
  curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, message);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
  const CURLcode rc = curl_easy_perform(h);
  if (rc != CURLE_OK) {
    return fail(fmt::format("the Kubernetes API did not answer: {}", message[0] ? message : curl_easy_strerror(rc)),
                c.server,
                "the API is reachable only once the first master has booted; from outside the network, "
                "only through the API load balancer's floating IP");
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) {
    Error e{
        fmt::format("GET {} answered HTTP {}", path, status), c.server, {}, "kubernetes", static_cast<int>(status), {}};
    if (status == 401 || status == 403) e.hint = "the admin certificate is not accepted: run kstack certs check";
    return std::unexpected(e);
  }
  return body;
}

}  // namespace kstack::kube
