#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "openstack/client.h"
#include "openstack/network.h"
#include "reconcile/cloud.h"
#include "reconcile/create_journal.h"
#include "reconcile/in_flight.h"
#include "reconcile/shared_lists.h"
#include "util/text.h"  // join and split: the lists in resource properties

namespace kstack::state {
class StateDir;
}

namespace kstack::reconcile {

/// OsContext is what every kind's OpenStack seam shares: the client, the cluster and its ownership tag.
struct OsContext {
  openstack::Client& client;
  std::string cluster;
  std::string tag;                   // carried by everything kstack creates: "kstack-cluster=<name>"
  CreateJournal* journal = nullptr;  // creates not yet answered
  SharedLists* lists = nullptr;      // list calls the kinds of one observation share

  /// The answer of `fetch` for `key`, shared with every other kind that asks for it in the same observation.
  template <class T, class Fetch>
  [[nodiscard]] Result<T> shared_list(const std::string& key, Fetch&& fetch) const {
    if (!lists) return fetch();
    return lists->get<T>(key, std::forward<Fetch>(fetch));
  }
  /// Whether `tags` hold the cluster's tag.
  bool owns(const std::vector<std::string>& tags) const;

  /// Runs `create` (one create request, or Neutron's create and tag calls) between the journal's begin
  /// and end. The entry stays when the create fails, since its POST may have arrived: as in flight when
  /// no answer came or the service failed (5xx), as answered otherwise.
  template <class F>
  auto journalled(Kind kind, const std::string& name, F&& create) const -> decltype(create()) {
    if (journal) {
      if (auto begun = journal->begin(kind, name); !begun) return std::unexpected(begun.error());
    }
    auto made = create();
    if (journal) {
      if (made) {
        journal->end(kind, name);
      } else if (!CreateJournal::may_have_made(made.error())) {
        journal->answered(kind, name);
      }
    }
    return made;
  }

  std::vector<std::string> tags() const { return {tag}; }
  /// The metadata that marks a Cinder volume as the cluster's (Cinder has no tags).
  std::map<std::string, std::string> volume_mark() const { return {{"kstack-cluster", cluster}}; }
};

/// The ownership tag of a cluster.
std::string cluster_tag(const std::string& cluster);

/// The keys of the list calls several kinds share (OsContext::shared_list), with the one call each makes.
namespace shared {
inline constexpr const char* kNetworks = "network /networks";                    // every network the project sees
inline constexpr const char* kPorts = "network /ports?tags";                     // the cluster's ports
inline constexpr const char* kSecurityGroups = "network /security-groups?tags";  // the cluster's groups
inline constexpr const char* kLoadBalancers = "load-balancer /loadbalancers";    // every load balancer
inline constexpr const char* kVolumes = "volume /volumes/detail";                // every volume of the project
}  // namespace shared

/// OpenStackCloud is the production side of the reconciler's seam: every kind through the OpenStack client.
class OpenStackCloud : public Cloud {
 public:
  /// `state` (may be null) is where a failed server's fault and console log are saved, and where the
  /// journal of creates still to be tagged lives.
  OpenStackCloud(openstack::Client& client, std::string cluster, state::StateDir* state = nullptr);

  KindOps& ops(Kind kind) override;
  [[nodiscard]] Result<std::vector<ObservedResource>> list_kubernetes_owned() override;
  std::string save_evidence(const ObservedResource& failed) override;
  [[nodiscard]] Result<void> await_in_flight_creates() override;
  void observation_began() override { lists_.begin(); }
  void observation_ended() override { lists_.end(); }

  /// Every network the project sees, as the last observation listed them (the cluster's are among them,
  /// and so are the external ones the pre-flight looks for); nothing before the first observation.
  std::optional<std::vector<openstack::network::Network>> last_networks();

  /// Plan and status: report resources a killed create left untagged, but tag nothing.
  void set_read_only(bool read_only) { journal_.set_read_only(read_only); }

 private:
  CreateJournal journal_;
  InFlightWait in_flight_;
  SharedLists lists_;
  OsContext ctx_;
  state::StateDir* evidence_;
  std::mutex evidence_mu_;
  std::map<Kind, std::unique_ptr<KindOps>> kinds_;
};

}  // namespace kstack::reconcile
