#include "spec/load.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "spec/decode.h"
#include "spec/defaults.h"
#include "spec/render.h"

namespace kstack::spec {
namespace {

// All error texts of a spec that must fail, one Error::to_string() per line.
std::string errors_of(std::string_view yaml) {
  auto result = parse(yaml, "c.yaml");
  EXPECT_FALSE(result.has_value()) << yaml;
  if (result) return {};
  std::string out;
  for (const auto& e : result.error()) out += e.to_string() + "\n";
  return out;
}

TEST(Parse, ControlCharacterIsAnErrorNotAHang) {
  auto spec = parse(std::string_view("\0,,,,", 5), "c.yaml");
  ASSERT_FALSE(spec.has_value());
  EXPECT_NE(spec.error().front().what.find("control character"), std::string::npos);
}

TEST(Parse, DocumentStartingWithACommaIsAnErrorNotAHang) {
  // The last one was found by fuzzing after the others: a ',' after the top-level node ends it.
  for (const char* yaml : {", effect: N", "# c\n  , a", "name: a\n---\n, b", "--- , a", "- a\n,"}) {
    auto spec = parse(yaml, "c.yaml");
    ASSERT_FALSE(spec.has_value()) << yaml;
    EXPECT_NE(spec.error().front().what.find("',' cannot start a value"), std::string::npos) << yaml;
  }
  EXPECT_EQ(errors_of("- a\n,"),
            "c.yaml:2:1: invalid YAML: ',' cannot start a value\n  hint: remove the ',' or put the list inside [ ]\n");
  EXPECT_TRUE(parse("name: a\nnetwork: {cidr: 10.0.0.0/16, external_network: floating}\n", "c.yaml").has_value());
}

TEST(Parse, ManyDocumentsAreCountedUpToABound) {
  std::string yaml = "name: a\n";
  for (int i = 0; i < 40; ++i) yaml += "---\nname: b\n";
  EXPECT_NE(errors_of(yaml).find("found 16 or more YAML documents; allowed: one"), std::string::npos);
  EXPECT_NE(errors_of("name: a\n---\nname: b\n").find("c.yaml:3:1: found 2 YAML documents"), std::string::npos);
}

TEST(Parse, MinimalSpecGetsTheReferenceDefaults) {
  auto spec = parse("name: demo\n", "c.yaml");
  ASSERT_TRUE(spec) << spec.error().front().to_string();
  ClusterSpec ref = reference_cluster(Topology::ha, "demo");
  EXPECT_EQ(spec->name, "demo");
  EXPECT_EQ(spec->topology(), Topology::ha);
  EXPECT_EQ(spec->masters.count, 3);
  EXPECT_EQ(spec->masters.flavor.vcpus, 3);
  EXPECT_EQ(spec->masters.flavor.ram_mb, 4096);
  EXPECT_EQ(spec->masters.flavor.disk_gb, 40);
  EXPECT_EQ(spec->masters.volume_size_gb, 25);
  EXPECT_EQ(spec->workers.flavor.vcpus, 6);
  EXPECT_EQ(spec->workers.flavor.ram_mb, 16384);
  EXPECT_EQ(spec->workers.volume_size_gb, 50);
  EXPECT_EQ(spec->bastion.count, 1);
  EXPECT_EQ(spec->network.cidr, "10.0.0.0/16");
  EXPECT_EQ(spec->network.external_network, "floating");
  EXPECT_EQ(spec->ssh_public_key_file, "~/.ssh/id_ed25519.pub");
  EXPECT_EQ(spec->kubernetes.version, ref.kubernetes.version);
}

TEST(Parse, InitOutputOfEveryTopologyReadsBackToTheSameSpec) {
  for (Topology t : {Topology::single, Topology::non_ha, Topology::ha}) {
    ClusterSpec want = reference_cluster(t, "demo");
    std::string text = render_spec(want);
    auto got = parse(text, "init.yaml");
    ASSERT_TRUE(got) << got.error().front().to_string() << "\n" << text;
    EXPECT_EQ(got->topology(), t);
    // Rendering is a function of the spec: the same text back means every field survived.
    EXPECT_EQ(render_spec(*got), text);
  }
}

TEST(Parse, InitOutputDocumentsEveryKnownField) {
  std::string text = render_spec(reference_cluster());
  for (std::string_view path : known_fields()) {
    std::string_view leaf = path.substr(path.find_last_of('.') + 1);
    EXPECT_NE(text.find(std::string(leaf) + ":"), std::string::npos) << path;
  }
}

TEST(Parse, FlavorByNameReplacesTheDefaultSizes) {
  auto spec = parse("name: demo\nnode_pools:\n  workers:\n    flavor: m1.xlarge\n", "c.yaml");
  ASSERT_TRUE(spec);
  EXPECT_EQ(spec->workers.flavor.name, "m1.xlarge");
  EXPECT_EQ(spec->workers.flavor.vcpus, 0);
  auto mapped = parse("name: demo\nnode_pools:\n  workers:\n    flavor: {name: m1.xlarge}\n", "c.yaml");
  ASSERT_TRUE(mapped);
  EXPECT_EQ(mapped->workers.flavor.name, "m1.xlarge");
  EXPECT_EQ(mapped->workers.flavor.ram_mb, 0);
}

TEST(Parse, LabelsTaintsAndDedicatedEtcd) {
  auto spec = parse(R"(name: demo
etcd_placement: dedicated
node_pools:
  etcd: {count: 3}
  workers:
    labels: {tier: frontend, example.com/zone: a}
    taints:
      - {key: dedicated, value: ingress, effect: NoSchedule}
pki: {algorithm: rsa-3072}
addons: {ingress: traefik}
)",
                    "c.yaml");
  ASSERT_TRUE(spec) << spec.error().front().to_string();
  EXPECT_EQ(spec->etcd_placement, EtcdPlacement::dedicated);
  EXPECT_EQ(spec->etcd.count, 3);
  EXPECT_EQ(spec->workers.labels.at("example.com/zone"), "a");
  ASSERT_EQ(spec->workers.taints.size(), 1u);
  EXPECT_EQ(spec->workers.taints[0].effect, "NoSchedule");
  EXPECT_EQ(spec->pki.algorithm, KeyAlgorithm::rsa3072);
  EXPECT_EQ(spec->addons.ingress, Ingress::traefik);
}

TEST(Parse, ErrorNamesFileLineColumnFieldFoundAndAllowed) {
  EXPECT_EQ(errors_of("name: demo\nnode_pools:\n  masters:\n    count: 2\n"),
            "c.yaml:4:12: node_pools.masters.count: found 2; allowed: 1, 3 or 5\n"
            "  hint: etcd needs an odd number of members to keep a quorum\n");
}

TEST(Parse, UnknownFieldSuggestsTheClosestKey) {
  EXPECT_EQ(errors_of("name: demo\nnode_pools:\n  master:\n    count: 3\n"),
            "c.yaml:3:3: node_pools.master: found unknown field \"master\"; allowed: masters, workers, bastion, etcd\n"
            "  hint: did you mean masters?\n");
}

TEST(Parse, ReportsEveryErrorInFileOrder) {
  auto result =
      parse("name: Demo\nkubernetes:\n  version: 1.2.3\n  pod_cidr: 10.0.0.0/16\nnetwork:\n  cidr: x\n", "c.yaml");
  ASSERT_FALSE(result);
  ASSERT_EQ(result.error().size(), 3u);
  EXPECT_EQ(result.error()[0].where, "c.yaml:1:7");
  EXPECT_EQ(result.error()[1].where, "c.yaml:3:12");
  EXPECT_EQ(result.error()[2].where, "c.yaml:6:9");
}

TEST(Parse, QuotedNumberIsAWrongType) {
  EXPECT_EQ(errors_of("name: demo\nnode_pools:\n  workers: {count: \"4\"}\n"),
            "c.yaml:3:20: node_pools.workers.count: found \"4\"; allowed: a whole number\n");
}

TEST(Parse, SyntaxErrorIsOneErrorWithAPosition) {
  auto result = parse("name: demo\nnetwork: [\n", "c.yaml");
  ASSERT_FALSE(result);
  ASSERT_EQ(result.error().size(), 1u);
  EXPECT_TRUE(result.error()[0].what.starts_with("invalid YAML: ")) << result.error()[0].what;
  EXPECT_TRUE(result.error()[0].where.starts_with("c.yaml:")) << result.error()[0].where;
}

TEST(Parse, DeepNestingIsAnErrorNotACrash) {
  std::string deep(5000, '[');
  auto result = parse("name: " + deep, "c.yaml");
  EXPECT_FALSE(result);
}

TEST(LoadFile, MissingFileIsOneErrorNamingThePath) {
  auto result = load_file("/nonexistent/cluster.yaml");
  ASSERT_FALSE(result);
  ASSERT_EQ(result.error().size(), 1u);
  EXPECT_EQ(result.error()[0].where, "/nonexistent/cluster.yaml");
  EXPECT_NE(result.error()[0].what.find("cannot read"), std::string::npos);
}

TEST(LoadFile, ReadsAndParsesAFile) {
  auto path = std::filesystem::temp_directory_path() / ("kstack_load_test_" + std::to_string(::getpid()) + ".yaml");
  {
    std::ofstream out(path);
    out << render_spec(reference_cluster(Topology::non_ha, "filetest"));
  }
  auto result = load_file(path.string());
  std::filesystem::remove(path);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->name, "filetest");
  EXPECT_EQ(result->topology(), Topology::non_ha);
}

TEST(YamlScalar, QuotesWhatWouldNotReadBackAsTheSameString) {
  EXPECT_EQ(yaml_scalar("floating"), "floating");
  EXPECT_EQ(yaml_scalar("10.0.0.0/16"), "10.0.0.0/16");
  EXPECT_EQ(yaml_scalar(""), "\"\"");
  EXPECT_EQ(yaml_scalar("true"), "\"true\"");
  EXPECT_EQ(yaml_scalar("123"), "\"123\"");
  EXPECT_EQ(yaml_scalar("a b"), "\"a b\"");
  EXPECT_EQ(yaml_scalar("say \"hi\""), "\"say \\\"hi\\\"\"");
}

}  // namespace
}  // namespace kstack::spec
