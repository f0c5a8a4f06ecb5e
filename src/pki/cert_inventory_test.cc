#include "pki/cert_inventory.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <optional>

#include "pki/certificate.h"
#include "pki/key.h"
#include "state/state_dir.h"

namespace kstack::pki {
namespace {
namespace fs = std::filesystem;

/// InventoryState is a state directory in a fresh temp directory, removed when the test ends.
class InventoryState {
 public:
  InventoryState() {
    std::string tmpl = (fs::path(testing::TempDir()) / "kstack-inventory-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
    state_.emplace(std::move(state::StateDir::open(dir_ / "state").value()));
  }
  ~InventoryState() {
    state_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  state::StateDir* operator->() { return &*state_; }
  const state::StateDir& operator*() const { return *state_; }

  /// Writes a self-signed certificate valid from `not_before` for `days`.
  void add(const std::string& file, const std::string& cn, std::time_t not_before, int days, bool ca = false) {
    auto key = generate_key(spec::KeyAlgorithm::ecdsa_p256).value();
    auto cert = issue_certificate({.common_name = cn,
                                   .usage = ca ? CertUsage::ca : CertUsage::client,
                                   .validity_days = days,
                                   .not_before = not_before},
                                  key.get())
                    .value();
    ASSERT_TRUE(state_->write(file, certificate_pem(cert.get()).value()));
  }

 private:
  fs::path dir_;
  std::optional<state::StateDir> state_;
};

TEST(Inventory, ReportsSubjectExpiryAndDaysLeft) {
  InventoryState state;
  const std::time_t now = 1'800'000'000;
  constexpr std::time_t day = 86400;
  state.add("pki/ca.crt", "kubernetes-ca", now - day, 3650, true);
  state.add("pki/scheduler.crt", "system:kube-scheduler", now - 340 * day, 365);  // 25 days left
  state.add("pki/old.crt", "old", now - 400 * day, 365);                          // 35 days ago
  state.add("pki/just-expired.crt", "just", now - 365 * day - 1, 365);            // one second ago
  state.add("pki/backup/20260101T000000Z/old.crt", "backup", now - 800 * day, 1);
  ASSERT_TRUE(state->write("pki/broken.crt", "not a certificate"));
  ASSERT_TRUE(state->write("pki/ca.key", "keys are not listed"));

  auto statuses = inventory(*state, now);
  ASSERT_TRUE(statuses);
  ASSERT_EQ(statuses->size(), 5u);  // sorted by file; the backup and the key are left out
  const auto& broken = (*statuses)[0];
  const auto& ca = (*statuses)[1];
  const auto& just = (*statuses)[2];
  const auto& old = (*statuses)[3];
  const auto& scheduler = (*statuses)[4];

  EXPECT_EQ(broken.file, "pki/broken.crt");
  EXPECT_FALSE(broken.problem.empty());
  EXPECT_FALSE(broken.expired());
  EXPECT_FALSE(broken.expiring());

  EXPECT_EQ(ca.subject, "CN=kubernetes-ca");
  EXPECT_TRUE(ca.is_ca);
  EXPECT_EQ(ca.days_left, 3649);
  EXPECT_FALSE(ca.expiring() || ca.expired());

  EXPECT_EQ(just.days_left, -1);
  EXPECT_TRUE(just.expired());

  EXPECT_EQ(old.days_left, -35);
  EXPECT_TRUE(old.expired());
  EXPECT_FALSE(old.expiring());

  EXPECT_EQ(scheduler.file, "pki/scheduler.crt");
  EXPECT_EQ(scheduler.days_left, 25);
  EXPECT_EQ(scheduler.not_after, now + 25 * day);
  EXPECT_TRUE(scheduler.expiring());
  EXPECT_FALSE(scheduler.expired());
}

TEST(Inventory, EmptyStateHasNoCertificates) {
  InventoryState state;
  auto statuses = inventory(*state, std::time(nullptr));
  ASSERT_TRUE(statuses);
  EXPECT_TRUE(statuses->empty());
}

}  // namespace
}  // namespace kstack::pki
