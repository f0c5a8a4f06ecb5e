#include "openstack/json_util.h"
#include "openstack/network.h"
#include "reconcile/adoption.h"
#include "reconcile/octavia_orphans.h"
#include "reconcile/openstack_cloud.h"

namespace kstack::reconcile {

namespace {

using nlohmann::json;

/// RawSubnet is a subnet as Neutron lists it, with the two fields adoption needs.
struct RawSubnet {
  std::string id;
  std::vector<std::string> tags;
  json body;
};

/// SubnetOps: the cluster subnet. Raw calls where the typed client has no field: allocation pools.
class SubnetOps : public KindOps {
 public:
  explicit SubnetOps(const OsContext& ctx) : ctx_(ctx) {}

  Result<std::vector<ObservedResource>> list() override {
    auto all = ctx_.client.list("network", {"network", "list subnets", ""},
                                "/subnets" + openstack::query({{"tags", ctx_.tag}}), "subnets");
    if (!all) return std::unexpected(all.error());
    std::vector<RawSubnet> adopted;
    auto named = [&](const std::string& name) { return by_name(name); };
    if (auto a = adopt_untagged(ctx_, Kind::subnet, "subnets", named, adopted); !a) return std::unexpected(a.error());
    for (auto& r : adopted) all->push_back(std::move(r.body));
    std::vector<ObservedResource> out;
    for (const auto& j : *all) {
      std::string pool;
      if (j.contains("allocation_pools") && j["allocation_pools"].is_array() && !j["allocation_pools"].empty()) {
        const auto& p = j["allocation_pools"][0];
        pool = openstack::str(p, "start") + "-" + openstack::str(p, "end");
      }
      out.push_back({.key = {Kind::subnet, openstack::str(j, "name")},
                     .id = openstack::str(j, "id"),
                     .props = {{"network_id", openstack::str(j, "network_id")},
                               {"cidr", openstack::str(j, "cidr")},
                               {"gateway_ip", openstack::str(j, "gateway_ip")},
                               {"allocation_pool", pool},
                               {"dns_nameservers", join_list(openstack::strings(j, "dns_nameservers"))}},
                     .created_at = openstack::str(j, "created_at")});
    }
    return out;
  }

  Result<ObservedResource> create(const Resource& r) override {
    const auto& p = r.props;
    auto pool = p.at("allocation_pool");
    auto dash = pool.find('-');
    json subnet = {{"name", r.key.name},
                   {"network_id", p.at("network_id")},
                   {"ip_version", 4},
                   {"cidr", p.at("cidr")},
                   {"gateway_ip", p.at("gateway_ip")},
                   {"dns_nameservers", split_list(p.at("dns_nameservers"))}};
    if (dash != std::string::npos) {
      subnet["allocation_pools"] = json::array({{{"start", pool.substr(0, dash)}, {"end", pool.substr(dash + 1)}}});
    }
    auto id = ctx_.journalled(Kind::subnet, r.key.name, [&]() -> Result<std::string> {
      auto made = ctx_.client.call("network", {{"network", "create subnet", "subnet " + r.key.name},
                                               "POST",
                                               "/subnets",
                                               json{{"subnet", subnet}},
                                               openstack::RetryRule::create});
      if (!made) return std::unexpected(made.error());
      std::string made_id = openstack::str((*made)["subnet"], "id");
      if (auto tagged = openstack::network::set_tags(ctx_.client, "subnets", made_id, ctx_.tags()); !tagged) {
        (void)openstack::network::delete_subnet(ctx_.client, made_id);
        return std::unexpected(tagged.error());
      }
      return made_id;
    });
    if (!id) return std::unexpected(id.error());
    return ObservedResource{.key = r.key, .id = *id, .props = r.props};
  }

  Result<void> update(const ObservedResource& current, const Resource& r) override {
    auto done = ctx_.client.call("network",
                                 {{"network", "update subnet", "subnet " + r.key.name},
                                  "PUT",
                                  "/subnets/" + current.id,
                                  json{{"subnet", {{"dns_nameservers", split_list(r.props.at("dns_nameservers"))}}}}});
    if (!done) return std::unexpected(done.error());
    return {};
  }

  Result<void> remove(const ObservedResource& current) override {
    auto gone = openstack::network::delete_subnet(ctx_.client, current.id);
    if (!gone && gone.error().http_status == 409) {
      // Ports still use it: an orphaned Octavia VIP port (see release_orphaned_vip_ports) is the one kind
      // of port kstack may delete here.
      auto released = release_orphaned_vip_ports(ctx_.client, current.id);
      if (released && *released > 0) gone = openstack::network::delete_subnet(ctx_.client, current.id);
    }
    return gone;
  }

 private:
  Result<std::vector<RawSubnet>> by_name(const std::string& name) {
    auto found = ctx_.client.list("network", {"network", "list subnets", "subnet " + name},
                                  "/subnets" + openstack::query({{"name", name}}), "subnets");
    if (!found) return std::unexpected(found.error());
    std::vector<RawSubnet> out;
    for (auto& j : *found) out.push_back({openstack::str(j, "id"), openstack::strings(j, "tags"), std::move(j)});
    return out;
  }

  OsContext ctx_;
};

}  // namespace

std::unique_ptr<KindOps> make_subnet_ops(const OsContext& ctx) { return std::make_unique<SubnetOps>(ctx); }

}  // namespace kstack::reconcile
