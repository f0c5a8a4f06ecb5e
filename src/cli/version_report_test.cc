#include "cli/version_report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/command.h"

namespace kstack::cli {
namespace {

/// What one in-process `kstack` run printed on stdout and its exit code.
struct Printed {
  int code;
  std::string out;
};

Printed kstack(std::vector<std::string> args) {
  args.insert(args.begin(), "kstack");
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  testing::internal::CaptureStdout();
  const int code = run(static_cast<int>(argv.size()), argv.data());
  return {code, testing::internal::GetCapturedStdout()};
}

TEST(VersionReport, VersionLineNamesTheCommit) {
  EXPECT_EQ(version_line({.version = "1.2.3", .commit = "0123456789abcdef0123", .modified = false}),
            "kstack 1.2.3 (commit 0123456789ab)");
  EXPECT_EQ(version_line({.version = "1.2.3", .commit = "0123456789abcdef0123", .modified = true}),
            "kstack 1.2.3 (commit 0123456789ab, modified)");
  EXPECT_EQ(version_line({.version = "1.2.3", .commit = "unknown"}), "kstack 1.2.3 (commit unknown)");
}

TEST(VersionReport, TheBuildRecordedAVersionAndACommit) {
  const BuildInfo info = build_info();
  EXPECT_FALSE(info.version.empty());
  EXPECT_FALSE(info.commit.empty()) << "a commit hash, or \"unknown\" outside git";
}

TEST(VersionReport, JsonOutputParsesAndListsEveryReleaseComponentAndImage) {
  const Printed printed = kstack({"version", "--output", "json"});
  ASSERT_EQ(printed.code, kOk);
  const auto doc = nlohmann::json::parse(printed.out);
  EXPECT_EQ(doc.at("format_version"), 1);
  EXPECT_EQ(doc.at("kstack").at("version"), std::string(build_info().version));
  EXPECT_EQ(doc.at("kstack").at("commit"), std::string(build_info().commit));
  EXPECT_TRUE(doc.at("kstack").at("modified").is_boolean());
  EXPECT_EQ(doc.at("default_kubernetes_version"), std::string(spec::default_kubernetes_version()));

  const auto& releases = doc.at("releases");
  ASSERT_EQ(releases.size(), spec::releases().size());
  int defaults = 0;
  for (const auto& release : releases) {
    defaults += release.at("default").get<bool>();
    const auto* pinned = spec::find_release(release.at("kubernetes_version").get<std::string>());
    ASSERT_NE(pinned, nullptr) << release.at("kubernetes_version");
    ASSERT_EQ(release.at("binaries").size(), pinned->binaries().size());
    EXPECT_EQ(release.at("binaries")[0].at("name"), "kubelet");
    EXPECT_EQ(release.at("binaries")[0].at("version"), release.at("kubernetes_version"));
    EXPECT_EQ(release.at("binaries")[0].at("downloads").at("amd64").at("sha256").get<std::string>().size(), 64u);
    ASSERT_EQ(release.at("images").size(), pinned->images.all().size());
    for (const auto& image : release.at("images")) {
      EXPECT_EQ(image.at("ref"), image.at("repository").get<std::string>() + ":" + image.at("tag").get<std::string>());
    }
  }
  EXPECT_EQ(defaults, 1);
}

TEST(VersionReport, TextOutputHasTheVersionLineAndEveryImage) {
  const Printed printed = kstack({"version"});
  ASSERT_EQ(printed.code, kOk);
  EXPECT_EQ(printed.out.substr(0, printed.out.find('\n')), version_line(build_info()));
  for (const auto& release : spec::releases()) {
    EXPECT_NE(printed.out.find(release.images.kube_apiserver.ref()), std::string::npos) << printed.out;
  }
  EXPECT_NE(printed.out.find("(the default for new specs)"), std::string::npos);
}

TEST(VersionReport, VersionFlagPrintsTheVersionLine) {
  const Printed printed = kstack({"--version"});
  EXPECT_EQ(printed.code, kOk);
  EXPECT_EQ(printed.out, version_line(build_info()) + "\n");
}

}  // namespace
}  // namespace kstack::cli
