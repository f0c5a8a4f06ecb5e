// Scaling the workers of a live cluster on the dev cloud, 3 -> 5 -> 2: after each apply exactly the
// desired workers exist, the ones that stay keep their servers, and a shrink removes the highest
// index first.
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <regex>
#include <vector>

#include "reconcile/integration/dev_cloud_cluster.h"

namespace kstack::reconcile {
namespace {

class Scale : public DevCloudCluster {
 protected:
  /// The workers' servers by name, with their ids.
  std::map<std::string, std::string> workers(Session& s) {
    std::map<std::string, std::string> out;
    auto observed = observe(s.cloud());
    EXPECT_TRUE(observed) << observed.error().to_string();
    if (!observed) return out;
    const std::regex worker(name_ + "-worker-[0-9]+");
    for (const auto& r : observed->resources) {
      if (r.key.kind == Kind::server && std::regex_match(r.key.name, worker)) {
        EXPECT_EQ(out.count(r.key.name), 0u) << "two servers named " << r.key.name;
        out[r.key.name] = r.id;
      }
    }
    return out;
  }

  std::vector<std::string> names(int from, int to) {
    std::vector<std::string> out;
    for (int i = from; i <= to; ++i) out.push_back(name_ + "-worker-" + std::to_string(i));
    return out;
  }

  /// Applies the spec with `count` workers; the servers deleted, in the order their deletions started.
  std::vector<std::string> apply_workers(int count, int parallelism) {
    auto spec = write_spec({.base = "non-ha", .masters = 1, .workers = count, .api_load_balancer = false});
    auto s = open(spec);
    EXPECT_TRUE(s);
    if (!s) return {};
    std::mutex mu;
    std::vector<std::string> deleted;
    auto exec = fast();
    exec.parallelism = parallelism;
    exec.on_event = [&](const Event& e) {
      std::lock_guard l(mu);
      if (e.type == Event::Type::started && e.verb == "delete" && e.key.kind == Kind::server) {
        deleted.push_back(e.key.name);
      }
    };
    auto outcome = s->apply({}, exec, nullptr);
    EXPECT_TRUE(outcome) << outcome.error().to_string();
    if (!outcome) return {};
    for (const auto& e : outcome->result.errors) ADD_FAILURE() << count << " workers: " << e.to_string();
    EXPECT_TRUE(outcome->result.ok()) << count << " workers";
    expect_plan_empty(*s, std::to_string(count) + " workers");
    return deleted;
  }
};

std::vector<std::string> keys(const std::map<std::string, std::string>& m) {
  std::vector<std::string> out;
  for (const auto& [k, v] : m) out.push_back(k);
  return out;
}

TEST_F(Scale, WorkersThreeToFiveToTwoKeepTheSurvivorsAndRemoveHighestFirst) {
  apply_workers(3, 2);
  auto s = open(spec_path_);
  ASSERT_TRUE(s);
  auto three = workers(*s);
  ASSERT_EQ(keys(three), names(1, 3));
  s.reset();  // the state directory's lock, for the next apply's session

  EXPECT_TRUE(apply_workers(5, 2).empty()) << "growing deletes nothing";
  s = open(spec_path_);
  ASSERT_TRUE(s);
  auto five = workers(*s);
  ASSERT_EQ(keys(five), names(1, 5));
  for (const auto& [name, id] : three) EXPECT_EQ(five[name], id) << name << " was replaced while growing";
  s.reset();

  // One call at a time, so that the order the deletions start in is the plan's.
  auto deleted = apply_workers(2, 1);
  EXPECT_EQ(deleted, (std::vector<std::string>{name_ + "-worker-5", name_ + "-worker-4", name_ + "-worker-3"}));
  s = open(spec_path_);
  ASSERT_TRUE(s);
  auto two = workers(*s);
  ASSERT_EQ(keys(two), names(1, 2));
  for (const auto& [name, id] : two) EXPECT_EQ(five[name], id) << name << " was replaced while shrinking";
  auto observed = observe(s->cloud());
  ASSERT_TRUE(observed);
  for (int i = 3; i <= 5; ++i) {
    const std::string node = name_ + "-worker-" + std::to_string(i);
    EXPECT_TRUE(observed->find({Kind::port, node}).empty()) << node << "'s port is left";
    EXPECT_TRUE(observed->find({Kind::volume, volume_name(node)}).empty()) << node << "'s volume is left";
  }

  destroy_and_prove_empty(*s);
}

}  // namespace
}  // namespace kstack::reconcile
