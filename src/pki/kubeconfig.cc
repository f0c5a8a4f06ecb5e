#include <fmt/format.h>
#include <openssl/evp.h>

#include "pki/cluster_pki.h"

namespace kstack::pki {
namespace {

std::string base64(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3), '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(written));
  return out;
}

/// A YAML double-quoted scalar: safe for any name, including "system:node:x" or one with a '#'.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string kubeconfig(std::string_view cluster, std::string_view server_url, std::string_view ca_pem,
                       std::string_view user, const CertKey& client) {
  const std::string context = fmt::format("{}@{}", user, cluster);
  return fmt::format(
      "apiVersion: v1\n"
      "kind: Config\n"
      "clusters:\n"
      "- name: {0}\n"
      "  cluster:\n"
      "    server: {1}\n"
      "    certificate-authority-data: {2}\n"
      "users:\n"
      "- name: {3}\n"
      "  user:\n"
      "    client-certificate-data: {4}\n"
      "    client-key-data: {5}\n"
      "contexts:\n"
      "- name: {6}\n"
      "  context:\n"
      "    cluster: {0}\n"
      "    user: {3}\n"
      "current-context: {6}\n"
      "preferences: {{}}\n",
      quoted(cluster), quoted(server_url), base64(ca_pem), quoted(user), base64(client.cert_pem),
      base64(client.key_pem), quoted(context));
}

}  // namespace kstack::pki
