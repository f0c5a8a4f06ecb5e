#pragma once

#include <yaml-cpp/yaml.h>

#include <span>
#include <string_view>

#include "spec/cluster_spec.h"
#include "spec/diagnostics.h"

namespace kstack::spec {

/// Every key a cluster.yaml may hold, as dotted paths of the mapping keys ("node_pools.masters.flavor.vcpus";
/// "[]" stands for a list element). `kstack init` documents each one.
std::span<const std::string_view> known_fields();

/// Reads a parsed YAML document into a ClusterSpec, starting from the reference cluster's defaults. Records
/// where each field was written in `map`, and reports unknown and duplicate keys, wrong types and enum values
/// outside their set in `diagnostics`. Cross-field and range checks are validate()'s job.
ClusterSpec decode(const YAML::Node& root, SourceMap& map, Diagnostics& diagnostics);

}  // namespace kstack::spec
