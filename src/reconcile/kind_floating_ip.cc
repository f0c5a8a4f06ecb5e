#include "openstack/network.h"
#include "reconcile/adoption.h"
#include "reconcile/openstack_cloud.h"

namespace kstack::reconcile {

namespace {

/// FloatingIpOps: floating IPs have no name; kstack's carry theirs in the description.
class FloatingIpOps : public KindOps {
 public:
  explicit FloatingIpOps(const OsContext& ctx) : ctx_(ctx) {}

  Result<std::vector<ObservedResource>> list() override {
    auto all = openstack::network::list_floating_ips(ctx_.client, {.tags = ctx_.tags()});
    if (!all) return std::unexpected(all.error());
    auto by_name = [&](const std::string& name) {
      return openstack::network::list_floating_ips(ctx_.client, {.name = name});
    };
    auto untagged = find_untagged(ctx_, Kind::floating_ip, by_name, *all);
    if (!untagged) return std::unexpected(untagged.error());
    std::vector<ObservedResource> out;
    for (const auto& f : *all) {
      out.push_back({.key = {Kind::floating_ip, f.description},
                     .id = f.id,
                     .props = {{"floating_network_id", f.floating_network_id},
                               {"port_id", f.port_id},
                               {"address", f.floating_ip_address}},
                     .untagged = untagged->contains(f.id)});
    }
    return out;
  }

  Result<ObservedResource> create(const Resource& r) override {
    auto f = ctx_.journalled(Kind::floating_ip, r.key.name, [&] {
      return openstack::network::create_floating_ip(ctx_.client, prop(r.props, "floating_network_id"), r.key.name,
                                                    ctx_.tags());
    });
    if (!f) return std::unexpected(f.error());
    ObservedResource o{.key = r.key, .id = f->id, .props = r.props};
    o.props["address"] = f->floating_ip_address;
    if (auto port = r.props.find("port_id"); port != r.props.end() && !port->second.empty()) {
      auto associated = openstack::network::associate_floating_ip(ctx_.client, f->id, port->second);
      if (!associated) return std::unexpected(associated.error());
    }
    return o;
  }

  Result<void> update(const ObservedResource& current, const Resource& r) override {
    auto associated = openstack::network::associate_floating_ip(ctx_.client, current.id, prop(r.props, "port_id"));
    if (!associated) return std::unexpected(associated.error());
    return {};
  }

  Result<void> remove(const ObservedResource& current) override {
    return openstack::network::delete_floating_ip(ctx_.client, current.id);
  }

  Result<void> adopt(const ObservedResource& current) override { return adopt_tagging(ctx_, "floatingips", current); }

 private:
  OsContext ctx_;
};

}  // namespace

const KindDescriptor& floating_ip_kind() {
  static const KindDescriptor descriptor{
      .kind = Kind::floating_ip,
      .name = "floating_ip",
      .create_rank = 110,
      .delete_rank = 30,
      .policy = {.updatable = {"port_id"}, .expected_create_s = 2},
      .quota = [](const Resource&, QuotaNeed& need) { need.add("floatingip"); },
      .openstack_ops = [](const OsContext& ctx) -> std::unique_ptr<KindOps> {
        return std::make_unique<FloatingIpOps>(ctx);
      },
  };
  return descriptor;
}

}  // namespace kstack::reconcile
