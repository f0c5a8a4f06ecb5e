#include "reconcile/kind.h"

#include <algorithm>
#include <cstdlib>

namespace kstack::reconcile {

// Each defined in its kind's own file, kind_<name>.cc.
const KindDescriptor& keypair_kind();
const KindDescriptor& network_kind();
const KindDescriptor& subnet_kind();
const KindDescriptor& router_kind();
const KindDescriptor& router_interface_kind();
const KindDescriptor& security_group_kind();
const KindDescriptor& security_group_rule_kind();
const KindDescriptor& server_group_kind();
const KindDescriptor& port_kind();
const KindDescriptor& load_balancer_kind();
const KindDescriptor& floating_ip_kind();
const KindDescriptor& volume_kind();
const KindDescriptor& server_kind();

const std::vector<const KindDescriptor*>& kind_descriptors() {
  static const std::vector<const KindDescriptor*> registry = [] {
    std::vector<const KindDescriptor*> out = {
        &keypair_kind(),
        &network_kind(),
        &subnet_kind(),
        &router_kind(),
        &router_interface_kind(),
        &security_group_kind(),
        &security_group_rule_kind(),
        &server_group_kind(),
        &port_kind(),
        &load_balancer_kind(),
        &floating_ip_kind(),
        &volume_kind(),
        &server_kind(),
    };
    std::stable_sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->create_rank < b->create_rank; });
    return out;
  }();
  return registry;
}

const KindDescriptor& kind_descriptor(Kind kind) {
  for (const auto* d : kind_descriptors()) {
    if (d->kind == kind) return *d;
  }
  // Every enumerator has a descriptor (kind_test checks it); an unregistered one is a programming error.
  std::abort();
}

const std::vector<Kind>& all_kinds() {
  static const std::vector<Kind> kinds = [] {
    std::vector<Kind> out;
    for (const auto* d : kind_descriptors()) out.push_back(d->kind);
    return out;
  }();
  return kinds;
}

const char* kind_name(Kind kind) {
  for (const auto* d : kind_descriptors()) {
    if (d->kind == kind) return d->name;
  }
  return "unknown";
}

std::optional<Kind> parse_kind(std::string_view name) {
  for (const auto* d : kind_descriptors()) {
    if (name == d->name) return d->kind;
  }
  return std::nullopt;
}

const KindPolicy& kind_policy(Kind kind) { return kind_descriptor(kind).policy; }

}  // namespace kstack::reconcile
