#include "spec/load.h"

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

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

// At most this many documents are read from one stream; a spec has one.
constexpr size_t kMaxDocuments = 16;

/// Records where each document of a YAML stream starts and where its first node is, building nothing.
class DocumentStarts final : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    starts.push_back(mark);
    nodes.push_back(mark);
    node_seen = false;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override { node(mark); }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    node(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    node(mark);
  }
  void OnMapEnd() override {}

  std::vector<YAML::Mark> starts;  // each document's first token ('---' when it has one)
  std::vector<YAML::Mark> nodes;   // each document's first node (its start when it has none)

 private:
  void node(const YAML::Mark& mark) {
    if (node_seen) return;
    nodes.back() = mark;
    node_seen = true;
  }
  bool node_seen = false;
};

// What the first pass over a stream found: its documents' starts, and whether it stopped at a token that
// begins no node (a stray ',', for one).
struct StreamShape {
  std::vector<YAML::Mark> starts;  // each document's first node
  bool stuck = false;
};

// Reads the stream document by document, bounded. yaml-cpp 0.7's LoadAll never returns from a stream
// where a document starts with a token that begins no node (a ',' at the top, found by fuzzing): each
// call makes an empty document and consumes nothing. Here a document that starts where the one before
// it started stops the reading. Throws YAML::Exception on a syntax error, as LoadAll does.
StreamShape read_stream_shape(const std::string& yaml) {
  std::istringstream in(yaml);
  YAML::Parser parser(in);
  DocumentStarts starts;
  StreamShape shape;
  while (starts.starts.size() < kMaxDocuments && parser.HandleNextDocument(starts)) {
    const size_t n = starts.starts.size();
    if (n >= 2 && starts.starts[n - 1].pos == starts.starts[n - 2].pos) {
      shape.stuck = true;
      break;
    }
  }
  shape.starts = std::move(starts.nodes);
  return shape;
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
  try {
    const std::string text(yaml);
    const StreamShape shape = read_stream_shape(text);
    if (shape.stuck) {
      const YAML::Mark& at = shape.starts.back();
      const char c = static_cast<size_t>(at.pos) < text.size() ? text[static_cast<size_t>(at.pos)] : ' ';
      diagnostics.add_at(position_of(at), fmt::format("invalid YAML: '{}' cannot start a value", c),
                         c == ',' ? "remove the ',' or put the list inside [ ]" : "remove it or quote the value");
      return std::unexpected(diagnostics.take());
    }
    if (shape.starts.size() > 1) {
      const std::string count = shape.starts.size() >= kMaxDocuments ? fmt::format("{} or more", kMaxDocuments)
                                                                     : std::to_string(shape.starts.size());
      diagnostics.add_at(position_of(shape.starts[1]), fmt::format("found {} YAML documents; allowed: one", count),
                         "keep one cluster per file");
    }
    YAML::Node root = YAML::Load(text);
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
