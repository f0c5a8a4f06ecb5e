#include "openstack/loadbalancer.h"

#include "openstack/json_util.h"
#include "util/text.h"

namespace kstack::openstack::loadbalancer {

using nlohmann::json;

namespace {

constexpr const char* kService = "load-balancer";

CallInfo info(std::string operation, std::string resource = {}) {
  return {kService, std::move(operation), std::move(resource)};
}

std::vector<std::string> ids(const json& j, const char* key) {
  std::vector<std::string> out;
  for (const auto& item : j.value(key, json::array())) out.push_back(str(item, "id"));
  return out;
}

LoadBalancer parse_lb(const json& j) {
  return {str(j, "id"),
          str(j, "name"),
          str(j, "description"),
          str(j, "vip_address"),
          str(j, "vip_port_id"),
          str(j, "vip_subnet_id"),
          str(j, "provider"),
          str(j, "provisioning_status"),
          str(j, "operating_status"),
          strings(j, "tags"),
          ids(j, "listeners"),
          ids(j, "pools")};
}

json pool_body(const Pool& p) {
  json pool = {
      {"name", p.name}, {"protocol", p.protocol}, {"lb_algorithm", p.lb_algorithm}, {"members", json::array()}};
  for (const auto& m : p.members) {
    json member = {{"address", m.address}, {"protocol_port", m.protocol_port}};
    if (!m.name.empty()) member["name"] = m.name;
    if (!m.subnet_id.empty()) member["subnet_id"] = m.subnet_id;
    pool["members"].push_back(member);
  }
  if (p.has_health_monitor) {
    const auto& h = p.health_monitor;
    json hm = {{"type", h.type}, {"delay", h.delay_s}, {"timeout", h.timeout_s}, {"max_retries", h.max_retries}};
    if (!h.url_path.empty()) hm["url_path"] = h.url_path;
    if (!h.expected_codes.empty()) hm["expected_codes"] = h.expected_codes;
    pool["healthmonitor"] = hm;
  }
  return pool;
}

json listener_body(const Listener& l) {
  json out = {{"name", l.name},
              {"protocol", l.protocol},
              {"protocol_port", l.protocol_port},
              {"default_pool", pool_body(l.default_pool)}};
  if (!l.allowed_cidrs.empty()) out["allowed_cidrs"] = l.allowed_cidrs;
  if (l.timeout_client_data_ms > 0) out["timeout_client_data"] = l.timeout_client_data_ms;
  if (l.timeout_member_data_ms > 0) out["timeout_member_data"] = l.timeout_member_data_ms;
  if (!l.tags.empty()) out["tags"] = l.tags;
  return out;
}

ListenerState parse_listener(const json& j) {
  ListenerState out{.id = str(j, "id"),
                    .name = str(j, "name"),
                    .provisioning_status = str(j, "provisioning_status"),
                    .load_balancer_ids = ids(j, "loadbalancers"),
                    .allowed_cidrs = strings(j, "allowed_cidrs"),
                    .timeout_client_data_ms = static_cast<int>(num(j, "timeout_client_data")),
                    .timeout_member_data_ms = static_cast<int>(num(j, "timeout_member_data")),
                    .tags = strings(j, "tags")};
  return out;
}

}  // namespace

json listener_update_body(const ListenerUpdate& u) {
  // An empty list clears the restriction: Octavia then accepts every source again.
  json listener = {{"allowed_cidrs", u.allowed_cidrs}};
  if (u.timeout_client_data_ms > 0) listener["timeout_client_data"] = u.timeout_client_data_ms;
  if (u.timeout_member_data_ms > 0) listener["timeout_member_data"] = u.timeout_member_data_ms;
  if (!u.tags.empty()) listener["tags"] = u.tags;
  return {{"listener", listener}};
}

json create_body(const LoadBalancerCreate& r) {
  json lb = {{"name", r.name}};
  if (!r.description.empty()) lb["description"] = r.description;
  if (!r.vip_port_id.empty()) {
    lb["vip_port_id"] = r.vip_port_id;
  } else {
    lb["vip_subnet_id"] = r.vip_subnet_id;
    if (!r.vip_address.empty()) lb["vip_address"] = r.vip_address;
  }
  if (!r.provider.empty()) lb["provider"] = r.provider;
  if (!r.tags.empty()) lb["tags"] = r.tags;
  if (!r.listeners.empty()) {
    lb["listeners"] = json::array();
    for (const auto& l : r.listeners) lb["listeners"].push_back(listener_body(l));
  }
  return {{"loadbalancer", lb}};
}

Result<LoadBalancer> create_load_balancer(Client& client, const LoadBalancerCreate& r) {
  // Each POST makes a load balancer: retried only when it never reached Octavia.
  auto j = client.call(kService, {info("create load balancer", "load balancer " + r.name), "POST",
                                  "/lbaas/loadbalancers", create_body(r), RetryRule::create});
  if (!j) return std::unexpected(j.error());
  return parse_lb(j->value("loadbalancer", json::object()));
}

Result<LoadBalancer> get_load_balancer(Client& client, const std::string& id) {
  auto j =
      client.call(kService, {info("get load balancer", "load balancer " + id), "GET", "/lbaas/loadbalancers/" + id});
  if (!j) return std::unexpected(j.error());
  return parse_lb(j->value("loadbalancer", json::object()));
}

Result<std::optional<LoadBalancer>> find_load_balancer(Client& client, const std::string& id) {
  auto lb = get_load_balancer(client, id);
  if (lb) return std::optional<LoadBalancer>(std::move(*lb));
  if (lb.error().http_status != 404) return std::unexpected(lb.error());
  return std::optional<LoadBalancer>();
}

Result<std::vector<LoadBalancer>> list_load_balancers(Client& client, const LoadBalancerFilter& filter) {
  const std::string path = "/lbaas/loadbalancers" + query({{"name", filter.name}, {"tags", join(filter.tags)}});
  auto items = client.list(kService, info("list load balancers"), path, "loadbalancers");
  if (!items) return std::unexpected(items.error());
  std::vector<LoadBalancer> out;
  for (const auto& j : *items) out.push_back(parse_lb(j));
  return out;
}

Result<LoadBalancerQuota> load_balancer_quota(Client& client, const std::string& project_id) {
  auto j = client.call(
      kService, {info("get load-balancer quota", "project " + project_id), "GET", "/lbaas/quotas/" + project_id});
  if (!j) return std::unexpected(j.error());
  const json q = j->value("quota", json::object());
  LoadBalancerQuota out;
  for (const char* key : {"load_balancer", "loadbalancer"}) {  // the second is the deprecated spelling
    if (q.contains(key) && q[key].is_number_integer()) {
      out.limit = q[key].get<int>();
      break;
    }
  }
  auto all = client.list(kService, info("list load balancers"), "/lbaas/loadbalancers?project_id=" + project_id,
                         "loadbalancers");
  if (!all) return std::unexpected(all.error());
  out.used = static_cast<int>(all->size());
  return out;
}

Result<StatusTree> status_tree(Client& client, const std::string& id) {
  auto j = client.call(kService, {info("get load balancer status", "load balancer " + id), "GET",
                                  "/lbaas/loadbalancers/" + id + "/status"});
  if (!j) return std::unexpected(j.error());
  const json lb = (*j)["statuses"].value("loadbalancer", json::object());
  StatusTree tree{str(lb, "id"), str(lb, "name"), str(lb, "provisioning_status"), str(lb, "operating_status"), {}};
  for (const auto& l : lb.value("listeners", json::array())) {
    ListenerStatus ls{str(l, "id"), str(l, "name"), str(l, "provisioning_status"), str(l, "operating_status"), {}};
    for (const auto& p : l.value("pools", json::array())) {
      PoolStatus ps{str(p, "id"), str(p, "name"), str(p, "provisioning_status"), str(p, "operating_status"), {}};
      for (const auto& m : p.value("members", json::array())) {
        ps.members.push_back({str(m, "id"), str(m, "name"), str(m, "address"),
                              static_cast<int>(num(m, "protocol_port")), str(m, "provisioning_status"),
                              str(m, "operating_status")});
      }
      ls.pools.push_back(std::move(ps));
    }
    tree.listeners.push_back(std::move(ls));
  }
  return tree;
}

Result<std::vector<ListenerState>> list_listeners(Client& client, const std::vector<std::string>& tags) {
  const std::string path = "/lbaas/listeners" + query({{"tags", join(tags)}});
  auto items = client.list(kService, info("list listeners"), path, "listeners");
  if (!items) return std::unexpected(items.error());
  std::vector<ListenerState> out;
  for (const auto& j : *items) out.push_back(parse_listener(j));
  return out;
}

Result<ListenerState> update_listener(Client& client, const std::string& id, const ListenerUpdate& update) {
  auto j = client.call(kService, {info("update listener", "listener " + id), "PUT", "/lbaas/listeners/" + id,
                                  listener_update_body(update)});
  if (!j) return std::unexpected(j.error());
  return parse_listener(j->value("listener", json::object()));
}

Result<void> delete_load_balancer(Client& client, const std::string& id) {
  return deleted(client.call(kService, {info("delete load balancer", "load balancer " + id), "DELETE",
                                        "/lbaas/loadbalancers/" + id + "?cascade=true"}));
}

}  // namespace kstack::openstack::loadbalancer
