#pragma once

#include "spec/cluster_spec.h"
#include "spec/diagnostics.h"

namespace kstack::spec {

/// The offline checks of a decoded spec: ranges, names, CIDRs and the rules that tie fields together
/// (topology, etcd members, load balancer). Reports into `diagnostics`, which locates each error through
/// its SourceMap. A cloud pre-flight adds its own checks after these.
void validate(const ClusterSpec& spec, const SourceMap& map, Diagnostics& diagnostics);

/// A DNS-1123 label: lower-case letters, digits and '-', at most 63, starting and ending alphanumeric.
bool is_dns1123_label(std::string_view text);
/// A DNS-1123 subdomain: labels joined by '.', at most 253 characters.
bool is_dns1123_subdomain(std::string_view text);

/// The longest cluster name: it prefixes every cloud resource and node name.
inline constexpr size_t kMaxClusterNameLength = 20;

}  // namespace kstack::spec
