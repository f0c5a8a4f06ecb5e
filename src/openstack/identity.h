#pragma once

#include <optional>
#include <string>
#include <vector>

#include "openstack/client.h"

namespace kstack::openstack::identity {

/// ApplicationCredential is a Keystone application credential: a login bound to one user's roles in one
/// project, which can be deleted without touching the user. The secret is only known from its creation.
struct ApplicationCredential {
  std::string id;
  std::string name;
  std::string description;
  std::string user_id;
  std::string project_id;
  std::vector<std::string> roles;  // role names
  std::string expires_at;          // ISO 8601; empty: never
  std::string secret;              // only in the answer to the creation; a secret, never logged
};

/// What a new application credential is asked for.
struct NewApplicationCredential {
  std::string name;
  std::string description;
  std::vector<std::string> roles;  // role names, each one the user holds in the project
  std::string expires_at;          // ISO 8601; empty: never
};

/// Creates an application credential for the client's user in its project
/// (POST /v3/users/{user_id}/application_credentials); the answer carries the secret.
[[nodiscard]] Result<ApplicationCredential> create_application_credential(Client& client,
                                                                          const NewApplicationCredential& request);

/// The user's application credential with that id; nullopt when Keystone has none (404).
[[nodiscard]] Result<std::optional<ApplicationCredential>> find_application_credential(Client& client,
                                                                                       const std::string& user_id,
                                                                                       const std::string& id);

/// Every application credential of the user (without secrets).
[[nodiscard]] Result<std::vector<ApplicationCredential>> list_application_credentials(Client& client,
                                                                                      const std::string& user_id);

/// Deletes the user's application credential; one already gone counts as deleted.
[[nodiscard]] Result<void> delete_application_credential(Client& client, const std::string& user_id,
                                                         const std::string& id);

}  // namespace kstack::openstack::identity
