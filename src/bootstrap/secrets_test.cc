#include "bootstrap/secrets.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "bootstrap/placeholder_pki.h"
#include "bootstrap/render.h"

namespace kstack::bootstrap {
namespace {

namespace fs = std::filesystem;

/// TempDir is a fresh directory removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/kstack-secrets-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
};

TEST(Secrets, TheEncryptionKeyIsGeneratedOnceAndKept) {
  TempDir dir;
  std::string first;
  {
    auto state = state::StateDir::open(dir.path / "state");
    ASSERT_TRUE(state.has_value());
    auto secrets = ensure_secrets(*state);
    ASSERT_TRUE(secrets.has_value()) << secrets.error().to_string();
    first = secrets->encryption_key_base64;
    EXPECT_EQ(first.size(), 44u);
  }
  auto state = state::StateDir::open(dir.path / "state");
  ASSERT_TRUE(state.has_value());
  auto again = ensure_secrets(*state);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->encryption_key_base64, first);
  ASSERT_TRUE(state->write(kEncryptionKeyFile, "short\n").has_value());
  EXPECT_FALSE(ensure_secrets(*state).has_value());
}

TEST(Secrets, PkiInputsCarryEveryNodeOfTheModel) {
  auto spec = testing::reference_spec();
  auto model = model::build_model(spec);
  ASSERT_TRUE(model.has_value());
  auto in = pki_inputs(spec, *model, "203.0.113.7");
  EXPECT_EQ(in.cluster_name, "demo");
  ASSERT_EQ(in.masters.size(), 3u);
  EXPECT_EQ(in.masters[1].name, "demo-master-2");
  EXPECT_EQ(in.masters[1].ip, "10.0.0.12");
  EXPECT_EQ(in.etcd_members.size(), 3u);
  EXPECT_EQ(in.kubelet_nodes.size(), 5u);
  EXPECT_EQ(in.api_vip, "10.0.0.5");
  EXPECT_EQ(in.api_floating_ip, "203.0.113.7");
}

// The same state directory gives byte-identical user-data: nothing random or time-dependent is
// added at render time, and the PKI and key are reused rather than reissued.
TEST(Secrets, RenderingTwiceFromTheSameStateDirectoryIsDeterministic) {
  TempDir dir;
  auto spec = testing::reference_spec();
  auto model = model::build_model(spec);
  ASSERT_TRUE(model.has_value());
  std::vector<RenderedNode> runs[2];
  for (auto& out : runs) {
    auto state = state::StateDir::open(dir.path / "state");
    ASSERT_TRUE(state.has_value());
    auto pki = pki::ensure_pki(*state, pki_inputs(spec, *model, ""));
    ASSERT_TRUE(pki.has_value()) << pki.error().to_string();
    auto secrets = ensure_secrets(*state);
    ASSERT_TRUE(secrets.has_value());
    auto nodes = render_cluster(spec, *model, *pki, *secrets, RenderOptions{});
    ASSERT_TRUE(nodes.has_value()) << nodes.error().to_string();
    out = std::move(*nodes);
  }
  ASSERT_EQ(runs[0].size(), runs[1].size());
  for (size_t i = 0; i < runs[0].size(); ++i) EXPECT_EQ(runs[0][i].user_data, runs[1][i].user_data) << runs[0][i].name;
}

// The API's floating IP is in the API server's certificate, which only masters carry: every other node's
// user-data is the same without it. The reconciler relies on this to boot those nodes before the
// floating IP exists; each node rendered alone is byte for byte what the whole cluster's render gives it.
TEST(Secrets, OnlyMastersUserDataDependsOnTheApiFloatingIp) {
  TempDir dir;
  auto spec = testing::reference_spec();
  auto model = model::build_model(spec);
  ASSERT_TRUE(model.has_value());
  auto state = state::StateDir::open(dir.path / "state");
  ASSERT_TRUE(state.has_value());
  auto secrets = ensure_secrets(*state);
  ASSERT_TRUE(secrets.has_value());
  std::vector<RenderedNode> runs[2];
  const char* addresses[2] = {"", "203.0.113.7"};
  for (int i = 0; i < 2; ++i) {
    auto pki = pki::ensure_pki(*state, pki_inputs(spec, *model, addresses[i]));
    ASSERT_TRUE(pki.has_value()) << pki.error().to_string();
    auto nodes = render_cluster(spec, *model, *pki, *secrets, RenderOptions{});
    ASSERT_TRUE(nodes.has_value()) << nodes.error().to_string();
    runs[i] = std::move(*nodes);
    for (const auto& node : runs[i]) {
      auto alone = render_named_node(spec, *model, *pki, *secrets, RenderOptions{}, node.name);
      ASSERT_TRUE(alone.has_value()) << alone.error().to_string();
      EXPECT_EQ(alone->user_data, node.user_data) << node.name;
    }
  }
  ASSERT_EQ(runs[0].size(), runs[1].size());
  for (size_t i = 0; i < runs[0].size(); ++i) {
    const bool same = runs[0][i].user_data == runs[1][i].user_data;
    EXPECT_EQ(same, runs[0][i].role != model::Role::master) << runs[0][i].name;
  }
  auto pki = pki::ensure_pki(*state, pki_inputs(spec, *model, ""));
  ASSERT_TRUE(pki.has_value());
  EXPECT_FALSE(render_named_node(spec, *model, *pki, *secrets, RenderOptions{}, "demo-worker-9").has_value());
}

}  // namespace
}  // namespace kstack::bootstrap
