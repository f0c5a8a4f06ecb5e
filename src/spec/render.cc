#include "spec/render.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "spec/defaults.h"

namespace kstack::spec {
namespace {

std::string flow_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + yaml_scalar(items[i]);
  return out + "]";
}

std::string flow_labels(const std::map<std::string, std::string>& labels) {
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    out += fmt::format("{}{}: {}", first ? "" : ", ", yaml_scalar(k), yaml_scalar(v));
    first = false;
  }
  return out + "}";
}

std::string flow_taints(const std::vector<Taint>& taints) {
  std::string out = "[";
  for (size_t i = 0; i < taints.size(); ++i) {
    out += fmt::format("{}{{key: {}, value: {}, effect: {}}}", i ? ", " : "", yaml_scalar(taints[i].key),
                       yaml_scalar(taints[i].value), yaml_scalar(taints[i].effect));
  }
  return out + "]";
}

const char* boolean(bool b) { return b ? "true" : "false"; }

// The first pool rendered carries the comments that document every pool key; the others only their values.
void render_pool(std::string& out, std::string_view name, const NodePool& p, std::string_view purpose, bool document) {
  auto doc = [&](std::string_view comment) {
    if (document) out += comment;
  };
  out += fmt::format("  {}:  # {}\n", name, purpose);
  out += fmt::format("    count: {}\n", p.count);
  doc("    # A flavor name (flavor: m1.large), or the least sizes: kstack picks the smallest flavor that fits.\n");
  if (!p.flavor.name.empty()) {
    out += fmt::format("    flavor: {{name: {}}}\n", yaml_scalar(p.flavor.name));
  } else {
    out += fmt::format("    flavor: {{vcpus: {}, ram_mb: {}, disk_gb: {}}}\n", p.flavor.vcpus, p.flavor.ram_mb,
                       p.flavor.disk_gb);
  }
  doc("    # Cinder volume for the container runtime's data (GB); 0: none. volume_type \"\": the cloud's default.\n");
  out += fmt::format("    volume_size_gb: {}\n", p.volume_size_gb);
  out += fmt::format("    volume_type: {}\n", yaml_scalar(p.volume_type));
  doc("    # Nova availability zone; \"\": the cloud's choice.\n");
  out += fmt::format("    availability_zone: {}\n", yaml_scalar(p.availability_zone));
  doc("    # Server group policy spreading the servers over hypervisors: anti-affinity, soft-anti-affinity or \"\".\n");
  out += fmt::format("    server_group_policy: {}\n", yaml_scalar(p.server_group_policy));
  if (name == "bastion") return;
  doc("    # Kubernetes node labels, e.g. {tier: frontend}; keys under kubernetes.io and k8s.io are refused.\n");
  out += fmt::format("    labels: {}\n", flow_labels(p.labels));
  doc("    # Node taints, e.g. [{key: dedicated, value: ingress, effect: NoSchedule}];\n");
  doc("    # effect is NoSchedule, PreferNoSchedule or NoExecute.\n");
  out += fmt::format("    taints: {}\n", flow_taints(p.taints));
}

}  // namespace

