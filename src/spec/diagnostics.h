#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace kstack::spec {

/// Position is a 1-based line and column in a spec file; line 0 means "nowhere in the file".
struct Position {
  int line = 0;
  int column = 0;
};

/// SourceMap remembers where in the file each field path ("node_pools.masters.count") was written,
/// so that checks made after parsing can still point at the right line.
class SourceMap {
 public:
  explicit SourceMap(std::string filename) : filename_(std::move(filename)) {}

  void set(const std::string& path, Position position) { positions_[path] = position; }

  /// True when `path` itself was written in the file.
  bool has(std::string_view path) const { return positions_.find(path) != positions_.end(); }

  /// Where `path` was written; else where its closest written ancestor was; else where the root ("") was.
  Position find(std::string_view path) const;

  /// "file:line:column" for `path`, or just "file" when neither it nor an ancestor was written.
  std::string where(std::string_view path) const;

  const std::string& filename() const { return filename_; }

 private:
  std::string filename_;
  std::map<std::string, Position, std::less<>> positions_;
};

/// Diagnostics collects every error of one spec and hands them back in file order.
class Diagnostics {
 public:
  explicit Diagnostics(const SourceMap& map) : map_(map) {}

  /// One error on `path`: "<path>: found <found>; allowed: <allowed>".
  void add(std::string_view path, std::string_view found, std::string_view allowed, std::string hint = {});

  /// One error on `path` whose message is not of the found/allowed form. Dropped when `path` already has one.
  void add_message(std::string_view path, std::string what, std::string hint = {});

  /// One error at an explicit position (for YAML syntax errors and keys, which have no field path).
  void add_at(Position position, std::string what, std::string hint = {});

  bool empty() const { return entries_.empty(); }

  /// True when an error was already reported on `path` (a later check then stays silent: one error a field).
  bool has_error(std::string_view path) const { return failed_.find(path) != failed_.end(); }

  /// Every error, sorted by line then column; errors with no position come first.
  std::vector<Error> take();

 private:
  struct Entry {
    Position position;
    Error error;
  };
  const SourceMap& map_;
  std::vector<Entry> entries_;
  std::set<std::string, std::less<>> failed_;
};

}  // namespace kstack::spec
