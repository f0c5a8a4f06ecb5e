// Compares the rendered tree of one master and one worker of the reference cluster with the files
// under tests/golden/, so that every change to what lands on nodes shows in review.
//
// Regenerate after an intended change:
//   KSTACK_UPDATE_GOLDEN=1 build/src/bootstrap/bootstrap_test --gtest_filter='Golden.*'
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "bootstrap/placeholder_pki.h"
#include "bootstrap/render.h"

namespace kstack::bootstrap {
namespace {

namespace fs = std::filesystem;

const fs::path kGoldenDir = fs::path(KSTACK_SOURCE_DIR) / "tests" / "golden";

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::set<std::string> files_under(const fs::path& root) {
  std::set<std::string> out;
  if (!fs::exists(root)) return out;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) out.insert(fs::relative(entry.path(), root).string());
  }
  return out;
}

std::vector<RenderedNode> render_reference() {
  const auto spec = testing::reference_spec();
  auto model = model::build_model(spec);
  EXPECT_TRUE(model.has_value());
  const auto pki = testing::placeholder_pki(*model);
  const BootstrapSecrets secrets{"Z29sZGVuLWZpbGUtZW5jcnlwdGlvbi1rZXktMzJieXQ="};
  auto nodes = render_cluster(spec, *model, pki, secrets, RenderOptions{});
  EXPECT_TRUE(nodes.has_value());
  std::vector<RenderedNode> picked;
  for (auto& node : *nodes) {
    if (node.name == "demo-master-1" || node.name == "demo-worker-1") picked.push_back(std::move(node));
  }
  return picked;
}

TEST(Golden, MasterAndWorkerTreesMatchTheReviewedFiles) {
  auto nodes = render_reference();
  ASSERT_EQ(nodes.size(), 2u);
  const fs::path rendered = fs::temp_directory_path() / ("kstack-golden-" + std::to_string(getpid()));
  ASSERT_TRUE(write_tree(nodes, rendered).has_value());
  if (std::getenv("KSTACK_UPDATE_GOLDEN") != nullptr) {
    for (const auto& node : nodes) {
      fs::remove_all(kGoldenDir / node.name);
      fs::create_directories(kGoldenDir / node.name);
      fs::copy(rendered / node.name, kGoldenDir / node.name, fs::copy_options::recursive);
      // user-data is the gzip or the cloud-config itself; the reviewable text is cloud-config.yaml.
      fs::remove(kGoldenDir / node.name / "user-data");
    }
  }
  for (const auto& node : nodes) {
    const auto want = files_under(kGoldenDir / node.name);
    auto got = files_under(rendered / node.name);
    got.erase("user-data");
    EXPECT_EQ(got, want) << node.name << ": the set of files changed; regenerate the golden tree if intended";
    for (const auto& file : want) {
      if (!got.contains(file)) continue;
      EXPECT_EQ(slurp(rendered / node.name / file), slurp(kGoldenDir / node.name / file))
          << node.name << "/" << file << " differs from tests/golden (KSTACK_UPDATE_GOLDEN=1 to accept)";
    }
  }
  fs::remove_all(rendered);
}

}  // namespace
}  // namespace kstack::bootstrap
