#include "cli/plan_view.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace kstack::cli {
namespace {

using namespace reconcile;

Plan sample() {
  Plan p;
  p.actions.push_back(Action{.op = Op::create,
                             .key = {Kind::network, "demo-net"},
                             .changes = {{"admin_state_up", "", "true"}},
                             .desired = Resource{.key = {Kind::network, "demo-net"}}});
  p.actions.push_back(Action{.op = Op::replace,
                             .key = {Kind::port, "demo-worker-1"},
                             .changes = {{"fixed_ip", "10.0.0.200", "10.0.0.100", true}},
                             .current = ObservedResource{.id = "p-1"}});
  p.actions.push_back(Action{.op = Op::update,
                             .key = {Kind::subnet, "demo-subnet"},
                             .changes = {{"dns_nameservers", "8.8.8.8", "1.1.1.1"}},
                             .current = ObservedResource{.id = "s-1"}});
  p.actions.push_back(Action{.op = Op::drift,
                             .key = {Kind::server, "demo-master-1"},
                             .changes = {{"user_data_sha256", "aa", "bb", false, true}},
                             .current = ObservedResource{.id = "srv-1"}});
  p.actions.push_back(Action{.op = Op::remove,
                             .key = {Kind::server, "demo-worker-4"},
                             .reason = "not in the spec",
                             .current = ObservedResource{.id = "srv-4"}});
  p.kept.push_back(ObservedResource{.key = {Kind::volume, "pvc-1"}, .id = "v-1", .origin = Origin::csi_volume});
  return p;
}

TEST(PlanView, TerraformStyleText) {
  auto text = render_plan_text(sample());
  EXPECT_NE(text.find("  + network \"demo-net\" {"), std::string::npos) << text;
  EXPECT_NE(text.find("-/+ port \"demo-worker-1\" {"), std::string::npos);
  EXPECT_NE(text.find("~ fixed_ip = \"10.0.0.200\" -> \"10.0.0.100\" # forces replacement"), std::string::npos);
  EXPECT_NE(text.find("  ~ subnet \"demo-subnet\" {"), std::string::npos);
  EXPECT_NE(text.find("  ! server \"demo-master-1\""), std::string::npos);
  EXPECT_NE(text.find("# drift"), std::string::npos);
  EXPECT_NE(text.find("  - server \"demo-worker-4\" {"), std::string::npos);
  EXPECT_NE(text.find("(not in the spec)"), std::string::npos);
  EXPECT_NE(text.find("volume.pvc-1 (v-1) is kept"), std::string::npos);
  EXPECT_NE(text.find("Plan: 2 to add, 1 to change, 2 to destroy. 1 drifted, not acted on.\n"), std::string::npos);
}

TEST(PlanView, LegendOfTheSymbolsUsedThenDriftFirst) {
  auto text = render_plan_text(sample());
  EXPECT_TRUE(
      text.starts_with("Resource actions are indicated with the following symbols:\n"
                       "  + create\n"
                       "  ~ update in-place\n"
                       "-/+ destroy and then create replacement\n"
                       "  - destroy\n"
                       "  ! drifted outside kstack (not acted on)\n\n"
                       "Changed outside kstack (drift: not acted on; --replace-drifted replaces these):\n\n"
                       "  # server.demo-master-1 has drifted from its configuration\n"))
      << text;
  const auto drift = text.find("  ! server \"demo-master-1\"");
  const auto actions = text.find("kstack will perform the following actions:");
  ASSERT_NE(actions, std::string::npos);
  EXPECT_LT(drift, actions);
  EXPECT_LT(actions, text.find("  + network \"demo-net\""));

  Plan creates_only;
  creates_only.actions.push_back(sample().actions.front());
  text = render_plan_text(creates_only);
  EXPECT_TRUE(
      text.starts_with("Resource actions are indicated with the following symbols:\n  + create\n\n"
                       "kstack will perform the following actions:\n"))
      << text;
  EXPECT_EQ(text.find("drift"), std::string::npos);
}

TEST(PlanView, DriftAloneHasNoActionsSection) {
  Plan drift_only;
  drift_only.actions.push_back(sample().actions[3]);
  auto text = render_plan_text(drift_only);
  EXPECT_EQ(text.find("will perform"), std::string::npos) << text;
  EXPECT_NE(text.find("Plan: 0 to add, 0 to change, 0 to destroy. 1 drifted, not acted on.\n"), std::string::npos);
}

TEST(PlanView, AnAdoptionSaysWhyAndCountsAsAChange) {
  Plan p;
  p.actions.push_back(Action{.op = Op::adopt,
                             .key = {Kind::network, "demo-net"},
                             .reason = kUntaggedReason,
                             .current = ObservedResource{.id = "n-1", .untagged = true}});
  const auto text = render_plan_text(p);
  EXPECT_NE(text.find("  @ adopt: tag as the cluster's\n"), std::string::npos) << text;
  EXPECT_NE(
      text.find(fmt::format("  # network.demo-net will be adopted (tagged as the cluster's) ({})", kUntaggedReason)),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("  @ network \"demo-net\" {\n        id = \"n-1\"\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Plan: 0 to add, 1 to change, 0 to destroy."), std::string::npos) << text;
  const auto json = nlohmann::json::parse(render_plan_json(p));
  EXPECT_EQ(json["actions"][0]["action"], "adopt") << json.dump();
}

TEST(PlanView, NoChanges) { EXPECT_EQ(render_plan_text(Plan{}), "No changes. The cloud matches the spec.\n"); }

TEST(PlanView, Json) {
  auto doc = nlohmann::json::parse(render_plan_json(sample()));
  ASSERT_EQ(doc["actions"].size(), 5u);
  EXPECT_EQ(doc["actions"][1]["action"], "replace");
  EXPECT_EQ(doc["actions"][1]["kind"], "port");
  EXPECT_EQ(doc["actions"][1]["id"], "p-1");
  EXPECT_EQ(doc["actions"][1]["changes"][0]["forces_replacement"], true);
  EXPECT_EQ(doc["actions"][3]["changes"][0]["drift"], true);
  EXPECT_EQ(doc["actions"][4]["action"], "delete");
  EXPECT_EQ(doc["kept"][0]["id"], "v-1");
  EXPECT_EQ(doc["summary"]["add"], 2);
  EXPECT_EQ(doc["summary"]["change"], 1);
  EXPECT_EQ(doc["summary"]["destroy"], 2);
  EXPECT_EQ(doc["summary"]["drift"], 1);
}

}  // namespace
}  // namespace kstack::cli
