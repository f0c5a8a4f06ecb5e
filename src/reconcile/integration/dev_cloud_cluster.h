// The fixture every integration test against the dev cloud (devcloud/) shares.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "reconcile/executor.h"
#include "reconcile/plan.h"
#include "reconcile/session.h"

namespace kstack::reconcile {

/// SpecEdit is what write_spec changes in one of tests/specs/good/*.yaml; an unset field keeps the file's value.
struct SpecEdit {
  std::string base = "ha";  // tests/specs/good/<base>.yaml
  std::optional<int> masters;
  std::optional<int> workers;
  std::optional<bool> api_load_balancer;
};

/// DevCloudCluster gives each test a directory and a cluster name of its own, writes specs for the dev
/// cloud, and in TearDown destroys whatever the test left in the cloud, also when the test failed.
class DevCloudCluster : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  /// The spec `edit` describes, with this test's cluster name, cloud `devcloud` and an inline SSH key.
  std::string write_spec(const SpecEdit& edit);
  /// ha.yaml with `masters` and `workers`; the API load balancer only with more than one master.
  std::string write_spec(int masters, int workers);

  std::unique_ptr<Session> open(const std::string& spec);

  /// What an apply would do now (observe, desired, make_plan).
  [[nodiscard]] Result<Plan> plan_now(Session& s);
  /// Fails the test with every action of the plan an apply would now execute.
  void expect_plan_empty(Session& s, const std::string& when);

  /// Destroys and proves by listing every kind (and what Kubernetes would have made) that nothing is left.
  void destroy_and_prove_empty(Session& s);

  /// Neutron resources named like the cluster's that lack its tag: what a crash between a create and its
  /// tagging leaves, invisible to observe(). "network <name> <id>" each.
  std::vector<std::string> untagged_leftovers(Session& s);

  std::filesystem::path state_dir() const { return dir_ / "state"; }

  std::filesystem::path dir_;
  std::string name_;
  std::string spec_path_;  // the last spec written: TearDown opens it to clean up

 private:
  void clean_up_cloud();
};

/// Options for applies in tests: two calls at once, quick polls.
ExecutorOptions fast();

std::string read_file(const std::filesystem::path& p);

/// Runs a program as a child process; kills it with SIGKILL (and reaps it) if it is still running when
/// the object goes, so a failing test leaves no process behind.
class ChildProcess {
 public:
  /// Starts `argv` with stdout and stderr appended to `log`.
  ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& log);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool started() const { return pid_ > 0; }
  /// Waits up to `timeout` for the child to exit; its exit status then (or -1 for a signal), nothing if it runs.
  std::optional<int> wait_for(std::chrono::milliseconds timeout);
  /// SIGKILL and reap.
  void kill_now();

 private:
  int pid_ = -1;
  std::optional<int> status_;
};

}  // namespace kstack::reconcile
