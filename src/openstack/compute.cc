#include "openstack/compute.h"

#include <fmt/format.h>

#include "openstack/json_util.h"
#include "util/text.h"

namespace kstack::openstack::compute {

using nlohmann::json;

namespace {

constexpr const char* kService = "compute";

CallInfo info(std::string operation, std::string resource = {}) {
  return {kService, std::move(operation), std::move(resource)};
}

Flavor parse_flavor(const json& j) {
  return {str(j, "id"),
          str(j, "name"),
          static_cast<int>(num(j, "vcpus")),
          static_cast<int>(num(j, "ram")),
          static_cast<int>(num(j, "disk")),
          flag(j, "os-flavor-access:is_public", true)};
}

Keypair parse_keypair(const json& j) {
  const json& k = j.contains("keypair") ? j["keypair"] : j;
  return {str(k, "name"), str(k, "fingerprint"), str(k, "public_key"), str(k, "type")};
}

ServerGroup parse_group(const json& j) {
  ServerGroup g{str(j, "id"), str(j, "name"), str(j, "policy"), strings(j, "members")};
  if (g.policy.empty()) {  // before 2.64: a list of one policy
    auto policies = strings(j, "policies");
    if (!policies.empty()) g.policy = policies.front();
  }
  return g;
}

}  // namespace

Server parse_server(const json& j) {
  Server s;
  s.id = str(j, "id");
  s.name = str(j, "name");
  s.status = str(j, "status");
  s.task_state = str(j, "OS-EXT-STS:task_state");
  s.tags = strings(j, "tags");
  s.metadata = string_map(j, "metadata");
  s.key_name = str(j, "key_name");
  if (j.contains("addresses") && j["addresses"].is_object()) {
    for (auto it = j["addresses"].begin(); it != j["addresses"].end(); ++it) {
      for (const auto& a : *it) s.addresses[it.key()].push_back(str(a, "addr"));
    }
  }
  if (j.contains("flavor")) s.flavor_name = str(j["flavor"], "original_name");
  if (j.contains("image") && j["image"].is_object()) s.image_id = str(j["image"], "id");
  for (const auto& v : j.value("os-extended-volumes:volumes_attached", json::array())) {
    s.volume_ids.push_back(str(v, "id"));
  }
  if (j.contains("fault") && j["fault"].is_object()) {
    s.fault = {static_cast<int>(num(j["fault"], "code")), str(j["fault"], "message"), str(j["fault"], "details")};
  }
  return s;
}

json server_create_body(const ServerCreate& r) {
  json server = {{"name", r.name}, {"flavorRef", r.flavor_id}};
  if (!r.image_id.empty()) server["imageRef"] = r.image_id;
  if (!r.key_name.empty()) server["key_name"] = r.key_name;
  if (r.port_ids.empty()) {
    server["networks"] = "none";
  } else {
    server["networks"] = json::array();
    for (const auto& p : r.port_ids) server["networks"].push_back({{"port", p}});
  }
  if (!r.block_devices.empty()) {
    server["block_device_mapping_v2"] = json::array();
    for (const auto& b : r.block_devices) {
      json d = {{"source_type", b.source_type},
                {"destination_type", b.destination_type},
                {"boot_index", b.boot_index},
                {"delete_on_termination", b.delete_on_termination}};
      if (!b.uuid.empty()) d["uuid"] = b.uuid;
      if (b.volume_size_gb > 0) d["volume_size"] = b.volume_size_gb;
      server["block_device_mapping_v2"].push_back(d);
    }
  }
  if (!r.user_data.empty()) server["user_data"] = base64(r.user_data);
  if (!r.metadata.empty()) server["metadata"] = r.metadata;
  if (!r.tags.empty()) server["tags"] = r.tags;
  if (!r.availability_zone.empty()) server["availability_zone"] = r.availability_zone;
  json body = {{"server", server}};
  if (!r.server_group_id.empty()) body["os:scheduler_hints"] = {{"group", r.server_group_id}};
  return body;
}

Result<std::vector<Flavor>> list_flavors(Client& client) {
  auto items = client.list(kService, info("list flavors"), "/flavors/detail", "flavors");
  if (!items) return std::unexpected(items.error());
  std::vector<Flavor> out;
  for (const auto& j : *items) out.push_back(parse_flavor(j));
  return out;
}

Result<std::vector<Keypair>> list_keypairs(Client& client) {
  auto items = client.list(kService, info("list keypairs"), "/os-keypairs", "keypairs");
  if (!items) return std::unexpected(items.error());
  std::vector<Keypair> out;
  for (const auto& j : *items) out.push_back(parse_keypair(j));
  return out;
}

Result<Keypair> get_keypair(Client& client, const std::string& name) {
  auto r = client.call(kService, {info("get keypair", "keypair " + name), "GET", "/os-keypairs/" + url_encode(name)});
  if (!r) return std::unexpected(r.error());
  return parse_keypair(*r);
}

Result<Keypair> import_keypair(Client& client, const std::string& name, const std::string& public_key) {
  // A keypair's name is unique: a repeated POST fails with 409 instead of making a second one.
  json body = {{"keypair", {{"name", name}, {"public_key", public_key}, {"type", "ssh"}}}};
  auto r = client.call(kService,
                       {info("import keypair", "keypair " + name), "POST", "/os-keypairs", body, RetryRule::create});
  if (!r) return std::unexpected(r.error());
  return parse_keypair(*r);
}

Result<void> delete_keypair(Client& client, const std::string& name) {
  return deleted(
      client.call(kService, {info("delete keypair", "keypair " + name), "DELETE", "/os-keypairs/" + url_encode(name)}));
}

Result<ServerGroup> create_server_group(Client& client, const std::string& name, const std::string& policy) {
  json body = {{"server_group", {{"name", name}, {"policy", policy}}}};
  auto r = client.call(kService, {info("create server group", "server group " + name), "POST", "/os-server-groups",
                                  body, RetryRule::create});
  if (!r) return std::unexpected(r.error());
  return parse_group(r->value("server_group", json::object()));
}

Result<std::vector<ServerGroup>> list_server_groups(Client& client) {
  // Server groups page by limit/offset, not links: ask for Nova's maximum page until a short one comes back.
  std::vector<ServerGroup> out;
  constexpr int kPage = 1000;
  for (int offset = 0;; offset += kPage) {
    auto r = client.call(kService, {info("list server groups"), "GET",
                                    fmt::format("/os-server-groups?limit={}&offset={}", kPage, offset)});
    if (!r) return std::unexpected(r.error());
    const auto& groups = r->value("server_groups", json::array());
    for (const auto& g : groups) out.push_back(parse_group(g));
    if (groups.size() < static_cast<size_t>(kPage)) break;
  }
  return out;
}

Result<void> delete_server_group(Client& client, const std::string& id) {
  return deleted(
      client.call(kService, {info("delete server group", "server group " + id), "DELETE", "/os-server-groups/" + id}));
}

Result<Server> create_server(Client& client, const ServerCreate& request) {
  // Nova makes a new server for every POST: retried only when the request never reached it. A duplicate
  // that slips through anyway carries the cluster's tag and is found and removed by the next observation.
  auto r = client.call(kService, {info("create server", "server " + request.name), "POST", "/servers",
                                  server_create_body(request), RetryRule::create});
  if (!r) return std::unexpected(r.error());
  Server s = parse_server(r->value("server", json::object()));
  if (s.name.empty()) s.name = request.name;
  if (s.status.empty()) s.status = "BUILD";
  if (s.tags.empty()) s.tags = request.tags;
  return s;
}

Result<std::vector<Server>> list_servers(Client& client, const ServerFilter& filter) {
  const std::string path = "/servers/detail" + query({{"tags", join(filter.tags)}, {"name", filter.name}});
  auto items = client.list(kService, info("list servers"), path, "servers");
  if (!items) return std::unexpected(items.error());
  std::vector<Server> out;
  for (const auto& j : *items) out.push_back(parse_server(j));
  return out;
}

Result<Server> get_server(Client& client, const std::string& id) {
  auto r = client.call(kService, {info("get server", "server " + id), "GET", "/servers/" + id});
  if (!r) return std::unexpected(r.error());
  return parse_server(r->value("server", json::object()));
}

Result<void> delete_server(Client& client, const std::string& id) {
  return deleted(client.call(kService, {info("delete server", "server " + id), "DELETE", "/servers/" + id}));
}

Result<std::string> console_output(Client& client, const std::string& id, int lines) {
  json action = {{"os-getConsoleOutput", {{"length", lines > 0 ? json(lines) : json(nullptr)}}}};
  auto r = client.call(kService, {info("get console output", "server " + id), "POST", "/servers/" + id + "/action",
                                  action, RetryRule::idempotent});
  if (!r) return std::unexpected(r.error());
  return str(*r, "output");
}

Result<AbsoluteLimits> limits(Client& client) {
  auto r = client.call(kService, {info("get compute limits"), "GET", "/limits"});
  if (!r) return std::unexpected(r.error());
  const json a = (*r)["limits"].value("absolute", json::object());
  auto n = [&](const char* key) { return static_cast<int>(num(a, key)); };
  return AbsoluteLimits{n("maxTotalInstances"),    n("totalInstancesUsed"), n("maxTotalCores"),
                        n("totalCoresUsed"),       n("maxTotalRAMSize"),    n("totalRAMUsed"),
                        n("maxTotalKeypairs"),     n("maxServerGroups"),    n("totalServerGroupsUsed"),
                        n("maxServerGroupMembers")};
}

}  // namespace kstack::openstack::compute
