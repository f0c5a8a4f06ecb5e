#include "reconcile/shared_lists.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace kstack::reconcile {
namespace {

using Items = std::vector<int>;

TEST(SharedLists, OneObservationSendsEachListOnceForEveryKindThatAsks) {
  SharedLists lists;
  std::atomic<int> fetches{0};
  auto fetch = [&]() -> Result<Items> {
    ++fetches;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // still in flight when the others ask
    return Items{1, 2, 3};
  };
  lists.begin();
  std::vector<std::thread> kinds;
  std::atomic<int> complete{0};
  for (int i = 0; i < 6; ++i) {
    kinds.emplace_back([&] {
      auto got = lists.get<Items>("ports", fetch);
      if (got && got->size() == 3) ++complete;
    });
  }
  for (auto& t : kinds) t.join();
  lists.end();
  EXPECT_EQ(fetches.load(), 1);
  EXPECT_EQ(complete.load(), 6);
}

TEST(SharedLists, OutsideAnObservationEveryCallGoesToTheCloud) {
  SharedLists lists;
  int fetches = 0;
  auto fetch = [&]() -> Result<Items> { return Items(++fetches, 0); };
  ASSERT_TRUE(lists.get<Items>("servers", fetch));
  ASSERT_TRUE(lists.get<Items>("servers", fetch));
  EXPECT_EQ(fetches, 2);  // a poll always sees the cloud as it is now
  EXPECT_FALSE(lists.last<Items>("servers"));
}

TEST(SharedLists, TheLastObservationsAnswersStayUntilTheNextBegins) {
  SharedLists lists;
  int fetches = 0;
  auto fetch = [&]() -> Result<Items> { return Items(++fetches, 7); };
  lists.begin();
  ASSERT_TRUE(lists.get<Items>("networks", fetch));
  ASSERT_TRUE(lists.get<Items>("networks", fetch));
  lists.end();
  auto last = lists.last<Items>("networks");
  ASSERT_TRUE(last);
  EXPECT_EQ(last->size(), 1u);
  EXPECT_FALSE(lists.last<Items>("ports"));
  lists.begin();
  EXPECT_FALSE(lists.last<Items>("networks"));
  ASSERT_TRUE(lists.get<Items>("networks", fetch));
  lists.end();
  EXPECT_EQ(fetches, 2);
}

TEST(SharedLists, AFailedListIsSharedAsAFailureAndNotKeptAsAnAnswer) {
  SharedLists lists;
  int fetches = 0;
  auto fetch = [&]() -> Result<Items> {
    ++fetches;
    return fail("list ports failed");
  };
  lists.begin();
  EXPECT_FALSE(lists.get<Items>("ports", fetch));
  EXPECT_FALSE(lists.get<Items>("ports", fetch));
  lists.end();
  EXPECT_EQ(fetches, 1);
  EXPECT_FALSE(lists.last<Items>("ports"));
}

}  // namespace
}  // namespace kstack::reconcile
