#include "openstack/network.h"
#include "reconcile/desired.h"
#include "reconcile/openstack_cloud.h"

namespace kstack::reconcile {

namespace {

/// RouterInterfaceOps: the router's leg on the cluster subnet, made as a tagged port that is then attached
/// to the router, so that it is found by tag like everything else.
class RouterInterfaceOps : public KindOps {
 public:
  explicit RouterInterfaceOps(const OsContext& ctx) : ctx_(ctx) {}

  Result<std::vector<ObservedResource>> list() override {
    const std::string name = ClusterNames::of(ctx_.cluster).router_interface;
    auto all = openstack::network::list_ports(ctx_.client, {.name = name, .tags = ctx_.tags()});
    if (!all) return std::unexpected(all.error());
    std::vector<ObservedResource> out;
    for (const auto& p : *all) {
      ObservedResource o{.key = {Kind::router_interface, p.name},
                         .id = p.id,
                         .props = {{"router_id", p.device_id}, {"network_id", p.network_id}},
                         .status = p.status};
      if (!p.fixed_ips.empty()) {
        o.props["subnet_id"] = p.fixed_ips[0].subnet_id;
        o.props["fixed_ip"] = p.fixed_ips[0].ip_address;
      }
      out.push_back(std::move(o));
    }
    return out;
  }

  Result<ObservedResource> create(const Resource& r) override {
    openstack::network::Port request{.name = r.key.name,
                                     .network_id = r.props.at("network_id"),
                                     .fixed_ips = {{r.props.at("subnet_id"), r.props.at("fixed_ip")}},
                                     .tags = ctx_.tags()};
    auto port = openstack::network::create_port(ctx_.client, request);
    if (!port) return std::unexpected(port.error());
    const auto& router = r.props.at("router_id");
    auto attached = ctx_.client.call("network", {{"network", "add router interface", "router " + router},
                                                 "PUT",
                                                 "/routers/" + router + "/add_router_interface",
                                                 nlohmann::json{{"port_id", port->id}}});
    if (!attached) {
      (void)openstack::network::delete_port(ctx_.client, port->id);
      return std::unexpected(attached.error());
    }
    return ObservedResource{.key = r.key, .id = port->id, .props = r.props};
  }

  Result<void> update(const ObservedResource&, const Resource&) override {
    return fail("a router interface cannot change in place");
  }

  Result<void> remove(const ObservedResource& current) override {
    const auto& router = current.props.count("router_id") ? current.props.at("router_id") : std::string();
    if (router.empty()) return openstack::network::delete_port(ctx_.client, current.id);
    auto detached = ctx_.client.call("network", {{"network", "remove router interface", "router " + router},
                                                 "PUT",
                                                 "/routers/" + router + "/remove_router_interface",
                                                 nlohmann::json{{"port_id", current.id}}});
    if (!detached && detached.error().http_status != 404) return std::unexpected(detached.error());
    return {};
  }

 private:
  OsContext ctx_;
};

}  // namespace

std::unique_ptr<KindOps> make_router_interface_ops(const OsContext& ctx) {
  return std::make_unique<RouterInterfaceOps>(ctx);
}

}  // namespace kstack::reconcile
