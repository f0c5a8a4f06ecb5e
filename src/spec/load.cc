#include "spec/load.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "spec/checksums.h"
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

// YAML streams may not hold C0 control characters other than tab, LF and CR, and yaml-cpp 0.7 can loop on
// them (found by fuzzing). Returns the 1-based position of the first, or line 0 when there is none.
Position control_character(std::string_view yaml) {
  int line = 1;
  int column = 1;
  for (const char c : yaml) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte == '\n') {
      ++line;
      column = 1;
      continue;
    }
    if ((byte < 0x20 && byte != '\t' && byte != '\r') || byte == 0x7f) return {line, column};
    ++column;
  }
  return {};
}

// yaml-cpp 0.7 never returns from a document whose first token is a ',' (found by fuzzing): find one
// before the parser does. Returns the 1-based line and column of that ',', or line 0 when there is none.
Position stray_leading_comma(std::string_view yaml) {
  bool at_document_start = true;
  int line_number = 0;
  while (!yaml.empty()) {
    ++line_number;
    const size_t end = yaml.find('\n');
    std::string_view line = yaml.substr(0, end);
    yaml = end == std::string_view::npos ? std::string_view{} : yaml.substr(end + 1);
    const size_t indent = line.find_first_not_of(" \t\r");
    if (indent == std::string_view::npos) continue;
    std::string_view rest = line.substr(indent);
    size_t column = indent;
    if (indent == 0 && (rest.starts_with("---") || rest.starts_with("..."))) {
      at_document_start = true;
      const size_t more = rest.find_first_not_of(" \t\r", 3);
      if (more == std::string_view::npos) continue;
      column = more;
      rest = rest.substr(more);
    }
    if (!at_document_start || rest.front() == '#' || rest.front() == '%') continue;
    if (rest.front() == ',') return {line_number, static_cast<int>(column) + 1};
    at_document_start = false;
  }
  return {};
}

// Reads mirrors.checksums, relative to the spec's own directory, into the spec.
void read_mirror_checksums(ClusterSpec& spec, std::string_view filename, Diagnostics& diagnostics) {
  const std::string& file = spec.mirrors.checksums;
  if (file.empty()) return;
  std::filesystem::path path(file);
  if (path.is_relative() && filename != "-" && !filename.empty()) {
    path = std::filesystem::path(filename).parent_path() / path;
  }
  auto list = read_checksums(path.string());
  if (!list) {
    const Error& e = list.error();
    diagnostics.add_message("mirrors.checksums", fmt::format("{}: {}", e.where, e.what), e.hint);
    return;
  }
  spec.mirrors.checksum_list = std::move(*list);
}

}  // namespace

std::expected<ClusterSpec, Errors> parse(std::string_view yaml, std::string_view filename) {
  SourceMap map{std::string(filename)};
  map.set("", {1, 1});
  Diagnostics diagnostics(map);
  ClusterSpec spec;
  if (const Position control = control_character(yaml); control.line != 0) {
    diagnostics.add_at(control, "invalid YAML: a control character (a spec is text)",
                       "save the file as UTF-8 text; tabs and newlines are the only control characters allowed");
    return std::unexpected(diagnostics.take());
  }
  if (const Position comma = stray_leading_comma(yaml); comma.line != 0) {
    diagnostics.add_at(comma, "invalid YAML: a document cannot start with ','",
                       "remove the ',' or put the list inside [ ]");
    return std::unexpected(diagnostics.take());
  }
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
  read_mirror_checksums(spec, filename, diagnostics);
  validate(spec, map, diagnostics);
  if (!diagnostics.empty()) return std::unexpected(diagnostics.take());
  return spec;
}

std::string spec_source_name(const std::string& path) { return path == kStandardInput ? "<stdin>" : path; }

Result<std::string> read_spec_text(const std::string& path) {
  const std::string name = spec_source_name(path);
  std::ifstream file;
  if (path != kStandardInput) {
    file.open(path, std::ios::binary);
    if (!file) return fail(fmt::format("cannot read the spec: {}", std::strerror(errno)), name);
  }
  std::istream& in = path == kStandardInput ? std::cin : file;
  std::string text;
  char buffer[8192];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxSpecBytes) {
      return fail(fmt::format("the spec is larger than {} bytes", kMaxSpecBytes), name,
                  "a cluster.yaml is a few kilobytes; is this the right file?");
    }
  }
  if (in.bad()) return fail(fmt::format("cannot read the spec: {}", std::strerror(errno)), name);
  return text;
}

std::expected<ClusterSpec, Errors> load_file(const std::string& path) {
  auto text = read_spec_text(path);
  if (!text) return std::unexpected(Errors{text.error()});
  return parse(*text, spec_source_name(path));
}

}  // namespace kstack::spec
