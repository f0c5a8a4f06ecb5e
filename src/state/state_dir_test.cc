#include "state/state_dir.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace kstack::state {
namespace {
namespace fs = std::filesystem;

/// ScratchDir is a fresh directory that the test removes when it ends.
class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = (fs::path(testing::TempDir()) / "kstack-state-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

/// A pipe used to hand one byte between a parent and a forked child.
struct Pipe {
  int fds[2] = {-1, -1};
  Pipe() { EXPECT_EQ(::pipe(fds), 0); }
  ~Pipe() {
    for (int fd : fds)
      if (fd >= 0) ::close(fd);
  }
  void send() { EXPECT_EQ(::write(fds[1], "x", 1), 1); }
  bool receive() {
    char c;
    return ::read(fds[0], &c, 1) == 1;
  }
};

void reap(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
}

TEST(DefaultStateDir, IsBesideTheSpec) {
  EXPECT_EQ(default_state_dir("/home/op/clusters/cluster.yaml", "demo"), fs::path("/home/op/clusters/.kstack/demo"));
  EXPECT_EQ(default_state_dir("cluster.yaml", "prod"), fs::path("./.kstack/prod"));
}

TEST(StateDir, WritesPrivateFilesInPrivateDirectories) {
  ScratchDir scratch;
  mode_t old_umask = ::umask(0);  // even a permissive umask must not widen secrets
  auto state = StateDir::open(scratch.path() / ".kstack" / "demo");
  ASSERT_TRUE(state) << state.error().to_string();
  ASSERT_TRUE(state->write("pki/etcd/ca.key", "secret"));
  ::umask(old_umask);
  EXPECT_EQ(mode_of(state->root()), 0700u);
  EXPECT_EQ(mode_of(state->path("pki")), 0700u);
  EXPECT_EQ(mode_of(state->path("pki/etcd")), 0700u);
  EXPECT_EQ(mode_of(state->path("pki/etcd/ca.key")), 0600u);
  EXPECT_EQ(mode_of(state->path(".lock")), 0600u);
}

TEST(StateDir, TightensAnExistingLooseDirectory) {
  ScratchDir scratch;
  fs::path root = scratch.path() / "loose";
  fs::create_directory(root);
  fs::permissions(root, fs::perms::all);
  auto state = StateDir::open(root);
  ASSERT_TRUE(state) << state.error().to_string();
  EXPECT_EQ(mode_of(root), 0700u);
}

TEST(StateDir, ReadWriteListExistsRemove) {
  ScratchDir scratch;
  auto state = StateDir::open(scratch.path() / "s");
  ASSERT_TRUE(state);
  EXPECT_FALSE(state->exists("a.txt"));
  ASSERT_TRUE(state->write("a.txt", "one"));
  ASSERT_TRUE(state->write("a.txt", "two"));
  ASSERT_TRUE(state->write("logs/master-1/console.log", std::string(100000, 'c')));
  ASSERT_TRUE(state->write("b.txt", ""));
  EXPECT_TRUE(state->exists("a.txt"));
  EXPECT_EQ(state->read("a.txt").value(), "two");
  EXPECT_EQ(state->read("b.txt").value(), "");
  EXPECT_EQ(state->read("logs/master-1/console.log").value().size(), 100000u);

  auto all = state->list();
  ASSERT_TRUE(all);
  EXPECT_EQ(*all, (std::vector<std::string>{"a.txt", "b.txt", "logs/master-1/console.log"}));
  EXPECT_EQ(state->list("logs").value(), (std::vector<std::string>{"logs/master-1/console.log"}));
  EXPECT_TRUE(state->list("nothing-here").value().empty());

  ASSERT_TRUE(state->remove("a.txt"));
  ASSERT_TRUE(state->remove("a.txt"));              // already gone: still fine
  ASSERT_TRUE(state->remove("no-such-dir/b.txt"));  // nor its directory: fine too
  EXPECT_FALSE(state->exists("a.txt"));
  auto missing = state->read("a.txt");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().where.find("a.txt"), std::string::npos);
  EXPECT_NE(missing.error().what.find("No such file"), std::string::npos);
}

TEST(StateDir, RefusesPathsOutsideTheDirectory) {
  ScratchDir scratch;
  auto state = StateDir::open(scratch.path() / "s");
  ASSERT_TRUE(state);
  EXPECT_FALSE(state->write("../escape", "x"));
  EXPECT_FALSE(state->write("pki/../../escape", "x"));
  EXPECT_FALSE(state->write("/tmp/escape", "x"));
  EXPECT_FALSE(state->write("", "x"));
  EXPECT_FALSE(state->read("../s/.lock"));
  EXPECT_FALSE(fs::exists(scratch.path() / "escape"));
}

TEST(StateDir, SecondProcessFailsAtOnceNamingTheHolder) {
  ScratchDir scratch;
  fs::path root = scratch.path() / "locked";
  Pipe ready, done;
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto state = StateDir::open(root);
    if (!state) ::_exit(1);
    ready.send();
    done.receive();  // hold the lock until the parent has tried
    ::_exit(0);
  }
  ASSERT_TRUE(ready.receive());

  auto start = std::chrono::steady_clock::now();
  auto second = StateDir::open(root);
  auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().what.find(fmt::format("PID {}", child)), std::string::npos) << second.error().what;
  EXPECT_FALSE(second.error().hint.empty());
  EXPECT_LT(waited, std::chrono::seconds(1));  // fails at once, does not wait for the lock

  done.send();
  reap(child);
  auto after = StateDir::open(root);
  ASSERT_TRUE(after) << after.error().to_string();
  std::ifstream lock(root / ".lock");
  std::string pid;
  lock >> pid;
  EXPECT_EQ(pid, std::to_string(::getpid()));
}

