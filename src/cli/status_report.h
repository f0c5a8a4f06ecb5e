#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kube/node_status.h"

namespace kstack::cli {

/// StatusResource is one line of `kstack status`: a resource observed in the cloud, or one the spec wants
/// and the cloud does not have (missing).
struct StatusResource {
  std::string kind;  // "server", "load_balancer", ... (reconcile::kind_name)
  std::string name;
  std::string id;                 // empty when missing
  std::string status;             // the cloud's: "ACTIVE", "available", "ERROR", ...; empty for kinds without one
  std::string fault;              // why it is in error, when the cloud says
  std::string origin = "kstack";  // or "kubernetes": made by the cluster's controllers
  bool missing = false;

  /// Nova's, Octavia's "ERROR" and Cinder's "error", "error_deleting", ...
  bool in_error() const;
};

/// PlanCounts is what an apply would do now.
struct PlanCounts {
  int add = 0, change = 0, destroy = 0;
};

/// NodesReport is what the Kubernetes API said about the nodes, or why it was not asked.
struct NodesReport {
  bool checked = false;    // the API answered the node list
  std::string api_server;  // "https://203.0.113.10:6443"
  std::string note;        // when not checked: why, as one line for people
  std::vector<kube::NodeStatus> nodes;
  size_t expected = 0;  // nodes with a kubelet in the spec

  int ready() const;
};

/// StatusReport is everything `kstack status` shows; the command gathers it, the renderers print it.
struct StatusReport {
  std::string cluster;
  std::vector<StatusResource> resources;
  std::optional<PlanCounts> plan;         // absent when no plan could be made
  std::optional<NodesReport> kubernetes;  // absent with --no-kubernetes
};

/// kOk, or kFailed when a resource is in an error status or a node the API lists is not Ready.
int status_exit_code(const StatusReport& report);

/// The tables for a terminal.
std::string render_status_text(const StatusReport& report);

/// One JSON document (docs/cli-output.md, `kstack status`).
std::string render_status_json(const StatusReport& report);

}  // namespace kstack::cli
