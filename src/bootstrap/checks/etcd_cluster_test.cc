// A real three-member etcd (Debian's etcd 3.4) started from the rendered certificates and the exact
// flags of each master's rendered etcd manifest, only file paths rewritten. Each member runs in its own
// network namespace at its master's address, on a bridge in another namespace this test creates, so
// a peer certificate without its member's IP fails the way it would on the real network.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <thread>

#include "bootstrap/checks/process.h"
#include "bootstrap/checks/rendered_cluster.h"
#include "model/ipv4.h"

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

  /// Creates the hub namespace with its bridge.
  RunResult create_hub() {
    auto r = add_namespace(hub());
    if (r.exit_code != 0) return r;
    r = run({"ip", "-n", hub(), "link", "add", "br0", "type", "bridge"});
    if (r.exit_code != 0) return r;
    return run({"ip", "-n", hub(), "link", "set", "br0", "up"});
  }

  /// Creates a member namespace whose eth0 (address/prefix) hangs on the hub's bridge.
  RunResult add_member(const std::string& ns, int index, const std::string& address_with_prefix) {
    auto r = add_namespace(ns);
    if (r.exit_code != 0) return r;
    const std::string veth = fmt::format("v{}", index);
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

  void start(const std::string& ns, std::vector<std::string> argv, const std::string& log) {
    argv.insert(argv.begin(), {"ip", "netns", "exec", ns});
    processes_.emplace_back(argv, log);
  }

  const std::vector<Background>& processes() const { return processes_; }

 private:
  RunResult add_namespace(const std::string& ns) {
    auto r = run({"ip", "netns", "add", ns});
    if (r.exit_code == 0) namespaces_.push_back(ns);
    return r;
  }

  std::string prefix_;
  std::vector<std::string> namespaces_;
  std::vector<Background> processes_;
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

TEST(EtcdCluster, ThreeMembersFromTheRenderedManifestsFormAHealthyTlsCluster) {
  ASSERT_EQ(geteuid(), 0u) << "network namespaces need root";
  for (const char* tool : {"etcd", "etcdctl", "ip", "openssl"}) ASSERT_TRUE(have_tool(tool)) << tool;
  auto cluster = render_for_checks(reference_cluster_spec());
  ASSERT_NE(cluster, nullptr);
  const auto members = cluster->model.etcd_members();
  ASSERT_EQ(members.size(), 3u);
  auto subnet = model::parse_cidr(cluster->model.subnet_cidr);
  ASSERT_TRUE(subnet.has_value());

  NetnsLab lab(fmt::format("kse{}", getpid()));
  auto hub = lab.create_hub();
  ASSERT_EQ(hub.exit_code, 0) << hub.out;

  std::vector<std::string> endpoints;
  for (size_t i = 0; i < members.size(); ++i) {
    const auto* member = members[i];
    const std::string ns = fmt::format("{}-m{}", lab.hub().substr(0, lab.hub().size() - 4), i + 1);
    auto added = lab.add_member(ns, static_cast<int>(i + 1), fmt::format("{}/{}", member->ip, subnet->prefix));
    ASSERT_EQ(added.exit_code, 0) << added.out;
    const std::string manifest = cluster->file(member->name, "/etc/kubernetes/manifests/etcd.yaml");
    ASSERT_FALSE(manifest.empty()) << member->name;
    auto command = etcd_command(manifest);
    ASSERT_EQ(command.front(), "etcd");
    const fs::path data_dir = cluster->work / ("etcd-data-" + member->name);
    fs::create_directories(data_dir);
    fs::permissions(data_dir, fs::perms::owner_all);
    for (auto& flag : command) flag = rewrite_paths(flag, cluster->tree / member->name / "files", data_dir);
    lab.start(ns, command, (cluster->work / ("etcd-" + member->name + ".log")).string());
    endpoints.push_back(fmt::format("https://{}:2379", member->ip));
  }

  const fs::path m1 = cluster->tree / members[0]->name / "files/etc/kubernetes/pki";
  const std::string client_ns = fmt::format("kse{}-m1", getpid());
  auto etcdctl = [&](const std::vector<std::string>& args, const fs::path& cert, const fs::path& key) {
    std::vector<std::string> argv = {"ip",
                                     "netns",
                                     "exec",
                                     client_ns,
                                     "etcdctl",
                                     "--endpoints=" + fmt::format("{},{},{}", endpoints[0], endpoints[1], endpoints[2]),
                                     "--cacert=" + (m1 / "etcd/ca.crt").string(),
                                     "--cert=" + cert.string(),
                                     "--key=" + key.string(),
                                     "--dial-timeout=3s",
                                     "--command-timeout=5s"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv);
  };
  const fs::path client_cert = m1 / "apiserver-etcd-client.crt";
  const fs::path client_key = m1 / "apiserver-etcd-client.key";

  RunResult health;
  for (int attempt = 0; attempt < 60; ++attempt) {
    health = etcdctl({"endpoint", "health"}, client_cert, client_key);
    if (health.exit_code == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  std::string logs;
  for (const auto* member : members) {
    logs += sh(fmt::format("tail -n 15 '{}'", (cluster->work / ("etcd-" + member->name + ".log")).string())).out;
  }
  ASSERT_EQ(health.exit_code, 0) << health.out << "\n" << logs;
  for (const auto& endpoint : endpoints) EXPECT_NE(health.out.find(endpoint + " is healthy"), std::string::npos);

  auto list = etcdctl({"member", "list"}, client_cert, client_key);
  ASSERT_EQ(list.exit_code, 0) << list.out;
  for (const auto* member : members) {
    EXPECT_NE(list.out.find(fmt::format("{}, https://{}:2380", member->name, member->ip)), std::string::npos)
        << list.out;
  }

  auto put = etcdctl({"put", "/kstack/probe", "rendered"}, client_cert, client_key);
  ASSERT_EQ(put.exit_code, 0) << put.out;
  auto get = etcdctl({"get", "/kstack/probe", "--print-value-only"}, client_cert, client_key);
  ASSERT_EQ(get.exit_code, 0) << get.out;
  EXPECT_EQ(get.out, "rendered\n");

  // A client certificate from another CA is refused.
  const fs::path other = cluster->work / "other-ca";
  fs::create_directories(other);
  auto made = sh(fmt::format(
      "cd '{}' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt "
      "-subj /CN=other-ca -days 1 2>&1 && openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "
      "client.key -out client.csr -subj /CN=kube-apiserver-etcd-client 2>&1 && printf "
      "'extendedKeyUsage=clientAuth\\n' > ext && openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key "
      "-CAcreateserial -out client.crt -days 1 -extfile ext 2>&1",
      other.string()));
  ASSERT_EQ(made.exit_code, 0) << made.out;
  auto refused = etcdctl({"get", "/kstack/probe"}, other / "client.crt", other / "client.key");
  EXPECT_NE(refused.exit_code, 0) << refused.out;
  EXPECT_EQ(refused.out.find("rendered"), std::string::npos);

  for (const auto& process : lab.processes()) EXPECT_TRUE(process.running()) << "an etcd member exited";
}

}  // namespace
}  // namespace kstack::bootstrap::checks
