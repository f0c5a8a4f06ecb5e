#include "openstack/network.h"
#include "reconcile/adoption.h"
#include "reconcile/octavia_orphans.h"
#include "reconcile/openstack_cloud.h"

namespace kstack::reconcile {

namespace {

namespace net = openstack::network;

/// SubnetOps: the cluster subnet.
class SubnetOps : public KindOps {
 public:
  explicit SubnetOps(const OsContext& ctx) : ctx_(ctx) {}

  Result<std::vector<ObservedResource>> list() override {
    auto all = net::list_subnets(ctx_.client, {.tags = {ctx_.tag}});
    if (!all) return std::unexpected(all.error());
    auto by_name = [&](const std::string& name) { return net::list_subnets(ctx_.client, {.name = name}); };
    auto untagged = find_untagged(ctx_, Kind::subnet, by_name, *all);
    if (!untagged) return std::unexpected(untagged.error());
    std::vector<ObservedResource> out;
    for (const auto& s : *all) {
      std::string pool;
      if (!s.allocation_pools.empty()) pool = s.allocation_pools.front().start + "-" + s.allocation_pools.front().end;
      out.push_back({.key = {Kind::subnet, s.name},
                     .id = s.id,
                     .props = {{"network_id", s.network_id},
                               {"cidr", s.cidr},
                               {"gateway_ip", s.gateway_ip},
                               {"allocation_pool", pool},
                               {"dns_nameservers", join(s.dns_nameservers)}},
                     .created_at = s.created_at,
                     .untagged = untagged->contains(s.id)});
    }
    return out;
  }

  Result<ObservedResource> create(const Resource& r) override {
    const auto& p = r.props;
    net::Subnet request{.name = r.key.name,
                        .network_id = prop(p, "network_id"),
                        .cidr = prop(p, "cidr"),
                        .gateway_ip = prop(p, "gateway_ip"),
                        .dns_nameservers = split(prop(p, "dns_nameservers")),
                        .tags = ctx_.tags()};
    const auto& pool = prop(p, "allocation_pool");
    if (auto dash = pool.find('-'); dash != std::string::npos) {
      request.allocation_pools.push_back({pool.substr(0, dash), pool.substr(dash + 1)});
    }
    auto made = ctx_.journalled(Kind::subnet, r.key.name, [&] { return net::create_subnet(ctx_.client, request); });
    if (!made) return std::unexpected(made.error());
    return ObservedResource{.key = r.key, .id = made->id, .props = r.props};
  }

  Result<void> update(const ObservedResource& current, const Resource& r) override {
    auto done =
        net::update_subnet(ctx_.client, current.id, {.dns_nameservers = split(prop(r.props, "dns_nameservers"))});
    if (!done) return std::unexpected(done.error());
    return {};
  }

  Result<void> remove(const ObservedResource& current) override {
    auto gone = net::delete_subnet(ctx_.client, current.id);
    if (!gone && gone.error().http_status == 409) {
      // Ports still use it: an orphaned Octavia VIP port (see release_orphaned_vip_ports) is the one kind
      // of port kstack may delete here.
      auto released = release_orphaned_vip_ports(ctx_.client, current.id);
      if (released && *released > 0) gone = net::delete_subnet(ctx_.client, current.id);
    }
    return gone;
  }

  Result<void> adopt(const ObservedResource& current) override { return adopt_tagging(ctx_, "subnets", current); }

 private:
  OsContext ctx_;
};

}  // namespace

const KindDescriptor& subnet_kind() {
  static const KindDescriptor descriptor{
      .kind = Kind::subnet,
      .name = "subnet",
      .create_rank = 30,
      .delete_rank = 110,
      .policy = {.updatable = {"dns_nameservers"}, .expected_create_s = 2},
      .quota = [](const Resource&, QuotaNeed& need) { need.add("subnet"); },
      .openstack_ops = [](const OsContext& ctx) -> std::unique_ptr<KindOps> {
        return std::make_unique<SubnetOps>(ctx);
      },
  };
  return descriptor;
}

}  // namespace kstack::reconcile
