// What a create killed between Neutron's POST and its tag call leaves, on the dev cloud's real Neutron:
// a journalled, untagged resource is adopted by a step of the plan (tagged and used, never created again), a
// read-only command reports it without tagging it, and a same-named resource with another tag is never taken.
#include <gtest/gtest.h>

#include "openstack/network.h"
#include "reconcile/create_journal.h"
#include "reconcile/desired.h"
#include "reconcile/integration/dev_cloud_cluster.h"

namespace kstack::reconcile {
namespace {

namespace net = openstack::network;

std::vector<std::string> ids_of(const ObservedState& observed, Kind kind) {
  std::vector<std::string> out;
  for (const auto& r : observed.resources) {
    if (r.key.kind == kind) out.push_back(r.id);
  }
  return out;
}

class Adoption : public DevCloudCluster {};

TEST_F(Adoption, AJournalledUntaggedNetworkIsAdoptedAndAForeignOneIsLeftAlone) {
  auto spec = write_spec({.base = "single"});
  const std::string network = ClusterNames::of(name_).network;
  std::string untagged_id, foreign_id;
  {
    auto s = open(spec);
    ASSERT_TRUE(s);
    // As a kill between the POST and the tag leaves it: the create journalled, the network untagged.
    CreateJournal journal(&s->state());
    ASSERT_TRUE(journal.begin(Kind::network, network));
    auto untagged = net::create_network(s->client(), network, {});
    ASSERT_TRUE(untagged) << untagged.error().to_string();
    untagged_id = untagged->id;
    // Same name, somebody else's tag: not proved the cluster's.
    auto foreign = net::create_network(s->client(), network, {"somebody-else"});
    ASSERT_TRUE(foreign) << foreign.error().to_string();
    foreign_id = foreign->id;
  }
  {
    // plan's and status' view: the network is there, and still untagged afterwards.
    auto s = Session::open({.spec_file = spec, .state_dir = state_dir().string(), .read_only = true});
    ASSERT_TRUE(s) << s.error().to_string();
    auto observed = observe((*s)->cloud());
    ASSERT_TRUE(observed) << observed.error().to_string();
    EXPECT_EQ(ids_of(*observed, Kind::network), std::vector<std::string>{untagged_id});
    auto still = net::list_networks((*s)->client(), {.name = network});
    ASSERT_TRUE(still);
    for (const auto& n : *still) {
      if (n.id == untagged_id) {
        EXPECT_TRUE(n.tags.empty()) << "a read-only observe tagged the network";
      }
    }
    EXPECT_EQ(CreateJournal(&(*s)->state()).pending(Kind::network), std::vector<std::string>{network});
    // The plan shows the adoption as a step of its own.
    auto plan = plan_now(**s);
    ASSERT_TRUE(plan) << plan.error().to_string();
    const auto adopt = std::find_if(plan->actions.begin(), plan->actions.end(), [&](const Action& a) {
      return a.key == Key{Kind::network, network};
    });
    ASSERT_NE(adopt, plan->actions.end());
    EXPECT_EQ(adopt->op, Op::adopt);
    EXPECT_EQ(adopt->current->id, untagged_id);
  }

  auto s = open(spec);
  ASSERT_TRUE(s);
  auto applied = s->apply({}, fast(), nullptr);
  ASSERT_TRUE(applied) << applied.error().to_string();
  for (const auto& e : applied->result.errors) ADD_FAILURE() << e.to_string();
  EXPECT_EQ(applied->result.updated, 1) << "the adopt step";
  auto observed = observe(s->cloud());
  ASSERT_TRUE(observed) << observed.error().to_string();
  EXPECT_EQ(ids_of(*observed, Kind::network), std::vector<std::string>{untagged_id}) << "adopted, not created again";
  EXPECT_TRUE(CreateJournal(&s->state()).pending(Kind::network).empty());
  expect_plan_empty(*s, "after the apply that adopted the network");
  auto same_name = net::list_networks(s->client(), {.name = network});
  ASSERT_TRUE(same_name) << same_name.error().to_string();
  ASSERT_EQ(same_name->size(), 2u);
  for (const auto& n : *same_name) {
    const auto expected =
        n.id == foreign_id ? std::vector<std::string>{"somebody-else"} : std::vector<std::string>{cluster_tag(name_)};
    EXPECT_EQ(n.tags, expected) << n.id;
  }
  // The foreign network goes first: the leftover check below counts any untagged network of this name.
  EXPECT_TRUE(net::delete_network(s->client(), foreign_id));
  EXPECT_TRUE(untagged_leftovers(*s).empty());

  destroy_and_prove_empty(*s);
}

}  // namespace
}  // namespace kstack::reconcile
