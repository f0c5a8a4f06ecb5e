#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "model/cluster_model.h"
#include "reconcile/resource.h"
#include "spec/cluster_spec.h"
#include "util/error.h"

namespace kstack::reconcile {

/// CloudFacts are the cloud's answers the desired resources need: what the pre-flight resolved names
/// to, and each node's rendered user-data.
struct CloudFacts {
  std::string image_id;
  std::map<model::Role, std::string> flavor_ids;  // one per role that has nodes
  std::string external_network_id;
  std::map<std::string, std::string> user_data;  // by node name; a node without one boots with none
  // Nodes whose user-data names resources that do not exist yet (its data volume, the API's floating IP):
  // theirs is provisional (the right size, for the pre-flight check), rendered again when the server is
  // created, and shown as known after apply.
  std::set<std::string> provisional_user_data;
};

/// Names of the cluster-wide resources, so that commands and tests need not spell them.
struct ClusterNames {
  std::string keypair, network, subnet, router, router_interface, api_load_balancer, api_floating_ip;
  static ClusterNames of(const std::string& cluster);
};

/// The data volume's name for a node: "<node>-data".
std::string volume_name(const std::string& node);

/// What a node's user-data names that only the cloud can tell: its data volume (the id), and for a
/// master the cluster subnet (the id, in cloud.conf) and the API's floating IP (the address, in the API
/// certificate) when there is one. Its server waits for them; until they exist, the plan shows its
/// user-data as known after apply.
std::vector<Key> user_data_inputs(const spec::ClusterSpec& spec, const model::ClusterModel& model,
                                  const model::Node& node);

/// Every resource the spec asks for, with its dependencies: keypair, network, subnet, router and its
/// interface, security groups and rules, server groups, one port per node with its fixed IP, floating IPs
/// (bastion; the API when asked), one data volume per node that has one, the servers, and the API load
/// balancer fully populated (listener 6443/TCP, pool, a member per master, a TCP health monitor). A pure
/// function of its inputs.
[[nodiscard]] Result<std::vector<Resource>> desired_resources(const spec::ClusterSpec& spec,
                                                              const model::ClusterModel& model,
                                                              const CloudFacts& facts);

/// The SHA-256 of `data` in lower-case hex.
std::string sha256_hex(std::string_view data);

}  // namespace kstack::reconcile
