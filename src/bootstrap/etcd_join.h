#pragma once

#include "bootstrap/node_file.h"
#include "bootstrap/render_inputs.h"

namespace kstack::bootstrap {

/// Whether a node runs an etcd member that has peers (a master when etcd lives on the masters, or a
/// dedicated etcd node, in a cluster of more than one member): the members that may join a running cluster.
bool has_etcd_peers(const RenderContext& ctx, const model::Node& node);

/// The script that lets a member whose data directory is empty join a running cluster: through a member
/// that answers, it removes the stale member that had this node's address and adds this one, and then
/// starts etcd with --initial-cluster-state=existing. Its path on the node.
std::string etcd_join_script_path();

/// Adds the join script of an etcd member that has peers.
void add_etcd_join_script(const RenderContext& ctx, const model::Node& node, NodeFiles& files);

}  // namespace kstack::bootstrap
