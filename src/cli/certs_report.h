#pragma once

#include <string>
#include <vector>

#include "pki/cert_inventory.h"

namespace kstack::cli {

/// The verdict on one certificate: "ok", "expiring", "expired" or "unreadable".
std::string cert_state(const pki::CertStatus& cert);

/// One JSON document (docs/cli-output.md, `kstack certs check`) for the certificates of `state_dir`.
std::string render_certs_json(const std::string& state_dir, const std::vector<pki::CertStatus>& certs);

}  // namespace kstack::cli
