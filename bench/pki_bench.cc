// Prints how long generating a cluster's whole PKI takes, into a fresh state directory (with its
// fsyncs), for the reference cluster (3 masters, 3 workers) and a 100-node cluster, with ECDSA
// P-256 and RSA-2048 keys; then how long a second run takes when everything is reused.
#include <fmt/format.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <optional>

#include "pki/cluster_pki.h"
#include "state/state_dir.h"

namespace {
namespace fs = std::filesystem;
using kstack::pki::PkiInputs;
using kstack::spec::KeyAlgorithm;

PkiInputs cluster(int masters, int workers, KeyAlgorithm algorithm) {
  PkiInputs in;
  in.cluster_name = "bench";
  in.algorithm = algorithm;
  for (int i = 1; i <= masters; ++i)
    in.masters.push_back({fmt::format("bench-master-{}", i), fmt::format("10.0.0.{}", 10 + i)});
  in.etcd_members = in.masters;
  in.kubelet_nodes = in.masters;
  for (int i = 1; i <= workers; ++i) {
    in.kubelet_nodes.push_back(
        {fmt::format("bench-worker-{}", i), fmt::format("10.0.{}.{}", 1 + i / 250, i % 250 + 1)});
  }
  in.api_vip = "10.0.0.5";
  in.api_floating_ip = "203.0.113.10";
  return in;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int run(const char* label, const PkiInputs& in) {
  std::string tmpl = (fs::temp_directory_path() / "kstack-pki-bench-XXXXXX").string();
  fs::path dir = ::mkdtemp(tmpl.data());
  int status = 0;
  {
    auto state = kstack::state::StateDir::open(dir / "state");
    if (!state) {
      fmt::print(stderr, "{}\n", state.error().to_string());
      return 1;
    }
    auto start = std::chrono::steady_clock::now();
    auto pki = kstack::pki::ensure_pki(*state, in);
    double fresh = seconds_since(start);
    if (!pki) {
      fmt::print(stderr, "{}\n", pki.error().to_string());
      status = 1;
    } else {
      start = std::chrono::steady_clock::now();
      auto again = kstack::pki::ensure_pki(*state, in);
      double reuse = seconds_since(start);
      if (!again || !again->changes.empty()) status = 1;
      size_t files = state->list("pki").value_or(std::vector<std::string>{}).size();
      fmt::print("{:<48} {:>5} nodes {:>5} files  issue {:>7.2f} s ({:>6.1f} ms/cert)  reuse {:>6.2f} s\n", label,
                 in.kubelet_nodes.size(), files, fresh, 1000 * fresh / static_cast<double>(pki->changes.size()), reuse);
    }
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  return status;
}

}  // namespace

int main() {
  int status = 0;
  status |= run("reference (3 masters, 3 workers) ECDSA P-256", cluster(3, 3, KeyAlgorithm::ecdsa_p256));
  status |= run("reference (3 masters, 3 workers) RSA-2048", cluster(3, 3, KeyAlgorithm::rsa2048));
  status |= run("100 nodes (3 masters, 97 workers) ECDSA P-256", cluster(3, 97, KeyAlgorithm::ecdsa_p256));
  status |= run("100 nodes (3 masters, 97 workers) RSA-2048", cluster(3, 97, KeyAlgorithm::rsa2048));
  return status;
}
