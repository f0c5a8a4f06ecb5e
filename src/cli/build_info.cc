#include "cli/build_info.h"

#include <fmt/format.h>

#include "cli/build_info_generated.h"

namespace kstack::cli {

BuildInfo build_info() {
  return {.version = generated::kVersion, .commit = generated::kGitCommit, .modified = generated::kGitDirty};
}

std::string version_line(const BuildInfo& info) {
  return fmt::format("kstack {} (commit {}{})", info.version, info.commit.substr(0, 12),
                     info.modified ? ", modified" : "");
}

}  // namespace kstack::cli
