// A real three-member etcd (Debian's etcd 3.4) started from the rendered certificates and the exact
// flags of each master's rendered etcd manifest, only file paths rewritten. Each member runs in its own
// network namespace at its master's address, on a bridge in another namespace this test creates, so
// a peer certificate without its member's IP fails the way it would on the real network. The rendered
// join script (etcd-join.sh) runs the same way, in its member's namespace.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <sstream>
#include <thread>

#include "bootstrap/checks/process.h"
#include "bootstrap/checks/rendered_cluster.h"
#include "util/ipv4.h"

namespace kstack::bootstrap::checks {
namespace {

namespace fs = std::filesystem;

/// NetnsLab is a bridge namespace and one namespace per member, removed (with every process the test
/// started in them) when the object goes away, whether the test passed or not.
class NetnsLab {
 public:
  explicit NetnsLab(std::string prefix) : prefix_(std::move(prefix)) {}
  NetnsLab(const NetnsLab&) = delete;
  NetnsLab& operator=(const NetnsLab&) = delete;
  ~NetnsLab() {
    processes_.clear();  // stops every member, by PID, before its namespace goes
    for (auto it = namespaces_.rbegin(); it != namespaces_.rend(); ++it) run({"ip", "netns", "del", *it});
  }

  std::string hub() const { return prefix_ + "-hub"; }
  std::string member_ns(size_t index) const { return fmt::format("{}-m{}", prefix_, index + 1); }

  /// Creates the hub namespace with its bridge.
  RunResult create_hub() {
    auto r = add_namespace(hub());
    if (r.exit_code != 0) return r;
    r = run({"ip", "-n", hub(), "link", "add", "br0", "type", "bridge"});
    if (r.exit_code != 0) return r;
    return run({"ip", "-n", hub(), "link", "set", "br0", "up"});
  }

  /// Creates member namespace `index`, whose eth0 (address/prefix) hangs on the hub's bridge.
  RunResult add_member(size_t index, const std::string& address_with_prefix) {
    const std::string ns = member_ns(index);
    auto r = add_namespace(ns);
    if (r.exit_code != 0) return r;
    const std::string veth = fmt::format("v{}", index + 1);
    for (const auto& argv : std::vector<std::vector<std::string>>{
             {"ip", "-n", hub(), "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns},
             {"ip", "-n", hub(), "link", "set", veth, "master", "br0", "up"},
             {"ip", "-n", ns, "addr", "add", address_with_prefix, "dev", "eth0"},
             {"ip", "-n", ns, "link", "set", "eth0", "up"},
             {"ip", "-n", ns, "link", "set", "lo", "up"}}) {
      r = run(argv);
      if (r.exit_code != 0) return r;
    }
    return r;
  }

  /// Starts argv in member namespace `index`, replacing (stopping) what ran there before.
  void start(size_t index, std::vector<std::string> argv, const std::string& log) {
    argv.insert(argv.begin(), {"ip", "netns", "exec", member_ns(index)});
    if (processes_.size() <= index) processes_.resize(index + 1);
    processes_[index].reset();
    processes_[index].emplace(argv, log);
  }

  /// Stops what runs in member namespace `index`, by its PID.
  void stop(size_t index) {
    if (index < processes_.size()) processes_[index].reset();
  }

  /// Whether what was started in member namespace `index` still runs.
  bool running(size_t index) const {
    return index < processes_.size() && processes_[index] && processes_[index]->running();
  }

 private:
  RunResult add_namespace(const std::string& ns) {
    auto r = run({"ip", "netns", "add", ns});
    if (r.exit_code == 0) namespaces_.push_back(ns);
    return r;
  }

  std::string prefix_;
  std::vector<std::string> namespaces_;
  std::vector<std::optional<Background>> processes_;
};

/// The etcd command line of a rendered static pod manifest.
std::vector<std::string> etcd_command(const std::string& manifest) {
  const YAML::Node pod = YAML::Load(manifest);
  std::vector<std::string> out;
  for (const auto& arg : pod["spec"]["containers"][0]["command"]) out.push_back(arg.as<std::string>());
  return out;
}

/// Points the node paths of a flag at the rendered tree and the test's data directory: nothing else changes.
std::string rewrite_paths(std::string flag, const fs::path& files_root, const fs::path& data_dir) {
  const std::string pki = "/etc/kubernetes/pki/";
  for (size_t at = flag.find(pki); at != std::string::npos; at = flag.find(pki, at)) {
    const std::string replacement = (files_root / "etc/kubernetes/pki").string() + "/";
    flag.replace(at, pki.size(), replacement);
    at += replacement.size();
  }
  const std::string data = "--data-dir=/var/lib/etcd";
  if (flag == data) flag = "--data-dir=" + data_dir.string();
  return flag;
}

/// EtcdClusterTest renders the reference cluster and gives each of its three etcd members a namespace
/// at its master's address; the test starts, stops and queries the members.
class EtcdClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(geteuid(), 0u) << "network namespaces need root";
    for (const char* tool : {"etcd", "etcdctl", "ip", "openssl", "curl", "python3"}) {
      ASSERT_TRUE(have_tool(tool)) << tool;
    }
    cluster_ = render_for_checks(reference_cluster_spec());
    ASSERT_NE(cluster_, nullptr);
    members_ = cluster_->model.etcd_members();
    ASSERT_EQ(members_.size(), 3u);
    auto subnet = parse_network(cluster_->model.subnet_cidr);
    ASSERT_TRUE(subnet.has_value());
    auto hub = lab_.create_hub();
    ASSERT_EQ(hub.exit_code, 0) << hub.out;
    for (size_t i = 0; i < members_.size(); ++i) {
      auto added = lab_.add_member(i, fmt::format("{}/{}", members_[i]->ip, subnet->prefix));
      ASSERT_EQ(added.exit_code, 0) << added.out;
      endpoints_.push_back(fmt::format("https://{}:2379", members_[i]->ip));
      // The node's manifest, where the join script may change it; and an empty data directory.
      fs::create_directories(manifest(i).parent_path());
      fs::copy_file(files(i) / "etc/kubernetes/manifests/etcd.yaml", manifest(i));
      fs::create_directories(data_dir(i));
      fs::permissions(data_dir(i), fs::perms::owner_all);
    }
  }

