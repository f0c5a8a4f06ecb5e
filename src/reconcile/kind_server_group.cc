#include "openstack/compute.h"
#include "reconcile/openstack_cloud.h"

namespace kstack::reconcile {

namespace {

/// ServerGroupOps: Nova server groups have no tags; the cluster owns the ones named
/// <cluster>-masters, <cluster>-workers and <cluster>-etcds.
class ServerGroupOps : public KindOps {
 public:
  explicit ServerGroupOps(const OsContext& ctx) : ctx_(ctx) {}

  Result<std::vector<ObservedResource>> list() override {
    auto all = openstack::compute::list_server_groups(ctx_.client);
    if (!all) return std::unexpected(all.error());
    std::vector<ObservedResource> out;
    for (const auto& g : *all) {
      if (g.name != ctx_.cluster + "-masters" && g.name != ctx_.cluster + "-workers" &&
          g.name != ctx_.cluster + "-etcds") {
        continue;
      }
      out.push_back({.key = {Kind::server_group, g.name}, .id = g.id, .props = {{"policy", g.policy}}});
    }
    return out;
  }

  Result<ObservedResource> create(const Resource& r) override {
    auto g = ctx_.journalled(Kind::server_group, r.key.name, [&] {
      return openstack::compute::create_server_group(ctx_.client, r.key.name, prop(r.props, "policy"));
    });
    if (!g) return std::unexpected(g.error());
    return ObservedResource{.key = r.key, .id = g->id, .props = r.props};
  }

  Result<void> update(const ObservedResource&, const Resource&) override {
    return fail("a server group cannot change in place");
  }

  Result<void> remove(const ObservedResource& current) override {
    return openstack::compute::delete_server_group(ctx_.client, current.id);
  }

 private:
  OsContext ctx_;
};

}  // namespace

const KindDescriptor& server_group_kind() {
  static const KindDescriptor descriptor{
      .kind = Kind::server_group,
      .name = "server_group",
      .create_rank = 80,
      .delete_rank = 60,
      .policy = {},
      .quota = [](const Resource&, QuotaNeed& need) { need.add("server groups"); },
      .openstack_ops = [](const OsContext& ctx) -> std::unique_ptr<KindOps> {
        return std::make_unique<ServerGroupOps>(ctx);
      },
  };
  return descriptor;
}

}  // namespace kstack::reconcile
