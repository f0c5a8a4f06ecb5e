#include "reconcile/create_journal.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <optional>

#include "state/state_dir.h"

namespace kstack::reconcile {
namespace {

namespace fs = std::filesystem;

/// JournalTest gives each test a fresh state directory, held open, and removes it when the test ends.
class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::path(::testing::TempDir()) / "kstack-journal-XXXXXX").string();
    root_ = ::mkdtemp(tmpl.data());
    reopen();
  }
  void TearDown() override {
    dir_.reset();
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  // Releases the directory and opens it again, as the next kstack process would.
  void reopen() {
    dir_.reset();
    auto opened = state::StateDir::open(root_);
    ASSERT_TRUE(opened) << opened.error().to_string();
    dir_.emplace(std::move(*opened));
  }
  CreateJournal journal() { return CreateJournal(&*dir_); }

  fs::path root_;
  std::optional<state::StateDir> dir_;
};

TEST_F(JournalTest, AnEntryStaysUntilItsCreateEnds) {
  auto j = journal();
  ASSERT_TRUE(j.begin(Kind::port, "demo-master-1"));
  ASSERT_TRUE(j.begin(Kind::port, "demo-bastion"));
  ASSERT_TRUE(j.begin(Kind::network, "demo-net"));
  EXPECT_EQ(j.pending(Kind::port), (std::vector<std::string>{"demo-bastion", "demo-master-1"}));
  EXPECT_EQ(j.pending(Kind::network), std::vector<std::string>{"demo-net"});
  EXPECT_TRUE(j.pending(Kind::router).empty());
  j.end(Kind::port, "demo-bastion");
  EXPECT_EQ(j.pending(Kind::port), std::vector<std::string>{"demo-master-1"});
  j.end(Kind::port, "never-begun");  // harmless
}

TEST_F(JournalTest, SurvivesTheProcessThatWroteIt) {
  ASSERT_TRUE(journal().begin(Kind::floating_ip, "demo-api"));
  reopen();  // as after a kill -9: the entry was never ended
  EXPECT_EQ(journal().pending(Kind::floating_ip), std::vector<std::string>{"demo-api"});
}

TEST_F(JournalTest, AnEntryKnowsItsAgeSoThatAnOldOneCanExpire) {
  auto j = journal();
  ASSERT_TRUE(j.begin(Kind::port, "demo-worker-1"));
  EXPECT_LT(j.age(Kind::port, "demo-worker-1"), std::chrono::seconds(60));
  // As a run killed eleven minutes ago would have left it.
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  ASSERT_TRUE(dir_->write("creating/port/demo-worker-2",
                          "port demo-worker-2\nbegun " + std::to_string(now.count() - 660) + "\n"));
  EXPECT_GT(j.age(Kind::port, "demo-worker-2"), CreateJournal::kInFlight);
  EXPECT_EQ(j.age(Kind::port, "never-begun"), std::chrono::seconds(0));
}

TEST_F(JournalTest, NamesThatAreNotFileNamesComeBackUnchanged) {
  auto j = journal();
  const std::vector<std::string> names = {".hidden", "a/b", "100%", "..", "x%2Fy"};
  for (const auto& n : names) ASSERT_TRUE(j.begin(Kind::security_group, n)) << n;
  auto pending = j.pending(Kind::security_group);
  std::sort(pending.begin(), pending.end());
  auto expected = names;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(pending, expected);
  for (const auto& n : names) j.end(Kind::security_group, n);
  EXPECT_TRUE(j.pending(Kind::security_group).empty());
}

TEST(CreateJournal, WithoutAStateDirectoryItRecordsNothing) {
  CreateJournal journal(nullptr);
  EXPECT_TRUE(journal.begin(Kind::port, "demo-master-1"));
  EXPECT_TRUE(journal.pending(Kind::port).empty());
}

}  // namespace
}  // namespace kstack::reconcile
