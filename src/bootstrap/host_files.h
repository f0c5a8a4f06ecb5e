#pragma once

#include "bootstrap/node_file.h"
#include "bootstrap/render_inputs.h"

namespace kstack::bootstrap {

/// Where kstack keeps the scripts a node runs.
inline constexpr std::string_view kScriptDir = "/usr/local/lib/kstack";

/// Files every server gets: SSH hardening and the metadata-service block.
void add_common_files(const RenderContext& ctx, const model::Node& node, NodeFiles& files);

/// Files every container host gets: kernel modules, sysctls, the data volume mount, pinned binaries
/// and containerd.
void add_container_host_files(const RenderContext& ctx, const model::Node& node, NodeFiles& files);

/// The download URL of a pinned file: upstream, or the same path under the binaries mirror.
std::string mirrored_url(std::string_view upstream, std::string_view mirror);

}  // namespace kstack::bootstrap
