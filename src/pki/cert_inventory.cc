#include "pki/cert_inventory.h"

#include "pki/certificate.h"
#include "state/state_dir.h"

namespace kstack::pki {
namespace {

constexpr std::time_t kDay = 24 * 60 * 60;

/// Whole days from `now` to `when`, rounded towards minus infinity: one second past expiry is day -1.
long days_between(std::time_t now, std::time_t when) {
  std::time_t diff = when - now;
  return static_cast<long>(diff >= 0 ? diff / kDay : -((-diff + kDay - 1) / kDay));
}

}  // namespace

Result<std::vector<CertStatus>> inventory(const state::StateDir& state, std::time_t now) {
  auto files = state.list("pki");
  if (!files) return std::unexpected(files.error());
  std::vector<CertStatus> out;
  for (const auto& file : *files) {
    if (!file.ends_with(".crt") || file.starts_with("pki/backup/")) continue;
    CertStatus status{.file = file};
    auto pem = state.read(file);
    auto cert = pem ? parse_certificate(*pem, file) : Result<X509Ptr>(std::unexpected(pem.error()));
    auto info = cert ? describe_certificate(cert->get()) : Result<CertInfo>(std::unexpected(cert.error()));
    if (!info) {
      status.problem = info.error().what;
    } else {
      status.subject = info->subject;
      status.is_ca = info->is_ca;
      status.not_after = info->not_after;
      status.days_left = days_between(now, info->not_after);
    }
    out.push_back(std::move(status));
  }
  return out;
}

}  // namespace kstack::pki
