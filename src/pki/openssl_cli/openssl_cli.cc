#include "pki/openssl_cli/openssl_cli.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace kstack::pki {
namespace {

/// PipeFds is a pipe whose ends close when it goes out of scope.
struct PipeFds {
  int fds[2] = {-1, -1};
  ~PipeFds() { close_both(); }
  void close_both() {
    for (int& fd : fds) {
      if (fd >= 0) ::close(fd);
      fd = -1;
    }
  }
};

/// SpawnActions owns a posix_spawn_file_actions_t.
struct SpawnActions {
  posix_spawn_file_actions_t actions;
  SpawnActions() { posix_spawn_file_actions_init(&actions); }
  ~SpawnActions() { posix_spawn_file_actions_destroy(&actions); }
};

}  // namespace

Result<ToolRun> run_openssl(const std::vector<std::string>& args) {
  PipeFds out;
  if (::pipe2(out.fds, O_CLOEXEC) != 0) return fail(fmt::format("pipe: {}", std::strerror(errno)));
  SpawnActions spawn;
  posix_spawn_file_actions_adddup2(&spawn.actions, out.fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&spawn.actions, out.fds[1], STDERR_FILENO);

  std::vector<std::string> argv_text = {"openssl"};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : argv_text) argv.push_back(arg.data());
  argv.push_back(nullptr);

  pid_t pid = -1;
  int rc = posix_spawnp(&pid, "openssl", &spawn.actions, nullptr, argv.data(), environ);
  if (rc != 0) return fail(fmt::format("cannot run openssl: {}", std::strerror(rc)), "", "install the openssl package");
  ::close(out.fds[1]);
  out.fds[1] = -1;

  ToolRun run;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(out.fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    run.output.append(buf, static_cast<size_t>(n));
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

}  // namespace kstack::pki
