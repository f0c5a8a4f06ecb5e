#include "spec/validate.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <optional>

#include "spec/versions.h"
#include "util/ipv4.h"

namespace kstack::spec {
namespace {

bool is_alnum_lower(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) { return is_alnum_lower(c) || (c >= 'A' && c <= 'Z'); }

// A label key's name part or a label value: at most 63 of [A-Za-z0-9-_.], alphanumeric at both ends.
bool is_label_name(std::string_view text) {
  if (text.empty() || text.size() > 63) return false;
  if (!is_alnum(text.front()) || !is_alnum(text.back())) return false;
  for (char c : text) {
    if (!is_alnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

std::string quoted(std::string_view text) { return fmt::format("\"{}\"", text); }

// An http:// or https:// URL with a host, holding none of the characters `forbidden`.
bool is_http_url(std::string_view url, std::string_view forbidden) {
  const bool scheme = url.starts_with("https://") || url.starts_with("http://");
  const auto sep = url.find("://");
  const std::string_view rest = url.substr(sep == std::string_view::npos ? 0 : sep + 3);
  return scheme && !rest.empty() && rest.front() != '/' && url.find_first_of(forbidden) == std::string_view::npos;
}

/// Checker holds what every check needs; one member per part of the spec.
class Checker {
 public:
  Checker(const ClusterSpec& spec, const SourceMap& map, Diagnostics& diag) : s_(spec), map_(map), diag_(diag) {}

  void run() {
    name();
    kubernetes_version();
    networks();
    nameservers();
    access_lists();
    required_text("image", s_.image, "the name or ID of a Glance image, e.g. ubuntu-22.04");
    required_text("network.external_network", s_.network.external_network,
                  "the name of the external network the router's gateway uses, e.g. floating");
    ssh_key();
    topology();
    pool("node_pools.masters", s_.masters, true);
    if (s_.workers.count > 0) pool("node_pools.workers", s_.workers, true);
    pool("node_pools.bastion", s_.bastion, false);
    if (s_.etcd_placement == EtcdPlacement::dedicated) pool("node_pools.etcd", s_.etcd, false);
    load_balancer();
    addons();
    mirrors();
    pki();
  }

 private:
  void name() {
    const std::string& n = s_.name;
    if (n.empty()) {
      diag_.add("name", "nothing", "a DNS-1123 label of at most 20 characters", "add a line such as: name: demo");
      return;
    }
    if (n.size() > kMaxClusterNameLength) {
      diag_.add("name", fmt::format("{} ({} characters)", quoted(n), n.size()),
                fmt::format("at most {} characters", kMaxClusterNameLength),
                "the name prefixes every server and resource name; keep it short");
      return;
    }
    if (!is_dns1123_label(n) || !(n.front() >= 'a' && n.front() <= 'z')) {
      diag_.add("name", quoted(n),
                "lower-case letters, digits and '-', starting with a letter and ending alphanumeric");
    }
  }

  void kubernetes_version() {
    if (find_release(s_.kubernetes.version) != nullptr) return;
    std::string allowed;
    for (const auto& r : releases()) allowed += (allowed.empty() ? "" : ", ") + std::string(r.kubernetes);
    diag_.add("kubernetes.version", quoted(s_.kubernetes.version), allowed,
              "kstack pins and checksums every binary and image of the releases it supports");
  }

  // Parses a private network CIDR; reports and returns nullopt when it is not one.
  std::optional<Cidr> network_cidr(const std::string& path, const std::string& text, int min_prefix, int max_prefix) {
    auto cidr = Cidr::parse(text);
    if (!cidr) {
      diag_.add(path, quoted(text), "an IPv4 network in CIDR notation, e.g. 10.0.0.0/16");
      return std::nullopt;
    }
    if (!cidr->is_network()) {
      Cidr fixed{{cidr->address.value & cidr->mask()}, cidr->prefix};
      diag_.add(path, fmt::format("{}, which has host bits set", quoted(text)), "a network address",
                fmt::format("did you mean {}?", fixed.to_string()));
      return std::nullopt;
    }
    if (cidr->prefix < min_prefix || cidr->prefix > max_prefix) {
      diag_.add(path, quoted(text), fmt::format("a prefix length from /{} to /{}", min_prefix, max_prefix));
      return std::nullopt;
    }
    if (!cidr->is_private()) {
      diag_.add(path, quoted(text), "a private network inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16");
      return std::nullopt;
    }
    return cidr;
  }

  int server_count() const {
    return s_.masters.count + s_.workers.count + s_.bastion.count +
           (s_.etcd_placement == EtcdPlacement::dedicated ? s_.etcd.count : 0);
  }

  void networks() {
    auto node = network_cidr("network.cidr", s_.network.cidr, 16, 28);
    auto pods = network_cidr("kubernetes.pod_cidr", s_.kubernetes.pod_cidr, 8, 24);
    auto services = network_cidr("kubernetes.service_cidr", s_.kubernetes.service_cidr, 12, 24);
    int servers = server_count();
    // Neutron keeps the network, gateway, broadcast and DHCP addresses; the API load balancer takes one more.
    if (node && servers >= 0 && static_cast<uint64_t>(servers) + 8 > node->size()) {
      diag_.add("network.cidr", fmt::format("{} ({} addresses)", quoted(s_.network.cidr), node->size()),
                fmt::format("a network with room for {} servers and 8 reserved addresses", servers));
    }
    // flannel gives every Kubernetes node a /24 of the pod network.
    int nodes = s_.masters.count + s_.workers.count;
    if (pods && nodes > 0 && s_.workers.count <= 500 &&
        (uint64_t{1} << (24 - pods->prefix)) < static_cast<uint64_t>(nodes)) {
      diag_.add("kubernetes.pod_cidr",
                fmt::format("{} ({} node subnets of /24)", quoted(s_.kubernetes.pod_cidr), 1u << (24 - pods->prefix)),
                fmt::format("a network with a /24 for each of the {} nodes", nodes));
    }
    auto overlap = [&](std::optional<Cidr> a, const char* a_path, std::string a_text, std::optional<Cidr> b,
                       const char* b_path, std::string b_text) {
      if (!a || !b || !a->overlaps(*b)) return;
      // Point at the field the user wrote when the other one is a default.
      if (!map_.has(a_path) && map_.has(b_path)) {
        std::swap(a_path, b_path);
        std::swap(a_text, b_text);
      }
      diag_.add(a_path, fmt::format("{}, which overlaps {} {}", quoted(a_text), b_path, quoted(b_text)),
                fmt::format("a network disjoint from {}", b_path));
    };
    overlap(pods, "kubernetes.pod_cidr", s_.kubernetes.pod_cidr, node, "network.cidr", s_.network.cidr);
    overlap(services, "kubernetes.service_cidr", s_.kubernetes.service_cidr, node, "network.cidr", s_.network.cidr);
    overlap(services, "kubernetes.service_cidr", s_.kubernetes.service_cidr, pods, "kubernetes.pod_cidr",
            s_.kubernetes.pod_cidr);

    const std::string& domain = s_.kubernetes.cluster_domain;
    if (!is_dns1123_subdomain(domain)) {
      diag_.add("kubernetes.cluster_domain", quoted(domain), "a DNS-1123 subdomain such as cluster.local");
    }
  }

  void nameservers() {
    const auto& list = s_.network.dns_nameservers;
    if (list.empty()) {
      diag_.add("network.dns_nameservers", "an empty list", "1 to 5 IPv4 addresses",
                "servers resolve image registries and download hosts through these");
    } else if (list.size() > 5) {
      diag_.add("network.dns_nameservers", fmt::format("{} addresses", list.size()), "1 to 5 IPv4 addresses");
    }
    for (size_t i = 0; i < list.size(); ++i) {
      if (!Ipv4::parse(list[i])) {
        diag_.add(fmt::format("network.dns_nameservers[{}]", i), quoted(list[i]), "an IPv4 address such as 1.1.1.1");
      }
    }
  }

  void access_lists() {
    for (auto [path, list] : {std::pair{"network.ssh_allowed_cidrs", &s_.network.ssh_allowed_cidrs},
                              std::pair{"network.api_allowed_cidrs", &s_.network.api_allowed_cidrs}}) {
      for (size_t i = 0; i < list->size(); ++i) {
        const std::string& text = (*list)[i];
        auto cidr = Cidr::parse(text);
        std::string item = fmt::format("{}[{}]", path, i);
        if (!cidr) {
          diag_.add(item, quoted(text), "an IPv4 network in CIDR notation, e.g. 203.0.113.0/24 or 0.0.0.0/0");
        } else if (!cidr->is_network()) {
          Cidr fixed{{cidr->address.value & cidr->mask()}, cidr->prefix};
          diag_.add(item, fmt::format("{}, which has host bits set", quoted(text)), "a network address",
                    fmt::format("did you mean {}?", fixed.to_string()));
        }
      }
    }
  }

  void required_text(const char* path, const std::string& value, const char* allowed) {
    if (value.empty()) diag_.add(path, "an empty string", allowed);
  }

  void ssh_key() {
    const std::string& key = s_.ssh_public_key;
    if (!key.empty() && map_.has("ssh_public_key_file")) {
      diag_.add("ssh_public_key_file", quoted(s_.ssh_public_key_file),
                "ssh_public_key_file or ssh_public_key, not both", "remove one of the two");
    }
    if (key.empty()) {
      if (s_.ssh_public_key_file.empty()) {
        diag_.add("ssh_public_key_file", "an empty string",
                  "the path of an OpenSSH public key file, e.g. ~/.ssh/id_ed25519.pub",
                  "or write the key itself in ssh_public_key");
      }
      return;
    }
    if (key.find("PRIVATE KEY") != std::string::npos) {
      diag_.add("ssh_public_key", "a private key", "an OpenSSH public key line",
                "never put a private key in the spec; use the .pub file's contents");
      return;
    }
    static constexpr std::array<std::string_view, 6> kTypes = {"ssh-ed25519",         "ssh-rsa",
                                                               "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
                                                               "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com"};
    std::string_view k = key;
    auto space = k.find(' ');
    std::string_view type = k.substr(0, space);
    std::string_view body = space == std::string_view::npos ? std::string_view{} : k.substr(space + 1);
    body = body.substr(0, body.find(' '));
    bool type_ok = std::find(kTypes.begin(), kTypes.end(), type) != kTypes.end();
    bool body_ok = body.size() >= 16 && body.find_first_not_of(
                                            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                            "0123456789+/=") == std::string_view::npos;
    if (!type_ok || !body_ok) {
      std::string found = key.size() > 24 ? quoted(key.substr(0, 24) + "...") : quoted(key);
      diag_.add("ssh_public_key", found,
                "an OpenSSH public key line: ssh-ed25519, ssh-rsa or ecdsa-sha2-nistp* followed by base64");
    }
  }

  void topology() {
    const int masters = s_.masters.count;
    const int workers = s_.workers.count;
    if (masters != 1 && masters != 3 && masters != 5) {
      diag_.add("node_pools.masters.count", std::to_string(masters), "1, 3 or 5",
                "etcd needs an odd number of members to keep a quorum");
    }
    if (workers < 0 || workers > 500) {
      diag_.add("node_pools.workers.count", std::to_string(workers), "0 to 500");
    }
    if (masters > 1 && workers >= 0 && workers < 2) {
      diag_.add("node_pools.workers.count", fmt::format("{} with {} masters", workers, masters),
                "at least 2 workers for an ha cluster", "use 1 master for a single or non-ha cluster, or add workers");
    }
    if (s_.bastion.count != 1) {
      diag_.add("node_pools.bastion.count", std::to_string(s_.bastion.count), "1",
                "the bastion is the only server reachable by SSH from outside");
    }
    if (s_.etcd_placement == EtcdPlacement::dedicated) {
      int n = s_.etcd.count;
      if (n != 1 && n != 3 && n != 5) {
        diag_.add("node_pools.etcd.count", std::to_string(n), "1, 3 or 5 with etcd_placement: dedicated",
                  "etcd needs an odd number of members to keep a quorum");
      }
    } else if (s_.etcd.count != 0) {
      diag_.add("node_pools.etcd.count", fmt::format("{} with etcd_placement: masters", s_.etcd.count),
                "0: etcd runs on the masters", "set etcd_placement: dedicated to run etcd on its own servers");
    }
  }

  void pool(const std::string& path, const NodePool& p, bool kubernetes_node) {
    flavor(path + ".flavor", p.flavor, path == "node_pools.masters" || path == "node_pools.etcd");
    if (p.volume_size_gb < 0 || p.volume_size_gb > 16384) {
      diag_.add(path + ".volume_size_gb", std::to_string(p.volume_size_gb), "0 (no data volume) to 16384");
    } else if (p.volume_size_gb > 0 && p.volume_size_gb < 10 && kubernetes_node) {
      diag_.add(path + ".volume_size_gb", std::to_string(p.volume_size_gb), "0 (no data volume), or 10 to 16384",
                "container images alone take several GB");
    }
    const std::string& policy = p.server_group_policy;
    if (!policy.empty() && policy != "anti-affinity" && policy != "soft-anti-affinity") {
      diag_.add(path + ".server_group_policy", quoted(policy), "anti-affinity, soft-anti-affinity or \"\" (none)");
    }
    if (!kubernetes_node && path == "node_pools.bastion") {
      if (!p.labels.empty()) {
        diag_.add(path + ".labels", fmt::format("{} labels", p.labels.size()), "none: the bastion is not a node");
      }
      if (!p.taints.empty()) {
        diag_.add(path + ".taints", fmt::format("{} taints", p.taints.size()), "none: the bastion is not a node");
      }
      return;
    }
    for (const auto& [key, value] : p.labels) {
      std::string label_path = fmt::format("{}.labels.{}", path, key);
      if (!label_key_ok(label_path, key)) continue;
      if (!value.empty() && !is_label_name(value)) {
        diag_.add(label_path, fmt::format("value {}", quoted(value)),
                  "at most 63 letters, digits, '-', '_' or '.', alphanumeric at both ends");
      }
    }
    for (size_t i = 0; i < p.taints.size(); ++i) {
      const Taint& t = p.taints[i];
      std::string taint_path = fmt::format("{}.taints[{}]", path, i);
      label_key_ok(taint_path + ".key", t.key);
      if (!t.value.empty() && !is_label_name(t.value)) {
        diag_.add(taint_path + ".value", quoted(t.value),
                  "at most 63 letters, digits, '-', '_' or '.', alphanumeric at both ends");
      }
      if (t.effect != "NoSchedule" && t.effect != "PreferNoSchedule" && t.effect != "NoExecute") {
        diag_.add(taint_path + ".effect", quoted(t.effect), "NoSchedule, PreferNoSchedule or NoExecute");
      }
    }
  }

  // A label or taint key: [prefix/]name, the prefix a DNS subdomain; kubelets may not set kubernetes.io keys.
  bool label_key_ok(const std::string& path, const std::string& key) {
    auto slash = key.find('/');
    std::string_view prefix = slash == std::string::npos ? std::string_view{} : std::string_view(key).substr(0, slash);
    std::string_view name =
        slash == std::string::npos ? std::string_view(key) : std::string_view(key).substr(slash + 1);
    if ((slash != std::string::npos && !is_dns1123_subdomain(prefix)) || !is_label_name(name)) {
      diag_.add(path, fmt::format("key {}", quoted(key)),
                "[prefix/]name: a DNS subdomain prefix, and a name of at most 63 letters, digits, '-', '_' or '.'");
      return false;
    }
    auto reserved = [&](std::string_view domain) {
      return prefix == domain || (prefix.size() > domain.size() && prefix.ends_with(domain) &&
                                  prefix[prefix.size() - domain.size() - 1] == '.');
    };
    if ((reserved("kubernetes.io") || reserved("k8s.io")) && prefix != "node.kubernetes.io" &&
        prefix != "kubelet.kubernetes.io") {
      diag_.add(path, fmt::format("key {}", quoted(key)),
                "a key outside kubernetes.io and k8s.io (except node.kubernetes.io/ and kubelet.kubernetes.io/)",
                "the NodeRestriction admission plugin forbids kubelets to set these");
      return false;
    }
    return true;
  }

  void flavor(const std::string& path, const FlavorSpec& f, bool control_plane) {
    bool any_size = f.vcpus != 0 || f.ram_mb != 0 || f.disk_gb != 0;
    if (!f.name.empty()) {
      if (any_size) {
        diag_.add(path, fmt::format("name {} and sizes", quoted(f.name)), "either a name or vcpus, ram_mb and disk_gb",
                  "kstack picks the smallest flavor that fits the sizes; a name picks one exactly");
      }
      return;
    }
    if (!any_size) {
      diag_.add(path, "neither a name nor sizes", "a flavor name, or vcpus, ram_mb and disk_gb");
      return;
    }
    int min_vcpus = control_plane ? 2 : 1;
    int min_ram = control_plane ? 1700 : 512;
    if (f.vcpus < min_vcpus || f.vcpus > 256) {
      diag_.add(path + ".vcpus", std::to_string(f.vcpus), fmt::format("{} to 256", min_vcpus),
                control_plane ? "the control plane needs at least 2 vCPUs" : "");
    }
    if (f.ram_mb < min_ram || f.ram_mb > 4194304) {
      diag_.add(path + ".ram_mb", std::to_string(f.ram_mb), fmt::format("{} to 4194304 (MB)", min_ram),
                control_plane ? "the control plane needs at least 1700 MB" : "");
    }
    if (f.disk_gb < 10 || f.disk_gb > 16384) {
      diag_.add(path + ".disk_gb", std::to_string(f.disk_gb), "10 to 16384 (GB)");
    }
  }

  void load_balancer() {
    const auto& lb = s_.api_load_balancer;
    if (s_.masters.count > 1 && !lb.enabled) {
      diag_.add("api_load_balancer.enabled", fmt::format("false with {} masters", s_.masters.count),
                "true for an ha cluster", "the API servers need a load balancer in front of them");
    }
    if (lb.enabled) {
      bool ok = !lb.provider.empty() && lb.provider.size() <= 64;
      for (char c : lb.provider) ok = ok && (is_alnum(c) || c == '-' || c == '_');
      if (!ok) diag_.add("api_load_balancer.provider", quoted(lb.provider), "an Octavia provider name: amphora or ovn");
    }
  }

  void addons() {
    const auto& a = s_.addons;
    if (a.cni != "flannel") diag_.add("addons.cni", quoted(a.cni), "flannel");
    if (!a.cloud_auth_url.empty() && !is_http_url(a.cloud_auth_url, " \t\n\r\"'")) {
      diag_.add("addons.cloud_auth_url", quoted(a.cloud_auth_url),
                "Keystone's URL as the cluster's nodes reach it, e.g. https://keystone.internal:5000/v3, or \"\"");
    }
    if (a.cloud_interface != "public" && a.cloud_interface != "internal" && a.cloud_interface != "admin") {
      diag_.add("addons.cloud_interface", quoted(a.cloud_interface), "public, internal or admin");
    }
    if (a.default_storage_class && !a.cinder_csi) {
      diag_.add("addons.cinder_csi", "false with default_storage_class: true",
                "true while default_storage_class is true",
                "the default StorageClass is the Cinder CSI driver's; set default_storage_class: false as well");
    }
  }

  void mirrors() {
    const std::string& bin = s_.mirrors.binaries;
    if (!bin.empty() && !is_http_url(bin, " \t\n")) {
      diag_.add("mirrors.binaries", quoted(bin), "an http:// or https:// base URL, e.g. https://mirror.example/k8s");
    }
    const std::string& img = s_.mirrors.images;
    if (!img.empty()) {
      const std::string registry = s_.mirrors.image_registry();
      std::string_view host = std::string_view(registry).substr(0, registry.find('/'));
      host = host.substr(0, host.find(':'));
      if (registry.find("://") != std::string::npos || !is_dns1123_subdomain(host) ||
          img.find_first_of(" \t\n") != std::string::npos) {
        diag_.add(
            "mirrors.images", quoted(img),
            "a registry host with an optional port and path, e.g. registry.example:5000 (http://registry.example:5000 "
            "for a registry without TLS)");
      }
    }
    checksums();
  }

  // Every file the release pins must be listed for an architecture the mirror serves: a node would
  // otherwise find no checksum to verify it against.
  void checksums() {
    const MirrorSpec& m = s_.mirrors;
    if (m.checksums.empty() || diag_.has_error("mirrors.checksums")) return;
    if (m.binaries.empty()) {
      diag_.add("mirrors.checksums", quoted(m.checksums), "\"\" while mirrors.binaries is \"\"",
                "the checksums describe the files of a binary mirror: set mirrors.binaries too, or remove this");
      return;
    }
    const Release* release = find_release(s_.kubernetes.version);
    if (release == nullptr) return;
    const size_t pinned = release->binaries().size();
    const auto amd64 = unlisted(*release, Arch::amd64, m.checksum_list);
    const auto arm64 = unlisted(*release, Arch::arm64, m.checksum_list);
    for (const auto& [arch, missing] : {std::pair{"amd64", &amd64}, std::pair{"arm64", &arm64}}) {
      // An architecture with none of its files listed is one the mirror does not serve.
      const bool served = missing->size() < pinned || (amd64.size() == pinned && arm64.size() == pinned);
      if (!served || missing->empty()) continue;
      diag_.add_message(
          "mirrors.checksums",
          fmt::format("{} does not list {}{}: every file Kubernetes {} pins for {} needs the mirror's checksum",
                      m.checksum_list.file, missing->front(),
                      missing->size() > 1 ? fmt::format(" (and {} more)", missing->size() - 1) : std::string(),
                      release->kubernetes, arch),
          fmt::format("add its line: sha256sum {} >> {} (run at the mirror's root)", missing->front(),
                      m.checksum_list.file));
      return;
    }
  }

  void pki() {
    const auto& p = s_.pki;
    bool ca_ok = p.ca_validity_days >= 365 && p.ca_validity_days <= 36500;
    if (!ca_ok) diag_.add("pki.ca_validity_days", std::to_string(p.ca_validity_days), "365 to 36500");
    if (p.leaf_validity_days < 1 || p.leaf_validity_days > 3650) {
      diag_.add("pki.leaf_validity_days", std::to_string(p.leaf_validity_days), "1 to 3650");
    } else if (ca_ok && p.leaf_validity_days > p.ca_validity_days) {
      diag_.add("pki.leaf_validity_days", std::to_string(p.leaf_validity_days),
                fmt::format("at most pki.ca_validity_days ({})", p.ca_validity_days),
                "a certificate cannot outlive the CA that signed it");
    }
  }

  const ClusterSpec& s_;
  const SourceMap& map_;
  Diagnostics& diag_;
};

}  // namespace

bool is_dns1123_label(std::string_view text) {
  if (text.empty() || text.size() > 63) return false;
  if (!is_alnum_lower(text.front()) || !is_alnum_lower(text.back())) return false;
  for (char c : text) {
    if (!is_alnum_lower(c) && c != '-') return false;
  }
  return true;
}

bool is_dns1123_subdomain(std::string_view text) {
  if (text.empty() || text.size() > 253) return false;
  while (true) {
    auto dot = text.find('.');
    if (!is_dns1123_label(text.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    text = text.substr(dot + 1);
  }
}

void validate(const ClusterSpec& spec, const SourceMap& map, Diagnostics& diagnostics) {
  Checker(spec, map, diagnostics).run();
}

}  // namespace kstack::spec
