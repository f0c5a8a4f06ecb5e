// Faults survived, on the dev cloud: the kstack binary applies and destroys the HA reference cluster
// through bench/fault_proxy.py, which faults a share of the requests (5xx, 429, resets, responses held
// beyond the timeout, responses lost after the cloud acted, tokens expired), and is killed with SIGKILL
// at random moments. It prints a table per suite:
//   faults  one apply and one destroy per seed through the proxy; each is run again (at most twice in
//           all) until it succeeds. Converged: the cloud then holds exactly the spec (an empty plan, no
//           key twice). Leftovers: anything named like the cluster after the destroy.
//   kills   apply and destroy alternately, each killed at a random moment and then run to completion.
//   errors  a server and the API load balancer shown in ERROR on their first create: saved evidence,
//           re-created, converged in one run.
//   storm   every request answered 429 (Retry-After: 1) for 10 s in the middle of an apply: the requests
//           counted.
// Seeded and repeatable (the faults follow from the seed and the sequence of requests; the kill delays
// from the seed). Run with the dev cloud up (devcloud/up):
//   build/bench/fault_bench [--seeds N] [--first-seed S] [--rate R] [--kills K] [--short] [--only SUITE]
// --short is what the test run uses: 2 seeds, 3 kills.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <regex>
#include <sstream>
#include <thread>

#include "openstack/blockstorage.h"
#include "openstack/compute.h"
#include "openstack/identity.h"
#include "openstack/loadbalancer.h"
#include "openstack/network.h"
#include "reconcile/openstack_cloud.h"
#include "reconcile/session.h"

namespace fs = std::filesystem;
using namespace kstack;
using namespace kstack::reconcile;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kOffset = 20000;                                       // the proxy listens on each API's port + this
const char* const kApiPorts = "5000,9292,8778,8774,9696,8776,9876";  // devcloud/lib/common.sh API_PORTS

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

