#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "bootstrap/node_file.h"
#include "model/cluster_model.h"
#include "pki/cluster_pki.h"
#include "spec/cluster_spec.h"

namespace kstack::bootstrap::checks {

/// RenderedCluster is a cluster rendered with a real PKI (issued into a fresh state directory) and
/// written out as `kstack render` writes it, for the checks with real tools.
struct RenderedCluster {
  spec::ClusterSpec spec;
  model::ClusterModel model;
  pki::ClusterPki pki;
  std::vector<RenderedNode> nodes;
  std::filesystem::path work;   // a private temporary directory, removed by the destructor
  std::filesystem::path tree;   // work/render: <node>/user-data, <node>/files/...
  std::filesystem::path state;  // work/state

  RenderedCluster() = default;
  RenderedCluster(const RenderedCluster&) = delete;
  RenderedCluster& operator=(const RenderedCluster&) = delete;
  ~RenderedCluster();

  /// The rendered node named `name`; aborts the test when it does not exist.
  const RenderedNode& node(const std::string& name) const;
  /// The content of a file on a node; empty when the node has no such file.
  std::string file(const std::string& node, const std::string& path) const;
  /// Where a node's file lies in the written tree.
  std::filesystem::path path_of(const std::string& node, const std::string& path) const;
};

/// Renders `spec` into a new temporary directory; the PKI is ensure_pki()'s.
std::unique_ptr<RenderedCluster> render_for_checks(const spec::ClusterSpec& spec);

/// The reference cluster: 3 masters (etcd on them), 2 workers, a bastion, the default add-ons.
spec::ClusterSpec reference_cluster_spec();

}  // namespace kstack::bootstrap::checks