  fs::path files(size_t i) const { return cluster_->tree / members_[i]->name / "files"; }
  fs::path manifest(size_t i) const { return cluster_->work / ("node-" + members_[i]->name) / "etcd.yaml"; }
  fs::path data_dir(size_t i) const { return cluster_->work / ("etcd-data-" + members_[i]->name); }
  fs::path log(size_t i) const { return cluster_->work / ("etcd-" + members_[i]->name + ".log"); }

  std::string read(const fs::path& path) const { return sh(fmt::format("cat '{}'", path.string())).out; }

  /// Starts member i from its node's etcd manifest (as the kubelet would), only paths rewritten.
  void start(size_t i) {
    auto command = etcd_command(read(manifest(i)));
    ASSERT_EQ(command.front(), "etcd");
    for (auto& flag : command) flag = rewrite_paths(flag, files(i), data_dir(i));
    lab_.start(i, command, log(i).string());
  }

  /// Runs member i's rendered etcd-join.sh in its namespace, on the test's paths.
  RunResult join(size_t i) {
    const fs::path script = files(i) / "usr/local/lib/kstack/etcd-join.sh";
    return run({"ip", "netns", "exec", lab_.member_ns(i), "env",
                "KSTACK_ETCD_PKI=" + (files(i) / "etc/kubernetes/pki/etcd").string(),
                "KSTACK_ETCD_DATA=" + data_dir(i).string(), "KSTACK_ETCD_MANIFEST=" + manifest(i).string(), "sh",
                script.string()});
  }

  /// etcdctl from member 1's namespace, as the API server's etcd client, to the given members.
  RunResult etcdctl(const std::vector<std::string>& args, const std::vector<size_t>& to = {0, 1, 2}) {
    const fs::path pki = files(0) / "etc/kubernetes/pki";
    return etcdctl_as(args, pki / "apiserver-etcd-client.crt", pki / "apiserver-etcd-client.key", to);
  }

