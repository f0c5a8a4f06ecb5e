// Memory and time at scale, against the in-memory cloud: the reference cluster with 200 workers (or the
// sizes given) is rendered for real (PKI issued into a temporary state directory, every node's
// user-data), planned, applied and planned again. Prints the process's peak resident set after each
// stage; the goal is under 100 MB for 200 workers.
//   build/bench/scale_bench [workers...]   (default: 200)
#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "bootstrap/render.h"
#include "bootstrap/secrets.h"
#include "reconcile/executor.h"
#include "reconcile/plan.h"
#include "reconcile/testing/fake_cloud.h"
#include "reconcile/testing/reference_cluster.h"
#include "state/state_dir.h"

namespace {

using namespace kstack;
using namespace kstack::reconcile;
using Clock = std::chrono::steady_clock;

double peak_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // kilobytes on Linux
}

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

int run(int workers) {
  char tmpl[] = "/tmp/kstack-scale-bench-XXXXXX";
  const std::filesystem::path dir = mkdtemp(tmpl);
  auto spec = testing::reference_spec(3, workers, "scale");
  auto model = model::build_model(spec);
  auto state = state::StateDir::open(dir / "state");
  if (!model || !state) {
    fmt::print(stderr, "{}\n", !model ? model.error().to_string() : state.error().to_string());
    return 1;
  }
  auto start = Clock::now();
  auto pki = pki::ensure_pki(*state, bootstrap::pki_inputs(spec, *model, "203.0.113.7"));
  auto secrets = bootstrap::ensure_secrets(*state);
  if (!pki || !secrets) {
    fmt::print(stderr, "{}\n", !pki ? pki.error().to_string() : secrets.error().to_string());
    return 1;
  }
  auto nodes = bootstrap::render_cluster(spec, *model, *pki, *secrets, {});
  if (!nodes) {
    fmt::print(stderr, "{}\n", nodes.error().to_string());
    return 1;
  }
  auto facts = testing::reference_facts(*model);
  size_t user_data_bytes = 0;
  for (const auto& n : *nodes) {
    user_data_bytes += n.user_data.size();
    facts.user_data[n.name] = n.user_data;
  }
  auto desired = desired_resources(spec, *model, facts);
  if (!desired) {
    fmt::print(stderr, "{}\n", desired.error().to_string());
    return 1;
  }
  nodes->clear();
  fmt::print("{:>8} {:>10} {:>14} {:>10.1f} {:>12.1f}\n", workers, "render",
             fmt::format("{} nodes", model->nodes.size()), seconds_since(start), peak_mb());

  FakeCloud cloud({.lists_until_settled = 1});
  start = Clock::now();
  auto observed = observe(cloud);
  auto plan = observed ? make_plan(*desired, *observed) : std::unexpected(observed.error());
  if (!plan) {
    fmt::print(stderr, "{}\n", plan.error().to_string());
    return 1;
  }
  fmt::print("{:>8} {:>10} {:>14} {:>10.1f} {:>12.1f}\n", workers, "plan",
             fmt::format("{} actions", plan->actions.size()), seconds_since(start), peak_mb());

  start = Clock::now();
  auto result = execute(*plan, *observed, cloud, {.parallelism = 8, .poll_interval = std::chrono::milliseconds(1)});
  if (!result.ok()) {
    fmt::print(stderr, "apply failed: {}\n", result.errors.empty() ? "skipped" : result.errors[0].to_string());
    return 1;
  }
  fmt::print("{:>8} {:>10} {:>14} {:>10.1f} {:>12.1f}\n", workers, "apply", fmt::format("{} created", result.created),
             seconds_since(start), peak_mb());

  start = Clock::now();
  auto again = observe(cloud);
  auto noop = again ? make_plan(*desired, *again) : std::unexpected(again.error());
  if (!noop || !noop->empty()) {
    fmt::print(stderr, "the second plan is not empty\n");
    return 1;
  }
  fmt::print("{:>8} {:>10} {:>14} {:>10.1f} {:>12.1f}\n", workers, "no-op plan", "0 actions", seconds_since(start),
             peak_mb());
  fmt::print("{:>8} user-data held: {:.1f} MB\n", "", static_cast<double>(user_data_bytes) / 1e6);
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes;
  for (int i = 1; i < argc; ++i) {
    if (std::atoi(argv[i]) <= 0) {
      fmt::print(stderr, "usage: scale_bench [workers...]\n");
      return 2;
    }
    sizes.push_back(std::atoi(argv[i]));
  }
  if (sizes.empty()) sizes = {200};
  fmt::print("{:>8} {:>10} {:>14} {:>10} {:>12}\n", "workers", "stage", "", "seconds", "peak RSS MB");
  for (int workers : sizes) {
    if (int status = run(workers); status != 0) return status;
  }
  return 0;
}
