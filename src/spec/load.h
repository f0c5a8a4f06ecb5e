#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "spec/cluster_spec.h"
#include "util/error.h"

namespace kstack::spec {

/// Errors is every error of one spec, in file order.
using Errors = std::vector<kstack::Error>;

/// Parses and validates a cluster.yaml held in memory. `filename` is only used in the
/// "file:line:column" of each error. Every default is filled in; all errors are reported at once.
[[nodiscard]] std::expected<ClusterSpec, Errors> parse(std::string_view yaml, std::string_view filename);

/// The path that names standard input instead of a file.
inline constexpr std::string_view kStandardInput = "-";

/// How errors name the spec at `path`: the path itself, or "<stdin>" for kStandardInput.
std::string spec_source_name(const std::string& path);

/// The text of a spec file, or of standard input for kStandardInput (at most 1 MiB); an error when it
/// cannot be read. Lets a caller tell "cannot read" from "invalid".
[[nodiscard]] Result<std::string> read_spec_text(const std::string& path);

/// Reads `path` and parses it like parse(). A file that cannot be read is one error whose `where` is the path.
[[nodiscard]] std::expected<ClusterSpec, Errors> load_file(const std::string& path);

}  // namespace kstack::spec
