#pragma once

#include "bootstrap/node_file.h"
#include "bootstrap/render_inputs.h"

namespace kstack::bootstrap {

/// The node's bootstrap: a script and the systemd unit that runs it at every boot, retrying on
/// failure. It prepares the host and starts what the node's role needs, in order. Every step is
/// idempotent, so a rerun after a failure or a reboot converges.
void add_node_script(const RenderContext& ctx, const model::Node& node, NodeFiles& files);

/// The path of that script on the node.
std::string node_script_path();

/// The unit that runs it; cloud-init starts it on first boot, systemd on every later one.
std::string_view bootstrap_unit_name();

/// Where a node's data volume is mounted: containerd's data, or etcd's on a dedicated etcd node.
std::string_view data_mountpoint(const model::Node& node);

}  // namespace kstack::bootstrap
