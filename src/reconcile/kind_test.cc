#include "reconcile/kind.h"

#include <gtest/gtest.h>

#include <set>

#include "reconcile/desired.h"
#include "reconcile/resource.h"
#include "reconcile/testing/reference_cluster.h"

namespace kstack::reconcile {
namespace {

TEST(Kind, NamesRoundTrip) {
  for (auto kind : all_kinds()) {
    auto parsed = parse_kind(kind_name(kind));
    ASSERT_TRUE(parsed.has_value()) << kind_name(kind);
    EXPECT_EQ(*parsed, kind);
  }
  EXPECT_FALSE(parse_kind("flavor").has_value());
  EXPECT_EQ(all_kinds().size(), 13u);
}

TEST(Kind, AsynchronousKindsHaveStatusesAndTimeouts) {
  for (auto kind : all_kinds()) {
    const auto& p = kind_policy(kind);
    if (p.async_create) {
      EXPECT_FALSE(p.ready.empty()) << kind_name(kind);
      EXPECT_FALSE(p.failed.empty()) << kind_name(kind);
      EXPECT_GT(p.timeout.count(), 0) << kind_name(kind);
    }
  }
  EXPECT_TRUE(kind_policy(Kind::server).drift.contains("user_data_sha256"));
  EXPECT_GT(kind_policy(Kind::load_balancer).timeout, kind_policy(Kind::server).timeout);
}

TEST(Kind, EveryKindHasOneDescriptorWithDistinctRanks) {
  std::set<int> create_ranks, delete_ranks;
  for (const auto* d : kind_descriptors()) {
    EXPECT_EQ(&kind_descriptor(d->kind), d) << d->name;
    EXPECT_NE(d->openstack_ops, nullptr) << d->name;
    EXPECT_TRUE(create_ranks.insert(d->create_rank).second) << d->name << " shares its creation rank";
    EXPECT_TRUE(delete_ranks.insert(d->delete_rank).second) << d->name << " shares its delete rank";
  }
  EXPECT_EQ(kind_descriptors().size(), all_kinds().size());
}

// A resource refers only to kinds of a lower creation rank, and is deleted before them: checked on every
// reference and dependency of the reference cluster.
TEST(Kind, RanksFollowTheReferenceClustersDependencies) {
  auto desired = testing::reference_resources();
  ASSERT_FALSE(desired.empty());
  for (const auto& r : desired) {
    const auto& self = kind_descriptor(r.key.kind);
    std::vector<Key> targets = r.depends_on;
    for (const auto& [attribute, value] : r.props) {
      (void)resolve_refs(value, [&](const Ref& ref) -> std::optional<std::string> {
        targets.push_back(ref.key);
        return std::string("x");
      });
    }
    for (const auto& t : targets) {
      if (t.kind == r.key.kind) continue;
      const auto& target = kind_descriptor(t.kind);
      EXPECT_LT(target.create_rank, self.create_rank) << r.key.to_string() << " refers to " << t.to_string();
      EXPECT_GT(target.delete_rank, self.delete_rank) << r.key.to_string() << " refers to " << t.to_string();
    }
  }
}

TEST(Kind, QuotaUseOfEachKind) {
  QuotaNeed need;
  auto take = [&](Kind kind, Props props) {
    const auto& d = kind_descriptor(kind);
    if (d.quota) d.quota(Resource{.key = {kind, "x"}, .props = std::move(props)}, need);
  };
  take(Kind::server, {{"flavor_id", "f1"}});
  take(Kind::server, {{"flavor_id", "f1"}});
  take(Kind::volume, {{"size_gb", "20"}});
  take(Kind::volume, {{"size_gb", "not a number"}});
  take(Kind::port, {});
  take(Kind::router_interface, {});
  take(Kind::keypair, {});
  EXPECT_EQ(need.of("instances"), 2);
  EXPECT_EQ(need.flavors.at("f1"), 2);
  EXPECT_EQ(need.of("volumes"), 2);
  EXPECT_EQ(need.of("gigabytes"), 20);
  EXPECT_EQ(need.of("port"), 2);
  EXPECT_EQ(need.counts.size(), 4u);  // a keypair takes nothing that is checked
}

}  // namespace
}  // namespace kstack::reconcile
