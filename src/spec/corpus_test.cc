// Runs the spec corpus under tests/specs: every bad/<case>.yaml must fail with exactly the errors in
// bad/<case>.err, and good/<topology>.yaml must be exactly what `kstack init --topology <topology>` prints.
// With KSTACK_REGENERATE=1 the expected files are rewritten instead of compared.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "spec/defaults.h"
#include "spec/load.h"
#include "spec/render.h"

namespace kstack::spec {
namespace {

namespace fs = std::filesystem;

const fs::path kCorpus = fs::path(KSTACK_SOURCE_DIR) / "tests" / "specs";

bool regenerate() {
  const char* v = std::getenv("KSTACK_REGENERATE");
  return v != nullptr && std::string_view(v) == "1";
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

std::vector<fs::path> bad_cases() {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(kCorpus / "bad")) {
    if (entry.path().extension() == ".yaml") out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Corpus, HasAtLeastFortyBadSpecs) { EXPECT_GE(bad_cases().size(), 40u); }

/// InDirectory makes a directory the current one for its lifetime: a spec names files beside it
/// (mirrors.checksums) relative to its own directory, and the corpus' errors name them that way.
struct InDirectory {
  explicit InDirectory(const fs::path& dir) : previous(fs::current_path()) { fs::current_path(dir); }
  ~InDirectory() { fs::current_path(previous); }
  fs::path previous;
};

TEST(Corpus, EveryBadSpecFailsWithExactlyTheExpectedErrors) {
  const InDirectory in_corpus(kCorpus / "bad");
  for (const auto& yaml : bad_cases()) {
    SCOPED_TRACE(yaml.filename().string());
    auto result = parse(slurp(yaml), yaml.filename().string());
    ASSERT_FALSE(result.has_value()) << "accepted a bad spec";
    std::string got;
    for (const auto& e : result.error()) got += e.to_string() + "\n";
    fs::path err = fs::path(yaml).replace_extension(".err");
    if (regenerate()) {
      write(err, got);
      continue;
    }
    ASSERT_TRUE(fs::exists(err)) << "missing " << err;
    EXPECT_EQ(got, slurp(err));
  }
}

TEST(Corpus, GoodSpecsAreTheInitOutputAndValid) {
  for (Topology t : {Topology::single, Topology::non_ha, Topology::ha}) {
    fs::path path = kCorpus / "good" / (std::string(topology_name(t)) + ".yaml");
    SCOPED_TRACE(path.string());
    std::string text = render_spec(reference_cluster(t));
    if (regenerate()) write(path, text);
    EXPECT_EQ(slurp(path), text) << "run the test with KSTACK_REGENERATE=1 to update";
    auto parsed = parse(slurp(path), path.filename().string());
    ASSERT_TRUE(parsed) << parsed.error().front().to_string();
    EXPECT_EQ(parsed->topology(), t);
  }
}

}  // namespace
}  // namespace kstack::spec
