#include "spec/load.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "spec/decode.h"
#include "spec/diagnostics.h"
#include "spec/validate.h"

namespace kstack::spec {
namespace {

constexpr size_t kMaxSpecBytes = 1 << 20;

Position position_of(const YAML::Mark& mark) {
  if (mark.is_null() || mark.line < 0) return {};
  return {mark.line + 1, mark.column + 1};
}

}  // namespace

std::expected<ClusterSpec, Errors> parse(std::string_view yaml, std::string_view filename) {
  SourceMap map{std::string(filename)};
  map.set("", {1, 1});
  Diagnostics diagnostics(map);
  ClusterSpec spec;
  try {
    std::vector<YAML::Node> documents = YAML::LoadAll(std::string(yaml));
    if (documents.size() > 1) {
      diagnostics.add_at(position_of(documents[1].Mark()),
                         fmt::format("found {} YAML documents; allowed: one", documents.size()),
                         "keep one cluster per file");
    }
    YAML::Node root = documents.empty() ? YAML::Node() : documents.front();
    spec = decode(root, map, diagnostics);
    // Without a mapping at the top there are no fields to check, only that one error.
    if (!root.IsMap()) return std::unexpected(diagnostics.take());
  } catch (const YAML::Exception& e) {
    // A syntax error stops the parser: nothing after it can be checked.
    diagnostics.add_at(position_of(e.mark), fmt::format("invalid YAML: {}", e.msg),
                       "check the indentation (spaces, not tabs) and the quoting around this line");
    return std::unexpected(diagnostics.take());
  }
  validate(spec, map, diagnostics);
  if (!diagnostics.empty()) return std::unexpected(diagnostics.take());
  return spec;
}

Result<std::string> read_spec_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(fmt::format("cannot read the spec: {}", std::strerror(errno)), path);
  std::string text;
  char buffer[8192];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxSpecBytes) {
      return fail(fmt::format("the spec is larger than {} bytes", kMaxSpecBytes), path,
                  "a cluster.yaml is a few kilobytes; is this the right file?");
    }
  }
  if (in.bad()) return fail(fmt::format("cannot read the spec: {}", std::strerror(errno)), path);
  return text;
}

std::expected<ClusterSpec, Errors> load_file(const std::string& path) {
  auto text = read_spec_text(path);
  if (!text) return std::unexpected(Errors{text.error()});
  return parse(*text, path);
}

}  // namespace kstack::spec
