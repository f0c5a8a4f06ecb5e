// Every Kubernetes object kstack renders, type-checked offline as the object it claims to be
// (tests/manifest_check: kubernetes-types 1.30 + TypeScript, YAML parsed in 1.1 mode).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "bootstrap/checks/process.h"
#include "bootstrap/checks/rendered_cluster.h"

namespace kstack::bootstrap::checks {
namespace {

namespace fs = std::filesystem;

const fs::path kChecker = fs::path(KSTACK_SOURCE_DIR) / "tests/manifest_check";

/// Runs the checker over every YAML file a node receives under /etc/kubernetes.
RunResult check_manifests(const RenderedCluster& cluster, const std::string& node) {
  std::vector<std::string> argv = {"node", (kChecker / "check.mjs").string()};
  for (const auto& file : cluster.node(node).files) {
    if (file.path.starts_with("/etc/kubernetes/") && file.path.ends_with(".yaml")) {
      argv.push_back(cluster.path_of(node, file.path).string());
    }
  }
  return run(argv);
}

class Manifests : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(have_tool("node"));
    ASSERT_TRUE(fs::exists(kChecker / "node_modules/typescript"))
        << "install the checker first: tests/manifest_check/install.sh";
  }
};

TEST_F(Manifests, ReferenceClusterObjectsAreWellTyped) {
  auto cluster = render_for_checks(reference_cluster_spec());
  ASSERT_NE(cluster, nullptr);
  auto r = check_manifests(*cluster, "demo-master-1");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find(", 0 failing"), std::string::npos) << r.out;
  std::cout << r.out;
}

TEST_F(Manifests, HostNetworkTraefikAndDedicatedEtcdVariantsAreWellTyped) {
  auto spec = reference_cluster_spec();
  spec.addons.cloud_provider = false;
  spec.addons.ingress = kstack::spec::Ingress::traefik;
  spec.etcd_placement = kstack::spec::EtcdPlacement::dedicated;
  spec.etcd.count = 3;
  auto cluster = render_for_checks(spec);
  ASSERT_NE(cluster, nullptr);
  for (const char* node : {"demo-master-1", "demo-etcd-2"}) {
    auto r = check_manifests(*cluster, node);
    EXPECT_EQ(r.exit_code, 0) << node << ":\n" << r.out;
  }
}

TEST_F(Manifests, TheCheckerRejectsAMisspelledFieldAndAYesThatIsNotAString) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("kstack-manifest-{}", getpid());
  fs::create_directories(dir);
  const fs::path bad = dir / "bad.yaml";
  std::ofstream(bad) << "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  lables: {}\ndata:\n  flag: yes\n";
  auto r = run({"node", (kChecker / "check.mjs").string(), bad.string()});
  fs::remove_all(dir);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("lables"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("'boolean' is not assignable to type 'string'"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace kstack::bootstrap::checks
