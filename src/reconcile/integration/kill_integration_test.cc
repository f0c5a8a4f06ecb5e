// `kstack apply` killed with SIGKILL at random moments, then run to completion: the cluster ends up
// exactly as the spec says, with no duplicate and no leaked resource, and the cluster's CA never changes.
// The delays are printed; KSTACK_KILL_DELAYS="3,9,17" (seconds) replays a run.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "reconcile/desired.h"
#include "reconcile/integration/dev_cloud_cluster.h"

namespace kstack::reconcile {
namespace {

namespace fs = std::filesystem;

// What src/pki/cluster_pki.cc writes once and must never write again: the three CAs and the
// service-account key pair.
const char* const kCaFiles[] = {"pki/ca.crt",
                                "pki/ca.key",
                                "pki/etcd/ca.crt",
                                "pki/etcd/ca.key",
                                "pki/front-proxy-ca.crt",
                                "pki/front-proxy-ca.key",
                                "pki/sa.key",
                                "pki/sa.pub"};

std::vector<double> kill_delays() {
  std::vector<double> delays;
  if (const char* env = std::getenv("KSTACK_KILL_DELAYS"); env && *env) {
    std::stringstream in(env);
    std::string item;
    while (std::getline(in, item, ',')) delays.push_back(std::stod(item));
    std::printf("kill -9 delays from KSTACK_KILL_DELAYS\n");
  } else {
    const unsigned seed = std::random_device{}();
    std::mt19937 gen(seed);
    // A whole HA apply takes 20 to 40 s on the dev cloud, and each run resumes what the last one left:
    // later delays must be short for their kills to land in an apply rather than after it.
    std::uniform_real_distribution<double> uniform(1.0, 12.0);
    for (int i = 0; i < 3; ++i) delays.push_back(uniform(gen));
    std::printf("kill -9 delays drawn with seed %u\n", seed);
  }
  std::string list;
  for (double d : delays) list += (list.empty() ? "" : ",") + std::to_string(d).substr(0, 5);
  std::printf("reproduce with: KSTACK_KILL_DELAYS=\"%s\"\n", list.c_str());
  std::fflush(stdout);
  return delays;
}

// The CA files' SHA-256, or nothing while any of them is missing.
std::optional<std::map<std::string, std::string>> ca_digests(const fs::path& state) {
  std::map<std::string, std::string> out;
  for (const char* f : kCaFiles) {
    if (!fs::exists(state / f)) return std::nullopt;
    out[f] = sha256_hex(read_file(state / f));
  }
  return out;
}

std::string tail(const std::string& text, size_t lines) {
  size_t at = text.size();
  while (lines-- > 0 && at > 0) at = text.rfind('\n', at - 1);
  return at == std::string::npos ? text : text.substr(at);
}

class KillNine : public DevCloudCluster {};

TEST_F(KillNine, ApplyKilledThreeTimesThenCompletedLeavesNoDuplicateNoLeakAndTheSameCa) {
  // HA with two workers: the load balancer's slow, asynchronous create is among what the kills can hit,
  // and the test stays within about three minutes.
  auto spec = write_spec(3, 2);
  const fs::path log = dir_ / "kstack.log";
  const std::vector<std::string> argv = {
      KSTACK_BINARY, "apply", "-f", spec, "--state-dir", state_dir().string(), "--yes", "--parallelism", "4"};
  std::optional<std::map<std::string, std::string>> ca;
  int ca_after_run = 0;
  int killed = 0;
  int run = 0;
  for (double delay : kill_delays()) {
    ++run;
    std::ofstream(log, std::ios::app) << "\n== run " << run << ": kill -9 after " << delay << " s\n";
    ChildProcess child(argv, log);
    ASSERT_TRUE(child.started()) << KSTACK_BINARY;
    if (auto code = child.wait_for(std::chrono::milliseconds(static_cast<int>(delay * 1000)))) {
      std::printf("run %d: exited with %d before the kill at %.1f s\n", run, *code, delay);
    } else {
      child.kill_now();
      ++killed;
      std::printf("run %d: killed after %.1f s\n", run, delay);
    }
    std::fflush(stdout);
    auto now = ca_digests(state_dir());
    if (!ca && now) {
      ca = now;
      ca_after_run = run;
    } else if (ca) {
      EXPECT_EQ(now, ca) << "the CA files changed in run " << run;
    }
  }
  std::printf("%d of %d runs were killed; the CA files were complete after run %d\n", killed, run, ca_after_run);
  {
    // What the kills left between a create and its tag: the journal names them, and the next apply
    // adopts them (a port among them holds the fixed IP that the desired port needs).
    auto s = open(spec);
    ASSERT_TRUE(s);
    for (const auto& u : untagged_leftovers(*s))
      std::printf("after the kills, without the cluster's tag: %s\n", u.c_str());
  }

  std::ofstream(log, std::ios::app) << "\n== run " << run + 1 << ": to completion\n";
  ChildProcess last(argv, log);
  ASSERT_TRUE(last.started());
  auto code = last.wait_for(std::chrono::minutes(5));
  ASSERT_TRUE(code) << "apply did not finish within 5 minutes:" << tail(read_file(log), 30);
  EXPECT_EQ(*code, 0) << tail(read_file(log), 30);
  auto final_ca = ca_digests(state_dir());
  ASSERT_TRUE(final_ca) << "the CA files are missing after a complete apply";
  if (ca) {
    EXPECT_EQ(*final_ca, *ca) << "the CA files changed since run " << ca_after_run;
  }

  auto s = open(spec);
  ASSERT_TRUE(s);
  auto observed = observe(s->cloud());
  ASSERT_TRUE(observed) << observed.error().to_string();
  auto desired = s->desired(*observed);
  ASSERT_TRUE(desired) << desired.error().to_string();
  auto plan = make_plan(*desired, *observed);
  ASSERT_TRUE(plan) << plan.error().to_string();
  for (const auto& a : plan->actions) {
    ADD_FAILURE() << "after the complete apply: " << op_name(a.op) << " " << a.key.to_string() << " " << a.reason;
  }
  for (const auto& r : *desired) {
    EXPECT_EQ(observed->find(r.key).size(), 1u) << r.key.to_string();
  }
  EXPECT_EQ(observed->resources.size(), desired->size()) << "a resource the spec does not name is left";
  for (const auto& u : untagged_leftovers(*s)) ADD_FAILURE() << "leaked without the cluster's tag: " << u;
  if (HasFailure()) std::printf("kstack's output:%s\n", tail(read_file(log), 60).c_str());

  destroy_and_prove_empty(*s);
}

}  // namespace
}  // namespace kstack::reconcile
