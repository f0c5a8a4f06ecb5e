#include "openstack/network.h"

#include <fmt/format.h>

#include "openstack/json_util.h"
#include "util/text.h"

namespace kstack::openstack::network {

using nlohmann::json;

namespace {

constexpr const char* kService = "network";

CallInfo info(std::string operation, std::string resource = {}) {
  return {kService, std::move(operation), std::move(resource)};
}

std::string filter_query(const Filter& f, std::vector<std::pair<std::string, std::string>> extra = {}) {
  extra.emplace_back("name", f.name);
  extra.emplace_back("tags", join(f.tags));
  extra.emplace_back("device_owner", f.device_owner);
  for (const auto& ip : f.fixed_ips) {
    if (!ip.subnet_id.empty()) extra.emplace_back("fixed_ips", "subnet_id=" + ip.subnet_id);
    if (!ip.ip_address.empty()) extra.emplace_back("fixed_ips", "ip_address=" + ip.ip_address);
  }
  return query(extra);
}

Network parse_network(const json& j) {
  return {str(j, "id"),          str(j, "name"),    str(j, "status"), flag(j, "router:external"),
          strings(j, "subnets"), strings(j, "tags")};
}

Subnet parse_subnet(const json& j) {
  Subnet s{str(j, "id"),
           str(j, "name"),
           str(j, "network_id"),
           str(j, "cidr"),
           str(j, "gateway_ip"),
           static_cast<int>(num(j, "ip_version")),
           strings(j, "dns_nameservers"),
           strings(j, "tags"),
           {},
           str(j, "created_at")};
  if (auto pools = j.find("allocation_pools"); pools != j.end() && pools->is_array()) {
    for (const auto& p : *pools) {
      if (p.is_object()) s.allocation_pools.push_back({str(p, "start"), str(p, "end")});
    }
  }
  return s;
}

Router parse_router(const json& j) {
  Router r{str(j, "id"), str(j, "name"), str(j, "status"), {}, strings(j, "tags")};
  if (j.contains("external_gateway_info") && j["external_gateway_info"].is_object()) {
    r.external_network_id = str(j["external_gateway_info"], "network_id");
  }
  return r;
}

Port parse_port(const json& j) {
  Port p{str(j, "id"),
         str(j, "name"),
         str(j, "network_id"),
         str(j, "status"),
         str(j, "device_id"),
         str(j, "mac_address"),
         {},
         strings(j, "security_groups"),
         strings(j, "tags"),
         str(j, "device_owner"),
         str(j, "created_at")};
  if (auto ips = j.find("fixed_ips"); ips != j.end() && ips->is_array()) {
    for (const auto& ip : *ips) {
      if (ip.is_object()) p.fixed_ips.push_back({str(ip, "subnet_id"), str(ip, "ip_address")});
    }
  }
  return p;
}

SecurityGroupRule parse_rule(const json& j) {
  return {str(j, "id"),
          str(j, "security_group_id"),
          str(j, "direction"),
          str(j, "ethertype"),
          str(j, "protocol"),
          static_cast<int>(num(j, "port_range_min")),
          static_cast<int>(num(j, "port_range_max")),
          str(j, "remote_ip_prefix"),
          str(j, "remote_group_id"),
          str(j, "description")};
}

SecurityGroup parse_group(const json& j) {
  SecurityGroup g{str(j, "id"), str(j, "name"), str(j, "description"), {}, strings(j, "tags")};
  for (const auto& r : j.value("security_group_rules", json::array())) g.rules.push_back(parse_rule(r));
  return g;
}

FloatingIp parse_fip(const json& j) {
  return {str(j, "id"),
          str(j, "floating_ip_address"),
          str(j, "floating_network_id"),
          str(j, "port_id"),
          str(j, "fixed_ip_address"),
          str(j, "status"),
          str(j, "description"),
          strings(j, "tags")};
}

// POST a new resource. Neutron makes a new one for every POST, so it is retried only when it never arrived.
Result<json> create(Client& client, const std::string& kind, const std::string& key, const std::string& name,
                    json fields) {
  const std::string collection = key == "security_group" ? "/security-groups" : "/" + key + "s";
  auto r = client.call(kService, {info("create " + kind, kind + " " + name), "POST", collection,
                                  json{{key, std::move(fields)}}, RetryRule::create});
  if (!r) return std::unexpected(r.error());
  return r->value(key, json::object());
}

template <class T, class Parse>
Result<std::vector<T>> list_of(Client& client, const std::string& what, const std::string& path, const std::string& key,
                               Parse parse) {
  auto items = client.list(kService, info("list " + what), path, key);
  if (!items) return std::unexpected(items.error());
  std::vector<T> out;
  for (const auto& j : *items) out.push_back(parse(j));
  return out;
}

// PUT the changed fields of a resource; the resource as Neutron now has it.
Result<json> update(Client& client, const std::string& kind, const std::string& key, const std::string& collection,
                    const std::string& id, json fields) {
  auto r = client.call(kService, {info("update " + kind, kind + " " + id), "PUT", "/" + collection + "/" + id,
                                  json{{key, std::move(fields)}}});
  if (!r) return std::unexpected(r.error());
  return r->value(key, json::object());
}

json interface_body(const RouterInterface& leg) {
  return leg.port_id.empty() ? json{{"subnet_id", leg.subnet_id}} : json{{"port_id", leg.port_id}};
}

Result<void> remove(Client& client, const std::string& kind, const std::string& collection, const std::string& id) {
  return deleted(
      client.call(kService, {info("delete " + kind, kind + " " + id), "DELETE", "/" + collection + "/" + id}));
}

// Tags a resource just made; on failure the resource goes again, so that nothing unowned stays.
template <class T>
Result<T> tagged(Client& client, T resource, const std::string& kind, const std::string& collection,
                 const std::vector<std::string>& tags) {
  if (tags.empty()) return resource;
  if (auto r = set_tags(client, collection, resource.id, tags); !r) {
    (void)remove(client, kind, collection, resource.id);
    return std::unexpected(r.error());
  }
  resource.tags = tags;
  return resource;
}

}  // namespace

Result<std::vector<Network>> list_networks(Client& client, const Filter& filter) {
  return list_of<Network>(client, "networks", "/networks" + filter_query(filter), "networks", parse_network);
}

Result<Network> find_external_network(Client& client, const std::string& name) {
  auto nets =
      list_of<Network>(client, "external networks", "/networks?router:external=true", "networks", parse_network);
  if (!nets) return std::unexpected(nets.error());
  return pick_external_network(*nets, name);
}

Result<Network> pick_external_network(const std::vector<Network>& networks, const std::string& name) {
  std::string names;
  for (const auto& n : networks) {
    if (!n.external) continue;
    if (n.name == name || n.id == name) return n;
    names += (names.empty() ? "" : ", ") + n.name;
  }
  return fail(fmt::format("there is no external network '{}'", name), "network.external_network",
              names.empty() ? "the project sees no external network at all; ask the cloud's operator"
                            : "the external networks are: " + names);
}

Result<Network> create_network(Client& client, const std::string& name, const std::vector<std::string>& tags) {
  auto j = create(client, "network", "network", name, {{"name", name}, {"admin_state_up", true}});
  if (!j) return std::unexpected(j.error());
  return tagged(client, parse_network(*j), "network", "networks", tags);
}

Result<void> delete_network(Client& client, const std::string& id) { return remove(client, "network", "networks", id); }

Result<Subnet> create_subnet(Client& client, const Subnet& s) {
  json fields = {{"name", s.name}, {"network_id", s.network_id}, {"cidr", s.cidr}, {"ip_version", s.ip_version}};
  if (!s.gateway_ip.empty()) fields["gateway_ip"] = s.gateway_ip;
  if (!s.dns_nameservers.empty()) fields["dns_nameservers"] = s.dns_nameservers;
  if (!s.allocation_pools.empty()) {
    fields["allocation_pools"] = json::array();
    for (const auto& p : s.allocation_pools) fields["allocation_pools"].push_back({{"start", p.start}, {"end", p.end}});
  }
  auto j = create(client, "subnet", "subnet", s.name, fields);
  if (!j) return std::unexpected(j.error());
  return tagged(client, parse_subnet(*j), "subnet", "subnets", s.tags);
}

Result<std::vector<Subnet>> list_subnets(Client& client, const Filter& filter) {
  return list_of<Subnet>(client, "subnets", "/subnets" + filter_query(filter), "subnets", parse_subnet);
}

Result<Subnet> update_subnet(Client& client, const std::string& id, const SubnetUpdate& u) {
  auto j = update(client, "subnet", "subnet", "subnets", id, {{"dns_nameservers", u.dns_nameservers}});
  if (!j) return std::unexpected(j.error());
  return parse_subnet(*j);
}

Result<void> delete_subnet(Client& client, const std::string& id) { return remove(client, "subnet", "subnets", id); }

Result<Router> create_router(Client& client, const std::string& name, const std::string& external_network_id,
                             const std::vector<std::string>& tags) {
  json fields = {{"name", name}, {"admin_state_up", true}};
  if (!external_network_id.empty()) fields["external_gateway_info"] = {{"network_id", external_network_id}};
  auto j = create(client, "router", "router", name, fields);
  if (!j) return std::unexpected(j.error());
  return tagged(client, parse_router(*j), "router", "routers", tags);
}

Result<std::vector<Router>> list_routers(Client& client, const Filter& filter) {
  return list_of<Router>(client, "routers", "/routers" + filter_query(filter), "routers", parse_router);
}

Result<Router> update_router(Client& client, const std::string& id, const RouterUpdate& u) {
  auto j = update(client, "router", "router", "routers", id,
                  {{"external_gateway_info", {{"network_id", u.external_network_id}}}});
  if (!j) return std::unexpected(j.error());
  return parse_router(*j);
}

Result<void> add_router_interface(Client& client, const std::string& router_id, const RouterInterface& leg) {
  // Retried like an idempotent call: a repeat finds the interface there and fails with 400, never doubles it.
  auto r = client.call(kService, {info("add router interface", "router " + router_id), "PUT",
                                  "/routers/" + router_id + "/add_router_interface", interface_body(leg)});
  if (!r) return std::unexpected(r.error());
  return {};
}

Result<void> remove_router_interface(Client& client, const std::string& router_id, const RouterInterface& leg) {
  auto r = client.call(kService, {info("remove router interface", "router " + router_id), "PUT",
                                  "/routers/" + router_id + "/remove_router_interface", interface_body(leg)});
  return deleted(r);
}

Result<void> delete_router(Client& client, const std::string& id) { return remove(client, "router", "routers", id); }

Result<Port> create_port(Client& client, const Port& p) {
  json fields = {{"name", p.name}, {"network_id", p.network_id}, {"admin_state_up", true}};
  if (!p.fixed_ips.empty()) {
    fields["fixed_ips"] = json::array();
    for (const auto& ip : p.fixed_ips) {
      json f = {{"subnet_id", ip.subnet_id}};
      if (!ip.ip_address.empty()) f["ip_address"] = ip.ip_address;
      fields["fixed_ips"].push_back(f);
    }
  }
  if (!p.security_group_ids.empty()) fields["security_groups"] = p.security_group_ids;
  auto j = create(client, "port", "port", p.name, fields);
  if (!j) return std::unexpected(j.error());
  return tagged(client, parse_port(*j), "port", "ports", p.tags);
}

Result<std::vector<Port>> list_ports(Client& client, const Filter& filter) {
  return list_of<Port>(client, "ports", "/ports" + filter_query(filter), "ports", parse_port);
}

Result<Port> update_port(Client& client, const std::string& id, const PortUpdate& u) {
  auto j = update(client, "port", "port", "ports", id, {{"security_groups", u.security_group_ids}});
  if (!j) return std::unexpected(j.error());
  return parse_port(*j);
}

Result<void> delete_port(Client& client, const std::string& id) { return remove(client, "port", "ports", id); }

Result<SecurityGroup> create_security_group(Client& client, const std::string& name, const std::string& description,
                                            const std::vector<std::string>& tags) {
  auto j = create(client, "security group", "security_group", name, {{"name", name}, {"description", description}});
  if (!j) return std::unexpected(j.error());
  return tagged(client, parse_group(*j), "security group", "security-groups", tags);
}

Result<std::vector<SecurityGroup>> list_security_groups(Client& client, const Filter& filter) {
  return list_of<SecurityGroup>(client, "security groups", "/security-groups" + filter_query(filter), "security_groups",
                                parse_group);
}

Result<void> delete_security_group(Client& client, const std::string& id) {
  return remove(client, "security group", "security-groups", id);
}

Result<SecurityGroupRule> create_security_group_rule(Client& client, const SecurityGroupRule& r) {
  json fields = {{"security_group_id", r.security_group_id}, {"direction", r.direction}, {"ethertype", r.ethertype}};
  if (!r.protocol.empty()) fields["protocol"] = r.protocol;
  if (r.port_range_min > 0) fields["port_range_min"] = r.port_range_min;
  if (r.port_range_max > 0) fields["port_range_max"] = r.port_range_max;
  if (!r.remote_ip_prefix.empty()) fields["remote_ip_prefix"] = r.remote_ip_prefix;
  if (!r.remote_group_id.empty()) fields["remote_group_id"] = r.remote_group_id;
  if (!r.description.empty()) fields["description"] = r.description;
  // Neutron refuses an identical rule with 409, so a repeated POST cannot double it: retried as idempotent.
  auto j = client.call(kService, {info("create security group rule", "security group " + r.security_group_id), "POST",
                                  "/security-group-rules", json{{"security_group_rule", fields}}});
  if (!j) return std::unexpected(j.error());
  return parse_rule(j->value("security_group_rule", json::object()));
}

Result<void> delete_security_group_rule(Client& client, const std::string& id) {
  return remove(client, "security group rule", "security-group-rules", id);
}

Result<FloatingIp> create_floating_ip(Client& client, const std::string& floating_network_id,
                                      const std::string& description, const std::vector<std::string>& tags) {
  auto j = create(client, "floating IP", "floatingip", description,
                  {{"floating_network_id", floating_network_id}, {"description", description}});
  if (!j) return std::unexpected(j.error());
  return tagged(client, parse_fip(*j), "floating IP", "floatingips", tags);
}

Result<std::vector<FloatingIp>> list_floating_ips(Client& client, const Filter& filter) {
  // Floating IPs have no name; Filter::name matches their description.
  std::vector<std::pair<std::string, std::string>> params = {{"description", filter.name}, {"tags", join(filter.tags)}};
  return list_of<FloatingIp>(client, "floating IPs", "/floatingips" + query(params), "floatingips", parse_fip);
}

Result<FloatingIp> associate_floating_ip(Client& client, const std::string& floating_ip_id,
                                         const std::string& port_id) {
  json fields = {{"port_id", port_id.empty() ? json(nullptr) : json(port_id)}};
  auto j = client.call(kService, {info(port_id.empty() ? "disassociate floating IP" : "associate floating IP",
                                       "floating IP " + floating_ip_id),
                                  "PUT", "/floatingips/" + floating_ip_id, json{{"floatingip", fields}}});
  if (!j) return std::unexpected(j.error());
  return parse_fip(j->value("floatingip", json::object()));
}

Result<void> delete_floating_ip(Client& client, const std::string& id) {
  return remove(client, "floating IP", "floatingips", id);
}

Result<void> set_tags(Client& client, const std::string& kind, const std::string& id,
                      const std::vector<std::string>& tags) {
  auto r = client.call(
      kService, {info("set tags", kind + " " + id), "PUT", "/" + kind + "/" + id + "/tags", json{{"tags", tags}}});
  if (!r) return std::unexpected(r.error());
  return {};
}

Result<std::map<std::string, QuotaUsage>> quota_details(Client& client, const std::string& project_id) {
  auto r = client.call(kService, {info("get network quotas", "project " + project_id), "GET",
                                  "/quotas/" + project_id + "/details.json"});
  if (!r) return std::unexpected(r.error());
  std::map<std::string, QuotaUsage> out;
  const json q = r->value("quota", json::object());
  for (auto it = q.begin(); it != q.end(); ++it) {
    out[it.key()] = {static_cast<int>(num(*it, "limit")), static_cast<int>(num(*it, "used")),
                     static_cast<int>(num(*it, "reserved"))};
  }
  return out;
}

}  // namespace kstack::openstack::network
