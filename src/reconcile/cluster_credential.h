#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bootstrap/render_inputs.h"
#include "openstack/client.h"
#include "openstack/cloud_config.h"
#include "spec/cluster_spec.h"
#include "state/state_dir.h"

namespace kstack::reconcile {

/// Where the cluster's application credential is kept in the state directory (0600, like every file there).
inline constexpr std::string_view kCredentialFile = "secrets/application-credential.json";

/// ClusterCredential is the Keystone application credential the cluster's OpenStack add-ons log in with,
/// as kept in the state directory: one kstack made (and deletes with the cluster).
struct ClusterCredential {
  std::string id;
  std::string name;  // kstack-<cluster>, or kstack-<cluster>-N when that name was taken
  std::string secret;
  std::string user_id;  // the user it belongs to: the operator who ran the apply that made it
  std::string project_id;
  std::string auth_url;
  std::string region;
  std::vector<std::string> roles;
};

/// The credential the state directory holds; nullopt when it holds none.
[[nodiscard]] Result<std::optional<ClusterCredential>> load_credential(const state::StateDir& state);
/// Keeps the credential in the state directory, replacing any other.
[[nodiscard]] Result<void> save_credential(state::StateDir& state, const ClusterCredential& credential);

/// The roles a cluster credential asks for: of the user's roles in the project, the member role (and
/// Octavia's load-balancer_member where the cloud has it), never admin. Empty when the user has no member role.
std::vector<std::string> cluster_roles(const std::vector<std::string>& user_roles);

/// The description a credential of this cluster carries, which destroy looks for.
std::string credential_description(const std::string& cluster, const std::string& project_id);

/// What ensure_credential did.
enum class CredentialAction { reused, created, recreated, supplied };

/// The credential the add-ons get, and how it came to be.
struct EnsuredCredential {
  bootstrap::CloudCredentials credentials;  // what the cloud.conf holds
  CredentialAction action = CredentialAction::reused;
  std::string name;         // the credential's name (or the clouds.yaml entry that supplied it)
  std::string id;           // empty for a supplied one known by name
  std::string replaced_id;  // with recreated: the id that Keystone no longer knew
};

/// Reads a clouds.yaml entry; a seam for tests.
using CloudLoader = std::function<Result<openstack::CloudConfig>(const std::string& entry)>;

/// The cluster's credential, made to exist:
///  - `addons.application_credential` names a clouds.yaml entry: that entry's application credential,
///    nothing created;
///  - else the one in the state directory, checked with one GET (when it is the caller's), made again
///    when Keystone no longer knows it;
///  - else a new one, kept in the state directory before anything uses it.
/// A policy that refuses the creation is an error saying how to supply one; nothing is created then.
[[nodiscard]] Result<EnsuredCredential> ensure_credential(openstack::Client& client, state::StateDir& state,
                                                          const spec::ClusterSpec& spec, const CloudLoader& load_cloud);

/// The region the add-ons talk to: the configured one, else the one the catalog gives compute.
std::string cloud_region(openstack::Client& client);

/// The credential of the clouds.yaml entry `addons.application_credential` names; an error unless it is an
/// application credential. `fallback_region` when the entry names none.
[[nodiscard]] Result<bootstrap::CloudCredentials> supplied_credentials(const spec::ClusterSpec& spec,
                                                                       const CloudLoader& load_cloud,
                                                                       const std::string& fallback_region);

/// The cloud.conf credentials of a credential the state directory holds, for a render that calls nothing.
[[nodiscard]] Result<bootstrap::CloudCredentials> stored_credentials(const openstack::CloudConfig& operator_cloud,
                                                                     const ClusterCredential& stored);

/// Deletes every application credential of this cluster that the caller owns in the project (the stored
/// one, and any a killed run made but never kept), then forgets the stored one. How many were deleted.
[[nodiscard]] Result<int> delete_credentials(openstack::Client& client, state::StateDir& state,
                                             const std::string& cluster);

}  // namespace kstack::reconcile
