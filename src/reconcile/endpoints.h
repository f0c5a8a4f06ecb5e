#pragma once

#include <map>
#include <string>
#include <vector>

#include "model/cluster_model.h"
#include "reconcile/resource.h"

namespace kstack::reconcile {

/// Endpoints are where a user reaches the cluster from outside its network: the bastion's floating IP
/// and the URL of the Kubernetes API.
struct Endpoints {
  std::string bastion;      // the bastion's floating IP; empty when there is none (yet)
  std::string api_server;   // "https://<address>:6443"
  std::string api_address;  // the address alone
  bool api_public = false;  // the API's address is a floating IP (else reachable only inside the network)
};

/// Reads the endpoints off the observed floating IPs (resources of other kinds are passed over): the API's
/// floating IP when there is one, else the load balancer's VIP or the single master's address.
Endpoints endpoints_of(const model::ClusterModel& model, const std::vector<ObservedResource>& resources);
/// The same, off an apply's result (ApplyResult::resources).
Endpoints endpoints_of_applied(const model::ClusterModel& model, const std::map<Key, ObservedResource>& resources);

/// SshTarget is how `kstack ssh` reaches one node.
struct SshTarget {
  std::string user = "ubuntu";  // the image's default user, who holds the spec's public key
  std::string identity_file;    // a private key to offer; empty: ssh's defaults and agent
  std::string known_hosts;      // the cluster's own known_hosts file (host keys accepted on first use)
};

/// The ssh command line that opens a shell (or runs `command`) on `node`: straight to the bastion's
/// floating IP for the bastion, through the bastion for every other node (a ProxyCommand, so that the
/// identity file serves both hops). Fails when the cluster has no bastion address yet.
[[nodiscard]] Result<std::vector<std::string>> ssh_command(const Endpoints& endpoints, const model::Node& node,
                                                           const SshTarget& target,
                                                           const std::vector<std::string>& command);

}  // namespace kstack::reconcile
