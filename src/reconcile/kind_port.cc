#include "reconcile/kind_port.h"

#include "openstack/network.h"
#include "reconcile/adoption.h"
#include "reconcile/desired.h"
#include "reconcile/openstack_cloud.h"

namespace kstack::reconcile {

namespace {

/// PortOps: one port per node with its fixed IP, made before the server.
class PortOps : public KindOps {
 public:
  explicit PortOps(const OsContext& ctx) : ctx_(ctx) {}

  Result<std::vector<ObservedResource>> list() override {
    const std::string router_leg = ClusterNames::of(ctx_.cluster).router_interface;
    return observe_ports(
        ctx_, Kind::port,
        [&](const openstack::network::Port& p) { return p.name != router_leg; },  // the leg: RouterInterfaceOps'
        [](const openstack::network::Port& p) {
          return Props{{"security_groups", join(p.security_group_ids)}};
        });
  }

  Result<ObservedResource> create(const Resource& r) override {
    openstack::network::Port request{.name = r.key.name,
                                     .network_id = prop(r.props, "network_id"),
                                     .fixed_ips = {{prop(r.props, "subnet_id"), prop(r.props, "fixed_ip")}},
                                     .security_group_ids = split(prop(r.props, "security_groups")),
                                     .tags = ctx_.tags()};
    auto port =
        ctx_.journalled(Kind::port, r.key.name, [&] { return openstack::network::create_port(ctx_.client, request); });
    if (!port && port.error().http_status == 409) {
      if (auto held = adopt_port_holding(ctx_, Kind::port, r.key.name, prop(r.props, "fixed_ip"))) port = *held;
    }
    if (!port) return std::unexpected(port.error());
    return ObservedResource{.key = r.key, .id = port->id, .props = r.props, .status = port->status};
  }

  Result<void> update(const ObservedResource& current, const Resource& r) override {
    auto done = openstack::network::update_port(ctx_.client, current.id,
                                                {.security_group_ids = split(prop(r.props, "security_groups"))});
    if (!done) return std::unexpected(done.error());
    return {};
  }

  Result<void> remove(const ObservedResource& current) override {
    return openstack::network::delete_port(ctx_.client, current.id);
  }

  Result<void> adopt(const ObservedResource& current) override { return adopt_tagging(ctx_, "ports", current); }

 private:
  OsContext ctx_;
};

}  // namespace

const KindDescriptor& port_kind() {
  static const KindDescriptor descriptor{
      .kind = Kind::port,
      .name = "port",
      .create_rank = 90,
      .delete_rank = 50,
      .policy =
          {
              .updatable = {"security_groups"},
              .cloud_default = {"security_groups"},  // none asked: a port whose groups another service sets
              .unordered = {"security_groups"},
              .expected_create_s = 1,
          },
      .quota = [](const Resource&, QuotaNeed& need) { need.add("port"); },
      .openstack_ops = [](const OsContext& ctx) -> std::unique_ptr<KindOps> { return std::make_unique<PortOps>(ctx); },
  };
  return descriptor;
}

}  // namespace kstack::reconcile
