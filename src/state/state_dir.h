#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace kstack::state {

/// The state directory kstack uses for a spec file when --state-dir is not given:
/// `.kstack/<cluster>/` in the directory that holds the spec.
std::filesystem::path default_state_dir(const std::filesystem::path& spec_file, std::string_view cluster);

/// StateDir is one cluster's state directory, held under an exclusive lock for the life of the
/// object: the PKI, every secret and the evidence saved when something fails. Directories are
/// 0700, files 0600, and every write replaces the file atomically (temp file in the same
/// directory, fsync, rename, fsync of the directory), so a crash leaves the old or the new file,
/// never a mix. Paths given to the methods are relative to the root ("pki/ca.crt"); absolute
/// paths and ".." are refused.
class StateDir {
 public:
  /// Creates `root` (0700) if needed and takes the lock file `<root>/.lock` (flock, holding our
  /// PID). Fails at once, naming the holder's PID, when another process holds it. Removes temp
  /// files a killed writer left behind.
  [[nodiscard]] static Result<StateDir> open(const std::filesystem::path& root);

  StateDir(StateDir&& other) noexcept;
  StateDir& operator=(StateDir&& other) noexcept;
  StateDir(const StateDir&) = delete;
  StateDir& operator=(const StateDir&) = delete;
  ~StateDir();  // releases the lock

  const std::filesystem::path& root() const { return root_; }

  /// The absolute path of `relative` inside the state directory (no check that it exists).
  std::filesystem::path path(std::string_view relative) const;

  /// The whole content of a file.
  [[nodiscard]] Result<std::string> read(std::string_view relative) const;

  /// Replaces (or creates) a file atomically, mode 0600, creating parent directories (0700).
  [[nodiscard]] Result<void> write(std::string_view relative, std::string_view content);

  /// Removes a file; removing a file that does not exist succeeds.
  [[nodiscard]] Result<void> remove(std::string_view relative);

  /// True when the file exists.
  bool exists(std::string_view relative) const;

  /// Every regular file under `relative_dir` (recursively), as sorted paths relative to the root.
  /// A directory that does not exist lists as empty. The lock file and temp files are left out.
  [[nodiscard]] Result<std::vector<std::string>> list(std::string_view relative_dir = "") const;

 private:
  StateDir(std::filesystem::path root, int lock_fd) : root_(std::move(root)), lock_fd_(lock_fd) {}
  [[nodiscard]] Result<std::filesystem::path> resolve(std::string_view relative) const;

  std::filesystem::path root_;
  int lock_fd_ = -1;
};

}  // namespace kstack::state
