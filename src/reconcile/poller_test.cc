#include "reconcile/poller.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <thread>

#include "reconcile/testing/fake_cloud.h"

namespace kstack::reconcile {
namespace {

using namespace std::chrono_literals;

std::chrono::steady_clock::time_point in(std::chrono::milliseconds d) { return std::chrono::steady_clock::now() + d; }

TEST(SharedPoller, OneListWakesEveryWaiter) {
  FakeCloud cloud({.lists_until_settled = 3});
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) {
    auto made = cloud.ops(Kind::server).create(Resource{.key = {Kind::server, fmt::format("s{}", i)}});
    ASSERT_TRUE(made);
    ids.push_back(made->id);
  }
  SharedPoller poller(cloud.ops(Kind::server), 20ms);
  std::vector<std::thread> waiters;
  std::atomic<int> ready{0};
  for (const auto& id : ids) {
    waiters.emplace_back([&, id] {
      auto r = poller.wait_settled(id, {"ACTIVE", "ERROR"}, in(5s));
      if (r && r->status == "ACTIVE") ++ready;
    });
  }
  for (auto& w : waiters) w.join();
  EXPECT_EQ(ready.load(), 20);
  // Three lists settle every server; waiters arriving while a list is in flight need one more.
  EXPECT_LE(poller.polls(), 5);
  EXPECT_EQ(cloud.calls("list"), poller.polls());
}

TEST(SharedPoller, ReportsTheFailedStatus) {
  FakeCloud cloud({.lists_until_settled = 1});
  cloud.fail_creates({Kind::server, "bad"}, 1, "ERROR", "No valid host was found.");
  auto made = cloud.ops(Kind::server).create(Resource{.key = {Kind::server, "bad"}});
  ASSERT_TRUE(made);
  SharedPoller poller(cloud.ops(Kind::server), 1ms);
  auto r = poller.wait_settled(made->id, {"ACTIVE", "ERROR"}, in(5s));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, "ERROR");
  EXPECT_EQ(r->fault, "No valid host was found.");
}

TEST(SharedPoller, TimesOutAndStops) {
  FakeCloud cloud({.lists_until_settled = 1000000});
  auto made = cloud.ops(Kind::volume).create(Resource{.key = {Kind::volume, "v"}});
  ASSERT_TRUE(made);
  SharedPoller poller(cloud.ops(Kind::volume), 5ms);
  auto r = poller.wait_settled(made->id, {"available"}, in(60ms));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().what.find("timed out"), std::string::npos);

  std::atomic<bool> stop{false};
  SharedPoller stoppable(cloud.ops(Kind::volume), 5ms, &stop);
  std::thread stopper([&] {
    std::this_thread::sleep_for(50ms);
    stop = true;
  });
  auto start = std::chrono::steady_clock::now();
  auto s = stoppable.wait_settled(made->id, {"available"}, in(30s));
  stopper.join();
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().what.find("interrupted"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(SharedPoller, WaitsUntilGone) {
  FakeCloud cloud({.lists_until_settled = 2});
  auto made = cloud.ops(Kind::load_balancer).create(Resource{.key = {Kind::load_balancer, "lb"}});
  ASSERT_TRUE(made);
  ASSERT_TRUE(cloud.ops(Kind::load_balancer).remove(*made));
  SharedPoller poller(cloud.ops(Kind::load_balancer), 1ms);
  ASSERT_TRUE(poller.wait_gone(made->id, {"ERROR"}, in(5s)));
  EXPECT_TRUE(cloud.resources().empty());
}

}  // namespace
}  // namespace kstack::reconcile
