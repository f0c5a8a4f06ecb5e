#pragma once

#include "bootstrap/node_file.h"
#include "bootstrap/render_inputs.h"

namespace kstack::bootstrap {

/// The script cloud-init runs once on first boot: it prepares the host and starts what the node's
/// role needs, in order. Every step is idempotent, so a rerun after a failure converges.
void add_node_script(const RenderContext& ctx, const model::Node& node, NodeFiles& files);

/// The path of that script on the node.
std::string node_script_path();

}  // namespace kstack::bootstrap
