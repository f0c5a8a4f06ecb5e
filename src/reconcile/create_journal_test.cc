#include "reconcile/create_journal.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>

#include "state/state_dir.h"

namespace kstack::reconcile {
namespace {

namespace fs = std::filesystem;

/// StateRoot is a fresh state directory path, removed when the test ends.
class StateRoot {
 public:
  StateRoot() {
    std::string tmpl = (fs::path(::testing::TempDir()) / "kstack-journal-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~StateRoot() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

TEST(CreateJournal, AnEntryStaysUntilItsCreateEnds) {
  StateRoot root;
  auto dir = state::StateDir::open(root.path());
  ASSERT_TRUE(dir);
  CreateJournal journal(&*dir);
  ASSERT_TRUE(journal.begin(Kind::port, "demo-master-1"));
  ASSERT_TRUE(journal.begin(Kind::port, "demo-bastion"));
  ASSERT_TRUE(journal.begin(Kind::network, "demo-net"));
  EXPECT_EQ(journal.pending(Kind::port), (std::vector<std::string>{"demo-bastion", "demo-master-1"}));
  EXPECT_EQ(journal.pending(Kind::network), std::vector<std::string>{"demo-net"});
  EXPECT_TRUE(journal.pending(Kind::router).empty());
  journal.end(Kind::port, "demo-bastion");
  EXPECT_EQ(journal.pending(Kind::port), std::vector<std::string>{"demo-master-1"});
  journal.end(Kind::port, "never-begun");  // harmless
}

TEST(CreateJournal, SurvivesTheProcessThatWroteIt) {
  StateRoot root;
  {
    auto dir = state::StateDir::open(root.path());
    ASSERT_TRUE(dir);
    ASSERT_TRUE(CreateJournal(&*dir).begin(Kind::floating_ip, "demo-api"));
  }  // as a kill -9 would: the entry was never ended
  auto dir = state::StateDir::open(root.path());
  ASSERT_TRUE(dir);
  EXPECT_EQ(CreateJournal(&*dir).pending(Kind::floating_ip), std::vector<std::string>{"demo-api"});
}

TEST(CreateJournal, AnEntryKnowsItsAgeSoThatAnOldOneCanExpire) {
  StateRoot root;
  auto dir = state::StateDir::open(root.path());
  ASSERT_TRUE(dir);
  CreateJournal journal(&*dir);
  ASSERT_TRUE(journal.begin(Kind::port, "demo-worker-1"));
  EXPECT_LT(journal.age(Kind::port, "demo-worker-1"), std::chrono::seconds(60));
  // As a run killed eleven minutes ago would have left it.
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  ASSERT_TRUE(dir->write("creating/port/demo-worker-2",
                         "port demo-worker-2\nbegun " + std::to_string(now.count() - 660) + "\n"));
  EXPECT_GT(journal.age(Kind::port, "demo-worker-2"), CreateJournal::kInFlight);
  EXPECT_EQ(journal.age(Kind::port, "never-begun"), std::chrono::seconds(0));
}

TEST(CreateJournal, NamesThatAreNotFileNamesComeBackUnchanged) {
  StateRoot root;
  auto dir = state::StateDir::open(root.path());
  ASSERT_TRUE(dir);
  CreateJournal journal(&*dir);
  const std::vector<std::string> names = {".hidden", "a/b", "100%", "..", "x%2Fy"};
  for (const auto& n : names) ASSERT_TRUE(journal.begin(Kind::security_group, n)) << n;
  auto pending = journal.pending(Kind::security_group);
  std::sort(pending.begin(), pending.end());
  auto expected = names;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(pending, expected);
  for (const auto& n : names) journal.end(Kind::security_group, n);
  EXPECT_TRUE(journal.pending(Kind::security_group).empty());
}

TEST(CreateJournal, WithoutAStateDirectoryItRecordsNothing) {
  CreateJournal journal(nullptr);
  EXPECT_TRUE(journal.begin(Kind::port, "demo-master-1"));
  EXPECT_TRUE(journal.pending(Kind::port).empty());
}

}  // namespace
}  // namespace kstack::reconcile
