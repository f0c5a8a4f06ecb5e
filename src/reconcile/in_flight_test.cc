#include "reconcile/in_flight.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <optional>
#include <thread>

#include "reconcile/testing/fake_cloud.h"
#include "state/state_dir.h"

namespace kstack::reconcile {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

/// UnreachableKind is a kind whose every call fails as an unreachable service's does.
class UnreachableKind : public KindOps {
 public:
  Result<std::vector<ObservedResource>> list() override { return fail("no answer"); }
  Result<ObservedResource> create(const Resource&) override { return fail("no answer"); }
  Result<void> update(const ObservedResource&, const Resource&) override { return fail("no answer"); }
  Result<void> remove(const ObservedResource&) override { return fail("no answer"); }
};

/// UnreachableCloud is a cloud none of whose services answers.
class UnreachableCloud : public Cloud {
 public:
  KindOps& ops(Kind) override { return kind_; }
  Result<std::vector<ObservedResource>> list_kubernetes_owned() override { return fail("no answer"); }
  std::string save_evidence(const ObservedResource&) override { return {}; }

 private:
  UnreachableKind kind_;
};

/// InFlightTest gives each test an in-memory cloud and a journal in a fresh state directory.
class InFlightTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::path(::testing::TempDir()) / "kstack-in-flight-XXXXXX").string();
    root_ = ::mkdtemp(tmpl.data());
    auto opened = state::StateDir::open(root_);
    ASSERT_TRUE(opened) << opened.error().to_string();
    dir_.emplace(std::move(*opened));
    journal_.emplace(&*dir_);
  }
  void TearDown() override {
    journal_.reset();
    dir_.reset();
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  InFlightWait wait(std::chrono::seconds window) {
    return {.window = window, .poll = milliseconds(50), .note = [this](const std::string& t) { notes_.push_back(t); }};
  }
  static ObservedResource volume(const std::string& name) {
    return {.key = {Kind::volume, name}, .props = {{"size_gb", "25"}}, .status = "available"};
  }

  fs::path root_;
  std::optional<state::StateDir> dir_;
  std::optional<CreateJournal> journal_;
  FakeCloud cloud_;
  std::vector<std::string> notes_;
};

TEST_F(InFlightTest, ACreateThatLandsLateIsWaitedForThenItsEntryEnds) {
  ASSERT_TRUE(journal_->begin(Kind::volume, "demo-master-1-data"));
  std::thread late([this] {
    std::this_thread::sleep_for(milliseconds(400));
    cloud_.seed(volume("demo-master-1-data"));
  });
  const auto began = steady_clock::now();
  auto settled = settle_in_flight(cloud_, *journal_, wait(std::chrono::seconds(20)));
  const auto took = steady_clock::now() - began;
  late.join();
  ASSERT_TRUE(settled) << settled.error().to_string();
  EXPECT_GE(took, milliseconds(400));
  EXPECT_LT(took, std::chrono::seconds(5)) << "it waited past the resource's arrival";
  EXPECT_TRUE(journal_->pending(Kind::volume).empty());
  ASSERT_EQ(notes_.size(), 1u);
  EXPECT_NE(notes_[0].find("volume demo-master-1-data"), std::string::npos) << notes_[0];
}

TEST_F(InFlightTest, ACreateThatNeverLandsIsWaitedForAtMostTheWindow) {
  ASSERT_TRUE(journal_->begin(Kind::server, "demo-worker-1"));
  const auto began = steady_clock::now();
  auto settled = settle_in_flight(cloud_, *journal_, wait(std::chrono::seconds(2)));
  const auto took = steady_clock::now() - began;
  ASSERT_TRUE(settled) << settled.error().to_string();
  EXPECT_GE(took, std::chrono::seconds(1));  // the journal counts whole seconds
  EXPECT_LT(took, std::chrono::seconds(5));
  EXPECT_TRUE(journal_->pending(Kind::server).empty());
}

TEST_F(InFlightTest, AnAnsweredCreateCostsOneListAndNoWait) {
  ASSERT_TRUE(journal_->begin(Kind::volume, "demo-worker-1-data"));
  journal_->answered(Kind::volume, "demo-worker-1-data");
  EXPECT_EQ(journal_->pending(Kind::volume), std::vector<std::string>{"demo-worker-1-data"});
  const auto began = steady_clock::now();
  auto settled = settle_in_flight(cloud_, *journal_, wait(std::chrono::seconds(30)));
  ASSERT_TRUE(settled) << settled.error().to_string();
  EXPECT_LT(steady_clock::now() - began, std::chrono::seconds(2));
  EXPECT_EQ(cloud_.calls("list"), 1);
  EXPECT_TRUE(notes_.empty());
  EXPECT_TRUE(journal_->pending(Kind::volume).empty());
}

TEST_F(InFlightTest, AnUntaggedResourceKeepsItsEntryForThePlansAdoption) {
  ASSERT_TRUE(journal_->begin(Kind::volume, "demo-master-1-data"));
  ASSERT_TRUE(journal_->begin(Kind::volume, "demo-worker-1-data"));
  auto untagged = volume("demo-master-1-data");
  untagged.untagged = true;
  cloud_.seed(untagged);
  cloud_.seed(volume("demo-worker-1-data"));
  ASSERT_TRUE(settle_in_flight(cloud_, *journal_, wait(std::chrono::seconds(30))));
  EXPECT_EQ(journal_->pending(Kind::volume), std::vector<std::string>{"demo-master-1-data"});
}

TEST_F(InFlightTest, AnEmptyJournalCostsNoCall) {
  ASSERT_TRUE(settle_in_flight(cloud_, *journal_, wait(std::chrono::seconds(30))));
  EXPECT_EQ(cloud_.calls(), 0);
}

TEST_F(InFlightTest, AReadOnlyRunWaitsForNothingAndKeepsTheEntries) {
  ASSERT_TRUE(journal_->begin(Kind::volume, "demo-master-1-data"));
  journal_->set_read_only(true);
  ASSERT_TRUE(settle_in_flight(cloud_, *journal_, wait(std::chrono::seconds(30))));
  EXPECT_EQ(cloud_.calls(), 0);
  EXPECT_EQ(journal_->pending(Kind::volume), std::vector<std::string>{"demo-master-1-data"});
}

TEST_F(InFlightTest, AListThatFailsIsTheError) {
  ASSERT_TRUE(journal_->begin(Kind::volume, "demo-master-1-data"));
  UnreachableCloud failing;
  auto settled = settle_in_flight(failing, *journal_, wait(std::chrono::seconds(30)));
  ASSERT_FALSE(settled);
  EXPECT_EQ(journal_->pending(Kind::volume), std::vector<std::string>{"demo-master-1-data"}) << "kept for next run";
}

}  // namespace
}  // namespace kstack::reconcile
