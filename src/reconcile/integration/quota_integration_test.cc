// Pre-flight against the dev cloud's demo project with tiny quotas (devcloud/quota small): an HA apply
// fails before creating anything, naming every short quota in a WHAT/NEED/HAVE table. The quotas are
// reset in TearDown, whatever happened.
#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>

#include "reconcile/integration/dev_cloud_cluster.h"

namespace kstack::reconcile {
namespace {

class Quota : public DevCloudCluster {
 protected:
  void TearDown() override {
    if (quota_changed_) {
      EXPECT_EQ(quota("reset"), 0) << "devcloud/quota reset: the demo project keeps its small quotas";
    }
    DevCloudCluster::TearDown();
  }

  // devcloud/quota small|reset; its output goes to the test's directory.
  int quota(const std::string& what) {
    if (what == "small") quota_changed_ = true;  // before the call: a half-done change is reset too
    const std::string command =
        std::string(KSTACK_SOURCE_DIR "/devcloud/quota ") + what + " >>" + (dir_ / "quota.log").string() + " 2>&1";
    const int status = std::system(command.c_str());
    if (status != 0) ADD_FAILURE() << command << ":\n" << read_file(dir_ / "quota.log");
    return status;
  }

  bool quota_changed_ = false;
};

// Every short quota as a row of the table, WHAT NEED HAVE: "  quota instances    6    3 left (0 of 3 used)".
void expect_rows(const std::string& text) {
  const std::string left = " +[0-9]+ left \\([0-9]+ of ";
  for (const std::string& row : std::vector<std::string>{
           "quota instances +6" + left + "3 used\\)", "quota cores +22" + left + "8 used\\)",
           "quota RAM \\(MB\\) +47104" + left + "16384 used\\)",
           std::string("quota server group members \\(masters\\) +3 +2 per group"),
           "quota load balancers +1" + left + "0 used\\)", "quota volumes +5" + left + "2 used\\)",
           "quota gigabytes +175" + left + "60 used\\)", "quota port +7" + left + "4 used\\)",
           "quota floatingip +2" + left + "1 used\\)", "quota security_group +4" + left + "3 used\\)",
           "quota security_group_rule +21" + left + "10 used\\)"}) {
    const std::string line = "\n  " + row + "\n";
    EXPECT_TRUE(std::regex_search(text, std::regex(line))) << "no row /" << row << "/ in:\n" << text;
  }
}

TEST_F(Quota, PreflightWithSmallQuotasNamesEveryShortQuotaAndCreatesNothing) {
  auto spec = write_spec(3, 2);  // HA: 3 masters, 2 workers, a bastion, the API load balancer
  ASSERT_EQ(quota("small"), 0);
  {
    auto s = open(spec);
    ASSERT_TRUE(s);
    auto outcome = s->apply({}, fast(), nullptr);
    ASSERT_FALSE(outcome) << "the apply went ahead with quotas far too small";
    const auto text = outcome.error().to_string();
    std::printf("%s\n", text.c_str());
    EXPECT_NE(text.find("pre-flight"), std::string::npos) << text;
    EXPECT_NE(text.find("nothing was created"), std::string::npos) << text;
    EXPECT_TRUE(std::regex_search(text, std::regex("\n  WHAT +NEED +HAVE\n"))) << text;
    expect_rows(text);
    auto observed = observe(s->cloud(), true);
    ASSERT_TRUE(observed) << observed.error().to_string();
    for (const auto& r : observed->resources) ADD_FAILURE() << "created: " << r.key.to_string();
    for (const auto& u : untagged_leftovers(*s)) ADD_FAILURE() << "created without the tag: " << u;
  }

  // The same through the command a user runs: a failure exit and the table on stderr.
  const auto log = dir_ / "kstack.log";
  ChildProcess kstack({KSTACK_BINARY, "apply", "-f", spec, "--state-dir", state_dir().string(), "--yes"}, log);
  ASSERT_TRUE(kstack.started());
  auto code = kstack.wait_for(std::chrono::minutes(2));
  ASSERT_TRUE(code) << "kstack apply did not finish";
  EXPECT_NE(*code, 0);
  expect_rows(read_file(log));
}

}  // namespace
}  // namespace kstack::reconcile
