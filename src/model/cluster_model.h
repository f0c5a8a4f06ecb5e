#pragma once

#include <string>
#include <vector>

#include "spec/cluster_spec.h"
#include "util/error.h"

namespace kstack::model {

/// Role is what a server is for; it decides what lands on it.
enum class Role { bastion, master, worker, etcd };

/// "bastion", "master", "worker" or "etcd".
const char* role_name(Role role);

/// Node is one server of the cluster as the spec implies it: its Nova name, fixed IP and data volume.
struct Node {
  std::string name;  // the Nova server name and the Kubernetes node name: "<cluster>-worker-2"
  Role role = Role::worker;
  int index = 0;           // 1-based within its role; 0 for the bastion
  std::string ip;          // the fixed IP of its port on the cluster subnet
  int volume_size_gb = 0;  // the Cinder data volume: /var/lib/containerd, or /var/lib/etcd on etcd nodes; 0: none
};

/// ClusterModel is every node and address of a cluster, derived from the spec alone so that it can be
/// rendered offline and recreated identically by the reconciler. See docs/addressing.md.
struct ClusterModel {
  std::string cluster;                // the spec's name
  std::string subnet_cidr;            // the cluster subnet, e.g. 10.0.0.0/16
  std::string gateway_ip;             // the router's interface: first host address
  std::string api_vip;                // the API load balancer's VIP; empty when there is no load balancer
  std::string api_address;            // where nodes reach the API: the VIP, or the first master's IP
  std::string dynamic_pool_start;     // Neutron's allocation pool (DHCP, load balancer amphorae) ...
  std::string dynamic_pool_end;       // ... never overlaps a fixed address below
  std::string kubernetes_service_ip;  // first address of the service CIDR (the `kubernetes` Service)
  std::string cluster_dns_ip;         // tenth address of the service CIDR (CoreDNS)
  std::vector<Node> nodes;            // bastion, masters, etcd nodes, workers, each in index order

  /// The nodes of one role, in index order.
  std::vector<const Node*> with_role(Role role) const;
  /// The etcd members: the dedicated etcd nodes, or the masters.
  std::vector<const Node*> etcd_members() const;
  /// The nodes that run a kubelet: masters and workers.
  std::vector<const Node*> kubelet_nodes() const;
  /// The node named `name`, or nullptr.
  const Node* find(std::string_view name) const;
};

/// Derives the model from a validated spec; a pure function of it. Fails when the subnet is too small
/// for the node counts or a CIDR cannot be parsed.
[[nodiscard]] Result<ClusterModel> build_model(const spec::ClusterSpec& spec);

}  // namespace kstack::model
