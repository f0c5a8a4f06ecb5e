#pragma once

#include <string>
#include <vector>

#include "util/error.h"

namespace kstack::pki {

/// ToolRun is what one run of the openssl command-line tool printed and how it ended.
struct ToolRun {
  int exit_code = -1;  // -1: killed by a signal
  std::string output;  // stdout and stderr, interleaved as written
};

/// Runs `openssl <args...>` and waits for it. Only the tests use this: they check what kstack
/// generates with the real tool, while kstack itself never runs it.
[[nodiscard]] Result<ToolRun> run_openssl(const std::vector<std::string>& args);

}  // namespace kstack::pki
