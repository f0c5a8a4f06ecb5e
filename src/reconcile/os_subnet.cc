#include "openstack/json_util.h"
#include "openstack/network.h"
#include "reconcile/openstack_cloud.h"

namespace kstack::reconcile {

namespace {

using nlohmann::json;

/// SubnetOps: the cluster subnet. Raw calls where the typed client has no field: allocation pools.
class SubnetOps : public KindOps {
 public:
  explicit SubnetOps(const OsContext& ctx) : ctx_(ctx) {}

  Result<std::vector<ObservedResource>> list() override {
    auto all = ctx_.client.list("network", {"network", "list subnets", ""},
                                "/subnets" + openstack::query({{"tags", ctx_.tag}}), "subnets");
    if (!all) return std::unexpected(all.error());
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
    auto made = ctx_.client.call("network", {{"network", "create subnet", "subnet " + r.key.name},
                                             "POST",
                                             "/subnets",
                                             json{{"subnet", subnet}},
                                             openstack::RetryRule::create});
    if (!made) return std::unexpected(made.error());
    std::string id = openstack::str((*made)["subnet"], "id");
    if (auto tagged = openstack::network::set_tags(ctx_.client, "subnets", id, ctx_.tags()); !tagged) {
      (void)openstack::network::delete_subnet(ctx_.client, id);
      return std::unexpected(tagged.error());
    }
    return ObservedResource{.key = r.key, .id = id, .props = r.props};
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
    return openstack::network::delete_subnet(ctx_.client, current.id);
  }

 private:
  OsContext ctx_;
};

}  // namespace

std::unique_ptr<KindOps> make_subnet_ops(const OsContext& ctx) { return std::make_unique<SubnetOps>(ctx); }

}  // namespace kstack::reconcile