  RunResult etcdctl_as(const std::vector<std::string>& args, const fs::path& cert, const fs::path& key,
                       const std::vector<size_t>& to = {0, 1, 2}) {
    std::string endpoints;
    for (size_t i : to) endpoints += (endpoints.empty() ? "" : ",") + endpoints_[i];
    std::vector<std::string> argv = {"ip",
                                     "netns",
                                     "exec",
                                     lab_.member_ns(0),
                                     "etcdctl",
                                     "--endpoints=" + endpoints,
                                     "--cacert=" + (files(0) / "etc/kubernetes/pki/etcd/ca.crt").string(),
                                     "--cert=" + cert.string(),
                                     "--key=" + key.string(),
                                     "--dial-timeout=3s",
                                     "--command-timeout=5s"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv);
  }

  /// Waits until the given members report healthy; the last answer, with the members' logs on failure.
  RunResult wait_healthy(const std::vector<size_t>& members) {
    RunResult health;
    for (int attempt = 0; attempt < 60; ++attempt) {
      health = etcdctl({"endpoint", "health"}, members);
      if (health.exit_code == 0) return health;
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    for (size_t i = 0; i < members_.size(); ++i) {
      health.out += sh(fmt::format("tail -n 15 '{}' 2>/dev/null", log(i).string())).out;
    }
    return health;
  }

  std::unique_ptr<RenderedCluster> cluster_;
  std::vector<const model::Node*> members_;
  std::vector<std::string> endpoints_;
  NetnsLab lab_{fmt::format("kse{}", getpid())};
};

TEST_F(EtcdClusterTest, ThreeMembersFromTheRenderedManifestsFormAHealthyTlsCluster) {
  for (size_t i = 0; i < members_.size(); ++i) start(i);
  auto health = wait_healthy({0, 1, 2});
  ASSERT_EQ(health.exit_code, 0) << health.out;
  for (const auto& endpoint : endpoints_) EXPECT_NE(health.out.find(endpoint + " is healthy"), std::string::npos);

  auto list = etcdctl({"member", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.out;
  for (const auto* member : members_) {
    EXPECT_NE(list.out.find(fmt::format("{}, https://{}:2380", member->name, member->ip)), std::string::npos)
        << list.out;
  }

  auto put = etcdctl({"put", "/kstack/probe", "rendered"});
  ASSERT_EQ(put.exit_code, 0) << put.out;
  auto get = etcdctl({"get", "/kstack/probe", "--print-value-only"});
  ASSERT_EQ(get.exit_code, 0) << get.out;
  EXPECT_EQ(get.out, "rendered\n");

  // A client certificate from another CA is refused.
  const fs::path other = cluster_->work / "other-ca";
  fs::create_directories(other);
  auto made = sh(fmt::format(
      "cd '{}' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt "
      "-subj /CN=other-ca -days 1 2>&1 && openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "
      "client.key -out client.csr -subj /CN=kube-apiserver-etcd-client 2>&1 && printf "
      "'extendedKeyUsage=clientAuth\\n' > ext && openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key "
      "-CAcreateserial -out client.crt -days 1 -extfile ext 2>&1",
      other.string()));
  ASSERT_EQ(made.exit_code, 0) << made.out;
  auto refused = etcdctl_as({"get", "/kstack/probe"}, other / "client.crt", other / "client.key");
  EXPECT_NE(refused.exit_code, 0) << refused.out;
  EXPECT_EQ(refused.out.find("rendered"), std::string::npos);

  for (size_t i = 0; i < members_.size(); ++i) EXPECT_TRUE(lab_.running(i)) << members_[i]->name << " exited";
}

TEST_F(EtcdClusterTest, AMemberWithAnEmptyDataDirectoryJoinsTheRunningClusterThroughItsJoinScript) {
  // While the cluster forms, nobody answers: the member starts as rendered, a new cluster.
  auto alone = join(0);
  ASSERT_EQ(alone.exit_code, 0) << alone.out;
  EXPECT_NE(alone.out.find("no other etcd member answers"), std::string::npos) << alone.out;
  EXPECT_NE(read(manifest(0)).find("--initial-cluster-state=new"), std::string::npos);

  // One member up, without a quorum: the cluster is still forming, and a member booting then starts
  // with it as rendered (joining as "existing" would fail: the cluster has no version yet).
  start(0);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  auto forming = join(2);
  ASSERT_EQ(forming.exit_code, 0) << forming.out;
  EXPECT_NE(read(manifest(2)).find("--initial-cluster-state=new"), std::string::npos) << forming.out;

  // A member that boots after the other two formed the cluster: listed, never started; it joins them.
  start(1);
  auto two = wait_healthy({0, 1});
  ASSERT_EQ(two.exit_code, 0) << two.out;
  auto late = join(2);
  ASSERT_EQ(late.exit_code, 0) << late.out;
  EXPECT_EQ(late.out.find("removing"), std::string::npos) << late.out;
  EXPECT_NE(read(manifest(2)).find("--initial-cluster-state=existing"), std::string::npos);
  start(2);
  auto three = wait_healthy({0, 1, 2});
  ASSERT_EQ(three.exit_code, 0) << three.out;
  auto put = etcdctl({"put", "/kstack/probe", "before the replacement"});
  ASSERT_EQ(put.exit_code, 0) << put.out;
  const auto before = etcdctl({"member", "list"});
  ASSERT_EQ(before.exit_code, 0) << before.out;

  // master-3's server is replaced: same name and address, an empty disk, the rendered manifest again.
  // Started as rendered, etcd would refuse to join ("member has already been bootstrapped").
  lab_.stop(2);
  fs::remove_all(data_dir(2));
  fs::create_directories(data_dir(2));
  fs::permissions(data_dir(2), fs::perms::owner_all);
  fs::remove(manifest(2));
  fs::copy_file(files(2) / "etc/kubernetes/manifests/etcd.yaml", manifest(2));
  auto replaced = join(2);
  ASSERT_EQ(replaced.exit_code, 0) << replaced.out;
  EXPECT_NE(replaced.out.find("removing etcd member"), std::string::npos) << replaced.out;
  EXPECT_NE(replaced.out.find("adding this node"), std::string::npos) << replaced.out;
  EXPECT_NE(read(manifest(2)).find("--initial-cluster-state=existing"), std::string::npos);
  start(2);
  auto rejoined = wait_healthy({0, 1, 2});
  ASSERT_EQ(rejoined.exit_code, 0) << rejoined.out;

  // The new member has the cluster's data (a read served by it alone), under a new member ID.
  auto get = etcdctl({"get", "/kstack/probe", "--print-value-only", "--consistency=s"}, {2});
  ASSERT_EQ(get.exit_code, 0) << get.out;
  EXPECT_EQ(get.out, "before the replacement\n");
  const auto after = etcdctl({"member", "list"});
  ASSERT_EQ(after.exit_code, 0) << after.out;
  const std::string name = fmt::format("{}, https://{}:2380", members_[2]->name, members_[2]->ip);
  EXPECT_NE(after.out.find(name), std::string::npos) << after.out;
  const auto id_of = [&](const std::string& list) -> std::string {
    std::istringstream lines(list);
    for (std::string line; std::getline(lines, line);) {
      if (line.find(name) != std::string::npos) return line.substr(0, line.find(','));
    }
    return {};
  };
  EXPECT_FALSE(id_of(before.out).empty()) << before.out;
  EXPECT_NE(id_of(before.out), id_of(after.out)) << before.out << after.out;
  EXPECT_EQ(std::count(after.out.begin(), after.out.end(), '\n'), 3) << after.out;

  // Run again (the bootstrap reruns after a reboot): the member has its data, nothing changes.
  auto again = join(2);
  EXPECT_EQ(again.exit_code, 0) << again.out;
  EXPECT_EQ(again.out, "") << again.out;
  for (size_t i = 0; i < members_.size(); ++i) EXPECT_TRUE(lab_.running(i)) << members_[i]->name << " exited";
}

}  // namespace
}  // namespace kstack::bootstrap::checks
