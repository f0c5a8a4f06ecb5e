#pragma once

// Shared by the reconciler's tests and benchmark: a reference cluster spec and the cloud facts a
// pre-flight would have resolved for it.

#include <fmt/format.h>

#include "model/cluster_model.h"
#include "reconcile/desired.h"
#include "spec/cluster_spec.h"

namespace kstack::reconcile::testing {

/// The reference cluster of the design: `masters` masters, `workers` workers, a bastion, the API load
/// balancer with a floating IP.
inline spec::ClusterSpec reference_spec(int masters = 3, int workers = 3, std::string name = "demo") {
  spec::ClusterSpec s;
  s.name = std::move(name);
  s.ssh_public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq0 demo@example";
  s.masters = {.count = masters, .flavor = {.vcpus = 3, .ram_mb = 4096, .disk_gb = 40}, .volume_size_gb = 25};
  s.workers = {.count = workers, .flavor = {.vcpus = 6, .ram_mb = 16384, .disk_gb = 40}, .volume_size_gb = 50};
  s.bastion = {.count = 1, .flavor = {.name = "m1.small"}};
  s.api_load_balancer.enabled = masters > 1;
  s.network.ssh_allowed_cidrs = {"203.0.113.0/24"};
  s.network.api_allowed_cidrs = {"198.51.100.0/24", "203.0.113.0/24"};
  return s;
}

/// What the pre-flight would resolve, and a user-data per node that names the node.
inline CloudFacts reference_facts(const model::ClusterModel& model, const std::string& salt = "v1") {
  CloudFacts f{.image_id = "image-ubuntu",
               .flavor_ids = {{model::Role::bastion, "flavor-small"},
                              {model::Role::master, "flavor-master"},
                              {model::Role::worker, "flavor-worker"},
                              {model::Role::etcd, "flavor-etcd"}},
               .external_network_id = "ext-net"};
  for (const auto& n : model.nodes) f.user_data[n.name] = fmt::format("#cloud-config\n# {} {}\n", n.name, salt);
  return f;
}

/// The desired resources of the reference cluster with `workers` workers.
inline std::vector<Resource> reference_resources(int masters = 3, int workers = 3, const std::string& salt = "v1") {
  auto spec = reference_spec(masters, workers);
  auto model = model::build_model(spec);
  auto resources = desired_resources(spec, *model, reference_facts(*model, salt));
  return *resources;
}

}  // namespace kstack::reconcile::testing
