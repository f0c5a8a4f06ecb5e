#include "state/state_dir.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

namespace kstack::state {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kLockFile = ".lock";
constexpr std::string_view kTempMarker = ".tmp-";  // temp files are ".<name>.tmp-XXXXXX"

std::string errno_text(int err) { return std::error_code(err, std::generic_category()).message(); }

/// Fd closes a POSIX file descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

bool is_temp_name(const std::string& name) { return !name.empty() && name[0] == '.' && name.contains(kTempMarker); }

Result<void> make_private_dirs(const fs::path& dir) {
  std::error_code ec;
  fs::path current;
  for (const auto& part : dir) {
    current /= part;
    if (fs::is_directory(current, ec)) continue;
    if (::mkdir(current.c_str(), 0700) != 0 && errno != EEXIST) {
      return fail(fmt::format("cannot create directory: {}", errno_text(errno)), current.string());
    }
  }
  return {};
}

Result<void> fsync_dir(const fs::path& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || ::fsync(fd.get()) != 0) {
    return fail(fmt::format("cannot sync directory: {}", errno_text(errno)), dir.string());
  }
  return {};
}

Result<void> write_all(int fd, std::string_view content, const fs::path& where) {
  while (!content.empty()) {
    // Bounded chunks: a huge write is still interruptible between chunks.
    ssize_t n = ::write(fd, content.data(), std::min<size_t>(content.size(), 1 << 20));
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(fmt::format("cannot write: {}", errno_text(errno)), where.string());
    }
    content.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

std::string lock_holder(const fs::path& lock_path) {
  // The holder writes its PID right after taking the lock; give it a moment to do so.
  for (int attempt = 0; attempt < 20; ++attempt) {
    Fd fd(::open(lock_path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() >= 0) {
      char buf[32] = {};
      ssize_t n = ::read(fd.get(), buf, sizeof buf - 1);
      std::string pid(buf, n > 0 ? static_cast<size_t>(n) : 0);
      while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
      if (!pid.empty()) return pid;
    }
    ::usleep(5000);
  }
  return "unknown";
}

void remove_stale_temp_files(const fs::path& root) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file(ec) && is_temp_name(it->path().filename().string())) fs::remove(it->path(), ec);
  }
}

}  // namespace

fs::path default_state_dir(const fs::path& spec_file, std::string_view cluster) {
  fs::path dir = spec_file.parent_path();
  if (dir.empty()) dir = ".";
  return dir / ".kstack" / std::string(cluster);
}

Result<StateDir> StateDir::open(const fs::path& root) {
  if (auto made = make_private_dirs(root); !made) return std::unexpected(made.error());
  // The directory may predate us with looser permissions: secrets live here.
  if (::chmod(root.c_str(), 0700) != 0) {
    return fail(fmt::format("cannot restrict permissions: {}", errno_text(errno)), root.string());
  }
  fs::path lock_path = root / kLockFile;
  Fd fd(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (fd.get() < 0) {
    return fail(fmt::format("cannot open the lock file: {}", errno_text(errno)), lock_path.string());
  }
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) {
      return fail(fmt::format("cannot lock: {}", errno_text(errno)), lock_path.string());
    }
    return fail(fmt::format("the state directory is in use by another kstack process (PID {})", lock_holder(lock_path)),
                root.string(), "wait for that process to finish, or stop it, then run this command again");
  }
  std::string pid = fmt::format("{}\n", ::getpid());
  if (::ftruncate(fd.get(), 0) != 0 || ::pwrite(fd.get(), pid.data(), pid.size(), 0) < 0) {
    return fail(fmt::format("cannot record our PID in the lock file: {}", errno_text(errno)), lock_path.string());
  }
  remove_stale_temp_files(root);
  return StateDir(fs::absolute(root).lexically_normal(), fd.release());
}

StateDir::StateDir(StateDir&& other) noexcept
    : root_(std::move(other.root_)), lock_fd_(std::exchange(other.lock_fd_, -1)) {}

StateDir& StateDir::operator=(StateDir&& other) noexcept {
  if (this != &other) {
    if (lock_fd_ >= 0) ::close(lock_fd_);
    root_ = std::move(other.root_);
    lock_fd_ = std::exchange(other.lock_fd_, -1);
  }
  return *this;
}

