#pragma once

#include <filesystem>
#include <vector>

#include "bootstrap/node_file.h"
#include "bootstrap/render_inputs.h"
#include "util/error.h"

namespace kstack::bootstrap {

/// Renders one node: every file it receives and its user-data, packed to fit Nova's limit.
[[nodiscard]] Result<RenderedNode> render_node(const RenderContext& ctx, const model::Node& node);

/// Renders every node of the model, in the model's order. The reconciler calls this at apply time
/// with the real volume ids, floating IP and cloud credentials; `kstack render` with placeholders.
/// The same inputs always give the same bytes.
[[nodiscard]] Result<std::vector<RenderedNode>> render_cluster(const spec::ClusterSpec& spec,
                                                               const model::ClusterModel& model,
                                                               const pki::ClusterPki& pki,
                                                               const BootstrapSecrets& secrets,
                                                               const RenderOptions& options);

/// Renders the node of the model named `name` alone, exactly as render_cluster() renders it: the
/// reconciler renders each server's user-data when the server is about to be created.
[[nodiscard]] Result<RenderedNode> render_named_node(const spec::ClusterSpec& spec, const model::ClusterModel& model,
                                                     const pki::ClusterPki& pki, const BootstrapSecrets& secrets,
                                                     const RenderOptions& options, std::string_view name);

/// Writes the reviewable tree: `<dir>/<node>/user-data` (the exact bytes Nova receives),
/// `<dir>/<node>/cloud-config.yaml` (before compression) and `<dir>/<node>/files/<path>` for every
/// file, secrets with mode 0600. Files of an earlier render that are no longer produced are removed.
[[nodiscard]] Result<void> write_tree(const std::vector<RenderedNode>& nodes, const std::filesystem::path& dir);

}  // namespace kstack::bootstrap
