#include "cli/certs_report.h"

#include "cli/json_document.h"

namespace kstack::cli {

std::string cert_state(const pki::CertStatus& cert) {
  if (!cert.problem.empty()) return "unreadable";
  if (cert.expired()) return "expired";
  if (cert.expiring()) return "expiring";
  return "ok";
}

std::string render_certs_json(const std::string& state_dir, const std::vector<pki::CertStatus>& certs) {
  int expired = 0, expiring = 0, unreadable = 0;
  Json list = Json::array();
  for (const auto& cert : certs) {
    const std::string state = cert_state(cert);
    expired += state == "expired";
    expiring += state == "expiring";
    unreadable += state == "unreadable";
    Json j = {{"file", cert.file}, {"subject", cert.subject}, {"is_ca", cert.is_ca}, {"status", state}};
    if (cert.problem.empty()) {
      j["not_after"] = rfc3339_utc(cert.not_after);
      j["days_left"] = cert.days_left;
    } else {
      j["problem"] = cert.problem;
    }
    list.push_back(std::move(j));
  }
  Json doc = json_document(expired == 0 && unreadable == 0);
  doc["state_dir"] = state_dir;
  doc["renew_within_days"] = pki::kRenewWithinDays;
  doc["certificates"] = std::move(list);
  doc["summary"] = {
      {"certificates", certs.size()}, {"expired", expired}, {"expiring", expiring}, {"unreadable", unreadable}};
  return json_text(doc);
}

}  // namespace kstack::cli
