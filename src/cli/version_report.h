#pragma once

#include <span>
#include <string>
#include <string_view>

#include "cli/build_info.h"
#include "spec/versions.h"

namespace kstack::cli {

/// VersionReport is what `kstack version` tells: this binary, and every Kubernetes release it can install.
struct VersionReport {
  BuildInfo build;
  std::span<const spec::Release> releases;
  std::string_view default_kubernetes;  // the release a new spec gets
};

/// The report of this binary (build_info()) and the releases pinned in spec/versions.h.
VersionReport current_version_report();

/// For a terminal: the version line, then per release a table of every binary and image with its version.
std::string render_version_text(const VersionReport& report);

/// One JSON document (docs/cli-output.md, `kstack version`), every download's URL and sha256 included.
std::string render_version_json(const VersionReport& report);

}  // namespace kstack::cli
