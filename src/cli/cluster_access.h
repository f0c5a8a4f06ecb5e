#pragma once

#include <string>

#include "kube/api_client.h"
#include "reconcile/endpoints.h"
#include "reconcile/session.h"

namespace kstack::cli {

/// Where the cluster is reached from outside, read off one list call of its floating IPs.
[[nodiscard]] Result<reconcile::Endpoints> cluster_endpoints(reconcile::Session& session);

/// The admin client certificate and the cluster CA from the state directory, for `server`. Fails, with
/// the next step, when `kstack apply` has not issued them yet.
[[nodiscard]] Result<kube::ApiCredentials> admin_credentials(reconcile::Session& session, const std::string& server);

/// The node called `name` ("demo-master-1", or "master-1" for short); the error lists the nodes.
[[nodiscard]] Result<const model::Node*> find_node(const model::ClusterModel& model, const std::string& name);

}  // namespace kstack::cli
