#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace kstack::bootstrap::checks {

/// RunResult is what a finished command printed and how it ended.
struct RunResult {
  int exit_code = -1;  // -1: did not start or was killed by a signal
  std::string out;     // stdout and stderr, interleaved
};

/// Runs argv[0] (searched in PATH) to completion, capturing its output; `input` goes to its stdin.
RunResult run(const std::vector<std::string>& argv, const std::string& input = {});

/// Runs a command line through /bin/sh -c.
RunResult sh(const std::string& command);

/// Background is a process started by a test and stopped, by its PID, when the object goes away.
class Background {
 public:
  /// Starts argv with stdout and stderr appended to `log_path`.
  Background(const std::vector<std::string>& argv, const std::string& log_path);
  Background(Background&& other) noexcept : pid_(other.pid_) { other.pid_ = -1; }
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;
  ~Background();

  pid_t pid() const { return pid_; }
  bool running() const;

 private:
  pid_t pid_ = -1;
};

/// True when `tool` is found in PATH.
bool have_tool(const std::string& tool);

}  // namespace kstack::bootstrap::checks
