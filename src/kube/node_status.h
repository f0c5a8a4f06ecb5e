#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace kstack::kube {

/// NodeStatus is what `kstack status` shows of one Kubernetes node: its Ready condition and version.
struct NodeStatus {
  std::string name;
  std::string ready = "Unknown";  // the Ready condition's status: "True", "False" or "Unknown"
  std::string reason;             // the Ready condition's reason ("KubeletReady", "KubeletNotReady", ...)
  std::string kubelet_version;    // "v1.34.4"
  bool unschedulable = false;     // cordoned
};

/// Reads a NodeList (GET /api/v1/nodes) into one NodeStatus per node, in the list's order. A node without
/// a Ready condition (its kubelet never reported) is "Unknown".
[[nodiscard]] Result<std::vector<NodeStatus>> parse_node_list(std::string_view json);

}  // namespace kstack::kube
