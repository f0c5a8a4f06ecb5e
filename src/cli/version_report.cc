#include "cli/version_report.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace kstack::cli {
namespace {

using Json = nlohmann::ordered_json;

Json download_json(const spec::Download& d) { return {{"url", d.url}, {"sha256", d.sha256}}; }

Json release_json(const spec::Release& release, bool is_default) {
  Json j;
  j["kubernetes_version"] = release.kubernetes;
  j["default"] = is_default;
  auto& binaries = j["binaries"] = Json::array();
  for (const auto* b : release.binaries()) {
    binaries.push_back({{"name", b->name},
                        {"version", b->version},
                        {"downloads", {{"amd64", download_json(b->amd64)}, {"arm64", download_json(b->arm64)}}}});
  }
  auto& images = j["images"] = Json::array();
  for (const auto* i : release.images.all()) {
    images.push_back({{"name", i->name}, {"repository", i->repository}, {"tag", i->tag}, {"ref", i->ref()}});
  }
  return j;
}

}  // namespace

VersionReport current_version_report() {
  return {
      .build = build_info(), .releases = spec::releases(), .default_kubernetes = spec::default_kubernetes_version()};
}

std::string render_version_text(const VersionReport& report) {
  std::string out = version_line(report.build) + "\n";
  for (const auto& release : report.releases) {
    const bool is_default = release.kubernetes == report.default_kubernetes;
    out += fmt::format("\nKubernetes {}{}\n", release.kubernetes, is_default ? " (the default for new specs)" : "");
    out += fmt::format("  {:<36} {:<16} {}\n", "COMPONENT", "VERSION", "IMAGE");
    for (const auto* b : release.binaries()) out += fmt::format("  {:<36} {}\n", b->name, b->version);
    for (const auto* i : release.images.all()) {
      out += fmt::format("  {:<36} {:<16} {}\n", i->name, i->tag, i->ref());
    }
  }
  return out;
}

std::string render_version_json(const VersionReport& report) {
  Json doc;
  doc["format_version"] = 1;
  doc["kstack"] = {
      {"version", report.build.version}, {"commit", report.build.commit}, {"modified", report.build.modified}};
  doc["default_kubernetes_version"] = report.default_kubernetes;
  auto& releases = doc["releases"] = Json::array();
  for (const auto& release : report.releases) {
    releases.push_back(release_json(release, release.kubernetes == report.default_kubernetes));
  }
  return doc.dump(2) + "\n";
}

}  // namespace kstack::cli
