#include "openstack/identity.h"

#include <algorithm>

#include "openstack/json_util.h"

namespace kstack::openstack::identity {

using nlohmann::json;

namespace {

ApplicationCredential from_json(const json& j) {
  ApplicationCredential c{str(j, "id"),         str(j, "name"),       str(j, "description"),
                          str(j, "user_id"),    str(j, "project_id"), {},
                          str(j, "expires_at"), str(j, "secret")};
  if (j.contains("roles") && j["roles"].is_array()) {
    for (const auto& r : j["roles"]) c.roles.push_back(str(r, "name"));
  }
  // Keystone keeps a credential's roles as a set and answers them in no fixed order.
  std::ranges::sort(c.roles);
  return c;
}

std::string path_of(const std::string& user_id) { return "/users/" + url_encode(user_id) + "/application_credentials"; }

}  // namespace

Result<ApplicationCredential> create_application_credential(Client& client, const NewApplicationCredential& request) {
  json roles = json::array();
  for (const auto& r : request.roles) roles.push_back({{"name", r}});
  json body = {{"name", request.name}, {"description", request.description}, {"roles", roles}};
  if (!request.expires_at.empty()) body["expires_at"] = request.expires_at;
  const CallInfo info{"identity", "create application credential", "application credential " + request.name};
  auto answer = client.call(
      "identity", {info, "POST", path_of(client.user_id()), json{{"application_credential", body}}, RetryRule::create});
  if (!answer) return std::unexpected(answer.error());
  if (!answer->contains("application_credential")) {
    return fail("Keystone's answer holds no application credential", info.resource);
  }
  auto created = from_json((*answer)["application_credential"]);
  if (created.id.empty() || created.secret.empty()) {
    return fail("Keystone's answer holds an application credential without its id or secret", info.resource);
  }
  return created;
}

Result<std::optional<ApplicationCredential>> find_application_credential(Client& client, const std::string& user_id,
                                                                         const std::string& id) {
  const CallInfo info{"identity", "get application credential", "application credential " + id};
  auto answer = client.call("identity", {info, "GET", path_of(user_id) + "/" + url_encode(id)});
  if (!answer) {
    if (answer.error().http_status == 404) return std::optional<ApplicationCredential>{};
    return std::unexpected(answer.error());
  }
  if (!answer->contains("application_credential")) return fail("Keystone's answer is not one", info.resource);
  return std::optional<ApplicationCredential>{from_json((*answer)["application_credential"])};
}

Result<std::vector<ApplicationCredential>> list_application_credentials(Client& client, const std::string& user_id) {
  auto items = client.list("identity", {"identity", "list application credentials", "user " + user_id},
                           path_of(user_id), "application_credentials");
  if (!items) return std::unexpected(items.error());
  std::vector<ApplicationCredential> out;
  for (const auto& j : *items) out.push_back(from_json(j));
  return out;
}

Result<void> delete_application_credential(Client& client, const std::string& user_id, const std::string& id) {
  const CallInfo info{"identity", "delete application credential", "application credential " + id};
  return deleted(client.call("identity", {info, "DELETE", path_of(user_id) + "/" + url_encode(id)}));
}

}  // namespace kstack::openstack::identity
