#pragma once

#include <string>
#include <vector>

#include "model/cluster_model.h"
#include "reconcile/resource.h"
#include "spec/cluster_spec.h"

namespace kstack::reconcile {

/// RuleSpec is one security group rule before it is named: who may reach what.
struct RuleSpec {
  std::string direction = "ingress";  // ingress | egress
  std::string ethertype = "IPv4";     // IPv4 | IPv6
  std::string protocol;               // tcp | udp | icmp; empty: any
  int port_min = 0;                   // 0: every port
  int port_max = 0;
  std::string remote_cidr;   // empty when remote_group is set, or for any source
  std::string remote_group;  // the name of the security group whose members may connect
};

/// The stable name of a rule in group `group`: every attribute spelled out, so a rule that changes is a
/// different rule. "demo-masters:ingress:IPv4:tcp:6443-6443:cidr=0.0.0.0/0".
std::string rule_name(const std::string& group, const RuleSpec& rule);

/// SecurityGroupPlan is the cluster's security groups and their least-privilege rules.
struct SecurityGroupPlan {
  std::vector<std::string> groups;                      // names, in creation order
  std::vector<std::pair<std::string, RuleSpec>> rules;  // (group name, rule)
  std::string bastion, masters, workers, nodes, etcd;   // group names; etcd empty unless dedicated
};

/// The security groups of a cluster:
///   bastion: SSH only from the spec's SSH CIDRs;
///   masters: 6443 from the API load balancer (Neutron's dynamic pool, where its addresses come from),
///            the workers, the other masters and the spec's API CIDRs; 2379-2380 only from masters (or the
///            etcd group); 10250 from masters;
///   workers: 10250 from masters, NodePorts (30000-32767) only from the cluster subnet; 80 and 443 from
///            anywhere when the ingress controller runs on their host network (no cloud integration);
///   nodes (every node but the bastion): VXLAN (UDP 8472) and ICMP between nodes, SSH only from the bastion.
/// Every group also allows all egress, as Neutron's default rules do.
[[nodiscard]] Result<SecurityGroupPlan> security_groups(const spec::ClusterSpec& spec,
                                                        const model::ClusterModel& model);

/// The resources of `plan`: one security_group each, one security_group_rule per rule.
std::vector<Resource> security_group_resources(const SecurityGroupPlan& plan);

}  // namespace kstack::reconcile
