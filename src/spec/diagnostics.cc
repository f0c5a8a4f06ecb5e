#include "spec/diagnostics.h"

#include <fmt/format.h>

#include <algorithm>

namespace kstack::spec {

Position SourceMap::find(std::string_view path) const {
  std::string_view p = path;
  while (!p.empty()) {
    if (auto it = positions_.find(p); it != positions_.end()) return it->second;
    auto cut = p.find_last_of(".[");
    if (cut == std::string_view::npos) break;
    p = p.substr(0, cut);
  }
  if (auto it = positions_.find(std::string_view{}); it != positions_.end()) return it->second;
  return {};
}

std::string SourceMap::where(std::string_view path) const {
  Position pos = find(path);
  if (pos.line == 0) return filename_;
  return fmt::format("{}:{}:{}", filename_, pos.line, pos.column);
}

void Diagnostics::add(std::string_view path, std::string_view found, std::string_view allowed, std::string hint) {
  add_message(path, fmt::format("{}: found {}; allowed: {}", path, found, allowed), std::move(hint));
}

void Diagnostics::add_message(std::string_view path, std::string what, std::string hint) {
  if (!failed_.emplace(path).second) return;
  entries_.push_back({map_.find(path), Error{std::move(what), map_.where(path), std::move(hint), {}, 0, {}}});
}

void Diagnostics::add_at(Position position, std::string what, std::string hint) {
  if (position.line == 0) position = map_.find("");
  std::string where =
      position.line == 0 ? map_.filename() : fmt::format("{}:{}:{}", map_.filename(), position.line, position.column);
  entries_.push_back({position, Error{std::move(what), std::move(where), std::move(hint), {}, 0, {}}});
}

std::vector<Error> Diagnostics::take() {
  std::stable_sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
    if (a.position.line != b.position.line) return a.position.line < b.position.line;
    return a.position.column < b.position.column;
  });
  std::vector<Error> out;
  out.reserve(entries_.size());
  for (auto& e : entries_) out.push_back(std::move(e.error));
  entries_.clear();
  return out;
}

}  // namespace kstack::spec
