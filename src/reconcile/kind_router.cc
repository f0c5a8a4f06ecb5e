#include "openstack/network.h"
#include "reconcile/adoption.h"
#include "reconcile/openstack_cloud.h"

namespace kstack::reconcile {

namespace {

/// RouterOps: the router whose gateway is the external network.
class RouterOps : public KindOps {
 public:
  explicit RouterOps(const OsContext& ctx) : ctx_(ctx) {}

  Result<std::vector<ObservedResource>> list() override {
    auto all = openstack::network::list_routers(ctx_.client, {.tags = ctx_.tags()});
    if (!all) return std::unexpected(all.error());
    auto by_name = [&](const std::string& name) {
      return openstack::network::list_routers(ctx_.client, {.name = name});
    };
    auto untagged = find_untagged(ctx_, Kind::router, by_name, *all);
    if (!untagged) return std::unexpected(untagged.error());
    std::vector<ObservedResource> out;
    for (const auto& r : *all) {
      out.push_back({.key = {Kind::router, r.name},
                     .id = r.id,
                     .props = {{"external_network_id", r.external_network_id}},
                     .status = r.status,
                     .untagged = untagged->contains(r.id)});
    }
    return out;
  }

  Result<ObservedResource> create(const Resource& r) override {
    auto made = ctx_.journalled(Kind::router, r.key.name, [&] {
      return openstack::network::create_router(ctx_.client, r.key.name, prop(r.props, "external_network_id"),
                                               ctx_.tags());
    });
    if (!made) return std::unexpected(made.error());
    return ObservedResource{.key = r.key, .id = made->id, .props = r.props};
  }

  Result<void> update(const ObservedResource& current, const Resource& r) override {
    auto done = openstack::network::update_router(ctx_.client, current.id,
                                                  {.external_network_id = prop(r.props, "external_network_id")});
    if (!done) return std::unexpected(done.error());
    return {};
  }

  Result<void> remove(const ObservedResource& current) override {
    return openstack::network::delete_router(ctx_.client, current.id);
  }

  Result<void> adopt(const ObservedResource& current) override { return adopt_tagging(ctx_, "routers", current); }

 private:
  OsContext ctx_;
};

}  // namespace

const KindDescriptor& router_kind() {
  static const KindDescriptor descriptor{
      .kind = Kind::router,
      .name = "router",
      .create_rank = 40,
      .delete_rank = 100,
      .policy = {.updatable = {"external_network_id"}, .expected_create_s = 2},
      .quota = [](const Resource&, QuotaNeed& need) { need.add("router"); },
      .openstack_ops = [](const OsContext& ctx) -> std::unique_ptr<KindOps> {
        return std::make_unique<RouterOps>(ctx);
      },
  };
  return descriptor;
}

}  // namespace kstack::reconcile
