#pragma once

#include <map>
#include <string>
#include <vector>

#include "openstack/client.h"

namespace kstack::openstack::network {

/// Network is a Neutron network; `external` ones give routers their gateway and floating IPs.
struct Network {
  std::string id;
  std::string name;
  std::string status;
  bool external = false;
  std::vector<std::string> subnet_ids;
  std::vector<std::string> tags;
};

/// AllocationPool is a range of a subnet's addresses that Neutron hands out itself.
struct AllocationPool {
  std::string start;
  std::string end;
};

/// Subnet is an address range on a network.
struct Subnet {
  std::string id;
  std::string name;
  std::string network_id;
  std::string cidr;
  std::string gateway_ip;
  int ip_version = 4;
  std::vector<std::string> dns_nameservers;
  std::vector<std::string> tags;
  std::vector<AllocationPool> allocation_pools;  // empty in a create request: Neutron's default, the whole range
  std::string created_at;
};

/// SubnetUpdate is what kstack changes on a subnet in place.
struct SubnetUpdate {
  std::vector<std::string> dns_nameservers;
};

/// Router joins the cluster's subnet to the external network.
struct Router {
  std::string id;
  std::string name;
  std::string status;
  std::string external_network_id;  // empty when it has no gateway
  std::vector<std::string> tags;
};

/// RouterUpdate is what kstack changes on a router in place: its gateway.
struct RouterUpdate {
  std::string external_network_id;
};

/// RouterInterface names a router's leg on a subnet: by the subnet (Neutron makes the port, at the
/// subnet's gateway address) or by a port made before.
struct RouterInterface {
  std::string subnet_id;
  std::string port_id;
};

/// FixedIp is one address of a port on a subnet.
struct FixedIp {
  std::string subnet_id;
  std::string ip_address;  // empty in a create request: Neutron picks one
};

/// Port is a server's network interface, made before the server so its address is known in advance.
struct Port {
  std::string id;
  std::string name;
  std::string network_id;
  std::string status;
  std::string device_id;
  std::string mac_address;
  std::vector<FixedIp> fixed_ips;
  std::vector<std::string> security_group_ids;
  std::vector<std::string> tags;
  std::string device_owner;  // "network:router_interface", "compute:nova", "Octavia", ...
  std::string created_at;
};

/// PortUpdate is what kstack changes on a port in place: its security groups.
struct PortUpdate {
  std::vector<std::string> security_group_ids;
};

/// SecurityGroupRule admits one kind of traffic into (or out of) a security group.
struct SecurityGroupRule {
  std::string id;
  std::string security_group_id;
  std::string direction = "ingress";  // ingress | egress
  std::string ethertype = "IPv4";
  std::string protocol;  // tcp | udp | icmp | "" (any)
  int port_range_min = 0;
  int port_range_max = 0;
  std::string remote_ip_prefix;
  std::string remote_group_id;
  std::string description;
};

/// SecurityGroup is a named set of rules attached to ports.
struct SecurityGroup {
  std::string id;
  std::string name;
  std::string description;
  std::vector<SecurityGroupRule> rules;
  std::vector<std::string> tags;
};

/// FloatingIp is a public address from the external network, mapped to a port.
struct FloatingIp {
  std::string id;
  std::string floating_ip_address;
  std::string floating_network_id;
  std::string port_id;  // empty when not associated
  std::string fixed_ip_address;
  std::string status;
  std::string description;
  std::vector<std::string> tags;
};

/// QuotaUsage is one Neutron quota: limit, in use and reserved (-1 limit: unlimited).
struct QuotaUsage {
  int limit = 0;
  int used = 0;
  int reserved = 0;
};

/// Filter narrows a Neutron listing; empty fields do not filter.
struct Filter {
  std::string name;
  std::vector<std::string> tags;   // resources carrying all of these
  std::string device_owner;        // ports only
  std::vector<FixedIp> fixed_ips;  // ports only: on each of these subnets and/or at these addresses
};

[[nodiscard]] Result<std::vector<Network>> list_networks(Client& client, const Filter& filter = {});
/// The external network of that name; an error naming the external networks there are when none matches.
[[nodiscard]] Result<Network> find_external_network(Client& client, const std::string& name);
/// find_external_network's choice among networks already listed (those not external are passed over).
[[nodiscard]] Result<Network> pick_external_network(const std::vector<Network>& networks, const std::string& name);
/// Creates take the tags to set; when tagging fails, the new resource is deleted again so that nothing
/// untagged (and so unowned) is left behind.
[[nodiscard]] Result<Network> create_network(Client& client, const std::string& name,
                                             const std::vector<std::string>& tags = {});
[[nodiscard]] Result<void> delete_network(Client& client, const std::string& id);

[[nodiscard]] Result<Subnet> create_subnet(Client& client, const Subnet& request);
[[nodiscard]] Result<std::vector<Subnet>> list_subnets(Client& client, const Filter& filter = {});
[[nodiscard]] Result<Subnet> update_subnet(Client& client, const std::string& id, const SubnetUpdate& update);
[[nodiscard]] Result<void> delete_subnet(Client& client, const std::string& id);

[[nodiscard]] Result<Router> create_router(Client& client, const std::string& name,
                                           const std::string& external_network_id,
                                           const std::vector<std::string>& tags = {});
[[nodiscard]] Result<std::vector<Router>> list_routers(Client& client, const Filter& filter = {});
[[nodiscard]] Result<Router> update_router(Client& client, const std::string& id, const RouterUpdate& update);
/// Attaches the leg; a repeat fails with 400 (the leg is there), never doubles it, so it is retried freely.
[[nodiscard]] Result<void> add_router_interface(Client& client, const std::string& router_id,
                                                const RouterInterface& leg);
/// Detaches the leg; Neutron deletes a port it made for the leg, and one made before too. A leg that is
/// not there (404) counts as done.
[[nodiscard]] Result<void> remove_router_interface(Client& client, const std::string& router_id,
                                                   const RouterInterface& leg);
[[nodiscard]] Result<void> delete_router(Client& client, const std::string& id);

[[nodiscard]] Result<Port> create_port(Client& client, const Port& request);
[[nodiscard]] Result<std::vector<Port>> list_ports(Client& client, const Filter& filter = {});
[[nodiscard]] Result<Port> update_port(Client& client, const std::string& id, const PortUpdate& update);
[[nodiscard]] Result<void> delete_port(Client& client, const std::string& id);

[[nodiscard]] Result<SecurityGroup> create_security_group(Client& client, const std::string& name,
                                                          const std::string& description,
                                                          const std::vector<std::string>& tags = {});
[[nodiscard]] Result<std::vector<SecurityGroup>> list_security_groups(Client& client, const Filter& filter = {});
[[nodiscard]] Result<void> delete_security_group(Client& client, const std::string& id);
[[nodiscard]] Result<SecurityGroupRule> create_security_group_rule(Client& client, const SecurityGroupRule& request);
[[nodiscard]] Result<void> delete_security_group_rule(Client& client, const std::string& id);

[[nodiscard]] Result<FloatingIp> create_floating_ip(Client& client, const std::string& floating_network_id,
                                                    const std::string& description,
                                                    const std::vector<std::string>& tags = {});
[[nodiscard]] Result<std::vector<FloatingIp>> list_floating_ips(Client& client, const Filter& filter = {});
/// Maps the floating IP to a port (empty port_id: unmaps it).
[[nodiscard]] Result<FloatingIp> associate_floating_ip(Client& client, const std::string& floating_ip_id,
                                                       const std::string& port_id);
[[nodiscard]] Result<void> delete_floating_ip(Client& client, const std::string& id);

/// Replaces the tags of a resource; kind is the collection: networks, subnets, routers, ports,
/// security-groups, floatingips.
[[nodiscard]] Result<void> set_tags(Client& client, const std::string& kind, const std::string& id,
                                    const std::vector<std::string>& tags);

/// The project's Neutron quotas with their use, by resource (network, port, floatingip, security_group, ...).
[[nodiscard]] Result<std::map<std::string, QuotaUsage>> quota_details(Client& client, const std::string& project_id);

}  // namespace kstack::openstack::network
