#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>

#include "cli/command.h"
#include "cli/completion_model.h"
#include "cli/completion_scripts.h"
#include "spec/defaults.h"
#include "spec/render.h"

namespace kstack::cli {
namespace fs = std::filesystem;
namespace {

std::vector<CompletedCommand> real_model() {
  CLI::App app;
  Context ctx;
  build_app(app, ctx);
  return completion_model(app);
}

const CompletedCommand& command(const std::vector<CompletedCommand>& model, const std::string& path) {
  for (const auto& c : model) {
    if (c.path == path) return c;
  }
  throw std::runtime_error("no command " + path);
}

const CompletedOption* option(const CompletedCommand& cmd, const std::string& name) {
  for (const auto& o : cmd.options) {
    for (const auto& n : o.names) {
      if (n == name) return &o;
    }
  }
  return nullptr;
}

TEST(CompletionModel, FollowsTheParser) {
  const auto model = real_model();
  const auto& root = command(model, "");
  ASSERT_FALSE(root.subcommands.empty());
  EXPECT_NE(
      std::find_if(root.subcommands.begin(), root.subcommands.end(), [](const auto& s) { return s.first == "apply"; }),
      root.subcommands.end());

  const auto& apply = command(model, "apply");
  ASSERT_NE(option(apply, "--file"), nullptr);
  EXPECT_EQ(option(apply, "-f")->value, ValueKind::file);
  EXPECT_EQ(option(apply, "--state-dir")->value, ValueKind::dir);
  EXPECT_EQ(option(apply, "--plain")->value, ValueKind::none);
  ASSERT_NE(option(apply, "--debug"), nullptr) << "global options are offered after a subcommand too";

  const auto* topology = option(command(model, "init"), "--topology");
  ASSERT_NE(topology, nullptr);
  EXPECT_EQ(topology->value, ValueKind::choice);
  EXPECT_EQ(topology->choices, (std::vector<std::string>{"single", "non-ha", "ha"}));
  EXPECT_EQ(command(model, "ssh").positional, ValueKind::node);
  EXPECT_EQ(command(model, "certs").subcommands.at(0).first, "check");
  EXPECT_EQ(command(model, "completion").subcommands.size(), 2u) << "the node lister is hidden";
}

/// A scratch directory holding bash's completion script and a spec, removed at the end.
class BashCompletion : public testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::path(testing::TempDir()) / "kstack-completion-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
    std::ofstream(dir_ / "kstack.bash") << bash_completion(real_model());
    std::ofstream(dir_ / "cluster.yaml") << spec::render_spec(spec::reference_cluster(spec::Topology::ha, "demo"));
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `script` in bash in the scratch directory; returns what it printed.
  std::string bash(const std::string& script, int* status = nullptr) {
    std::ofstream(dir_ / "run.sh") << script;
    const std::string cmd = "cd '" + dir_.string() + "' && bash run.sh 2>&1";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(cmd.c_str(), "r"), &::pclose);
    std::string out;
    char buf[4096];
    while (size_t n = std::fread(buf, 1, sizeof buf, pipe.get())) out.append(buf, n);
    const int rc = ::pclose(pipe.release());
    if (status) *status = rc;
    return out;
  }

  // What the script offers for the command line `words`, the cursor on its last word; one a line.
  std::string complete(const std::string& words) {
    return bash("source ./kstack.bash\nCOMP_WORDS=(" + words + ")\nCOMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n" +
                "_kstack\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n");
  }

  fs::path dir_;
};

TEST_F(BashCompletion, ScriptIsValidBash) {
  int status = -1;
  const std::string out = bash("bash -n ./kstack.bash", &status);
  EXPECT_EQ(status, 0) << out;
}

TEST_F(BashCompletion, CompletesSubcommands) {
  EXPECT_EQ(complete("kstack ap"), "apply\n");
  EXPECT_EQ(complete("kstack certs ''"), "check\n");
  EXPECT_EQ(complete("kstack --debug cloud ch"), "check\n");
}

TEST_F(BashCompletion, CompletesOptionsGlobalOnesIncluded) {
  EXPECT_EQ(complete("kstack destroy --pl"), "--plain\n");
  EXPECT_EQ(complete("kstack cloud check -f cluster.yaml --de"), "--debug\n");
}

TEST_F(BashCompletion, CompletesChoicesAndFileNames) {
  EXPECT_EQ(complete("kstack plan -o j"), "json\n");
  EXPECT_EQ(complete("kstack init --topology non"), "non-ha\n");
  EXPECT_EQ(complete("kstack validate -f clu"), "cluster.yaml\n");
}

TEST_F(BashCompletion, CompletesNodeNamesFromTheSpec) {
  const std::string out = complete("'" KSTACK_BINARY "' ssh -f cluster.yaml ''");
  EXPECT_NE(out.find("master-1\n"), std::string::npos) << out;
  EXPECT_NE(out.find("worker-3\n"), std::string::npos) << out;
  EXPECT_NE(out.find("bastion\n"), std::string::npos) << out;
  EXPECT_EQ(complete("'" KSTACK_BINARY "' ssh -f cluster.yaml mas"), "master-1\nmaster-2\nmaster-3\n");
}

// zsh comes with scripts/install-deps.sh.
TEST(ZshCompletion, ScriptIsValidZsh) {
  ASSERT_EQ(std::system("command -v zsh >/dev/null 2>&1"), 0) << "zsh is not installed: run scripts/install-deps.sh";
  std::string tmpl = (fs::path(testing::TempDir()) / "kstack-zsh-XXXXXX").string();
  const fs::path dir = ::mkdtemp(tmpl.data());
  std::ofstream(dir / "_kstack") << zsh_completion(real_model());
  EXPECT_EQ(std::system(("zsh -n '" + (dir / "_kstack").string() + "'").c_str()), 0);
  fs::remove_all(dir);
}

TEST(ZshCompletion, DescribesCommandsAndOptions) {
  const std::string script = zsh_completion(real_model());
  EXPECT_NE(script.find("#compdef kstack"), std::string::npos);
  EXPECT_NE(script.find("apply:Converge the cloud"), std::string::npos);
  EXPECT_NE(script.find("--plain:A log line per step"), std::string::npos);
}

}  // namespace
}  // namespace kstack::cli
