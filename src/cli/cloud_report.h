#pragma once

#include <string>

#include "openstack/cloud_check.h"

namespace kstack::cli {

/// One JSON document (docs/cli-output.md, `kstack cloud check`) for what the check found.
std::string render_cloud_report_json(const openstack::CloudReport& report);

}  // namespace kstack::cli
