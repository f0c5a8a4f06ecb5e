#pragma once

#include "bootstrap/node_file.h"
#include "bootstrap/render_inputs.h"

namespace kstack::bootstrap {

/// Where the first master keeps the add-on manifests it applies.
inline constexpr std::string_view kAddonDir = "/etc/kubernetes/addons";

/// RBAC bindings kstack's certificates rely on, kube-proxy, flannel and CoreDNS.
void add_core_addons(const RenderContext& ctx, NodeFiles& files);

/// openstack-cloud-controller-manager, the Cinder CSI driver and the default StorageClass.
void add_openstack_addons(const RenderContext& ctx, NodeFiles& files);

/// The cloud.conf openstack-cloud-controller-manager and the Cinder CSI driver read (kept in a Secret).
std::string cloud_conf(const RenderContext& ctx);

/// The ingress controller the spec chooses: NGINX Ingress Controller (nginx/nginx-ingress) or Traefik.
void add_ingress_addon(const RenderContext& ctx, NodeFiles& files);

/// The script and unit with which every master applies the add-ons, once per revision, when its API answers.
void add_addon_applier(const RenderContext& ctx, const model::Node& node, NodeFiles& files);

}  // namespace kstack::bootstrap
