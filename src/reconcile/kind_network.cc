#include "openstack/network.h"
#include "reconcile/adoption.h"
#include "reconcile/openstack_cloud.h"

namespace kstack::reconcile {

namespace {

/// NetworkOps: the cluster's private network.
class NetworkOps : public KindOps {
 public:
  explicit NetworkOps(const OsContext& ctx) : ctx_(ctx) {}

  Result<std::vector<ObservedResource>> list() override {
    // Every network the project sees, in one call the pre-flight's search for the external network shares
    // (OpenStackCloud::last_networks); the cluster's are those with its tag.
    auto all = ctx_.shared_list<std::vector<openstack::network::Network>>(
        shared::kNetworks, [&] { return openstack::network::list_networks(ctx_.client); });
    if (!all) return std::unexpected(all.error());
    std::erase_if(*all, [&](const openstack::network::Network& n) { return !ctx_.owns(n.tags); });
    auto by_name = [&](const std::string& name) {
      return openstack::network::list_networks(ctx_.client, {.name = name});
    };
    auto untagged = find_untagged(ctx_, Kind::network, by_name, *all);
    if (!untagged) return std::unexpected(untagged.error());
    std::vector<ObservedResource> out;
    for (const auto& n : *all)
      out.push_back(
          {.key = {Kind::network, n.name}, .id = n.id, .status = n.status, .untagged = untagged->contains(n.id)});
    return out;
  }

  Result<ObservedResource> create(const Resource& r) override {
    auto n = ctx_.journalled(Kind::network, r.key.name,
                             [&] { return openstack::network::create_network(ctx_.client, r.key.name, ctx_.tags()); });
    if (!n) return std::unexpected(n.error());
    return ObservedResource{.key = r.key, .id = n->id, .props = r.props, .status = n->status};
  }

  Result<void> update(const ObservedResource&, const Resource&) override {
    return fail("a network cannot change in place");
  }

  Result<void> remove(const ObservedResource& current) override {
    return openstack::network::delete_network(ctx_.client, current.id);
  }

  Result<void> adopt(const ObservedResource& current) override { return adopt_tagging(ctx_, "networks", current); }

 private:
  OsContext ctx_;
};

}  // namespace

const KindDescriptor& network_kind() {
  static const KindDescriptor descriptor{
      .kind = Kind::network,
      .name = "network",
      .create_rank = 20,
      .delete_rank = 120,
      .policy = {.expected_create_s = 1},
      .quota = [](const Resource&, QuotaNeed& need) { need.add("network"); },
      .openstack_ops = [](const OsContext& ctx) -> std::unique_ptr<KindOps> {
        return std::make_unique<NetworkOps>(ctx);
      },
  };
  return descriptor;
}

}  // namespace kstack::reconcile
