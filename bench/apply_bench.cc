// Apply on the dev cloud: wall time and cloud calls of the reference HA cluster and of a 50-worker
// cluster, then of a no-op apply of each, then destroy. After each apply it prints the run's critical
// path (the longest chain of dependent steps, each at its measured duration: no scheduler could finish
// sooner) and the ratio of the apply's wall time to it. For the reference size (3 workers) it also runs
// bench/openstack_cli_baseline.sh, the same cluster made and deleted with the plain openstack CLI, and
// prints both wall times and their ratio. Run with the dev cloud up (devcloud/up):
//   build/bench/apply_bench [--baseline | --no-baseline] [--cloud NAME] [--parallelism N] [workers...]
//   (default: 3 50 workers, parallelism 8 as kstack apply's)
// --baseline runs the baseline even without the reference size among the sizes; --cloud devcloud-slow
// runs through the dev cloud's delaying proxy (devcloud/latency sets its delay).
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <string_view>

#include "reconcile/session.h"
#include "reconcile/testing/counting_cloud.h"

namespace fs = std::filesystem;
using namespace kstack::reconcile;

namespace {

std::string spec_for(const fs::path& dir, const std::string& name, int workers, const std::string& cloud) {
  std::ifstream in(fs::path(KSTACK_SOURCE_DIR) / "tests/specs/good/ha.yaml");
  std::stringstream text;
  text << in.rdbuf();
  std::string yaml = text.str();
  yaml = std::regex_replace(yaml, std::regex("\nname: kstack"), "\nname: " + name);
  yaml = std::regex_replace(yaml, std::regex("cloud: \"\""), "cloud: " + cloud);
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

constexpr int kReferenceWorkers = 3;

/// Timing is one way of making and deleting the reference cluster.
struct Timing {
  double create_s = 0;
  double delete_s = 0;
  int calls = 0;  // API calls (kstack) or openstack commands (baseline)
};

// Runs the CLI baseline, echoing its output; its times from the last line, nothing when it failed.
std::optional<Timing> run_baseline(const std::string& name) {
  const std::string command = fmt::format("{}/bench/openstack_cli_baseline.sh {} 2>&1", KSTACK_SOURCE_DIR, name);
  fmt::print("\n$ {}\n", command);
  std::fflush(stdout);
  FILE* out = popen(command.c_str(), "r");
  if (!out) return std::nullopt;
  std::optional<Timing> timing;
  char line[4096];
  while (std::fgets(line, sizeof line, out)) {
    fmt::print("  {}", line);
    std::fflush(stdout);
    Timing t;
    if (std::sscanf(line, "baseline create_s=%lf delete_s=%lf calls=%d", &t.create_s, &t.delete_s, &t.calls) == 3) {
      timing = t;
    }
  }
  const int status = pclose(out);
  if (status != 0) {
    fmt::print(stderr, "the baseline failed (status {})\n", status);
    return std::nullopt;
  }
  return timing;
}

// The critical path of an apply: its length, the apply's wall time over it, and the chain itself.
void print_critical_path(const ApplyResult& result, double apply_s) {
  if (result.timeline.empty()) return;
  const auto path = critical_path(result.timeline);
  auto first = result.timeline.front().started, last = result.timeline.front().finished;
  for (const auto& step : result.timeline) last = std::max(last, step.finished);
  const double executed_s = std::chrono::duration<double>(last - first).count();
  fmt::print("{:>8} critical path {:.1f} s; apply {:.1f} s = {:.2f}x the path (execution alone {:.1f} s = {:.2f}x)\n",
             "", path.seconds, apply_s, apply_s / path.seconds, executed_s, executed_s / path.seconds);
  std::string chain;
  for (size_t i : path.steps) {
    const auto& step = result.timeline[i];
    chain +=
        fmt::format("{}{} {} {:.1f}s", chain.empty() ? "" : " -> ", step.verb, step.key.to_string(), step.seconds());
  }
  fmt::print("{:>8} path: {}\n", "", chain);
}

void print_comparison(const Timing& kstack, const Timing& cli) {
  auto ratio = [](double a, double b) { return b > 0 ? fmt::format("{:.1f}x", a / b) : std::string("-"); };
  fmt::print("\nreference cluster ({} workers): openstack CLI script vs kstack\n", kReferenceWorkers);
  fmt::print("{:>10} {:>12} {:>12} {:>18}\n", "", "baseline s", "kstack s", "baseline/kstack");
  fmt::print("{:>10} {:>12.1f} {:>12.1f} {:>18}\n", "create", cli.create_s, kstack.create_s,
             ratio(cli.create_s, kstack.create_s));
  fmt::print("{:>10} {:>12.1f} {:>12.1f} {:>18}\n", "delete", cli.delete_s, kstack.delete_s,
             ratio(cli.delete_s, kstack.delete_s));
  fmt::print("{:>10} {:>12.1f} {:>12.1f} {:>18}\n", "total", cli.create_s + cli.delete_s,
             kstack.create_s + kstack.delete_s, ratio(cli.create_s + cli.delete_s, kstack.create_s + kstack.delete_s));
  fmt::print("{:>10} {:>12} {:>12}\n", "calls", fmt::format("{} cmds", cli.calls), kstack.calls);
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
  std::optional<bool> baseline;
  std::string cloud = "devcloud";
  int parallelism = 8;  // kstack apply's default
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--cloud" && i + 1 < argc) {
      cloud = argv[++i];
    } else if (arg == "--parallelism" && i + 1 < argc && std::atoi(argv[i + 1]) > 0) {
      parallelism = std::atoi(argv[++i]);
    } else if (arg == "--baseline") {
      baseline = true;
    } else if (arg == "--no-baseline") {
      baseline = false;
    } else if (std::atoi(argv[i]) > 0) {
      sizes.push_back(std::atoi(argv[i]));
    } else {
      fmt::print(stderr,
                 "usage: apply_bench [--baseline | --no-baseline] [--cloud NAME] [--parallelism N] [workers...]\n");
      return 2;
    }
  }
  if (sizes.empty()) sizes = {kReferenceWorkers, 50};
  if (!baseline) baseline = std::find(sizes.begin(), sizes.end(), kReferenceWorkers) != sizes.end();
  std::optional<Timing> reference;  // kstack's, when the reference size ran
  auto dir = fs::temp_directory_path() / ("kstack-bench-" + std::to_string(getpid()));
  fs::create_directories(dir);
  // "calls": operations through the reconciler's seam (a list, a create, ...); "http": every HTTP request the
  // client sent for them, pre-flight, polls, retries and re-authentication included.
  fmt::print("{:>8} {:>10} {:>10} {:>7} {:>7} {:>10} {:>7} {:>7} {:>10}\n", "workers", "resources", "apply s", "calls",
             "http", "no-op s", "calls", "http", "destroy s");
  int status = 0;
  for (int workers : sizes) {
    std::string name = fmt::format("bench{}", workers);
    auto session =
        Session::open({.spec_file = spec_for(dir, name, workers, cloud), .state_dir = (dir / name).string()});
    if (!session) {
      fmt::print(stderr, "{}\n", session.error().to_string());
      return 1;
    }
    auto& s = **session;
    ExecutorOptions exec{.parallelism = parallelism, .poll_interval = std::chrono::milliseconds(500)};
    auto& transport = s.client().transport();
    const long http_before = transport.requests_sent();
    CountingCloud counted(s.cloud());
    auto start = std::chrono::steady_clock::now();
    auto applied = s.apply({}, exec, nullptr, &counted);
    double apply_s = seconds_since(start);
    int apply_calls = counted.total();
    const long apply_http = transport.requests_sent() - http_before;
    if (!applied || !applied->result.ok()) {
      fmt::print(stderr, "apply failed: {}\n",
                 !applied ? applied.error().to_string()
                          : (applied->result.errors.empty() ? "interrupted" : applied->result.errors[0].to_string()));
      status = 1;
    }
    CountingCloud again(s.cloud());
    start = std::chrono::steady_clock::now();
    const auto before_noop = s.client().requests();
    auto noop = s.apply({}, exec, nullptr, &again);
    double noop_s = seconds_since(start);
    const long noop_http = transport.requests_sent() - http_before - apply_http;
    const auto noop_kinds = s.client().requests();  // cumulative: the no-op's share is printed below
    if (!noop || !noop->plan.empty()) {
      fmt::print(stderr, "the no-op apply {}\n", noop ? "planned changes" : "failed: " + noop.error().to_string());
      status = 1;
    }
    start = std::chrono::steady_clock::now();
    CountingCloud gone(s.cloud());
    auto observed = observe(gone, true);
    size_t resources = observed ? observed->resources.size() : 0;
    if (observed) {
      auto result = execute(make_destroy_plan(*observed, true), *observed, gone, exec);
      if (!result.ok()) {
        fmt::print(stderr, "destroy failed: {}\n",
                   result.errors.empty() ? "interrupted" : result.errors[0].to_string());
        status = 1;
      }
    }
    // As `kstack destroy` does: the cluster's application credential goes with it.
    if (auto deleted = delete_credentials(s.client(), s.state(), s.spec().name); !deleted) {
      fmt::print(stderr, "deleting the cluster's application credential failed: {}\n", deleted.error().to_string());
      status = 1;
    }
    double destroy_s = seconds_since(start);
    fmt::print("{:>8} {:>10} {:>10.1f} {:>7} {:>7} {:>10.2f} {:>7} {:>7} {:>10.1f}\n", workers, resources, apply_s,
               apply_calls, apply_http, noop_s, again.total(), noop_http, destroy_s);
    // The no-op's requests by purpose (this session authenticated and discovered during the apply already;
    // a fresh process adds its token and no version documents: see no_op_requests_integration_test).
    fmt::print("{:>8} no-op http by purpose: auth {}, discovery {}, list {}, other {}\n", "",
               noop_kinds.auth - before_noop.auth, noop_kinds.discovery - before_noop.discovery,
               noop_kinds.reads - before_noop.reads, noop_kinds.writes - before_noop.writes);
    if (applied) print_critical_path(applied->result, apply_s);
    std::fflush(stdout);
    if (workers == kReferenceWorkers) reference = Timing{apply_s, destroy_s, apply_calls + gone.total()};
  }
  fs::remove_all(dir);
  if (*baseline) {
    auto cli = run_baseline(fmt::format("clibase{}", getpid()));
    if (!cli) return 1;
    if (!reference) {
      fmt::print("(kstack did not run the reference size {}: no ratio)\n", kReferenceWorkers);
    } else {
      print_comparison(*reference, *cli);
    }
  }
  return status;
}