TEST(StateDir, LockOfAKilledProcessIsReleased) {
  ScratchDir scratch;
  fs::path root = scratch.path() / "s";
  Pipe ready;
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto state = StateDir::open(root);
    if (!state) ::_exit(1);
    ready.send();
    for (;;) ::pause();
  }
  ASSERT_TRUE(ready.receive());
  EXPECT_FALSE(StateDir::open(root));
  ::kill(child, SIGKILL);
  reap(child);
  EXPECT_TRUE(StateDir::open(root));
}

TEST(StateDir, MovedFromObjectNoLongerHoldsTheLock) {
  ScratchDir scratch;
  auto first = StateDir::open(scratch.path() / "s");
  ASSERT_TRUE(first);
  StateDir moved = std::move(*first);
  EXPECT_FALSE(StateDir::open(scratch.path() / "s"));
  { StateDir gone = std::move(moved); }
  EXPECT_TRUE(StateDir::open(scratch.path() / "s"));
}

std::string version_content(int version, size_t size) {
  std::string line = fmt::format("version {:08d}\n", version);
  std::string content;
  content.reserve(size);
  while (content.size() + line.size() <= size) content += line;
  return content;
}

TEST(StateDir, WriterKilledMidWriteLeavesThePreviousFileIntact) {
  ScratchDir scratch;
  fs::path root = scratch.path() / "s";
  constexpr size_t kSize = 32 << 20;
  const std::string original = version_content(0, kSize);
  {
    auto state = StateDir::open(root);
    ASSERT_TRUE(state);
    ASSERT_TRUE(state->write("pki/ca.crt", original));
  }

  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto state = StateDir::open(root);
    if (!state) ::_exit(1);
    for (int version = 1;; ++version) (void)state->write("pki/ca.crt", version_content(version, kSize));
  }

  // Freeze the writer while a temp file holds part of a new version, then kill it: mid-write.
  const size_t full = original.size();
  fs::path temp_file;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (temp_file.empty() && std::chrono::steady_clock::now() < deadline) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(root / "pki", ec)) {
      std::string name = entry.path().filename().string();
      if (!name.starts_with(".ca.crt.tmp-") || entry.file_size(ec) == 0 || entry.file_size(ec) >= full) continue;
      ::kill(child, SIGSTOP);
      int status = 0;
      ::waitpid(child, &status, WUNTRACED);
      uintmax_t size = fs::file_size(entry.path(), ec);
      if (!ec && size > 0 && size < full) {
        temp_file = entry.path();
        break;
      }
      ::kill(child, SIGCONT);  // it finished that one meanwhile: look again
    }
  }
  ::kill(child, SIGKILL);
  reap(child);
  ASSERT_FALSE(temp_file.empty()) << "never saw the writer mid-write";
  ASSERT_TRUE(fs::exists(temp_file));  // the half-written new version is there...
  EXPECT_LT(fs::file_size(temp_file), full);

  // ...and the real file is still one whole version, never a mix.
  auto state = StateDir::open(root);
  ASSERT_TRUE(state);
  auto content = state->read("pki/ca.crt");
  ASSERT_TRUE(content);
  ASSERT_EQ(content->size(), original.size());
  std::string first_line = content->substr(0, content->find('\n') + 1);
  int version = std::atoi(first_line.substr(8).c_str());
  EXPECT_EQ(*content, version_content(version, kSize));
  // Opening the directory again cleared what the killed writer left.
  EXPECT_FALSE(fs::exists(temp_file));
  EXPECT_EQ(state->list("pki").value(), (std::vector<std::string>{"pki/ca.crt"}));
}

// A disk that fills during a write: the write fails naming the file, which keeps its old content, and no
// temp file is left. The file-size limit makes the kernel refuse the write (EFBIG) as a full disk would
// (ENOSPC), at the same point: in a child, so that the limit binds nothing else.
TEST(StateDir, AWriteThatRunsOutOfSpaceKeepsTheOldFile) {
  ScratchDir scratch;
  fs::path root = scratch.path() / "s";
  const std::string original = version_content(0, 4096);
  {
    auto state = StateDir::open(root);
    ASSERT_TRUE(state);
    ASSERT_TRUE(state->write("pki/ca.key", original));
  }
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::signal(SIGXFSZ, SIG_IGN);
    rlimit limit{.rlim_cur = 8192, .rlim_max = 8192};
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(2);
    auto state = StateDir::open(root);
    if (!state) ::_exit(3);
    auto written = state->write("pki/ca.key", version_content(1, 64 << 10));
    if (written) ::_exit(4);
    const Error& e = written.error();
    const bool named = e.where == (root / "pki/ca.key").string() && e.what.find("cannot write") != std::string::npos &&
                       e.hint.find("keeps its previous content") != std::string::npos;
    ::_exit(named ? 0 : 5);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0)
      << "2: setrlimit, 3: open, 4: the write succeeded, 5: the error did not name the file";
  auto state = StateDir::open(root);
  ASSERT_TRUE(state);
  EXPECT_EQ(state->read("pki/ca.key").value(), original);
  for (const auto& entry : fs::directory_iterator(root / "pki")) {
    EXPECT_FALSE(entry.path().filename().string().starts_with(".ca.key.tmp-")) << entry.path();
  }
}

}  // namespace
}  // namespace kstack::state
