#include "kube/node_status.h"

#include <nlohmann/json.hpp>

namespace kstack::kube {

Result<std::vector<NodeStatus>> parse_node_list(std::string_view json) {
  auto doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return fail("the API server's node list is not JSON", "/api/v1/nodes");
  if (doc.value("kind", "") != "NodeList" || !doc.contains("items") || !doc["items"].is_array()) {
    return fail("the API server answered something other than a NodeList (kind \"" + doc.value("kind", "") + "\")",
                "/api/v1/nodes");
  }
  std::vector<NodeStatus> out;
  for (const auto& item : doc["items"]) {
    if (!item.is_object()) continue;
    NodeStatus n;
    const auto& meta = item.value("metadata", nlohmann::json::object());
    n.name = meta.value("name", "");
    const auto& spec = item.value("spec", nlohmann::json::object());
    n.unschedulable = spec.value("unschedulable", false);
    const auto& status = item.value("status", nlohmann::json::object());
    n.kubelet_version = status.value("nodeInfo", nlohmann::json::object()).value("kubeletVersion", "");
    for (const auto& c : status.value("conditions", nlohmann::json::array())) {
      if (c.is_object() && c.value("type", "") == "Ready") {
        n.ready = c.value("status", "Unknown");
        n.reason = c.value("reason", "");
      }
    }
    out.push_back(std::move(n));
  }
  return out;
}

}  // namespace kstack::kube
