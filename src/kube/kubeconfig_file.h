#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "util/error.h"

namespace kstack::kube {

/// Merges the one-cluster kubeconfig `addition` into `existing` (a kubeconfig's text, "" for none): its
/// cluster, user and context replace the entries of the same names and every other entry is kept. The
/// current context becomes the added one when `make_current` or when `existing` had none. `where` names
/// the existing file in errors.
[[nodiscard]] Result<std::string> merge_kubeconfig(std::string_view existing, std::string_view addition,
                                                   bool make_current, std::string_view where);

/// Where kubectl looks: the first path of $KUBECONFIG, else ~/.kube/config.
std::filesystem::path default_kubeconfig_path();

/// Merges `addition` into the kubeconfig file at `path` (created, mode 0600 in a 0700 directory, when
/// missing) and replaces it atomically: a crash leaves the old file or the new one, never half of it.
[[nodiscard]] Result<void> merge_into_file(const std::filesystem::path& path, std::string_view addition,
                                           bool make_current);

}  // namespace kstack::kube