StateDir::~StateDir() {
  // Closing the descriptor releases the flock; the PID stays until the next holder overwrites it.
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

fs::path StateDir::path(std::string_view relative) const { return root_ / fs::path(relative); }

Result<fs::path> StateDir::resolve(std::string_view relative) const {
  fs::path rel(relative);
  if (relative.empty() || rel.is_absolute()) {
    return fail(fmt::format("'{}' is not a path inside the state directory", relative), root_.string());
  }
  for (const auto& part : rel) {
    if (part == "..") {
      return fail(fmt::format("'{}' leaves the state directory", relative), root_.string());
    }
  }
  return root_ / rel;
}

Result<std::string> StateDir::read(std::string_view relative) const {
  auto target = resolve(relative);
  if (!target) return std::unexpected(target.error());
  Fd fd(::open(target->c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return fail(fmt::format("cannot read: {}", errno_text(errno)), target->string());
  std::string content;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(fmt::format("cannot read: {}", errno_text(errno)), target->string());
    }
    if (n == 0) break;
    content.append(buf, static_cast<size_t>(n));
  }
  return content;
}

Result<void> StateDir::write(std::string_view relative, std::string_view content) {
  auto target = resolve(relative);
  if (!target) return std::unexpected(target.error());
  fs::path dir = target->parent_path();
  if (auto made = make_private_dirs(dir); !made) return made;

  std::string temp = (dir / fmt::format(".{}{}XXXXXX", target->filename().string(), kTempMarker)).string();
  Fd fd(::mkostemp(temp.data(), O_CLOEXEC));  // mkostemp creates the file 0600
  if (fd.get() < 0) return fail(fmt::format("cannot create a temp file: {}", errno_text(errno)), dir.string());
  auto cleanup_on_error = [&](Error error) -> Result<void> {
    ::unlink(temp.c_str());
    return std::unexpected(std::move(error));
  };
  if (::fchmod(fd.get(), 0600) != 0) {
    return cleanup_on_error(Error{.what = fmt::format("cannot chmod: {}", errno_text(errno)), .where = temp});
  }
  // A failure names the file being replaced, which keeps its old content: the new one went to the temp file.
  const std::string kept = "the file keeps its previous content; free space (or fix the cause) and run again";
  if (auto written = write_all(fd.get(), content, *target); !written) {
    Error e = written.error();
    e.hint = kept;
    return cleanup_on_error(std::move(e));
  }
  if (::fsync(fd.get()) != 0) {
    return cleanup_on_error(
        Error{.what = fmt::format("cannot sync: {}", errno_text(errno)), .where = target->string(), .hint = kept});
  }
  if (::close(fd.release()) != 0) {
    return cleanup_on_error(
        Error{.what = fmt::format("cannot close: {}", errno_text(errno)), .where = target->string(), .hint = kept});
  }
  if (::rename(temp.c_str(), target->c_str()) != 0) {
    return cleanup_on_error(
        Error{.what = fmt::format("cannot replace the file: {}", errno_text(errno)), .where = target->string()});
  }
  return fsync_dir(dir);
}

Result<void> StateDir::remove(std::string_view relative) {
  auto target = resolve(relative);
  if (!target) return std::unexpected(target.error());
  if (::unlink(target->c_str()) != 0) {
    if (errno == ENOENT) return {};  // nothing to remove (its directory may not exist either)
    return fail(fmt::format("cannot remove: {}", errno_text(errno)), target->string());
  }
  return fsync_dir(target->parent_path());
}

bool StateDir::exists(std::string_view relative) const {
  auto target = resolve(relative);
  std::error_code ec;
  return target && fs::exists(*target, ec);
}

Result<std::vector<std::string>> StateDir::list(std::string_view relative_dir) const {
  fs::path dir = root_;
  if (!relative_dir.empty()) {
    auto resolved = resolve(relative_dir);
    if (!resolved) return std::unexpected(resolved.error());
    dir = *resolved;
  }
  std::vector<std::string> files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return files;
  for (auto it = fs::recursive_directory_iterator(dir, ec); it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (ec) break;
    if (!it->is_regular_file(ec)) continue;
    std::string name = it->path().filename().string();
    if (name == kLockFile || is_temp_name(name)) continue;
    files.push_back(it->path().lexically_relative(root_).string());
  }
  if (ec) return fail(fmt::format("cannot list: {}", ec.message()), dir.string());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace kstack::state
