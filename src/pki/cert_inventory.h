#pragma once

#include <ctime>
#include <string>
#include <vector>

#include "util/error.h"

namespace kstack::state {
class StateDir;
}

namespace kstack::pki {

/// Leaf certificates are re-issued, and `kstack certs check` flags them, this many days before they expire.
inline constexpr int kRenewWithinDays = 30;

/// CertStatus is one certificate of the state directory as `kstack certs check` reports it.
struct CertStatus {
  std::string file;  // "pki/apiserver.crt"
  std::string subject;
  std::string problem;  // non-empty when the file cannot be read as a certificate
  bool is_ca = false;
  std::time_t not_after = 0;
  long days_left = 0;  // whole days from `now` to expiry; negative once expired

  bool expired() const { return problem.empty() && days_left < 0; }
  bool expiring() const { return problem.empty() && days_left >= 0 && days_left < kRenewWithinDays; }
};

/// Every certificate (*.crt) in the state directory except the backups, sorted by file name.
[[nodiscard]] Result<std::vector<CertStatus>> inventory(const state::StateDir& state, std::time_t now);

}  // namespace kstack::pki
