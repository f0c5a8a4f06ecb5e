#pragma once

#include <memory>
#include <optional>
#include <string>

#include "model/cluster_model.h"
#include "openstack/client.h"
#include "openstack/cloud_config.h"
#include "spec/cluster_spec.h"
#include "state/state_dir.h"
#include "util/error.h"

namespace kstack::reconcile {

/// SessionOptions are what every cloud command is given: the spec, where its state lives, which cloud.
struct SessionOptions {
  std::string spec_file;
  std::string state_dir;   // empty: .kstack/<cluster>/ beside the spec
  std::string os_cloud;    // empty: the spec's cloud, else OS_CLOUD, else OS_*
  bool read_only = false;  // plan, status, ssh, kubeconfig: change nothing in the cloud (see CreateJournal)
};

/// LoadedSpec is a spec as a command reads it: the spec with its SSH public key read, and its model.
struct LoadedSpec {
  spec::ClusterSpec spec;
  model::ClusterModel model;
  // ssh_public_key_file could not be read: only computing the desired resources needs the key, so destroy,
  // ssh and kubeconfig still work.
  std::optional<Error> key_error;
};

/// Reads and checks `spec_file` (its first error, with a count of the others), builds its model and reads
/// ssh_public_key_file ("~/" is the user's home, a relative path the spec's directory's).
[[nodiscard]] Result<LoadedSpec> load_cluster_spec(const std::string& spec_file);

/// OpenedCluster is a cluster opened for one command, before any resource is looked at: the spec read, its
/// state directory locked, the cloud entry it names resolved and a client logged in to it.
struct OpenedCluster {
  LoadedSpec loaded;
  state::StateDir state;
  openstack::CloudConfig cloud;
  std::unique_ptr<openstack::Client> client;
};

/// Loads the spec, locks the state directory, resolves the cloud (the spec's region wins) and logs in.
[[nodiscard]] Result<OpenedCluster> open_cluster(const SessionOptions& options);

}  // namespace kstack::reconcile
