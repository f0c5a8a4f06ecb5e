#include "reconcile/openstack_cloud.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "openstack/blockstorage.h"
#include "openstack/compute.h"
#include "openstack/loadbalancer.h"
#include "openstack/network.h"
#include "state/state_dir.h"

namespace kstack::reconcile {

namespace os = kstack::openstack;

std::string cluster_tag(const std::string& cluster) { return "kstack-cluster=" + cluster; }

bool OsContext::owns(const std::vector<std::string>& tags) const {
  return std::find(tags.begin(), tags.end(), tag) != tags.end();
}

OpenStackCloud::OpenStackCloud(openstack::Client& client, std::string cluster, state::StateDir* state)
    : journal_(state), ctx_{client, cluster, cluster_tag(cluster), &journal_, &lists_}, evidence_(state) {
  for (const auto* kind : kind_descriptors()) kinds_[kind->kind] = kind->openstack_ops(ctx_);
  // A request of a killed run can be running in the cloud as long as the client would have waited for it.
  in_flight_.window =
      client.cloud().api_timeout_s > 0
          ? std::chrono::seconds(client.cloud().api_timeout_s)
          : std::chrono::duration_cast<std::chrono::seconds>(openstack::TransportOptions{}.total_timeout);
  in_flight_.note = [](const std::string& text) { fmt::print(stderr, "{}\n", text); };
}

Result<void> OpenStackCloud::await_in_flight_creates() { return settle_in_flight(*this, journal_, in_flight_); }

KindOps& OpenStackCloud::ops(Kind kind) { return *kinds_.at(kind); }

std::optional<std::vector<os::network::Network>> OpenStackCloud::last_networks() {
  return lists_.last<std::vector<os::network::Network>>(shared::kNetworks);
}

Result<std::vector<ObservedResource>> OpenStackCloud::list_kubernetes_owned() {
  std::vector<ObservedResource> out;
  const std::string prefix = fmt::format("kube_service_{}_", ctx_.cluster);
  // The same lists as the kinds' own (one call each per observation), filtered here for what Kubernetes made.
  auto lbs = ctx_.shared_list<std::vector<os::loadbalancer::LoadBalancer>>(
      shared::kLoadBalancers, [&] { return os::loadbalancer::list_load_balancers(ctx_.client); });
  if (!lbs) return std::unexpected(lbs.error());
  std::map<std::string, std::string> vip_ports;  // port id → load balancer name
  for (const auto& lb : *lbs) {
    if (!lb.name.starts_with(prefix)) continue;
    vip_ports[lb.vip_port_id] = lb.name;
    out.push_back({.key = {Kind::load_balancer, lb.name},
                   .id = lb.id,
                   .status = lb.provisioning_status,
                   .origin = Origin::kubernetes_service});
  }
  if (!vip_ports.empty()) {
    auto fips = os::network::list_floating_ips(ctx_.client);
    if (!fips) return std::unexpected(fips.error());
    for (const auto& f : *fips) {
      auto it = vip_ports.find(f.port_id);
      if (it == vip_ports.end()) continue;
      out.push_back({.key = {Kind::floating_ip, it->second + " " + f.floating_ip_address},
                     .id = f.id,
                     .origin = Origin::kubernetes_service});
    }
  }
  auto volumes = ctx_.shared_list<std::vector<os::blockstorage::Volume>>(
      shared::kVolumes, [&] { return os::blockstorage::list_volumes(ctx_.client); });
  if (!volumes) return std::unexpected(volumes.error());
  for (const auto& v : *volumes) {
    auto mark = v.metadata.find("cinder.csi.openstack.org/cluster");
    if (mark == v.metadata.end() || mark->second != ctx_.cluster) continue;
    out.push_back({.key = {Kind::volume, v.name.empty() ? v.id : v.name},
                   .id = v.id,
                   .status = v.status,
                   .origin = Origin::csi_volume});
  }
  return out;
}

std::string OpenStackCloud::save_evidence(const ObservedResource& failed) {
  std::string fault = failed.fault;
  if (fault.empty() && failed.key.kind == Kind::server) {
    if (auto s = os::compute::get_server(ctx_.client, failed.id); s) fault = s->fault.message;
  }
  if (!evidence_) return fault;
  std::lock_guard l(evidence_mu_);
  auto stamp = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  std::string dir = fmt::format("evidence/{}-{}-{}", failed.key.name, failed.id, stamp.count());
  (void)evidence_->write(dir + "/fault.txt", fmt::format("{} {}\nstatus: {}\nfault: {}\n", kind_name(failed.key.kind),
                                                         failed.key.name, failed.status, fault));
  if (failed.key.kind == Kind::server) {
    auto console = os::compute::console_output(ctx_.client, failed.id, 500);
    (void)evidence_->write(dir + "/console.log",
                           console ? *console : "console log unavailable: " + console.error().what);
  }
  return fault;
}

}  // namespace kstack::reconcile
