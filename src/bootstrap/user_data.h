#pragma once

#include <string>
#include <string_view>

#include "bootstrap/node_file.h"
#include "util/error.h"

namespace kstack::bootstrap {

/// Nova's limit on the base64-encoded user-data of a server.
inline constexpr size_t kNovaUserDataLimit = 65535;

/// CloudConfigInputs is what a node's #cloud-config says besides its files.
struct CloudConfigInputs {
  std::string hostname;
  std::string ssh_public_key;  // empty: none
  std::string start_unit;      // the systemd unit cloud-init enables and starts on first boot
};

/// The #cloud-config document that writes `files`, then enables and starts `inputs.start_unit`.
std::string cloud_config(const CloudConfigInputs& inputs, const std::vector<NodeFile>& files);

/// The size of `n` bytes once base64-encoded.
constexpr size_t base64_size(size_t n) { return (n + 2) / 3 * 4; }

/// A gzip stream of `data` (no file name, mtime 0: the same input always gives the same bytes).
[[nodiscard]] Result<std::string> gzip(std::string_view data);

/// Fills `node.user_data` from `node.cloud_config`: as is when its base64 fits Nova's limit,
/// gzip-compressed otherwise; an error naming the node and the size when even that does not fit.
[[nodiscard]] Result<void> pack_user_data(RenderedNode& node, size_t limit = kNovaUserDataLimit);

}  // namespace kstack::bootstrap
