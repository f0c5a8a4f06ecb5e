#include "reconcile/integration/dev_cloud_cluster.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "openstack/identity.h"
#include "openstack/network.h"
#include "reconcile/openstack_cloud.h"

extern char** environ;

namespace kstack::reconcile {

namespace fs = std::filesystem;

namespace {

constexpr const char* kTestKey =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDwYl2vUhz2gyWKccZq3w4c8eUgTZVz14tA3vELP6U1I it@kstack";

// Replaces the one match of `pattern`; a spec that no longer contains it fails the test, rather than
// quietly testing another cluster than the one asked for. With a group in `pattern`, what it matched stays
// in front of `with` (no "$1" in `with`: "$1" followed by a digit would name another group).
void replace_one(std::string& yaml, const std::string& pattern, const std::string& with, const std::string& base) {
  std::regex re(pattern);
  const auto matches = std::distance(std::sregex_iterator(yaml.begin(), yaml.end(), re), std::sregex_iterator());
  EXPECT_EQ(matches, 1) << base << ".yaml: /" << pattern << "/ should match once";
  std::smatch m;
  if (!std::regex_search(yaml, m, re)) return;
  const std::string kept = m.size() > 1 ? m[1].str() : std::string();
  yaml = m.prefix().str() + kept + with + m.suffix().str();
}

int g_clusters = 0;  // clusters made by this process: each test gets a name of its own

}  // namespace

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

ExecutorOptions fast() { return {.parallelism = 2, .poll_interval = std::chrono::milliseconds(500)}; }

void DevCloudCluster::SetUp() {
  const char* state = std::getenv("KSTACK_DEVCLOUD_DIR");
  fs::path clouds = fs::path(state ? state : "/tmp/kstack-devcloud") / "clouds.yaml";
  ASSERT_TRUE(fs::exists(clouds)) << clouds << ": start the dev cloud (devcloud/up)";
  setenv("OS_CLIENT_CONFIG_FILE", clouds.c_str(), 1);
  const int n = g_clusters++;
  dir_ = fs::temp_directory_path() / ("kstack-itest-" + std::to_string(getpid()) + "-" + std::to_string(n));
  fs::create_directories(dir_);
  name_ = "it" + std::to_string(getpid() % 100000) + "x" + std::to_string(n);
}

void DevCloudCluster::TearDown() {
  if (!spec_path_.empty()) clean_up_cloud();
  if (HasFailure()) {
    std::printf("kept %s (spec, state, logs) for a look at the failure\n", dir_.c_str());
  } else {
    fs::remove_all(dir_);
  }
}

// Whatever the test left (it failed, or stopped at an ASSERT): destroyed, untagged leftovers first adopted.
void DevCloudCluster::clean_up_cloud() {
  auto s = Session::open({.spec_file = spec_path_, .state_dir = state_dir().string()});
  if (!s) {
    ADD_FAILURE() << "clean-up: " << s.error().to_string();
    return;
  }
  auto untagged = untagged_leftovers(**s);
  for (const auto& u : untagged) {
    std::istringstream line(u);
    std::string collection, name, id;
    line >> collection >> name >> id;
    (void)openstack::network::set_tags((*s)->client(), collection, id, {cluster_tag(name_)});
  }
  auto observed = observe((*s)->cloud(), true);
  if (!observed) {
    ADD_FAILURE() << "clean-up: " << observed.error().to_string();
    return;
  }
  if (auto deleted = delete_credentials((*s)->client(), (*s)->state(), name_); !deleted) {
    ADD_FAILURE() << "clean-up: " << deleted.error().to_string();
  }
  if (observed->resources.empty()) return;
  std::printf("clean-up: %zu resources of %s left in the cloud; destroying them\n", observed->resources.size(),
              name_.c_str());
  auto result = execute(make_destroy_plan(*observed, true), *observed, (*s)->cloud(),
                        {.parallelism = 8, .poll_interval = std::chrono::milliseconds(500)});
  for (const auto& e : result.errors) ADD_FAILURE() << "clean-up: " << e.to_string();
}

std::string DevCloudCluster::write_spec(const SpecEdit& edit) {
  const std::string& base = edit.base;
  std::string yaml = read_file(fs::path(KSTACK_SOURCE_DIR) / "tests/specs/good" / (base + ".yaml"));
  EXPECT_FALSE(yaml.empty()) << base << ".yaml";
  replace_one(yaml, "\nname: kstack\n", "\nname: " + name_ + "\n", base);
  replace_one(yaml, "\ncloud: \"\"\n", "\ncloud: devcloud\n", base);
  replace_one(yaml, "\nssh_public_key_file: \"[^\"]*\"\n", "\n", base);
  replace_one(yaml, "\nssh_public_key: \"\"\n", std::string("\nssh_public_key: \"") + kTestKey + "\"\n", base);
  if (edit.masters) {
    replace_one(yaml, "(\n  masters:  # control plane[^\n]*\n    count: )[0-9]+\n",
                std::to_string(*edit.masters) + "\n", base);
  }
  if (edit.workers) {
    replace_one(yaml, "(\n  workers:  # run the workloads[^\n]*\n    count: )[0-9]+\n",
                std::to_string(*edit.workers) + "\n", base);
  }
  if (edit.api_load_balancer) {
    replace_one(yaml, "(\napi_load_balancer:\n  enabled: )(true|false)\n",
                std::string(*edit.api_load_balancer ? "true" : "false") + "\n", base);
  }
  auto path = dir_ / "cluster.yaml";
  std::ofstream(path) << yaml;
  spec_path_ = path.string();
  return spec_path_;
}

std::string DevCloudCluster::write_spec(int masters, int workers) {
  return write_spec({.base = "ha", .masters = masters, .workers = workers, .api_load_balancer = masters > 1});
}

std::unique_ptr<Session> DevCloudCluster::open(const std::string& spec) {
  auto s = Session::open({.spec_file = spec, .state_dir = state_dir().string()});
  EXPECT_TRUE(s) << (s ? "" : s.error().to_string());
  return s ? std::move(*s) : nullptr;
}

Result<Plan> DevCloudCluster::plan_now(Session& s) {
  auto observed = observe(s.cloud());
  if (!observed) return std::unexpected(observed.error());
  auto desired = s.desired(*observed);
  if (!desired) return std::unexpected(desired.error());
  return make_plan(*desired, *observed);
}

void DevCloudCluster::expect_plan_empty(Session& s, const std::string& when) {
  auto plan = plan_now(s);
  ASSERT_TRUE(plan) << when << ": " << plan.error().to_string();
  EXPECT_TRUE(plan->empty()) << when;
  for (const auto& a : plan->actions) {
    ADD_FAILURE() << when << ": " << op_name(a.op) << " " << a.key.to_string() << " " << a.reason;
  }
}

void DevCloudCluster::destroy_and_prove_empty(Session& s) {
  auto observed = observe(s.cloud(), true);
  ASSERT_TRUE(observed) << observed.error().to_string();
  auto plan = make_destroy_plan(*observed, true);
  auto result =
      execute(plan, *observed, s.cloud(), {.parallelism = 8, .poll_interval = std::chrono::milliseconds(500)});
  for (const auto& e : result.errors) ADD_FAILURE() << e.to_string();
  auto after = observe(s.cloud(), true);
  ASSERT_TRUE(after);
  for (const auto& r : after->resources) ADD_FAILURE() << "left behind: " << r.key.to_string() << " " << r.id;
  EXPECT_EQ(after->list_calls, static_cast<int>(all_kinds().size()) + 1);
  for (const auto& u : untagged_leftovers(s)) ADD_FAILURE() << "left behind without the cluster's tag: " << u;
  auto deleted = delete_credentials(s.client(), s.state(), name_);
  ASSERT_TRUE(deleted) << deleted.error().to_string();
  auto credentials = openstack::identity::list_application_credentials(s.client(), s.client().user_id());
  ASSERT_TRUE(credentials) << credentials.error().to_string();
  const auto mine = credential_description(name_, s.client().project_id());
  for (const auto& c : *credentials) {
    if (c.description == mine) ADD_FAILURE() << "left behind: application credential " << c.name;
  }
}

std::vector<std::string> DevCloudCluster::untagged_leftovers(Session& s) {
  namespace net = openstack::network;
  const std::string tag = cluster_tag(name_);
  std::vector<std::string> out;
  auto ours = [&](const std::string& name, const std::vector<std::string>& tags) {
    const bool named = name == name_ || name.starts_with(name_ + "-");
    return named && std::find(tags.begin(), tags.end(), tag) == tags.end();
  };
  auto note = [&](const char* collection, const std::string& name, const std::string& id) {
    out.push_back(std::string(collection) + " " + name + " " + id);
  };
  auto client_error = [&](const Error& e) { ADD_FAILURE() << "listing for untagged resources: " << e.to_string(); };
  if (auto all = net::list_networks(s.client()); !all) {
    client_error(all.error());
  } else {
    for (const auto& x : *all)
      if (ours(x.name, x.tags)) note("networks", x.name, x.id);
  }
  if (auto all = net::list_subnets(s.client()); !all) {
    client_error(all.error());
  } else {
    for (const auto& x : *all)
      if (ours(x.name, x.tags)) note("subnets", x.name, x.id);
  }
  if (auto all = net::list_routers(s.client()); !all) {
    client_error(all.error());
  } else {
    for (const auto& x : *all)
      if (ours(x.name, x.tags)) note("routers", x.name, x.id);
  }
  if (auto all = net::list_ports(s.client()); !all) {
    client_error(all.error());
  } else {
    for (const auto& x : *all)
      if (ours(x.name, x.tags)) note("ports", x.name, x.id);
  }
  if (auto all = net::list_security_groups(s.client()); !all) {
    client_error(all.error());
  } else {
    for (const auto& x : *all)
      if (ours(x.name, x.tags)) note("security-groups", x.name, x.id);
  }
  if (auto all = net::list_floating_ips(s.client()); !all) {
    client_error(all.error());
  } else {
    for (const auto& x : *all)
      if (ours(x.description, x.tags)) note("floatingips", x.description, x.id);
  }
  return out;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const fs::path& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ) == 0) pid_ = pid;
  posix_spawn_file_actions_destroy(&actions);
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !status_) kill_now();
}

std::optional<int> ChildProcess::wait_for(std::chrono::milliseconds timeout) {
  if (status_ || pid_ <= 0) return status_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int wstatus = 0;
    pid_t r = waitpid(pid_, &wstatus, WNOHANG);
    if (r == pid_) {
      status_ = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
      return status_;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void ChildProcess::kill_now() {
  if (pid_ <= 0 || status_) return;
  ::kill(pid_, SIGKILL);
  int wstatus = 0;
  waitpid(pid_, &wstatus, 0);
  status_ = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
}

}  // namespace kstack::reconcile
