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
};

/// Router joins the cluster's subnet to the external network.
struct Router {
  std::string id;
  std::string name;
  std::string status;
  std::string external_network_id;  // empty when it has no gateway
  std::vector<std::string> tags;
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
  std::vector<std::string> tags;  // resources carrying all of these
};

Result<std::vector<Network>> list_networks(Client& client, const Filter& filter = {});
/// The external network of that name; an error naming the external networks there are when none matches.
Result<Network> find_external_network(Client& client, const std::string& name);
/// find_external_network's choice among networks already listed (those not external are passed over).
Result<Network> pick_external_network(const std::vector<Network>& networks, const std::string& name);
/// Creates take the tags to set; when tagging fails, the new resource is deleted again so that nothing
/// untagged (and so unowned) is left behind.
Result<Network> create_network(Client& client, const std::string& name, const std::vector<std::string>& tags = {});
Result<void> delete_network(Client& client, const std::string& id);

Result<Subnet> create_subnet(Client& client, const Subnet& request);
Result<std::vector<Subnet>> list_subnets(Client& client, const Filter& filter = {});
Result<void> delete_subnet(Client& client, const std::string& id);

Result<Router> create_router(Client& client, const std::string& name, const std::string& external_network_id,
                             const std::vector<std::string>& tags = {});
Result<std::vector<Router>> list_routers(Client& client, const Filter& filter = {});
Result<void> add_router_interface(Client& client, const std::string& router_id, const std::string& subnet_id);
Result<void> remove_router_interface(Client& client, const std::string& router_id, const std::string& subnet_id);
Result<void> delete_router(Client& client, const std::string& id);

Result<Port> create_port(Client& client, const Port& request);
Result<std::vector<Port>> list_ports(Client& client, const Filter& filter = {});
Result<void> delete_port(Client& client, const std::string& id);

Result<SecurityGroup> create_security_group(Client& client, const std::string& name, const std::string& description,
                                            const std::vector<std::string>& tags = {});
Result<std::vector<SecurityGroup>> list_security_groups(Client& client, const Filter& filter = {});
Result<void> delete_security_group(Client& client, const std::string& id);
Result<SecurityGroupRule> create_security_group_rule(Client& client, const SecurityGroupRule& request);
Result<void> delete_security_group_rule(Client& client, const std::string& id);

Result<FloatingIp> create_floating_ip(Client& client, const std::string& floating_network_id,
                                      const std::string& description, const std::vector<std::string>& tags = {});
Result<std::vector<FloatingIp>> list_floating_ips(Client& client, const Filter& filter = {});
/// Maps the floating IP to a port (empty port_id: unmaps it).
Result<FloatingIp> associate_floating_ip(Client& client, const std::string& floating_ip_id, const std::string& port_id);
Result<void> delete_floating_ip(Client& client, const std::string& id);

/// Replaces the tags of a resource; kind is the collection: networks, subnets, routers, ports,
/// security-groups, floatingips.
Result<void> set_tags(Client& client, const std::string& kind, const std::string& id,
                      const std::vector<std::string>& tags);

/// The project's Neutron quotas with their use, by resource (network, port, floatingip, security_group, ...).
Result<std::map<std::string, QuotaUsage>> quota_details(Client& client, const std::string& project_id);

}  // namespace kstack::openstack::network
