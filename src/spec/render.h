#pragma once

#include <string>

#include "spec/cluster_spec.h"

namespace kstack::spec {

/// A complete cluster.yaml for `spec`, every key written and documented by a comment above it.
/// parse() of the result gives `spec` back.
std::string render_spec(const ClusterSpec& spec);

/// `text` as a YAML scalar: plain when that reads back as the same string, double-quoted otherwise.
std::string yaml_scalar(std::string_view text);

/// One line for `kstack validate`: "ha: 3 masters, 3 workers, 1 bastion, etcd on the masters, Kubernetes 1.34.4".
std::string summary(const ClusterSpec& spec);

}  // namespace kstack::spec
