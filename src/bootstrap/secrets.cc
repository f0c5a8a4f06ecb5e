#include "bootstrap/secrets.h"

#include <openssl/rand.h>

#include <array>
#include <cstdlib>

#include "bootstrap/text.h"

namespace kstack::bootstrap {

Result<BootstrapSecrets> ensure_secrets(state::StateDir& state) {
  BootstrapSecrets secrets;
  if (state.exists(kEncryptionKeyFile)) {
    auto key = state.read(kEncryptionKeyFile);
    if (!key) return std::unexpected(key.error());
    while (!key->empty() && (key->back() == '\n' || key->back() == '\r')) key->pop_back();
    if (key->size() != 44) {
      return fail("the encryption-at-rest key is not 32 bytes of base64", state.path(kEncryptionKeyFile).string(),
                  "restore it from a backup: the Secrets in etcd cannot be read without it");
    }
    secrets.encryption_key_base64 = std::move(*key);
    return secrets;
  }
  std::array<unsigned char, 32> raw{};
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) return fail("the system random generator failed");
  secrets.encryption_key_base64 = base64(std::string_view(reinterpret_cast<const char*>(raw.data()), raw.size()));
  if (auto written = state.write(kEncryptionKeyFile, secrets.encryption_key_base64 + "\n"); !written) {
    return std::unexpected(written.error());
  }
  return secrets;
}

pki::PkiInputs pki_inputs(const spec::ClusterSpec& spec, const model::ClusterModel& model,
                          std::string_view api_floating_ip) {
  pki::PkiInputs in;
  in.cluster_name = spec.name;
  in.cluster_domain = spec.kubernetes.cluster_domain;
  in.service_cidr = spec.kubernetes.service_cidr;
  for (const auto* n : model.with_role(model::Role::master)) in.masters.push_back({n->name, n->ip});
  for (const auto* n : model.etcd_members()) in.etcd_members.push_back({n->name, n->ip});
  for (const auto* n : model.kubelet_nodes()) in.kubelet_nodes.push_back({n->name, n->ip});
  in.api_vip = model.api_vip;
  in.api_floating_ip = std::string(api_floating_ip);
  in.algorithm = spec.pki.algorithm;
  in.ca_validity_days = spec.pki.ca_validity_days;
  in.leaf_validity_days = spec.pki.leaf_validity_days;
  // A test of the kubelets' certificate rotation (docs/bootstrap.md): never set in production.
  if (const char* minutes = std::getenv("KSTACK_TEST_KUBELET_CERT_MINUTES"); minutes != nullptr && *minutes != 0) {
    char* end = nullptr;
    const long value = std::strtol(minutes, &end, 10);
    in.kubelet_client_validity_minutes = (*end == 0 && value > 0 && value <= 24 * 60) ? static_cast<int>(value) : -1;
  }
  return in;
}

}  // namespace kstack::bootstrap
