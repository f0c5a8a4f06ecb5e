#pragma once

#include <string>
#include <vector>

#include "reconcile/resource.h"

namespace kstack::reconcile {

/// HealthMonitorShape is how Octavia checks a member, typed; in a plan it reads
/// "HTTPS delay=5 timeout=5 max_retries=3 url_path=/readyz expected_codes=200".
struct HealthMonitorShape {
  std::string type = "TCP";  // TCP, HTTP or HTTPS
  int delay_s = 5;
  int timeout_s = 5;
  int max_retries = 3;
  std::string url_path;        // HTTP(S) only
  std::string expected_codes;  // HTTP(S) only

  std::string to_text() const;
  /// The shape `text` describes; a word it lacks keeps its default, one it does not know is ignored.
  static HealthMonitorShape from_text(const std::string& text);
  bool operator==(const HealthMonitorShape&) const = default;
};

/// LoadBalancerProps is the API load balancer's properties, typed: what the desired state asks for, and
/// what the OpenStack seam sends. Its Props form is what plans compare and print.
struct LoadBalancerProps {
  std::string vip_subnet_id;  // usually a reference to the cluster subnet
  std::string vip_address;    // the address every node's certificates name
  std::string provider;
  std::string listener_protocol = "TCP";
  int listener_port = 0;
  std::string pool_algorithm = "ROUND_ROBIN";
  int member_port = 0;
  std::vector<std::string> members;  // the members' addresses
  HealthMonitorShape monitor;
  std::vector<std::string> allowed_cidrs;  // empty: from anywhere
  int timeout_client_data_ms = 0;          // 0: Octavia's default
  int timeout_member_data_ms = 0;

  Props to_props() const;
  /// The typed form of `props`; a property that is missing or not a number reads as its zero value.
  static LoadBalancerProps from_props(const Props& props);
  bool operator==(const LoadBalancerProps&) const = default;
};

}  // namespace kstack::reconcile
