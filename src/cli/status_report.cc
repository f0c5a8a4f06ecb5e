#include "cli/status_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "cli/command.h"
#include "cli/json_document.h"

namespace kstack::cli {
namespace {

bool healthy(const StatusReport& report) { return status_exit_code(report) == kOk; }

std::string nodes_text(const NodesReport& k) {
  if (!k.checked) return "\n" + k.note + "\n";
  std::string out = fmt::format("\n{:<40} {:<10} {:<20} {}\n", "NODE", "READY", "REASON", "VERSION");
  for (const auto& n : k.nodes) {
    out += fmt::format("{:<40} {:<10} {:<20} {}{}\n", n.name, n.ready, n.reason, n.kubelet_version,
                       n.unschedulable ? " (cordoned)" : "");
  }
  out += fmt::format("{} of {} nodes Ready (the spec has {}) at {}\n", k.ready(), k.nodes.size(), k.expected,
                     k.api_server);
  return out;
}

Json nodes_json(const NodesReport& k) {
  Json j;
  j["checked"] = k.checked;
  j["api_server"] = k.api_server;
  if (!k.checked) j["reason"] = k.note;
  auto& nodes = j["nodes"] = Json::array();
  for (const auto& n : k.nodes) {
    nodes.push_back({{"name", n.name},
                     {"ready", n.ready},
                     {"reason", n.reason},
                     {"kubelet_version", n.kubelet_version},
                     {"unschedulable", n.unschedulable}});
  }
  j["summary"] = {{"ready", k.ready()}, {"listed", k.nodes.size()}, {"expected", k.expected}};
  return j;
}

}  // namespace

bool StatusResource::in_error() const {
  std::string lower = status;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower == "error" || lower.starts_with("error_");
}

int NodesReport::ready() const {
  return static_cast<int>(std::count_if(nodes.begin(), nodes.end(), [](const auto& n) { return n.ready == "True"; }));
}

int status_exit_code(const StatusReport& report) {
  for (const auto& r : report.resources) {
    if (r.in_error()) return kFailed;
  }
  if (report.kubernetes && report.kubernetes->checked) {
    for (const auto& n : report.kubernetes->nodes) {
      if (n.ready != "True") return kFailed;
    }
  }
  return kOk;
}

std::string render_status_text(const StatusReport& report) {
  std::string out = fmt::format("{:<20} {:<52} {:<16} {}\n", "KIND", "NAME", "STATUS", "ID");
  int observed = 0;
  for (const auto& r : report.resources) {
    if (r.missing) continue;
    ++observed;
    std::string status = r.status.empty() ? "present" : r.status;
    if (r.origin != "kstack") status += " (kubernetes)";
    out += fmt::format("{:<20} {:<52} {:<16} {}\n", r.kind, r.name, status, r.id);
  }
  for (const auto& r : report.resources) {
    if (r.missing) out += fmt::format("{:<20} {:<52} {:<16}\n", r.kind, r.name, "missing");
  }
  if (report.plan) {
    const auto& p = *report.plan;
    out += fmt::format("\n{} resources; {}\n", observed,
                       p.add + p.change + p.destroy == 0
                           ? "the cloud matches the spec"
                           : fmt::format("apply would add {}, change {}, destroy {}", p.add, p.change, p.destroy));
  }
  if (report.kubernetes) out += nodes_text(*report.kubernetes);
  return out;
}

std::string render_status_json(const StatusReport& report) {
  Json doc = json_document(healthy(report));
  doc["cluster"] = report.cluster;
  auto& resources = doc["resources"] = Json::array();
  int missing = 0, in_error = 0;
  for (const auto& r : report.resources) {
    missing += r.missing;
    in_error += r.in_error();
    Json j = {{"kind", r.kind}, {"name", r.name}, {"id", r.id}};
    j["status"] = r.missing ? "missing" : r.status.empty() ? "present" : r.status;
    j["origin"] = r.origin;
    if (!r.fault.empty()) j["fault"] = r.fault;
    resources.push_back(std::move(j));
  }
  doc["summary"] = {{"resources", report.resources.size() - missing}, {"missing", missing}, {"in_error", in_error}};
  if (report.plan) {
    doc["plan"] = {{"add", report.plan->add}, {"change", report.plan->change}, {"destroy", report.plan->destroy}};
  } else {
    doc["plan"] = nullptr;
  }
  doc["kubernetes"] = report.kubernetes ? nodes_json(*report.kubernetes) : Json(nullptr);
  return json_text(doc);
}

}  // namespace kstack::cli