/// Child is a program run with its output appended to a log; SIGKILLed and reaped if still running at the end.
class Child {
 public:
  Child(const std::vector<std::string>& argv, const fs::path& log, const std::map<std::string, std::string>& env) {
    pid_ = ::fork();
    if (pid_ == 0) {
      for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
      FILE* out = std::fopen(log.c_str(), "a");
      if (out) {
        ::dup2(::fileno(out), 1);
        ::dup2(::fileno(out), 2);
      }
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execvp(args[0], args.data());
      ::_exit(127);
    }
  }
  ~Child() {
    if (pid_ > 0 && !status_) kill(SIGKILL);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  /// The exit status (-1 for a signal), waiting for it; or nothing when `timeout` passes first.
  std::optional<int> wait_for(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (!status_) {
      int st = 0;
      const pid_t done = ::waitpid(pid_, &st, WNOHANG);
      if (done == pid_) {
        status_ = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        break;
      }
      if (Clock::now() >= deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return status_;
  }
  int wait() { return *wait_for(std::chrono::hours(2)); }
  void kill(int signal) {
    if (pid_ <= 0 || status_) return;
    ::kill(pid_, signal);
    int st = 0;
    ::waitpid(pid_, &st, 0);
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  }

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

bool port_open(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool open = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return open;
}

/// Proxy is bench/fault_proxy.py for the life of the object; its counts are read when it stops.
class Proxy {
 public:
  Proxy(const fs::path& dir, std::vector<std::string> options) : stats_(dir / "proxy-stats.json") {
    std::vector<std::string> argv = {"python3",  std::string(KSTACK_SOURCE_DIR) + "/bench/fault_proxy.py",
                                     "--offset", std::to_string(kOffset),
                                     "--ports",  kApiPorts,
                                     "--stats",  stats_.string()};
    argv.insert(argv.end(), options.begin(), options.end());
    fs::remove(stats_);
    child_.emplace(argv, dir / "proxy.log", std::map<std::string, std::string>{});
    for (int i = 0; i < 100 && !port_open(5000 + kOffset); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ~Proxy() { stop(); }
  nlohmann::json stop() {
    if (child_) {
      child_->kill(SIGTERM);
      child_.reset();
    }
    try {
      return nlohmann::json::parse(read_text(stats_));
    } catch (const std::exception&) {
      return nlohmann::json::object();
    }
  }

 private:
  fs::path stats_;
  std::optional<Child> child_;
};

/// Bench is one cluster's directory, spec and clouds.yaml files (direct, and through the proxy).
struct Bench {
  fs::path dir;
  std::string name;
  fs::path spec;
  fs::path direct_clouds;  // the dev cloud's clouds.yaml
  fs::path proxy_clouds;   // the same cloud, through the proxy, with a short request timeout

  std::map<std::string, std::string> env(bool proxied) const {
    return {{"OS_CLIENT_CONFIG_FILE", (proxied ? proxy_clouds : direct_clouds).string()}};
  }
  fs::path state() const { return dir / "state"; }
  fs::path log() const { return dir / "kstack.log"; }

  std::vector<std::string> argv(const std::string& command) const {
    std::vector<std::string> a = {KSTACK_BINARY, command,          "-f",    spec.string(),
                                  "--state-dir", state().string(), "--yes", "--plain"};
    if (command == "apply") a.insert(a.end(), {"--parallelism", "4"});
    if (command == "destroy") a.push_back("--delete-volumes");
    return a;
  }
};

Bench make_bench(const fs::path& root, const std::string& name, const fs::path& devcloud_clouds) {
  Bench b{.dir = root / name, .name = name};
  fs::create_directories(b.dir);
  std::string yaml = read_text(fs::path(KSTACK_SOURCE_DIR) / "tests/specs/good/ha.yaml");
  yaml = std::regex_replace(yaml, std::regex("\nname: kstack"), "\nname: " + name);
  yaml = std::regex_replace(yaml, std::regex("cloud: \"\""), "cloud: devcloud");
  yaml = std::regex_replace(yaml, std::regex("ssh_public_key_file: \"[^\"]*\"\n"), "");
  yaml = std::regex_replace(
      yaml, std::regex("ssh_public_key: \"\""),
      "ssh_public_key: \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDwYl2vUhz2gyWKccZq3w4c8eUgTZVz14tA3vELP6U1I it@kstack\"");
  b.spec = b.dir / (name + ".yaml");
  std::ofstream(b.spec) << yaml;
  b.direct_clouds = devcloud_clouds;
  // The proxy's Keystone; every other address comes from its rewritten catalog. Its slow responses are
  // held 12 s: beyond this timeout.
  std::string clouds = read_text(devcloud_clouds);
  clouds = std::regex_replace(clouds, std::regex("127\\.0\\.0\\.1:5000/"),
                              "127.0.0.1:" + std::to_string(5000 + kOffset) + "/");
  clouds = std::regex_replace(clouds, std::regex("(  devcloud:\n)"), "$1    api_timeout: 8\n");
  b.proxy_clouds = b.dir / "clouds-proxy.yaml";
  std::ofstream(b.proxy_clouds) << clouds;
  return b;
}

/// Inspection is what the cloud holds of a cluster, looked at directly (never through the proxy).
struct Inspection {
  bool plan_empty = false;
  int duplicates = 0;  // keys held more than once
  int leftovers = 0;   // after a destroy: anything named or tagged like the cluster
  std::string detail;  // the first finding, or the error
};

Inspection inspect(const Bench& b, bool after_destroy) {
  Inspection out;
  ::setenv("OS_CLIENT_CONFIG_FILE", b.direct_clouds.c_str(), 1);
  auto s = Session::open({.spec_file = b.spec.string(), .state_dir = b.state().string()});
  if (!s) {
    out.detail = s.error().to_string();
    return out;
  }
  auto observed = observe((*s)->cloud(), true);
  if (!observed) {
    out.detail = observed.error().to_string();
    return out;
  }
  std::map<Key, int> count;
  for (const auto& r : observed->resources) {
    if (r.origin == Origin::kstack && ++count[r.key] == 2) {
      ++out.duplicates;
      if (out.detail.empty()) out.detail = "twice: " + r.key.to_string();
    }
  }
  if (after_destroy) {
    auto& client = (*s)->client();
    auto named = [&](const std::string& n) { return n == b.name || n.starts_with(b.name + "-"); };
    auto note = [&](const std::string& what) {
      ++out.leftovers;
      if (out.detail.empty()) out.detail = "left: " + what;
    };
    for (const auto& r : observed->resources) note(r.key.to_string());
    // Every collection, by name; a list that fails counts as a finding, never as clean.
    auto scan = [&](const char* what, const auto& listed) {
      if (!listed) return note(fmt::format("(could not list {}s: {})", what, listed.error().what));
      for (const auto& x : *listed) {
        if (named(x.name)) note(fmt::format("{} {}", what, x.name));
      }
    };
    namespace net = openstack::network;
    scan("network", net::list_networks(client));
    scan("subnet", net::list_subnets(client));
    scan("router", net::list_routers(client));
    scan("port", net::list_ports(client));
    scan("security group", net::list_security_groups(client));
    scan("server", openstack::compute::list_servers(client));
    scan("volume", openstack::blockstorage::list_volumes(client));
    scan("load balancer", openstack::loadbalancer::list_load_balancers(client));
    const std::string tag = cluster_tag(b.name);
    if (auto all = net::list_floating_ips(client, {.tags = {tag}}); !all) {
      note("(could not list floating IPs: " + all.error().what + ")");
    } else {
      for (const auto& x : *all) note("floating IP " + x.id);
    }
    // The cluster's application credentials: by the description kstack gives them.
    const std::string mine = credential_description(b.name, client.project_id());
    if (auto creds = openstack::identity::list_application_credentials(client, client.user_id()); !creds) {
      note("(could not list application credentials: " + creds.error().what + ")");
    } else {
      for (const auto& c : *creds) {
        if (c.description == mine) note("application credential " + c.name);
      }
    }
    return out;
  }
  auto want = (*s)->desired(*observed);
  if (!want) {
    out.detail = want.error().to_string();
    return out;
  }
  auto plan = make_plan(*want, *observed);
  if (!plan) {
    out.detail = plan.error().to_string();
    return out;
  }
  out.plan_empty = plan->empty();
  if (!plan->empty() && out.detail.empty()) out.detail = "plan: " + plan->actions.front().key.to_string();
  return out;
}

// The last error kstack printed names a resource and a request id (or it printed no error).
bool error_is_located(const fs::path& log, size_t from) {
  std::string text = read_text(log).substr(std::min(from, read_text(log).size()));
  const auto at = text.rfind("error:");
  if (at == std::string::npos) return true;
  const std::string error = text.substr(at);
  return error.find("request ") != std::string::npos || error.find("req-") != std::string::npos;
}

/// RunCount is how often a command was run until it succeeded (0: never within the limit).
struct RunCount {
  int runs = 0;
  bool ok = false;
  bool located = true;  // every failed run's error named a resource and a request id
};

RunCount run_until_ok(const Bench& b, const std::string& command, bool proxied, int limit) {
  RunCount rc;
  while (rc.runs < limit && !rc.ok) {
    ++rc.runs;
    const size_t from = fs::exists(b.log()) ? fs::file_size(b.log()) : 0;
    {
      std::ofstream(b.log(), std::ios::app)
          << fmt::format("\n$ kstack {} (run {}{})\n", command, rc.runs, proxied ? ", through the fault proxy" : "");
    }
    Child child(b.argv(command), b.log(), b.env(proxied));
    rc.ok = child.wait() == 0;
    if (!rc.ok && !error_is_located(b.log(), from)) rc.located = false;
  }
  return rc;
}

int suite_faults(const fs::path& root, const fs::path& clouds, int first_seed, int seeds, double rate) {
  fmt::print("\nfaults: the HA reference cluster through the fault proxy, {:.0f}% of requests faulted\n", rate * 100);
  fmt::print("{:>6} {:>7} {:>9} {:>5} {:>7} {:>9} {:>9} {:>7}  {}\n", "seed", "apply", "converged", "dups", "destroy",
             "leftovers", "requests", "faults", "faults (retries) by kind");
  int failures = 0;
  std::map<std::string, std::pair<int, int>> totals;
  for (int seed = first_seed; seed < first_seed + seeds; ++seed) {
    Bench b = make_bench(root, fmt::format("fault{}", seed), clouds);
    Proxy proxy(b.dir, {"--seed", std::to_string(seed), "--rate", fmt::format("{}", rate)});
    const auto apply = run_until_ok(b, "apply", true, 2);
    const auto after_apply = inspect(b, false);
    const auto destroy = run_until_ok(b, "destroy", true, 2);
    auto stats = proxy.stop();
    // Whatever the proxy did, the cluster goes: a destroy without faults.
    RunCount cleanup;
    if (!destroy.ok) cleanup = run_until_ok(b, "destroy", false, 1);
    const auto after_destroy = inspect(b, true);
    const bool converged = apply.ok && after_apply.plan_empty && after_apply.duplicates == 0;
    std::string kinds;
    int faulted = 0;
    const auto by_kind = stats.value("faults", nlohmann::json::object());
    const auto retried = stats.value("retries", nlohmann::json::object());
    for (const auto& [kind, n] : by_kind.items()) {
      const int count = n.is_number() ? n.get<int>() : 0;
      const int retries = retried.value(kind, 0);
      faulted += count;
      totals[kind].first += count;
      totals[kind].second += retries;
      if (count > 0) kinds += fmt::format("{} {}({}) ", kind, count, retries);
    }
    fmt::print("{:>6} {:>7} {:>9} {:>5} {:>7} {:>9} {:>9} {:>7}  {}\n", seed,
               apply.ok ? std::to_string(apply.runs) : "fail", converged ? "yes" : "NO", after_apply.duplicates,
               destroy.ok ? std::to_string(destroy.runs) : "fail", after_destroy.leftovers, stats.value("requests", 0),
               faulted, kinds);
    if (!apply.located || !destroy.located)
      fmt::print("{:>6} a failed run's error named no request id: see {}\n", "", b.log().string());
    if (!converged && !after_apply.detail.empty()) fmt::print("{:>6} {}\n", "", after_apply.detail);
    if (after_destroy.leftovers > 0) fmt::print("{:>6} {}\n", "", after_destroy.detail);
    std::fflush(stdout);
    if (!converged || !destroy.ok || after_destroy.leftovers > 0 || after_apply.duplicates > 0 || !apply.located ||
        !destroy.located) {
      ++failures;
      fmt::print("{:>6} log: {}\n", "", b.log().string());
    } else {
      fs::remove_all(b.dir);
    }
  }
  std::string line;
  for (const auto& [kind, t] : totals) line += fmt::format("{} {} ({} retried)  ", kind, t.first, t.second);
  fmt::print("{:>6} all seeds: {}\n", "", line);
  fmt::print("{:>6} {}/{} converged within 2 runs and destroyed with nothing left\n", "", seeds - failures, seeds);
  return failures;
}

int suite_kills(const fs::path& root, const fs::path& clouds, int kills, unsigned seed) {
  fmt::print("\nkills: kstack apply and destroy, each killed with SIGKILL at a random moment, then run again\n");
  fmt::print("{:>5} {:>8} {:>8} {:>8} {:>6} {:>10}\n", "kill", "command", "after s", "re-run", "dups", "leftovers");
  Bench b = make_bench(root, "kills", clouds);
  std::mt19937 gen(seed);
  int failures = 0;
  for (int i = 0; i < kills; ++i) {
    const std::string command = i % 2 == 0 ? "apply" : "destroy";
    // An HA apply takes 30 to 60 s here and a destroy 15 to 30 s: the kill lands within it.
    std::uniform_real_distribution<double> delay(0.5, command == "apply" ? 25.0 : 12.0);
    const double after = delay(gen);
    {
      std::ofstream(b.log(), std::ios::app) << fmt::format("\n$ kstack {} (killed after {:.1f} s)\n", command, after);
      Child child(b.argv(command), b.log(), b.env(false));
      if (!child.wait_for(std::chrono::milliseconds(static_cast<int>(after * 1000)))) child.kill(SIGKILL);
    }
    const auto rerun = run_until_ok(b, command, false, 1);
    const auto seen = inspect(b, command == "destroy");
    const bool good = rerun.ok && seen.duplicates == 0 && (command == "apply" ? seen.plan_empty : seen.leftovers == 0);
    fmt::print("{:>5} {:>8} {:>8.1f} {:>8} {:>6} {:>10}{}\n", i + 1, command, after, rerun.ok ? "ok" : "FAILED",
               seen.duplicates, command == "destroy" ? std::to_string(seen.leftovers) : "-",
               good ? "" : "  " + seen.detail);
    std::fflush(stdout);
    if (!good) ++failures;
  }
  if (kills % 2 == 1) (void)run_until_ok(b, "destroy", false, 2);
  const auto last = inspect(b, true);
  fmt::print("{:>5} after the final destroy: {} left{}\n", "", last.leftovers,
             last.leftovers ? ": " + last.detail : "");
  fmt::print("{:>5} {}/{} re-runs converged\n", "", kills - failures, kills);
  if (failures == 0 && last.leftovers == 0) fs::remove_all(b.dir);
  return failures + (last.leftovers > 0 ? 1 : 0);
}

int suite_errors(const fs::path& root, const fs::path& clouds) {
  fmt::print("\nerrors: a worker and the API load balancer in ERROR on their first create\n");
  Bench b = make_bench(root, "errors", clouds);
  Proxy proxy(b.dir,
              {"--rate", "0", "--error-status", "server:errors-worker-1", "--error-status", "loadbalancer:errors-api"});
  const auto t0 = Clock::now();
  const auto apply = run_until_ok(b, "apply", true, 1);
  const double apply_s = seconds_since(t0);
  auto stats = proxy.stop();
  const auto seen = inspect(b, false);
  int evidence = 0;
  if (fs::exists(b.state() / "evidence")) {
    for (const auto& e : fs::recursive_directory_iterator(b.state() / "evidence")) evidence += e.is_regular_file();
  }
  const std::string log = read_text(b.log());
  const bool server_retried =
      log.find("retrying  create  server.errors-worker-1: ended in status ERROR") != std::string::npos;
  const bool lb_retried =
      log.find("retrying  create  load_balancer.errors-api: ended in status ERROR") != std::string::npos;
  fmt::print(
      "  apply in one run: {} ({:.1f} s); converged: {}; ERROR shown {} times; evidence files saved: {}; "
      "worker re-created: {}; load balancer re-created: {}\n",
      apply.ok ? "yes" : "NO", apply_s, seen.plan_empty && seen.duplicates == 0 ? "yes" : "NO",
      stats.value("error_status", 0), evidence, server_retried ? "yes" : "NO", lb_retried ? "yes" : "NO");
  (void)run_until_ok(b, "destroy", false, 2);
  const auto last = inspect(b, true);
  const bool good = apply.ok && seen.plan_empty && seen.duplicates == 0 && evidence > 0 && server_retried &&
                    lb_retried && last.leftovers == 0;
  if (good)
    fs::remove_all(b.dir);
  else
    fmt::print("  log: {}\n", b.log().string());
  return good ? 0 : 1;
}

int suite_storm(const fs::path& root, const fs::path& clouds, double seconds) {
  fmt::print(
      "\nstorm: every request answered 429 (Retry-After: 1) for {:.0f} s of an apply, from its 40th request "
      "(creates under way, 4 at once)\n",
      seconds);
  Bench b = make_bench(root, "storm", clouds);
  Proxy proxy(b.dir, {"--rate", "0", "--storm", fmt::format("{}", seconds), "--storm-from", "40"});
  const auto apply = run_until_ok(b, "apply", true, 2);
  auto stats = proxy.stop();
  const int during = stats.value("storm_requests", 0);
  fmt::print("  requests during the storm: {} ({:.1f} per second); apply {} in {} run(s); requests in all: {}\n",
             during, during / seconds, apply.ok ? "succeeded" : "FAILED", apply.runs, stats.value("requests", 0));
  (void)run_until_ok(b, "destroy", false, 2);
  const auto last = inspect(b, true);
  const bool good = apply.ok && last.leftovers == 0;
  if (good) fs::remove_all(b.dir);
  return good ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const char* state = std::getenv("KSTACK_DEVCLOUD_DIR");
  const fs::path clouds = fs::path(state ? state : "/tmp/kstack-devcloud") / "clouds.yaml";
  if (!fs::exists(clouds)) {
    fmt::print(stderr, "{} not found: start the dev cloud (devcloud/up)\n", clouds.string());
    return 1;
  }
  int seeds = 10, first_seed = 1, kills = 20;
  double rate = 0.05;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (arg == "--seeds")
      seeds = std::atoi(value().c_str());
    else if (arg == "--first-seed")
      first_seed = std::atoi(value().c_str());
    else if (arg == "--rate")
      rate = std::atof(value().c_str());
    else if (arg == "--kills")
      kills = std::atoi(value().c_str());
    else if (arg == "--only")
      only = value();
    else if (arg == "--short")
      seeds = 2, kills = 3;
    else {
      fmt::print(stderr,
                 "usage: fault_bench [--seeds N] [--first-seed S] [--rate R] [--kills K] [--short] "
                 "[--only faults|kills|errors|storm]\n");
      return 2;
    }
  }
  const fs::path root = fs::temp_directory_path() / fmt::format("kstack-fault-bench-{}", getpid());
  fs::create_directories(root);
  fmt::print("fault_bench: seeds {}..{}, rate {}, kills {}; logs under {}\n", first_seed, first_seed + seeds - 1, rate,
             kills, root.string());
  int failures = 0;
  if (only.empty() || only == "faults") failures += suite_faults(root, clouds, first_seed, seeds, rate);
  if (only.empty() || only == "errors") failures += suite_errors(root, clouds);
  if (only.empty() || only == "storm") failures += suite_storm(root, clouds, 10);
  if (only.empty() || only == "kills") failures += suite_kills(root, clouds, kills, static_cast<unsigned>(first_seed));
  if (failures == 0) fs::remove_all(root);
  fmt::print("\n{}\n",
             failures == 0 ? "fault_bench: every suite held" : fmt::format("fault_bench: {} failure(s)", failures));
  return failures == 0 ? 0 : 1;
}
