#include "reconcile/cluster_credential.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "openstack/identity.h"

namespace kstack::reconcile {

namespace os = openstack;
using nlohmann::json;

namespace {

constexpr std::string_view kSupplyHint =
    "give the cluster a credential of its own: `openstack application credential create kstack-{0} --role member`, "
    "put it in clouds.yaml as an entry of its own (auth_type: v3applicationcredential), and name that entry in "
    "the spec: addons.application_credential";

/// The CA bundle and the verify choice of a clouds.yaml entry, for the cloud.conf.
Result<void> add_trust(const os::CloudConfig& cloud, bootstrap::CloudCredentials& out) {
  out.insecure = cloud.insecure;
  if (cloud.cacert.empty()) return {};
  std::ifstream in(cloud.cacert, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in || text.str().empty()) {
    return fail("the cloud's CA bundle cannot be read", cloud.cacert,
                "the clouds.yaml entry " + cloud.name + " names it as cacert: fix the path");
  }
  out.ca_pem = text.str();
  return {};
}

}  // namespace

std::string cloud_region(os::Client& client) {
  if (!client.cloud().region.empty()) return client.cloud().region;
  for (const auto& service : client.catalog()) {
    if (service.type != "compute") continue;
    for (const auto& e : service.endpoints) {
      if (e.interface == client.cloud().interface && !e.region.empty()) return e.region;
    }
  }
  return "";
}

Result<bootstrap::CloudCredentials> supplied_credentials(const spec::ClusterSpec& spec, const CloudLoader& load_cloud,
                                                         const std::string& fallback_region) {
  const std::string& entry = spec.addons.application_credential;
  auto cloud = load_cloud(entry);
  if (!cloud) {
    Error e = cloud.error();
    e.what = fmt::format("addons.application_credential names clouds.yaml entry '{}': {}", entry, e.what);
    return std::unexpected(e);
  }
  if (cloud->method != os::AuthMethod::application_credential) {
    return fail(fmt::format("clouds.yaml entry '{}' holds no application credential", entry),
                "addons.application_credential",
                "the entry needs auth_type: v3applicationcredential with application_credential_id and "
                "application_credential_secret: the cluster never gets a password or a token");
  }
  bootstrap::CloudCredentials c{.auth_url = cloud->auth_url,
                                .region = cloud->region.empty() ? fallback_region : cloud->region,
                                .application_credential_id = cloud->application_credential_id,
                                .application_credential_name = cloud->application_credential_name,
                                .user_id = cloud->user_id,
                                .username = cloud->username,
                                .user_domain_id = cloud->user_domain_id,
                                .user_domain_name = cloud->user_domain_name,
                                .application_credential_secret = cloud->application_credential_secret};
  if (c.region.empty()) {
    return fail(fmt::format("clouds.yaml entry '{}' names no region", entry), "addons.application_credential",
                "set region_name in the entry");
  }
  if (auto trust = add_trust(*cloud, c); !trust) return std::unexpected(trust.error());
  return c;
}

namespace {

/// The first of kstack-<cluster>, kstack-<cluster>-2, … that none of the user's credentials has.
std::string free_name(const std::string& cluster, const std::vector<os::identity::ApplicationCredential>& existing) {
  std::set<std::string> taken;
  for (const auto& c : existing) taken.insert(c.name);
  const std::string base = "kstack-" + cluster;
  if (!taken.contains(base)) return base;
  for (int n = 2;; ++n) {
    std::string name = fmt::format("{}-{}", base, n);
    if (!taken.contains(name)) return name;
  }
}

Result<ClusterCredential> create(os::Client& client, state::StateDir& state, const spec::ClusterSpec& spec) {
  const auto roles = cluster_roles(client.roles());
  if (roles.empty()) {
    return fail(fmt::format("the cluster's application credential needs the member role in project {}, which "
                            "user {} does not hold there; nothing was created",
                            client.project_name(), client.user_id()),
                "addons", fmt::format(kSupplyHint, spec.name));
  }
  auto existing = os::identity::list_application_credentials(client, client.user_id());
  if (!existing) return std::unexpected(existing.error());
  os::identity::NewApplicationCredential request{free_name(spec.name, *existing),
                                                 credential_description(spec.name, client.project_id()), roles, ""};
  auto made = os::identity::create_application_credential(client, request);
  if (!made) {
    Error e = made.error();
    if (e.http_status == 403) {
      e.what = fmt::format(
          "Keystone's policy refuses user {} an application credential for the cluster ({}); nothing was created",
          client.user_id(), e.what);
      e.hint = fmt::format(kSupplyHint, spec.name) +
               " (an operator who logs in with a restricted application credential cannot create another)";
    }
    return std::unexpected(e);
  }
  ClusterCredential kept{made->id,
                         made->name,
                         made->secret,
                         client.user_id(),
                         client.project_id(),
                         client.cloud().auth_url,
                         cloud_region(client),
                         made->roles};
  if (auto saved = save_credential(state, kept); !saved) {
    // Not kept means not usable: delete it again rather than leave a secret nobody has.
    (void)os::identity::delete_application_credential(client, client.user_id(), made->id);
    return std::unexpected(saved.error());
  }
  return kept;
}

}  // namespace

Result<std::optional<ClusterCredential>> load_credential(const state::StateDir& state) {
  if (!state.exists(kCredentialFile)) return std::optional<ClusterCredential>{};
  auto text = state.read(kCredentialFile);
  if (!text) return std::unexpected(text.error());
  auto j = json::parse(*text, nullptr, false);
  const std::string where = state.path(kCredentialFile).string();
  if (j.is_discarded() || !j.is_object()) return fail("the cluster's application credential file is not JSON", where);
  ClusterCredential c{j.value("id", ""),         j.value("name", ""),
                      j.value("secret", ""),     j.value("user_id", ""),
                      j.value("project_id", ""), j.value("auth_url", ""),
                      j.value("region", ""),     j.value("roles", std::vector<std::string>{})};
  if (c.id.empty() || c.secret.empty() || c.user_id.empty()) {
    return fail("the cluster's application credential file lacks its id, secret or user", where,
                "restore it from a backup, or remove it: the next apply then makes a new credential");
  }
  return std::optional<ClusterCredential>{c};
}

Result<void> save_credential(state::StateDir& state, const ClusterCredential& c) {
  json j = {{"id", c.id},
            {"name", c.name},
            {"secret", c.secret},
            {"user_id", c.user_id},
            {"project_id", c.project_id},
            {"auth_url", c.auth_url},
            {"region", c.region},
            {"roles", c.roles}};
  return state.write(kCredentialFile, j.dump(2) + "\n");
}

std::vector<std::string> cluster_roles(const std::vector<std::string>& user_roles) {
  auto holds = [&](std::string_view role) {
    return std::find(user_roles.begin(), user_roles.end(), role) != user_roles.end();
  };
  std::vector<std::string> out;
  for (std::string_view member : {"member", "Member", "_member_"}) {
    if (holds(member)) {
      out.emplace_back(member);
      break;
    }
  }
  if (out.empty()) return out;
  if (holds("load-balancer_member")) out.emplace_back("load-balancer_member");
  return out;
}

std::string credential_description(const std::string& cluster, const std::string& project_id) {
  return fmt::format("kstack cluster {} in project {}: openstack-cloud-controller-manager and Cinder CSI", cluster,
                     project_id);
}

Result<bootstrap::CloudCredentials> stored_credentials(const os::CloudConfig& operator_cloud,
                                                       const ClusterCredential& stored) {
  bootstrap::CloudCredentials c{.auth_url = stored.auth_url.empty() ? operator_cloud.auth_url : stored.auth_url,
                                .region = stored.region.empty() ? operator_cloud.region : stored.region,
                                .application_credential_id = stored.id,
                                .application_credential_secret = stored.secret};
  if (auto trust = add_trust(operator_cloud, c); !trust) return std::unexpected(trust.error());
  return c;
}

Result<EnsuredCredential> ensure_credential(os::Client& client, state::StateDir& state, const spec::ClusterSpec& spec,
                                            const CloudLoader& load_cloud) {
  if (!spec.addons.application_credential.empty()) {
    auto c = supplied_credentials(spec, load_cloud, cloud_region(client));
    if (!c) return std::unexpected(c.error());
    return EnsuredCredential{*c, CredentialAction::supplied, spec.addons.application_credential,
                             c->application_credential_id, ""};
  }
  auto stored = load_credential(state);
  if (!stored) return std::unexpected(stored.error());
  CredentialAction action = CredentialAction::created;
  std::string replaced;
  if (*stored) {
    const auto& s = **stored;
    bool known = true;  // only its owner (or an admin) may look it up: another user's is used as kept
    if (s.user_id == client.user_id()) {
      auto found = os::identity::find_application_credential(client, s.user_id, s.id);
      if (!found) return std::unexpected(found.error());
      known = found->has_value();
    }
    if (known) {
      auto c = stored_credentials(client.cloud(), s);
      if (!c) return std::unexpected(c.error());
      return EnsuredCredential{*c, CredentialAction::reused, s.name, s.id, ""};
    }
    action = CredentialAction::recreated;
    replaced = s.id;
  }
  auto made = create(client, state, spec);
  if (!made) return std::unexpected(made.error());
  auto c = stored_credentials(client.cloud(), *made);
  if (!c) return std::unexpected(c.error());
  return EnsuredCredential{*c, action, made->name, made->id, replaced};
}

Result<int> delete_credentials(os::Client& client, state::StateDir& state, const std::string& cluster) {
  auto stored = load_credential(state);
  if (!stored) return std::unexpected(stored.error());
  int deleted = 0;
  std::set<std::string> done;
  if (*stored && (*stored)->user_id == client.user_id()) {
    if (auto d = os::identity::delete_application_credential(client, (*stored)->user_id, (*stored)->id); !d) {
      return std::unexpected(d.error());
    }
    done.insert((*stored)->id);
    ++deleted;
  }
  auto all = os::identity::list_application_credentials(client, client.user_id());
  if (!all) return std::unexpected(all.error());
  const std::string mine = credential_description(cluster, client.project_id());
  for (const auto& c : *all) {
    if (c.description != mine || c.project_id != client.project_id() || done.contains(c.id)) continue;
    if (auto d = os::identity::delete_application_credential(client, client.user_id(), c.id); !d) {
      return std::unexpected(d.error());
    }
    ++deleted;
  }
  if (*stored && (*stored)->user_id != client.user_id()) {
    return fail(fmt::format("the cluster's application credential {} belongs to user {}, who must delete it",
                            (*stored)->name, (*stored)->user_id),
                state.path(kCredentialFile).string(),
                "run kstack destroy as that user, or `openstack application credential delete` it as an admin");
  }
  if (auto r = state.remove(kCredentialFile); !r) return std::unexpected(r.error());
  return deleted;
}

}  // namespace kstack::reconcile
