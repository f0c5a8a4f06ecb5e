#pragma once

#include "bootstrap/node_file.h"
#include "bootstrap/render_inputs.h"

namespace kstack::bootstrap {

/// The kubelet of a master or worker: its certificates, kubeconfig, KubeletConfiguration and unit.
void add_kubelet_files(const RenderContext& ctx, const model::Node& node, NodeFiles& files);

/// The kubelet of a dedicated etcd node: standalone (no API server), runs only the etcd static pod,
/// its API on localhost only.
void add_standalone_kubelet_files(const RenderContext& ctx, const model::Node& node, NodeFiles& files);

}  // namespace kstack::bootstrap
