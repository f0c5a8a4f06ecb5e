#include "reconcile/progress.h"

#include <gtest/gtest.h>

namespace kstack::reconcile {
namespace {

using namespace std::chrono_literals;

Plan plan_of(std::vector<Key> keys) {
  Plan p;
  for (auto& k : keys) p.actions.push_back({.op = Op::create, .key = k});
  return p;
}

TEST(ProgressBoard, CountsEachPhaseAndItsTime) {
  const auto t0 = ProgressBoard::Clock::time_point{};
  ProgressBoard board(plan_of({{Kind::network, "n"}, {Kind::server, "a"}, {Kind::server, "b"}}), t0);
  EXPECT_EQ(board.lines(), 3);
  board.on_event({.type = Event::Type::started, .key = {Kind::network, "n"}, .verb = "create"}, t0 + 1s);
  board.on_event({.type = Event::Type::done, .key = {Kind::network, "n"}, .verb = "create"}, t0 + 3s);
  board.on_event({.type = Event::Type::started, .key = {Kind::server, "a"}, .verb = "create"}, t0 + 4s);
  board.on_event({.type = Event::Type::waiting, .key = {Kind::server, "a"}, .verb = "create"}, t0 + 5s);
  const std::string text = board.render(t0 + 10s);
  const auto network = text.find("network");
  const auto server = text.find("server");
  ASSERT_NE(network, std::string::npos) << text;
  ASSERT_NE(server, std::string::npos) << text;
  EXPECT_LT(network, server) << "phases in the order they began:\n" << text;
  const std::string network_line = text.substr(network, text.find('\n', network) - network);
  EXPECT_NE(network_line.find("done"), std::string::npos) << network_line;
  EXPECT_NE(network_line.find("1/1"), std::string::npos) << network_line;
  EXPECT_NE(network_line.find(" 2s"), std::string::npos) << network_line;
  const std::string server_line = text.substr(server, text.find('\n', server) - server);
  EXPECT_NE(server_line.find("working"), std::string::npos) << server_line;
  EXPECT_NE(server_line.find("0/2"), std::string::npos) << server_line;
  EXPECT_NE(server_line.find(" 1 waiting"), std::string::npos) << server_line;
  EXPECT_NE(server_line.find("1 queued"), std::string::npos) << server_line;
  EXPECT_NE(server_line.find(" 6s"), std::string::npos) << server_line;
  EXPECT_NE(text.find("1/3   done  elapsed 10s"), std::string::npos) << text;
}

TEST(ProgressBoard, AFailureMarksItsPhaseAndTheTotal) {
  const auto t0 = ProgressBoard::Clock::time_point{};
  ProgressBoard board(plan_of({{Kind::volume, "v"}}), t0);
  board.on_event({.type = Event::Type::started, .key = {Kind::volume, "v"}}, t0);
  board.on_event({.type = Event::Type::failed, .key = {Kind::volume, "v"}, .detail = "quota"}, t0 + 1s);
  const std::string text = board.render(t0 + 2s);
  EXPECT_NE(text.find("FAILED"), std::string::npos) << text;
  EXPECT_NE(text.find("1 failed"), std::string::npos) << text;
}

TEST(ProgressBoard, AStepNotInThePlanIsCountedToo) {
  ProgressBoard board(plan_of({}));
  board.on_event({.type = Event::Type::started, .key = {Kind::port, "p"}});
  EXPECT_EQ(board.lines(), 2);
  EXPECT_NE(board.render().find("0/1"), std::string::npos) << board.render();
}

}  // namespace
}  // namespace kstack::reconcile