std::string yaml_scalar(std::string_view text) {
  static constexpr std::array<std::string_view, 12> kReserved = {"true", "false", "True", "False", "TRUE", "FALSE",
                                                                 "null", "Null",  "NULL", "~",     "yes",  "no"};
  bool plain = !text.empty() && std::find(kReserved.begin(), kReserved.end(), text) == kReserved.end();
  for (char c : text) {
    bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
                c == '_' || c == '/' || c == '~' || c == '@' || c == '+';
    plain = plain && safe;
  }
  // Leading characters YAML gives a meaning to, and plain numbers, must be quoted to stay strings.
  if (plain && (text.front() == '-' || text.front() == '~' || text.front() == '@')) plain = false;
  if (plain && text.find_first_not_of("0123456789") == std::string_view::npos) plain = false;
  if (plain) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte == 0x7f) {
      out += fmt::format("\\x{:02x}", byte);  // YAML forbids raw control characters
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string render_spec(const ClusterSpec& s) {
  std::string out;
  out += fmt::format("# kstack cluster spec ({}).\n", summary(s));
  out += "# Check it with `kstack validate -f cluster.yaml`. Every key is shown with its value;\n";
  out += "# only name is required: a key left out takes the value shown by `kstack init`.\n\n";

  out += "# Cluster name: lower-case letters, digits and '-', at most 20 characters. It prefixes every\n";
  out += "# server and cloud resource kstack creates (<name>-master-1, <name>-net, ...).\n";
  out += fmt::format("name: {}\n", yaml_scalar(s.name));
  out += "# clouds.yaml entry to use; \"\": $OS_CLOUD, or the OS_* variables of an OpenRC file.\n";
  out += fmt::format("cloud: {}\n", yaml_scalar(s.cloud));
  out += "# Region of that cloud; \"\": the cloud's only region.\n";
  out += fmt::format("region: {}\n", yaml_scalar(s.region));
  out += "# Glance image (name or ID) every server boots from.\n";
  out += fmt::format("image: {}\n", yaml_scalar(s.image));
  out += "# SSH public key installed on every server, read from this file when the cluster is created\n";
  out += "# (not by validate), or written inline in ssh_public_key (\"ssh-ed25519 AAAA... you@host\"); set one.\n";
  out += fmt::format("ssh_public_key_file: {}\n", yaml_scalar(s.ssh_public_key_file));
  out += fmt::format("ssh_public_key: {}\n\n", yaml_scalar(s.ssh_public_key));

  out += "kubernetes:\n";
  out += "  # A release kstack pins, with checksums for every binary and tags for every image.\n";
  out += fmt::format("  version: {}\n", yaml_scalar(s.kubernetes.version));
  out += "  # Pod network (flannel gives each node a /24 of it) and Service network; private IPv4\n";
  out += "  # networks that overlap neither each other nor network.cidr.\n";
  out += fmt::format("  pod_cidr: {}\n", yaml_scalar(s.kubernetes.pod_cidr));
  out += fmt::format("  service_cidr: {}\n", yaml_scalar(s.kubernetes.service_cidr));
  out += "  # DNS domain of Services (<svc>.<namespace>.svc.<cluster_domain>).\n";
  out += fmt::format("  cluster_domain: {}\n", yaml_scalar(s.kubernetes.cluster_domain));
  out += "  # true only when the nodes are system containers sharing their host's kernel (nova-lxd), not VMs:\n";
  out += "  # kernel-wide settings (OOM score floors, the conntrack table's size) are then left to the host.\n";
  out += fmt::format("  shared_kernel: {}\n\n", boolean(s.kubernetes.shared_kernel));

  out += "network:\n";
  out += "  # The private network kstack creates for the servers, /16 to /28.\n";
  out += fmt::format("  cidr: {}\n", yaml_scalar(s.network.cidr));
  out += "  # External network the router's gateway and the floating IPs come from.\n";
  out += fmt::format("  external_network: {}\n", yaml_scalar(s.network.external_network));
  out += "  # Resolvers of the private subnet (1 to 5 IPv4 addresses).\n";
  out += fmt::format("  dns_nameservers: {}\n", flow_list(s.network.dns_nameservers));
  out += "  # Who may reach the bastion by SSH, and the Kubernetes API (port 6443); [] closes it.\n";
  out += fmt::format("  ssh_allowed_cidrs: {}\n", flow_list(s.network.ssh_allowed_cidrs));
  out += fmt::format("  api_allowed_cidrs: {}\n\n", flow_list(s.network.api_allowed_cidrs));

  out += "# The servers. masters: 1, 3 or 5; workers: 0 (the master runs pods) to 500, at least 2 with\n";
  out += "# 3 or 5 masters; bastion: 1; etcd: 1, 3 or 5 with etcd_placement: dedicated, else 0.\n";
  out += "node_pools:\n";
  render_pool(out, "masters", s.masters, "control plane: etcd, kube-apiserver, controller-manager, scheduler", true);
  render_pool(out, "workers", s.workers, "run the workloads and the ingress controller", false);
  render_pool(out, "bastion", s.bastion, "the only server reachable by SSH from outside; not a Kubernetes node", false);
  render_pool(out, "etcd", s.etcd, "dedicated etcd members, used with etcd_placement: dedicated", false);
  out += "\n# Where etcd runs: masters (a member on each master) or dedicated (node_pools.etcd).\n";
  out += fmt::format("etcd_placement: {}\n\n", placement_name(s.etcd_placement));

  out += "# Octavia load balancer in front of the API servers; required with 3 or 5 masters.\n";
  out += "api_load_balancer:\n";
  out += fmt::format("  enabled: {}\n", boolean(s.api_load_balancer.enabled));
  out += "  # Octavia provider: amphora or ovn.\n";
  out += fmt::format("  provider: {}\n", yaml_scalar(s.api_load_balancer.provider));
  out += "  # true: a floating IP from external_network; false: reachable only inside the cloud.\n";
  out += fmt::format("  floating_ip: {}\n\n", boolean(s.api_load_balancer.floating_ip));

  out += "addons:\n";
  out += "  # CoreDNS.\n";
  out += fmt::format("  dns: {}\n", boolean(s.addons.dns));
  out += "  # The pod network: flannel (VXLAN) is the one kstack ships.\n";
  out += fmt::format("  cni: {}\n", yaml_scalar(s.addons.cni));
  out += "  # Ingress controller on the workers: nginx (the NGINX Ingress Controller), traefik or none.\n";
  out += fmt::format("  ingress: {}\n", ingress_name(s.addons.ingress));
  out += "  # openstack-cloud-controller-manager: Services of type LoadBalancer become Octavia load balancers.\n";
  out += fmt::format("  cloud_provider: {}\n", boolean(s.addons.cloud_provider));
  out += "  # The in-cluster OpenStack integrations log in with an application credential of the cluster's own:\n";
  out += "  # \"\": kstack makes one (destroy deletes it); else a clouds.yaml entry holding one you made.\n";
  out += fmt::format("  application_credential: {}\n", yaml_scalar(s.addons.application_credential));
  out += "  # How the cluster's pods reach the cloud's APIs, when not as kstack does: Keystone's URL (\"\": the one\n";
  out += "  # kstack logs in with) and the catalog's interface: public, internal (private endpoints) or admin.\n";
  out += fmt::format("  cloud_auth_url: {}\n", yaml_scalar(s.addons.cloud_auth_url));
  out += fmt::format("  cloud_interface: {}\n", yaml_scalar(s.addons.cloud_interface));
  out += "  # Cinder CSI driver: PersistentVolumes become Cinder volumes; and its default StorageClass.\n";
  out += "  # Volume snapshots are off: the snapshot CRDs, snapshot-controller and a VolumeSnapshotClass\n";
  out += "  # are not installed (install external-snapshotter yourself to use them).\n";
  out += fmt::format("  cinder_csi: {}\n", boolean(s.addons.cinder_csi));
  out += fmt::format("  default_storage_class: {}\n\n", boolean(s.addons.default_storage_class));

  out += "# For air-gapped clouds: a base URL replacing the binary download hosts, and a registry host\n";
  out += "# replacing the image registries (http://host:port for one without TLS). \"\": upstream.\n";
  out += "# checksums: a file in sha256sum format, beside this spec, listing the mirror's own sha256 of every\n";
  out += "# binary kstack pins (paths as under the mirror); \"\": upstream's checksums.\n";
  out += "mirrors:\n";
  out += fmt::format("  binaries: {}\n", yaml_scalar(s.mirrors.binaries));
  out += fmt::format("  images: {}\n", yaml_scalar(s.mirrors.images));
  out += fmt::format("  checksums: {}\n\n", yaml_scalar(s.mirrors.checksums));

  out += "# Certificates: key algorithm (ecdsa-p256, rsa-2048, rsa-3072 or rsa-4096) and lifetimes in days.\n";
  out += "pki:\n";
  out += fmt::format("  algorithm: {}\n", algorithm_name(s.pki.algorithm));
  out += fmt::format("  ca_validity_days: {}\n", s.pki.ca_validity_days);
  out += fmt::format("  leaf_validity_days: {}\n", s.pki.leaf_validity_days);
  return out;
}

std::string summary(const ClusterSpec& s) {
  auto plural = [](int n, std::string_view word) { return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s"); };
  std::string etcd = s.etcd_placement == EtcdPlacement::dedicated
                         ? fmt::format("etcd on {} dedicated", plural(s.etcd.count, "node"))
                         : std::string("etcd on the masters");
  return fmt::format("{}: {}, {}, {}, {}, Kubernetes {}", topology_name(s.topology()),
                     plural(s.masters.count, "master"), plural(s.workers.count, "worker"),
                     plural(s.bastion.count, "bastion"), etcd, s.kubernetes.version);
}

}  // namespace kstack::spec
