#include <fmt/format.h>

#include "pki/cluster_pki.h"
#include "util/text.h"

namespace kstack::pki {

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
      yaml_quote(cluster), yaml_quote(server_url), base64(ca_pem), yaml_quote(user), base64(client.cert_pem),
      base64(client.key_pem), yaml_quote(context));
}

}  // namespace kstack::pki
