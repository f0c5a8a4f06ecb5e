// Render time of the reference cluster and of a 100-node cluster, and the largest user-data (raw,
// gzip, base64) against Nova's 65,535-byte limit. A real PKI is issued into a temporary state
// directory first; its cost is reported separately from rendering.
//
// Usage: render_bench [iterations]   (default 20)
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "bootstrap/render.h"
#include "bootstrap/secrets.h"
#include "bootstrap/user_data.h"
#include "model/cluster_model.h"
#include "state/state_dir.h"

namespace {

using namespace kstack;
using Clock = std::chrono::steady_clock;

spec::ClusterSpec cluster(int masters, int workers) {
  spec::ClusterSpec s;
  s.name = "bench";
  s.kubernetes.version = "1.34.4";
  s.ssh_public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBenchmarkKeyOnly bench@example";
  s.masters.count = masters;
  s.masters.volume_size_gb = 25;
  s.workers.count = workers;
  s.workers.volume_size_gb = 50;
  s.bastion.count = 1;
  return s;
}

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

int bench(const char* label, const spec::ClusterSpec& spec, int iterations) {
  char tmpl[] = "/tmp/kstack-render-bench-XXXXXX";
  const std::filesystem::path dir = mkdtemp(tmpl);
  auto model = model::build_model(spec);
  if (!model) {
    fmt::print(stderr, "{}\n", model.error().to_string());
    return 1;
  }
  auto state = state::StateDir::open(dir / "state");
  if (!state) {
    fmt::print(stderr, "{}\n", state.error().to_string());
    return 1;
  }
  auto start = Clock::now();
  auto pki = pki::ensure_pki(*state, bootstrap::pki_inputs(spec, *model, ""));
  const double pki_ms = ms_since(start);
  auto secrets = bootstrap::ensure_secrets(*state);
  if (!pki || !secrets) {
    fmt::print(stderr, "PKI or secrets failed\n");
    return 1;
  }
  std::vector<bootstrap::RenderedNode> nodes;
  start = Clock::now();
  for (int i = 0; i < iterations; ++i) {
    auto rendered = bootstrap::render_cluster(spec, *model, *pki, *secrets, bootstrap::RenderOptions{});
    if (!rendered) {
      fmt::print(stderr, "{}\n", rendered.error().to_string());
      return 1;
    }
    nodes = std::move(*rendered);
  }
  const double render_ms = ms_since(start) / iterations;
  start = Clock::now();
  if (auto written = bootstrap::write_tree(nodes, dir / "render"); !written) {
    fmt::print(stderr, "{}\n", written.error().to_string());
    return 1;
  }
  const double write_ms = ms_since(start);
  const bootstrap::RenderedNode* largest = &nodes.front();
  for (const auto& n : nodes) {
    if (n.cloud_config.size() > largest->cloud_config.size()) largest = &n;
  }
  auto gz = bootstrap::gzip(largest->cloud_config);
  fmt::print("{}: {} nodes\n", label, nodes.size());
  fmt::print("  PKI issue (first time)   {:9.1f} ms\n", pki_ms);
  fmt::print("  render, all nodes        {:9.2f} ms  (mean of {})\n", render_ms, iterations);
  fmt::print("  write tree               {:9.1f} ms\n", write_ms);
  fmt::print(
      "  largest user-data: {} raw {} B, gzip {} B, base64 of what is sent {} B ({}), limit {} B ({:.0f}% used)\n",
      largest->name, largest->cloud_config.size(), gz ? gz->size() : 0, largest->base64_size,
      largest->gzipped ? "gzip" : "plain", bootstrap::kNovaUserDataLimit,
      100.0 * static_cast<double>(largest->base64_size) / bootstrap::kNovaUserDataLimit);
  fmt::print("  raw base64 would be {} B\n", bootstrap::base64_size(largest->cloud_config.size()));
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::max(1, std::atoi(argv[1])) : 20;
  if (int rc = bench("reference cluster (3 masters, 2 workers, bastion)", cluster(3, 2), iterations); rc != 0)
    return rc;
  return bench("100-node cluster (3 masters, 96 workers, bastion)", cluster(3, 96), std::max(1, iterations / 4));
}
