#pragma once

#include "bootstrap/node_file.h"
#include "bootstrap/render_inputs.h"

namespace kstack::bootstrap {

/// Where a member's etcd listens and what it is told about its peers, from the model.
std::string etcd_initial_cluster(const model::ClusterModel& model);

/// The etcd static pod of an etcd member (a master, or a dedicated etcd node) and its certificates.
void add_etcd_files(const RenderContext& ctx, const model::Node& node, NodeFiles& files);

/// A master's control plane: certificates, kubeconfigs, encryption and audit configuration, and
/// the static pods of kube-apiserver, kube-controller-manager and kube-scheduler.
void add_control_plane_files(const RenderContext& ctx, const model::Node& node, NodeFiles& files);

}  // namespace kstack::bootstrap
