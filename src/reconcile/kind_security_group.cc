#include "openstack/network.h"
#include "reconcile/adoption.h"
#include "reconcile/openstack_cloud.h"

namespace kstack::reconcile {

namespace {

/// SecurityGroupOps: the cluster's security groups (their rules are SecurityGroupRuleOps').
class SecurityGroupOps : public KindOps {
 public:
  explicit SecurityGroupOps(const OsContext& ctx) : ctx_(ctx) {}

  Result<std::vector<ObservedResource>> list() override {
    auto all = ctx_.shared_list<std::vector<openstack::network::SecurityGroup>>(shared::kSecurityGroups, [&] {
      return openstack::network::list_security_groups(ctx_.client, {.tags = ctx_.tags()});
    });
    if (!all) return std::unexpected(all.error());
    auto by_name = [&](const std::string& name) {
      return openstack::network::list_security_groups(ctx_.client, {.name = name});
    };
    auto untagged = find_untagged(ctx_, Kind::security_group, by_name, *all);
    if (!untagged) return std::unexpected(untagged.error());
    std::vector<ObservedResource> out;
    for (const auto& g : *all) {
      out.push_back({.key = {Kind::security_group, g.name},
                     .id = g.id,
                     .props = {{"description", g.description}},
                     .untagged = untagged->contains(g.id)});
    }
    return out;
  }

  Result<ObservedResource> create(const Resource& r) override {
    auto g = ctx_.journalled(Kind::security_group, r.key.name, [&] {
      return openstack::network::create_security_group(ctx_.client, r.key.name, prop(r.props, "description"),
                                                       ctx_.tags());
    });
    if (!g) return std::unexpected(g.error());
    return ObservedResource{.key = r.key, .id = g->id, .props = r.props};
  }

  Result<void> update(const ObservedResource&, const Resource&) override {
    return fail("a security group cannot change in place");
  }

  Result<void> remove(const ObservedResource& current) override {
    return openstack::network::delete_security_group(ctx_.client, current.id);
  }

  Result<void> adopt(const ObservedResource& current) override {
    return adopt_tagging(ctx_, "security-groups", current);
  }

 private:
  OsContext ctx_;
};

}  // namespace

const KindDescriptor& security_group_kind() {
  static const KindDescriptor descriptor{
      .kind = Kind::security_group,
      .name = "security_group",
      .create_rank = 60,
      .delete_rank = 80,
      .policy = {},
      .quota = [](const Resource&, QuotaNeed& need) { need.add("security_group"); },
      .openstack_ops = [](const OsContext& ctx) -> std::unique_ptr<KindOps> {
        return std::make_unique<SecurityGroupOps>(ctx);
      },
  };
  return descriptor;
}

}  // namespace kstack::reconcile
