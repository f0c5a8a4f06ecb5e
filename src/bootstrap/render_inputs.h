#pragma once

#include <map>
#include <string>

#include "model/cluster_model.h"
#include "pki/cluster_pki.h"
#include "spec/cluster_spec.h"
#include "spec/versions.h"

namespace kstack::bootstrap {

/// What an offline render writes where only the cloud can tell: volume ids, credentials.
inline constexpr std::string_view kOfflinePlaceholder = "offline-render-placeholder";

/// CloudCredentials is what openstack-cloud-controller-manager and the Cinder CSI controller log in with:
/// the cluster's application credential (never the operator's password or token), where Keystone is and
/// how to trust it.
struct CloudCredentials {
  std::string auth_url;
  std::string region;
  std::string application_credential_id;    // or a name, with its user:
  std::string application_credential_name;  // used only without an id
  std::string user_id;                      // the credential's user, by id, else by name in a domain
  std::string username;
  std::string user_domain_id;
  std::string user_domain_name;
  std::string application_credential_secret;
  std::string ca_pem;     // the cloud's CA bundle when its endpoints use a private CA; empty: system CAs
  bool insecure = false;  // the cloud's clouds.yaml entry says verify: false
};

/// RenderOptions holds what only exists once the cloud resources do. The reconciler passes real
/// values at apply time; `kstack render` passes offline placeholders.
struct RenderOptions {
  std::map<std::string, std::string> volume_ids;  // node name → Cinder volume id of its data volume
  std::string api_floating_ip;                    // empty: none, or not known
  std::string floating_network_id;                // for LoadBalancer Services' floating IPs; empty: the cloud's choice
  std::string subnet_id;                          // the cluster subnet, for Octavia members; empty: discovered
  CloudCredentials cloud;
};

/// BootstrapSecrets are the cluster secrets that are not certificates, kept in the state directory.
struct BootstrapSecrets {
  std::string encryption_key_base64;  // 32 random bytes: encryption at rest of Secrets (secretbox)
};

/// RenderContext is every input of a render, shared by the file generators.
struct RenderContext {
  const spec::ClusterSpec& spec;
  const model::ClusterModel& model;
  const pki::ClusterPki& pki;
  const spec::Release& release;
  const BootstrapSecrets& secrets;
  const RenderOptions& options;

  /// An image reference with the spec's registry mirror applied.
  std::string image(const spec::Image& image) const { return image.ref(spec.mirrors.image_registry()); }
  /// The API server URL nodes use: the VIP or the first master.
  std::string api_url() const { return "https://" + model.api_address + ":6443"; }
  /// True for the master that applies the add-ons.
  bool is_first_master(const model::Node& node) const { return node.role == model::Role::master && node.index == 1; }
};

}  // namespace kstack::bootstrap
