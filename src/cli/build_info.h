#pragma once

#include <string>
#include <string_view>

namespace kstack::cli {

/// BuildInfo is what the build recorded about this binary: kstack's version and the git commit it was built
/// from ("unknown" outside a git checkout), and whether tracked files differed from that commit.
struct BuildInfo {
  std::string_view version;
  std::string_view commit;
  bool modified = false;
};

/// This binary's BuildInfo (generated at build time by cmake/build_info.cmake).
BuildInfo build_info();

/// "kstack 0.1.0 (commit 74d2a93c1b2e)", "... (commit 74d2a93c1b2e, modified)", "... (commit unknown)".
std::string version_line(const BuildInfo& info);

}  // namespace kstack::cli
