#include "reconcile/kind.h"

#include <array>
#include <map>

namespace kstack::reconcile {

namespace {

using namespace std::chrono_literals;

struct KindRow {
  Kind kind;
  const char* name;
};

constexpr std::array<KindRow, 13> kKinds = {{
    {Kind::keypair, "keypair"},
    {Kind::network, "network"},
    {Kind::subnet, "subnet"},
    {Kind::router, "router"},
    {Kind::router_interface, "router_interface"},
    {Kind::security_group, "security_group"},
    {Kind::security_group_rule, "security_group_rule"},
    {Kind::server_group, "server_group"},
    {Kind::port, "port"},
    {Kind::load_balancer, "load_balancer"},
    {Kind::floating_ip, "floating_ip"},
    {Kind::volume, "volume"},
    {Kind::server, "server"},
}};

std::map<Kind, KindPolicy> make_policies() {
  std::map<Kind, KindPolicy> p;
  for (const auto& row : kKinds) p[row.kind] = {};
  p[Kind::subnet].updatable = {"dns_nameservers"};
  p[Kind::router].updatable = {"external_network_id"};
  p[Kind::router_interface].updatable = {"router_id"};  // a leg left unattached by a kill is attached
  p[Kind::port].updatable = {"security_groups"};
  p[Kind::port].unordered = {"security_groups"};
  p[Kind::port].cloud_default = {"security_groups"};  // none asked: a port whose groups another service sets
  p[Kind::floating_ip].updatable = {"port_id"};
  // Typical durations on an OpenStack cloud (a router leg plugs into the router's namespace, an amphora
  // boots a VM, a server boots); the asynchronous kinds get theirs below.
  p[Kind::network].expected_create_s = 1;
  p[Kind::subnet].expected_create_s = 2;
  p[Kind::router].expected_create_s = 2;
  p[Kind::router_interface].expected_create_s = 4;
  p[Kind::router_interface].expected_delete_s = 3;
  p[Kind::port].expected_create_s = 1;
  p[Kind::floating_ip].expected_create_s = 2;
  p[Kind::load_balancer] = KindPolicy{
      // The listener's sources and idle timeouts change in place (a PUT of the listener); anything else
      // about the load balancer replaces it.
      .updatable = {"allowed_cidrs", "timeout_client_data", "timeout_member_data"},
      .unordered = {"members", "allowed_cidrs"},
      .async_create = true,
      .async_delete = true,
      .ready = {"ACTIVE"},
      .failed = {"ERROR"},
      .deleting = {"PENDING_DELETE"},  // Octavia refuses a second DELETE then (409)
      .building = {"PENDING_CREATE"},
      .timeout = 1800s,  // an amphora boots a VM; slow clouds take many minutes
      .error_retries = 1,
      .expected_create_s = 60,
      .expected_delete_s = 20,
  };
  p[Kind::volume] = KindPolicy{
      .cloud_default = {"availability_zone", "volume_type"},
      .async_create = true,
      .async_delete = true,
      .ready = {"available", "in-use"},
      .failed = {"error", "error_deleting"},
      .deleting = {"deleting"},
      .building = {"creating"},
      .timeout = 600s,
      .expected_create_s = 5,
      .expected_delete_s = 3,
  };
  p[Kind::server] = KindPolicy{
      .updatable = {},
      .drift = {"user_data_sha256"},
      .cloud_default = {"availability_zone"},
      .async_create = true,
      .async_delete = true,
      .ready = {"ACTIVE"},
      .failed = {"ERROR"},
      .building = {"BUILD"},
      .timeout = 900s,
      .error_retries = 2,
      .needs_time_fault = "No valid host",
      .retry_pause = 45s,  // then 90 s: past the 120 s in which Nova's hosts report their servers again
      .expected_create_s = 30,
      .expected_delete_s = 10,
  };
  return p;
}

}  // namespace

const std::vector<Kind>& all_kinds() {
  static const std::vector<Kind> kinds = [] {
    std::vector<Kind> out;
    for (const auto& row : kKinds) out.push_back(row.kind);
    return out;
  }();
  return kinds;
}

const char* kind_name(Kind kind) {
  for (const auto& row : kKinds) {
    if (row.kind == kind) return row.name;
  }
  return "unknown";
}

std::optional<Kind> parse_kind(std::string_view name) {
  for (const auto& row : kKinds) {
    if (name == row.name) return row.kind;
  }
  return std::nullopt;
}

const KindPolicy& kind_policy(Kind kind) {
  static const std::map<Kind, KindPolicy> policies = make_policies();
  return policies.at(kind);
}

}  // namespace kstack::reconcile
