// Times parsing and validating cluster specs: the reference HA spec as `kstack init` writes it, the
// smallest valid spec, and a spec with many errors. Prints the median and spread of the per-run time.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "spec/defaults.h"
#include "spec/load.h"
#include "spec/render.h"

namespace {

/// Figures are the statistics of one benchmark's per-run times, in microseconds.
struct Figures {
  double median_us = 0;
  double p10_us = 0;
  double p90_us = 0;
  double min_us = 0;
};

template <class F>
Figures measure(int runs, F&& body) {
  for (int i = 0; i < runs / 10 + 1; ++i) body();  // warm the allocator and the caches
  std::vector<double> us;
  us.reserve(runs);
  for (int i = 0; i < runs; ++i) {
    auto start = std::chrono::steady_clock::now();
    body();
    auto end = std::chrono::steady_clock::now();
    us.push_back(std::chrono::duration<double, std::micro>(end - start).count());
  }
  std::sort(us.begin(), us.end());
  auto at = [&](double q) { return us[static_cast<size_t>(q * (us.size() - 1))]; };
  return {at(0.5), at(0.1), at(0.9), us.front()};
}

void report(std::string_view what, int runs, const Figures& f) {
  fmt::print("{:<48} {:>6} runs  median {:>8.1f} us  p10 {:>8.1f} us  p90 {:>8.1f} us  min {:>8.1f} us\n", what, runs,
             f.median_us, f.p10_us, f.p90_us, f.min_us);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace kstack::spec;
  int runs = argc > 1 ? std::atoi(argv[1]) : 2000;
  if (runs < 1) runs = 2000;

  const std::string reference = render_spec(reference_cluster(Topology::ha, "demo"));
  const std::string minimal = "name: demo\n";
  const std::string broken =
      "name: My_Cluster\nkubernetes: {version: 2.0.0, pod_cidr: 10.0.0.0/16}\n"
      "node_pools: {masters: {count: 4}, workers: {cuont: 3}}\npki: {algorithm: rsa-1024}\n";

  // Check once that each input does what its label says before timing it.
  if (!parse(reference, "cluster.yaml") || !parse(minimal, "cluster.yaml") || parse(broken, "cluster.yaml")) {
    fmt::print(stderr, "spec_bench: an input did not parse as expected\n");
    return 1;
  }

  fmt::print("spec parse + validate ({} bytes reference spec, {} lines)\n", reference.size(),
             std::count(reference.begin(), reference.end(), '\n'));
  size_t sink = 0;
  report("reference ha spec (kstack init output)", runs,
         measure(runs, [&] { sink += parse(reference, "cluster.yaml")->masters.count; }));
  report("minimal spec (name only, defaults filled in)", runs,
         measure(runs, [&] { sink += parse(minimal, "cluster.yaml")->workers.count; }));
  report("invalid spec (6 errors collected)", runs,
         measure(runs, [&] { sink += parse(broken, "cluster.yaml").error().size(); }));
  report("render reference spec (kstack init)", runs,
         measure(runs, [&] { sink += render_spec(reference_cluster(Topology::ha, "demo")).size(); }));
  fmt::print("(checksum {})\n", sink);
  return 0;
}
