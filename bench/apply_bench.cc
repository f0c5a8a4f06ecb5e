// Apply on the dev cloud: wall time and cloud calls of the reference HA cluster and of a 50-worker
// cluster, then of a no-op apply of each, then destroy. Run with the dev cloud up (devcloud/up):
//   build/bench/apply_bench [workers...]      (default: 3 50)
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "reconcile/counting_cloud.h"
#include "reconcile/session.h"

namespace fs = std::filesystem;
using namespace kstack::reconcile;

namespace {

std::string spec_for(const fs::path& dir, const std::string& name, int workers) {
  std::ifstream in(fs::path(KSTACK_SOURCE_DIR) / "tests/specs/good/ha.yaml");
  std::stringstream text;
  text << in.rdbuf();
  std::string yaml = text.str();
  yaml = std::regex_replace(yaml, std::regex("\nname: kstack"), "\nname: " + name);
  yaml = std::regex_replace(yaml, std::regex("cloud: \"\""), "cloud: devcloud");
  yaml = std::regex_replace(yaml, std::regex("ssh_public_key_file: \"[^\"]*\"\n"), "");
  yaml = std::regex_replace(
      yaml, std::regex("ssh_public_key: \"\""),
      "ssh_public_key: \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDwYl2vUhz2gyWKccZq3w4c8eUgTZVz14tA3vELP6U1I it@kstack\"");
  yaml = std::regex_replace(yaml, std::regex("workers:  # run the workloads[^\n]*\n    count: 3"),
                            "workers:  # run the workloads\n    count: " + std::to_string(workers));
  auto path = dir / (name + ".yaml");
  std::ofstream(path) << yaml;
  return path.string();
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  const char* state = std::getenv("KSTACK_DEVCLOUD_DIR");
  fs::path clouds = fs::path(state ? state : "/tmp/kstack-devcloud") / "clouds.yaml";
  if (!fs::exists(clouds)) {
    fmt::print(stderr, "{} not found: start the dev cloud (devcloud/up)\n", clouds.string());
    return 1;
  }
  setenv("OS_CLIENT_CONFIG_FILE", clouds.c_str(), 1);
  std::vector<int> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::atoi(argv[i]));
  if (sizes.empty()) sizes = {3, 50};
  auto dir = fs::temp_directory_path() / ("kstack-bench-" + std::to_string(getpid()));
  fs::create_directories(dir);
  fmt::print("{:>8} {:>10} {:>12} {:>10} {:>12} {:>10} {:>10}\n", "workers", "resources", "apply s", "calls", "no-op s",
             "calls", "destroy s");
  int status = 0;
  for (int workers : sizes) {
    std::string name = fmt::format("bench{}", workers);
    auto session = Session::open({.spec_file = spec_for(dir, name, workers), .state_dir = (dir / name).string()});
    if (!session) {
      fmt::print(stderr, "{}\n", session.error().to_string());
      return 1;
    }
    auto& s = **session;
    ExecutorOptions exec{.parallelism = 2, .poll_interval = std::chrono::milliseconds(500)};
    CountingCloud counted(s.cloud());
    auto start = std::chrono::steady_clock::now();
    auto applied = s.apply({}, exec, nullptr, &counted);
    double apply_s = seconds_since(start);
    int apply_calls = counted.total();
    if (!applied || !applied->result.ok()) {
      fmt::print(stderr, "apply failed: {}\n",
                 !applied ? applied.error().to_string()
                          : (applied->result.errors.empty() ? "interrupted" : applied->result.errors[0].to_string()));
      status = 1;
    }
    CountingCloud again(s.cloud());
    start = std::chrono::steady_clock::now();
    auto noop = s.apply({}, exec, nullptr, &again);
    double noop_s = seconds_since(start);
    if (!noop || !noop->plan.empty()) status = 1;
    start = std::chrono::steady_clock::now();
    auto observed = observe(s.cloud(), true);
    size_t resources = observed ? observed->resources.size() : 0;
    if (observed) {
      auto result = execute(make_destroy_plan(*observed, true), *observed, s.cloud(), exec);
      if (!result.ok()) status = 1;
    }
    double destroy_s = seconds_since(start);
    fmt::print("{:>8} {:>10} {:>12.1f} {:>10} {:>12.2f} {:>10} {:>10.1f}\n", workers, resources, apply_s, apply_calls,
               noop_s, again.total(), destroy_s);
  }
  fs::remove_all(dir);
  return status;
}
