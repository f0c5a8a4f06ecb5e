#include "openstack/network.h"
#include "reconcile/adoption.h"
#include "reconcile/desired.h"
#include "reconcile/kind_port.h"
#include "reconcile/openstack_cloud.h"

namespace kstack::reconcile {

namespace {

/// RouterInterfaceOps: the router's leg on the cluster subnet, made as a tagged port that is then attached
/// to the router, so that it is found by tag like everything else.
class RouterInterfaceOps : public KindOps {
 public:
  explicit RouterInterfaceOps(const OsContext& ctx) : ctx_(ctx) {}

  Result<std::vector<ObservedResource>> list() override {
    const std::string leg = ClusterNames::of(ctx_.cluster).router_interface;
    // The leg is one of the cluster's tagged ports: the list PortOps shares holds it.
    return observe_ports(
        ctx_, Kind::router_interface, [&](const openstack::network::Port& p) { return p.name == leg; },
        [](const openstack::network::Port& p) {
          return Props{{"router_id", p.device_id}};
        });
  }

  Result<ObservedResource> create(const Resource& r) override {
    openstack::network::Port request{.name = r.key.name,
                                     .network_id = prop(r.props, "network_id"),
                                     .fixed_ips = {{prop(r.props, "subnet_id"), prop(r.props, "fixed_ip")}},
                                     .tags = ctx_.tags()};
    auto port = ctx_.journalled(Kind::router_interface, r.key.name,
                                [&] { return openstack::network::create_port(ctx_.client, request); });
    if (!port && port.error().http_status == 409) {
      // As for a node's port (PortOps::create): the address may be held by this leg's own earlier create.
      if (auto held = adopt_port_holding(ctx_, Kind::router_interface, r.key.name, prop(r.props, "fixed_ip"))) {
        port = *held;
        if (!port->device_id.empty()) return ObservedResource{.key = r.key, .id = port->id, .props = r.props};
      }
    }
    if (!port) return std::unexpected(port.error());
    if (auto attached = attach(prop(r.props, "router_id"), port->id); !attached) {
      (void)openstack::network::delete_port(ctx_.client, port->id);
      return std::unexpected(attached.error());
    }
    return ObservedResource{.key = r.key, .id = port->id, .props = r.props};
  }

  // Only the router changes in place: a leg whose attach never ran (a kill between the port's create and
  // the attach) is attached now.
  Result<void> update(const ObservedResource& current, const Resource& r) override {
    const std::string old_router = router_of(current);
    if (!old_router.empty()) {
      if (auto detached = detach(old_router, current.id); !detached) return detached;
    }
    return attach(prop(r.props, "router_id"), current.id);
  }

  Result<void> remove(const ObservedResource& current) override {
    const std::string router = router_of(current);
    if (router.empty()) return openstack::network::delete_port(ctx_.client, current.id);
    return detach(router, current.id);  // Neutron deletes the port with the interface
  }

  Result<void> adopt(const ObservedResource& current) override { return adopt_tagging(ctx_, "ports", current); }

 private:
  static std::string router_of(const ObservedResource& r) {
    auto it = r.props.find("router_id");
    return it == r.props.end() ? std::string() : it->second;
  }

  Result<void> attach(const std::string& router, const std::string& port_id) {
    return openstack::network::add_router_interface(ctx_.client, router, {.port_id = port_id});
  }

  Result<void> detach(const std::string& router, const std::string& port_id) {
    return openstack::network::remove_router_interface(ctx_.client, router, {.port_id = port_id});
  }

  OsContext ctx_;
};

}  // namespace

const KindDescriptor& router_interface_kind() {
  static const KindDescriptor descriptor{
      .kind = Kind::router_interface,
      .name = "router_interface",
      .create_rank = 50,
      .delete_rank = 90,
      .policy =
          {
              .updatable = {"router_id"},  // a leg left unattached by a kill is attached
              .expected_create_s = 4,      // it plugs into the router's namespace
              .expected_delete_s = 3,
          },
      .quota = [](const Resource&, QuotaNeed& need) { need.add("port"); },
      .openstack_ops = [](const OsContext& ctx) -> std::unique_ptr<KindOps> {
        return std::make_unique<RouterInterfaceOps>(ctx);
      },
  };
  return descriptor;
}

}  // namespace kstack::reconcile
