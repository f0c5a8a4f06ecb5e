#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bootstrap/render_inputs.h"
#include "model/cluster_model.h"
#include "openstack/client.h"
#include "reconcile/cluster_credential.h"
#include "reconcile/cluster_open.h"
#include "reconcile/desired.h"
#include "reconcile/executor.h"
#include "reconcile/openstack_cloud.h"
#include "reconcile/plan.h"
#include "reconcile/shortfalls.h"
#include "spec/cluster_spec.h"
#include "state/state_dir.h"

namespace kstack::reconcile {

/// Session is one command's connection of a spec to a cloud: the cluster as open_cluster opened it (the
/// spec, its model, the locked state directory, the client) and the seam. It computes the desired resources, including
/// each node's user-data rendered with the ids the cloud gave (volumes, subnet, floating IP); a server whose user-data
/// names what does not exist yet has it rendered again when the apply creates the server.
class Session {
 public:
  [[nodiscard]] static Result<std::unique_ptr<Session>> open(const SessionOptions& options);

  /// Resolves image, flavors and the external network and checks Octavia and the quotas against `plan`'s
  /// creations. The shortfalls, all at once; empty when everything fits.
  [[nodiscard]] Result<std::vector<Shortfall>> preflight(const Plan* plan = nullptr);

  /// The desired resources with user-data rendered against what `observed` shows.
  [[nodiscard]] Result<std::vector<Resource>> desired(const ObservedState& observed);

  /// Observes, plans, and executes the plan once `confirm` (if given) accepts it. Each server is created
  /// once everything its user-data names exists, with its user-data rendered then.
  struct ApplyOutcome {
    Plan plan;  // what `kstack plan` would have shown
    ApplyResult result;
    int api_calls_observe = 0;
    std::optional<EnsuredCredential> credential;  // the add-ons' credential, when the spec has add-ons that log in
  };
  /// `through` (default: the session's cloud) lets a caller count or observe the calls.
  [[nodiscard]] Result<ApplyOutcome> apply(const PlanOptions& plan_options, const ExecutorOptions& exec_options,
                                           const std::function<bool(const Plan&)>& confirm, Cloud* through = nullptr);

  const spec::ClusterSpec& spec() const { return spec_; }
  const model::ClusterModel& model() const { return model_; }
  Cloud& cloud() { return *cloud_; }
  state::StateDir& state() { return *state_; }
  openstack::Client& client() { return *client_; }

 private:
  Session() = default;
  [[nodiscard]] Result<CloudFacts> facts();
  /// What the render takes from the cloud: the ids and addresses of `known` (kstack's resources).
  bootstrap::RenderOptions render_options(const CloudFacts& facts, const std::map<Key, ObservedResource>& known) const;
  /// True when the spec's add-ons log in to the cloud (the cloud controller manager, Cinder CSI).
  bool needs_credential() const;
  /// The add-ons' credential without a call: the one ensured by this apply, else the state directory's, else
  /// the clouds.yaml entry the spec names; nullopt when the apply has yet to make it.
  [[nodiscard]] Result<std::optional<bootstrap::CloudCredentials>> known_credentials() const;
  /// The nodes whose user-data names a resource missing from `known`.
  std::set<std::string> provisional(const std::map<Key, ObservedResource>& known) const;
  /// `server` with its user-data rendered against `known`, just before it is created.
  [[nodiscard]] Result<Resource> with_user_data(Resource server, const std::map<Key, ObservedResource>& known);

  spec::ClusterSpec spec_;
  model::ClusterModel model_;
  std::optional<state::StateDir> state_;
  std::unique_ptr<openstack::Client> client_;
  std::unique_ptr<OpenStackCloud> cloud_;
  std::optional<CloudFacts> facts_;
  std::optional<Error> key_error_;  // the spec's ssh_public_key_file could not be read
  openstack::CloudConfig cloud_config_;
  std::mutex render_mu_;  // guards the PKI below: servers are created from several threads
  std::optional<pki::ClusterPki> pki_;
  std::string pki_floating_ip_;  // the API floating IP pki_ was issued for
  std::optional<bootstrap::BootstrapSecrets> secrets_;
  // The add-ons' credential: read by desired() (as kept, or supplied), then as this apply ensured it.
  std::optional<bootstrap::CloudCredentials> credentials_;
  bool read_only_ = false;
};

}  // namespace kstack::reconcile
