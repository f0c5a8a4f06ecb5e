#include "bootstrap/render.h"

#include <fmt/format.h>

#include <fstream>
#include <system_error>

#include "bootstrap/addons.h"
#include "bootstrap/control_plane_files.h"
#include "bootstrap/host_files.h"
#include "bootstrap/kubelet_files.h"
#include "bootstrap/node_script.h"
#include "bootstrap/user_data.h"

namespace kstack::bootstrap {
namespace {

Result<void> write_file(const std::filesystem::path& path, std::string_view content, std::filesystem::perms mode) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return fail(fmt::format("cannot create directory: {}", ec.message()), path.parent_path().string());
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) return fail("cannot write file", path.string());
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out) return fail("cannot write file", path.string());
  }
  std::filesystem::permissions(path, mode, ec);
  if (ec) return fail(fmt::format("cannot set permissions: {}", ec.message()), path.string());
  return {};
}

}  // namespace

Result<RenderedNode> render_node(const RenderContext& ctx, const model::Node& node) {
  NodeFiles files;
  add_common_files(ctx, node, files);
  try {
    switch (node.role) {
      case model::Role::bastion:
        break;
      case model::Role::master:
        add_container_host_files(ctx, node, files);
        add_kubelet_files(ctx, node, files);
        if (ctx.spec.etcd_placement == spec::EtcdPlacement::masters) add_etcd_files(ctx, node, files);
        add_control_plane_files(ctx, node, files);
        // Every master can apply the add-ons, so the cluster forms whichever master boots first.
        add_core_addons(ctx, files);
        add_openstack_addons(ctx, files);
        add_ingress_addon(ctx, files);
        add_addon_applier(ctx, node, files);
        break;
      case model::Role::worker:
        add_container_host_files(ctx, node, files);
        add_kubelet_files(ctx, node, files);
        break;
      case model::Role::etcd:
        add_container_host_files(ctx, node, files);
        add_standalone_kubelet_files(ctx, node, files);
        add_etcd_files(ctx, node, files);
        break;
    }
  } catch (const std::out_of_range&) {
    return fail(fmt::format("the PKI has no certificate for node {}", node.name), node.name,
                "the PKI must be issued for the same spec and model as the render");
  }
  add_node_script(ctx, node, files);

  RenderedNode out;
  out.name = node.name;
  out.role = node.role;
  out.files = files.release();
  out.cloud_config = cloud_config({.hostname = node.name,
                                   .ssh_public_key = ctx.spec.ssh_public_key,
                                   .start_unit = std::string(bootstrap_unit_name())},
                                  out.files);
  if (auto packed = pack_user_data(out); !packed) return std::unexpected(packed.error());
  return out;
}

namespace {

Result<const spec::Release*> release_of(const spec::ClusterSpec& spec) {
  const spec::Release* release = spec::find_release(spec.kubernetes.version);
  if (release == nullptr) {
    return fail(
        fmt::format("Kubernetes {} is not a version kstack pins binaries and images for", spec.kubernetes.version),
        "kubernetes.version");
  }
  return release;
}

}  // namespace

Result<RenderedNode> render_named_node(const spec::ClusterSpec& spec, const model::ClusterModel& model,
                                       const pki::ClusterPki& pki, const BootstrapSecrets& secrets,
                                       const RenderOptions& options, std::string_view name) {
  auto release = release_of(spec);
  if (!release) return std::unexpected(release.error());
  const RenderContext ctx{spec, model, pki, **release, secrets, options};
  for (const auto& node : model.nodes) {
    if (node.name == name) return render_node(ctx, node);
  }
  return fail(fmt::format("the cluster has no node {}", name), std::string(name));
}

Result<std::vector<RenderedNode>> render_cluster(const spec::ClusterSpec& spec, const model::ClusterModel& model,
                                                 const pki::ClusterPki& pki, const BootstrapSecrets& secrets,
                                                 const RenderOptions& options) {
  auto release = release_of(spec);
  if (!release) return std::unexpected(release.error());
  const RenderContext ctx{spec, model, pki, **release, secrets, options};
  std::vector<RenderedNode> out;
  out.reserve(model.nodes.size());
  for (const auto& node : model.nodes) {
    auto rendered = render_node(ctx, node);
    if (!rendered) return std::unexpected(rendered.error());
    out.push_back(std::move(*rendered));
  }
  return out;
}

Result<void> write_tree(const std::vector<RenderedNode>& nodes, const std::filesystem::path& dir) {
  using std::filesystem::perms;
  std::error_code ec;
  for (const auto& node : nodes) {
    const auto root = dir / node.name;
    std::filesystem::remove_all(root, ec);
    if (ec) return fail(fmt::format("cannot clear the previous render: {}", ec.message()), root.string());
    std::filesystem::create_directories(root, ec);
    if (ec) return fail(fmt::format("cannot create directory: {}", ec.message()), root.string());
    // User-data holds private keys: the whole node directory is the owner's only.
    std::filesystem::permissions(root, perms::owner_all, ec);
    const perms secret = perms::owner_read | perms::owner_write;
    if (auto r = write_file(root / "user-data", node.user_data, secret); !r) return r;
    if (auto r = write_file(root / "cloud-config.yaml", node.cloud_config, secret); !r) return r;
    for (const auto& file : node.files) {
      const auto path = root / "files" / std::filesystem::path(file.path).relative_path();
      if (auto r = write_file(path, file.content, static_cast<perms>(file.mode) & perms::mask); !r) return r;
    }
  }
  return {};
}

}  // namespace kstack::bootstrap
