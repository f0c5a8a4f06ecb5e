#include "spec/checksums.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace kstack::spec {
namespace {

constexpr size_t kMaxChecksumsBytes = 1 << 20;

bool is_hex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  }
  return true;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

std::string_view mirror_path(std::string_view upstream_url) {
  const size_t scheme = upstream_url.find("://");
  const size_t host = scheme == std::string_view::npos ? 0 : scheme + 3;
  const size_t path = upstream_url.find('/', host);
  if (path == std::string_view::npos) return {};
  return upstream_url.substr(path + 1);
}

Result<MirrorChecksums> parse_checksums(std::string_view text, std::string_view file) {
  MirrorChecksums out;
  out.file = std::string(file);
  int number = 0;
  while (!text.empty()) {
    ++number;
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;
    const std::string where = fmt::format("{}:{}", file, number);
    // sha256sum writes "<hash>  <path>" (text mode) or "<hash> *<path>" (binary mode).
    const bool shaped =
        line.size() > 66 && is_hex(line.substr(0, 64)) && line[64] == ' ' && (line[65] == ' ' || line[65] == '*');
    if (!shaped) {
      return fail("not a sha256sum line: expected 64 hex digits, two spaces and a path", where,
                  "write the file with `sha256sum PATH...` run at the mirror's root");
    }
    std::string path(line.substr(66));
    while (path.starts_with("./")) path.erase(0, 2);
    if (path.empty() || path.starts_with('/')) {
      return fail(fmt::format("the path \"{}\" is not relative to the mirror's root", path), where,
                  "run sha256sum at the mirror's root, on paths such as release/v1.34.4/bin/linux/amd64/kubelet");
    }
    if (out.sha256.contains(path)) {
      return fail(fmt::format("\"{}\" is listed twice (first on line {})", path, out.line[path]), where,
                  "keep one line for each file");
    }
    out.sha256[path] = lower(line.substr(0, 64));
    out.line[path] = number;
  }
  return out;
}

Result<MirrorChecksums> read_checksums(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(fmt::format("cannot read the mirror's checksums: {}", std::strerror(errno)), path);
  std::string text;
  char buffer[8192];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxChecksumsBytes) {
      return fail(fmt::format("the checksums file is larger than {} bytes", kMaxChecksumsBytes), path);
    }
  }
  if (in.bad()) return fail(fmt::format("cannot read the mirror's checksums: {}", std::strerror(errno)), path);
  return parse_checksums(text, path);
}

std::vector<std::string> unlisted(const Release& release, Arch arch, const MirrorChecksums& checksums) {
  std::vector<std::string> out;
  for (const BinaryRelease* binary : release.binaries()) {
    const std::string_view path = mirror_path(binary->download(arch).url);
    if (!checksums.sha256.contains(path)) out.emplace_back(path);
  }
  return out;
}

}  // namespace kstack::spec
