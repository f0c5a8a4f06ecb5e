#include "reconcile/critical_path.h"

#include <gtest/gtest.h>

namespace kstack::reconcile {
namespace {

using namespace std::chrono_literals;

TEST(RemainingLengths, EachNodeCarriesItsLongestDownstreamChain) {
  // 0 -> 1 -> 3, 0 -> 2 -> 3, 4 alone.
  std::vector<std::vector<size_t>> dependents = {{1, 2}, {3}, {3}, {}, {}};
  auto length = remaining_lengths(dependents, {1, 5, 2, 10, 3});
  EXPECT_DOUBLE_EQ(length[3], 10);
  EXPECT_DOUBLE_EQ(length[1], 15);
  EXPECT_DOUBLE_EQ(length[2], 12);
  EXPECT_DOUBLE_EQ(length[0], 16);
  EXPECT_DOUBLE_EQ(length[4], 3);
}

TEST(CriticalPath, LongestChainOfMeasuredStepsNotTheWallClock) {
  const auto t0 = std::chrono::steady_clock::now();
  auto step = [&](std::string name, double from, double to, std::vector<size_t> after) {
    return StepTiming{
        .key = {Kind::network, std::move(name)},
        .verb = "create",
        .started =
            t0 + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(from)),
        .finished =
            t0 + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(to)),
        .after = std::move(after)};
  };
  // a(0-2) -> b(5-6): b waited 3 s in a queue; a -> c(2-6) -> d(6-7); e(0-4) alone.
  std::vector<StepTiming> timeline = {step("a", 0, 2, {}), step("b", 5, 6, {0}), step("c", 2, 6, {0}),
                                      step("d", 6, 7, {2}), step("e", 0, 4, {})};
  auto path = critical_path(timeline);
  EXPECT_EQ(path.steps, (std::vector<size_t>{0, 2, 3}));
  EXPECT_NEAR(path.seconds, 7.0, 1e-6);
  EXPECT_TRUE(critical_path({}).steps.empty());
}

}  // namespace
}  // namespace kstack::reconcile
