#include "openstack/network.h"
#include "reconcile/openstack_cloud.h"
#include "reconcile/security_rules.h"

namespace kstack::reconcile {

namespace {

/// SecurityGroupRuleOps: rules have no tags or names; they are listed inside the cluster's (tagged)
/// groups and named by their attributes, so one rule that changes is another rule.
class SecurityGroupRuleOps : public KindOps {
 public:
  explicit SecurityGroupRuleOps(const OsContext& ctx) : ctx_(ctx) {}

  Result<std::vector<ObservedResource>> list() override {
    // The groups' own list (SecurityGroupOps) carries their rules: one call serves both kinds.
    auto groups = ctx_.shared_list<std::vector<openstack::network::SecurityGroup>>(shared::kSecurityGroups, [&] {
      return openstack::network::list_security_groups(ctx_.client, {.tags = ctx_.tags()});
    });
    if (!groups) return std::unexpected(groups.error());
    std::map<std::string, std::string> names;
    for (const auto& g : *groups) names[g.id] = g.name;
    std::vector<ObservedResource> out;
    for (const auto& g : *groups) {
      for (const auto& rule : g.rules) {
        RuleSpec spec{.direction = rule.direction,
                      .ethertype = rule.ethertype,
                      .protocol = rule.protocol,
                      .port_min = rule.port_range_min,
                      .port_max = rule.port_range_max,
                      .remote_cidr = rule.remote_ip_prefix};
        if (!rule.remote_group_id.empty()) {
          auto it = names.find(rule.remote_group_id);
          spec.remote_group = it == names.end() ? rule.remote_group_id : it->second;
        }
        out.push_back({.key = {Kind::security_group_rule, rule_name(g.name, spec)},
                       .id = rule.id,
                       .props = {{"security_group_id", g.id},
                                 {"direction", rule.direction},
                                 {"ethertype", rule.ethertype},
                                 {"protocol", rule.protocol},
                                 {"port_range_min", rule.port_range_min ? std::to_string(rule.port_range_min) : ""},
                                 {"port_range_max", rule.port_range_max ? std::to_string(rule.port_range_max) : ""},
                                 {"remote_ip_prefix", rule.remote_ip_prefix},
                                 {"remote_group_id", rule.remote_group_id}}});
      }
    }
    return out;
  }

  Result<ObservedResource> create(const Resource& r) override {
    const auto& p = r.props;
    auto number = [&](const char* key) { return prop_int(p, key); };
    openstack::network::SecurityGroupRule request{.security_group_id = prop(p, "security_group_id"),
                                                  .direction = prop(p, "direction"),
                                                  .ethertype = prop(p, "ethertype"),
                                                  .protocol = prop(p, "protocol"),
                                                  .port_range_min = number("port_range_min"),
                                                  .port_range_max = number("port_range_max"),
                                                  .remote_ip_prefix = prop(p, "remote_ip_prefix"),
                                                  .remote_group_id = prop(p, "remote_group_id")};
    auto made = openstack::network::create_security_group_rule(ctx_.client, request);
    if (!made) {
      // Neutron gives every new group its default egress rules itself; such a rule is adopted, not an error.
      // Neutron names the rule there is only in its message ("... Rule id is <id>.").
      const std::string marker = "Rule id is ";
      const auto& what = made.error().what;
      auto at = what.find(marker);
      if (made.error().http_status != 409 || made.error().type != "SecurityGroupRuleExists" ||
          at == std::string::npos) {
        return std::unexpected(made.error());
      }
      std::string id = what.substr(at + marker.size());
      while (!id.empty() && (id.back() == '.' || id.back() == ' ')) id.pop_back();
      id = id.substr(0, id.find_first_of(" ."));
      return ObservedResource{.key = r.key, .id = id, .props = r.props};
    }
    return ObservedResource{.key = r.key, .id = made->id, .props = r.props};
  }

  Result<void> update(const ObservedResource&, const Resource&) override {
    return fail("a security group rule cannot change in place");
  }

  Result<void> remove(const ObservedResource& current) override {
    return openstack::network::delete_security_group_rule(ctx_.client, current.id);
  }

 private:
  OsContext ctx_;
};

}  // namespace

const KindDescriptor& security_group_rule_kind() {
  static const KindDescriptor descriptor{
      .kind = Kind::security_group_rule,
      .name = "security_group_rule",
      .create_rank = 70,
      .delete_rank = 70,
      .policy = {},
      .quota = [](const Resource&, QuotaNeed& need) { need.add("security_group_rule"); },
      .openstack_ops = [](const OsContext& ctx) -> std::unique_ptr<KindOps> {
        return std::make_unique<SecurityGroupRuleOps>(ctx);
      },
  };
  return descriptor;
}

}  // namespace kstack::reconcile
