#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "spec/versions.h"
#include "util/error.h"

namespace kstack::spec {

/// MirrorChecksums is a binary mirror's own sha256 of each file it serves, read from a file in
/// sha256sum's format ("<64 hex>  <path>"), where a path is the file's URL path under the mirror
/// ("release/v1.34.4/bin/linux/amd64/kubelet"), as `sha256sum` prints it when run at the mirror's root.
struct MirrorChecksums {
  std::string file;                                        // where they were read from, for messages
  std::map<std::string, std::string, std::less<>> sha256;  // path → lower-case hex
  std::map<std::string, int, std::less<>> line;            // path → 1-based line in `file`
};

/// The path a mirror serves an upstream URL at: the URL without scheme and host and without the
/// leading '/' ("https://dl.k8s.io/release/v1/kubelet" → "release/v1/kubelet").
std::string_view mirror_path(std::string_view upstream_url);

/// Parses sha256sum output. Blank lines and '#' comments are skipped; a malformed line or a path listed
/// twice is an error naming "<file>:<line>".
[[nodiscard]] Result<MirrorChecksums> parse_checksums(std::string_view text, std::string_view file);

/// Reads and parses a checksums file (at most 1 MiB).
[[nodiscard]] Result<MirrorChecksums> read_checksums(const std::string& path);

/// The mirror paths of every file `release` pins for `arch` that `checksums` does not list, in the
/// release's order.
std::vector<std::string> unlisted(const Release& release, Arch arch, const MirrorChecksums& checksums);

}  // namespace kstack::spec
