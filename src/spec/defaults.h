#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "spec/cluster_spec.h"

namespace kstack::spec {

/// The spec `kstack init` writes for a topology: the reference cluster of DESIGN.md for ha; one master
/// that also runs pods for single; one master and workers for non-ha. Every field is filled in.
ClusterSpec reference_cluster(Topology topology = Topology::ha, std::string name = "kstack");

/// "single", "non-ha", "ha".
std::string_view topology_name(Topology topology);
std::optional<Topology> parse_topology(std::string_view text);

/// "ecdsa-p256", "rsa-2048", ...
std::string_view algorithm_name(KeyAlgorithm algorithm);
std::string_view ingress_name(Ingress ingress);
std::string_view placement_name(EtcdPlacement placement);

}  // namespace kstack::spec
