// kstack's main job against the dev cloud (devcloud/): apply the reference HA cluster, plan nothing
// after it, apply again without a change, destroy, and prove by listing every kind that nothing is left.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "reconcile/plan.h"
#include "reconcile/session.h"

namespace kstack::reconcile {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// DevCloudCluster writes a spec for the dev cloud into a fresh directory.
class DevCloudCluster : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* state = std::getenv("KSTACK_DEVCLOUD_DIR");
    fs::path clouds = fs::path(state ? state : "/tmp/kstack-devcloud") / "clouds.yaml";
    ASSERT_TRUE(fs::exists(clouds)) << clouds << ": start the dev cloud (devcloud/up)";
    setenv("OS_CLIENT_CONFIG_FILE", clouds.c_str(), 1);
    dir_ = fs::temp_directory_path() / ("kstack-itest-" + std::to_string(getpid()));
    fs::create_directories(dir_);
    name_ = "it" + std::to_string(getpid() % 100000);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write_spec(int masters, int workers) {
    std::string yaml = read(fs::path(KSTACK_SOURCE_DIR) / "tests/specs/good/ha.yaml");
    yaml = std::regex_replace(yaml, std::regex("\nname: kstack"), "\nname: " + name_);
    yaml = std::regex_replace(yaml, std::regex("cloud: \"\""), "cloud: devcloud");
    yaml = std::regex_replace(yaml, std::regex("ssh_public_key_file: \"[^\"]*\"\n"), "");
    yaml = std::regex_replace(yaml, std::regex("ssh_public_key: \"\""),
                              "ssh_public_key: \"ssh-ed25519 "
                              "AAAAC3NzaC1lZDI1NTE5AAAAIDwYl2vUhz2gyWKccZq3w4c8eUgTZVz14tA3vELP6U1I it@kstack\"");
    yaml = std::regex_replace(yaml, std::regex("masters:  # control plane[^\n]*\n    count: 3"),
                              "masters:  # control plane\n    count: " + std::to_string(masters));
    yaml = std::regex_replace(yaml, std::regex("workers:  # run the workloads[^\n]*\n    count: 3"),
                              "workers:  # run the workloads\n    count: " + std::to_string(workers));
    if (masters == 1) yaml = std::regex_replace(yaml, std::regex("  enabled: true"), "  enabled: false");
    auto path = dir_ / "cluster.yaml";
    std::ofstream(path) << yaml;
    return path.string();
  }

  std::unique_ptr<Session> open(const std::string& spec) {
    auto s = Session::open({.spec_file = spec, .state_dir = (dir_ / "state").string()});
    EXPECT_TRUE(s) << (s ? "" : s.error().to_string());
    return s ? std::move(*s) : nullptr;
  }

  // Destroys and proves by listing every kind (and what Kubernetes would have made) that nothing is left.
  void destroy_and_prove_empty(Session& s) {
    auto observed = observe(s.cloud(), true);
    ASSERT_TRUE(observed) << observed.error().to_string();
    auto plan = make_destroy_plan(*observed, true);
    auto result =
        execute(plan, *observed, s.cloud(), {.parallelism = 8, .poll_interval = std::chrono::milliseconds(500)});
    for (const auto& e : result.errors) ADD_FAILURE() << e.to_string();
    auto after = observe(s.cloud(), true);
    ASSERT_TRUE(after);
    for (const auto& r : after->resources) ADD_FAILURE() << "left behind: " << r.key.to_string() << " " << r.id;
    EXPECT_EQ(after->list_calls, static_cast<int>(all_kinds().size()) + 1);
  }

  fs::path dir_;
  std::string name_;
};

ExecutorOptions fast() { return {.parallelism = 2, .poll_interval = std::chrono::milliseconds(500)}; }

TEST_F(DevCloudCluster, ApplyHaThenPlanIsEmptyNoOpApplyThenDestroyLeavesNothing) {
  auto spec = write_spec(3, 3);
  auto s = open(spec);
  ASSERT_TRUE(s);
  auto first = s->apply({}, fast(), nullptr);
  ASSERT_TRUE(first) << first.error().to_string();
  for (const auto& e : first->result.errors) ADD_FAILURE() << e.to_string();
  EXPECT_TRUE(first->result.ok());
  EXPECT_GT(first->result.created, 40);

  auto observed = observe(s->cloud());
  ASSERT_TRUE(observed);
  auto desired = s->desired(*observed);
  ASSERT_TRUE(desired) << desired.error().to_string();
  auto plan = make_plan(*desired, *observed);
  ASSERT_TRUE(plan);
  for (const auto& a : plan->actions) ADD_FAILURE() << "after apply: " << op_name(a.op) << " " << a.key.to_string();
  EXPECT_EQ(observed->resources.size(), desired->size());

  auto again = s->apply({}, fast(), nullptr);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->result.created + again->result.updated + again->result.deleted, 0);
  EXPECT_EQ(again->api_calls_observe, static_cast<int>(all_kinds().size()));

  destroy_and_prove_empty(*s);
}

TEST_F(DevCloudCluster, PreflightNamesMissingImageAndFlavorAndCreatesNothing) {
  auto spec_path = write_spec(1, 1);
  std::string yaml = read(spec_path);
  yaml = std::regex_replace(yaml, std::regex("image: ubuntu-22.04"), "image: no-such-image");
  yaml = std::regex_replace(yaml, std::regex("flavor: \\{vcpus: 6, ram_mb: 16384, disk_gb: 40\\}"),
                            "flavor: {vcpus: 64, ram_mb: 16384, disk_gb: 40}");
  std::ofstream(spec_path) << yaml;
  auto s = open(spec_path);
  ASSERT_TRUE(s);
  auto outcome = s->apply({}, fast(), nullptr);
  ASSERT_FALSE(outcome);
  const auto text = outcome.error().to_string();
  EXPECT_NE(text.find("image no-such-image"), std::string::npos) << text;
  EXPECT_NE(text.find("flavor for the worker nodes"), std::string::npos) << text;
  auto observed = observe(s->cloud(), true);
  ASSERT_TRUE(observed);
  EXPECT_TRUE(observed->resources.empty());
}

}  // namespace
}  // namespace kstack::reconcile
