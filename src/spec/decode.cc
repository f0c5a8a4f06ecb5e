#include "spec/decode.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <set>

#include "spec/defaults.h"
#include "spec/suggest.h"

namespace kstack::spec {
namespace {

using Keys = std::span<const std::string_view>;

constexpr std::array<std::string_view, 14> kTopKeys = {"name",
                                                       "cloud",
                                                       "region",
                                                       "kubernetes",
                                                       "network",
                                                       "image",
                                                       "ssh_public_key",
                                                       "ssh_public_key_file",
                                                       "node_pools",
                                                       "etcd_placement",
                                                       "api_load_balancer",
                                                       "addons",
                                                       "mirrors",
                                                       "pki"};
constexpr std::array<std::string_view, 5> kKubernetesKeys = {"version", "pod_cidr", "service_cidr", "cluster_domain",
                                                             "shared_kernel"};
constexpr std::array<std::string_view, 5> kNetworkKeys = {"cidr", "external_network", "dns_nameservers",
                                                          "ssh_allowed_cidrs", "api_allowed_cidrs"};
constexpr std::array<std::string_view, 4> kPoolNames = {"masters", "workers", "bastion", "etcd"};
constexpr std::array<std::string_view, 8> kPoolKeys = {
    "count", "flavor", "volume_size_gb", "volume_type", "availability_zone", "server_group_policy", "labels", "taints"};
constexpr std::array<std::string_view, 4> kFlavorKeys = {"name", "vcpus", "ram_mb", "disk_gb"};
constexpr std::array<std::string_view, 3> kTaintKeys = {"key", "value", "effect"};
constexpr std::array<std::string_view, 3> kLoadBalancerKeys = {"enabled", "provider", "floating_ip"};
constexpr std::array<std::string_view, 9> kAddonKeys = {"dns",
                                                        "cni",
                                                        "ingress",
                                                        "cloud_provider",
                                                        "application_credential",
                                                        "cloud_auth_url",
                                                        "cloud_interface",
                                                        "cinder_csi",
                                                        "default_storage_class"};
constexpr std::array<std::string_view, 3> kMirrorKeys = {"binaries", "images", "checksums"};
constexpr std::array<std::string_view, 3> kPkiKeys = {"algorithm", "ca_validity_days", "leaf_validity_days"};

std::vector<std::string_view> build_known_fields() {
  static std::set<std::string> storage;  // owns the composed paths for the program's lifetime
  std::vector<std::string_view> out;
  auto add = [&](std::string path) { out.push_back(*storage.insert(std::move(path)).first); };
  auto add_all = [&](std::string_view prefix, Keys keys) {
    for (auto k : keys) add(prefix.empty() ? std::string(k) : fmt::format("{}.{}", prefix, k));
  };
  add_all("", kTopKeys);
  add_all("kubernetes", kKubernetesKeys);
  add_all("network", kNetworkKeys);
  for (auto pool : kPoolNames) {
    std::string p = fmt::format("node_pools.{}", pool);
    add(p);
    add_all(p, kPoolKeys);
    add_all(p + ".flavor", kFlavorKeys);
    add_all(p + ".taints[]", kTaintKeys);
  }
  add_all("api_load_balancer", kLoadBalancerKeys);
  add_all("addons", kAddonKeys);
  add_all("mirrors", kMirrorKeys);
  add_all("pki", kPkiKeys);
  return out;
}

Position position_of(const YAML::Mark& mark) {
  if (mark.is_null() || mark.line < 0) return {};
  return {mark.line + 1, mark.column + 1};
}

std::string quote(std::string_view text) {
  constexpr size_t kMax = 60;
  std::string out = "\"";
  for (char c : text.substr(0, kMax)) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  if (text.size() > kMax) out += "...";
  return out + "\"";
}

bool is_quoted(const YAML::Node& node) { return node.Tag() == "!"; }

/// What a node is, in words, for "found ..." in an error.
std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar: {
      // Quoted text is shown quoted, plain text as written (3.0, three), so a wrong type is easy to see.
      const std::string& text = node.Scalar();
      bool plain = !is_quoted(node) && !text.empty() && text.size() <= 60 && text.front() != ' ' &&
                   text.back() != ' ' && std::all_of(text.begin(), text.end(), [](char c) {
                     return static_cast<unsigned char>(c) >= 0x20 && c != '"';
                   });
      return plain ? text : quote(text);
    }
    default:
      return "nothing";
  }
}

/// Decoder walks one document; each member reads one part of the spec.
class Decoder {
 public:
  Decoder(SourceMap& map, Diagnostics& diag) : map_(map), diag_(diag) {}

  ClusterSpec run(const YAML::Node& root) {
    ClusterSpec spec = reference_cluster(Topology::ha, "");
    if (!root.IsMap()) {
      diag_.add_at(position_of(root.Mark()),
                   root.IsNull() ? std::string("the spec is empty; allowed: a mapping of fields")
                                 : fmt::format("the spec: found {}; allowed: a mapping of fields", describe(root)),
                   "start from the output of `kstack init`");
      return spec;
    }
    fields(root, "", kTopKeys, [&](std::string_view key, const YAML::Node& v, const std::string& path) {
      if (key == "name") string(v, path, spec.name);
      if (key == "cloud") string(v, path, spec.cloud);
      if (key == "region") string(v, path, spec.region);
      if (key == "kubernetes") kubernetes(v, path, spec.kubernetes);
      if (key == "network") network(v, path, spec.network);
      if (key == "image") string(v, path, spec.image);
      if (key == "ssh_public_key") string(v, path, spec.ssh_public_key);
      if (key == "ssh_public_key_file") string(v, path, spec.ssh_public_key_file);
      if (key == "node_pools") node_pools(v, path, spec);
      if (key == "etcd_placement") placement(v, path, spec.etcd_placement);
      if (key == "api_load_balancer") load_balancer(v, path, spec.api_load_balancer);
      if (key == "addons") addons(v, path, spec.addons);
      if (key == "mirrors") mirrors(v, path, spec.mirrors);
      if (key == "pki") pki(v, path, spec.pki);
    });
    return spec;
  }

 private:
  // Checks that `node` is a mapping, reports unknown and duplicate keys, records positions, and calls
  // on_field(key, value, path) for each known key. A null node (an empty section) keeps every default.
  template <class OnField>
  void fields(const YAML::Node& node, const std::string& prefix, Keys known, OnField&& on_field) {
    if (node.IsNull()) return;
    if (!node.IsMap()) {
      diag_.add(prefix, describe(node), "a mapping");
      return;
    }
    std::set<std::string> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
      const YAML::Node k = it->first;
      const YAML::Node v = it->second;
      Position key_pos = position_of(k.Mark());
      if (!k.IsScalar()) {
        diag_.add_at(key_pos,
                     fmt::format("{}: found {} as a key; allowed: a field name", display(prefix), describe(k)));
        continue;
      }
      const std::string& key = k.Scalar();
      std::string path = prefix.empty() ? key : prefix + "." + key;
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        std::string guess = closest(key, known);
        diag_.add_at(key_pos, fmt::format("{}: found unknown field {}; allowed: {}", path, quote(key), join(known)),
                     guess.empty() ? std::string{} : fmt::format("did you mean {}?", guess));
        continue;
      }
      if (!seen.insert(key).second) {
        diag_.add_at(key_pos, fmt::format("{}: found a second {}; allowed: each field once", path, quote(key)),
                     "remove one of the two");
        continue;
      }
      Position value_pos = position_of(v.Mark());
      map_.set(path, v.IsMap() || value_pos.line == 0 ? key_pos : value_pos);
      on_field(key, v, path);
    }
  }

  static std::string display(const std::string& prefix) { return prefix.empty() ? "the spec" : prefix; }

  static std::string join(Keys keys) {
    std::string out;
    for (auto k : keys) {
      if (!out.empty()) out += ", ";
      out += k;
    }
    return out;
  }

  void string(const YAML::Node& node, const std::string& path, std::string& out) {
    if (node.IsNull()) return;
    if (!node.IsScalar()) {
      diag_.add(path, describe(node), "a string");
      return;
    }
    out = node.Scalar();
  }

  void integer(const YAML::Node& node, const std::string& path, int& out) {
    if (node.IsNull()) return;
    const std::string& text = node.IsScalar() ? node.Scalar() : std::string{};
    int value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (!node.IsScalar() || is_quoted(node) || text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
      diag_.add(path, describe(node), "a whole number");
      return;
    }
    out = value;
  }

  void boolean(const YAML::Node& node, const std::string& path, bool& out) {
    if (node.IsNull()) return;
    if (node.IsScalar() && !is_quoted(node)) {
      const std::string& t = node.Scalar();
      if (t == "true" || t == "True" || t == "TRUE") {
        out = true;
        return;
      }
      if (t == "false" || t == "False" || t == "FALSE") {
        out = false;
        return;
      }
    }
    diag_.add(path, describe(node), "true or false");
  }

  void string_list(const YAML::Node& node, const std::string& path, std::vector<std::string>& out) {
    if (node.IsNull()) {
      out.clear();
      return;
    }
    if (!node.IsSequence()) {
      diag_.add(path, describe(node), "a list of strings");
      return;
    }
    out.clear();
    for (size_t i = 0; i < node.size(); ++i) {
      std::string item_path = fmt::format("{}[{}]", path, i);
      map_.set(item_path, position_of(node[i].Mark()));
      std::string value;
      if (!node[i].IsScalar()) {
        diag_.add(item_path, describe(node[i]), "a string");
        continue;
      }
      out.push_back(node[i].Scalar());
    }
  }

  template <class Enum, size_t N>
  void enumeration(const YAML::Node& node, const std::string& path,
                   const std::array<std::pair<std::string_view, Enum>, N>& table, Enum& out) {
    if (node.IsNull()) return;
    if (node.IsScalar()) {
      for (const auto& [name, value] : table) {
        if (node.Scalar() == name) {
          out = value;
          return;
        }
      }
    }
    std::string allowed;
    for (const auto& [name, value] : table) allowed += (allowed.empty() ? "" : ", ") + std::string(name);
    diag_.add(path, describe(node), allowed);
  }

  void kubernetes(const YAML::Node& node, const std::string& prefix, KubernetesSpec& k) {
    fields(node, prefix, kKubernetesKeys, [&](std::string_view key, const YAML::Node& v, const std::string& path) {
      if (key == "version") string(v, path, k.version);
      if (key == "pod_cidr") string(v, path, k.pod_cidr);
      if (key == "service_cidr") string(v, path, k.service_cidr);
      if (key == "cluster_domain") string(v, path, k.cluster_domain);
      if (key == "shared_kernel") boolean(v, path, k.shared_kernel);
    });
  }

  void network(const YAML::Node& node, const std::string& prefix, NetworkSpec& n) {
    fields(node, prefix, kNetworkKeys, [&](std::string_view key, const YAML::Node& v, const std::string& path) {
      if (key == "cidr") string(v, path, n.cidr);
      if (key == "external_network") string(v, path, n.external_network);
      if (key == "dns_nameservers") string_list(v, path, n.dns_nameservers);
      if (key == "ssh_allowed_cidrs") string_list(v, path, n.ssh_allowed_cidrs);
      if (key == "api_allowed_cidrs") string_list(v, path, n.api_allowed_cidrs);
    });
  }

  void node_pools(const YAML::Node& node, const std::string& prefix, ClusterSpec& spec) {
    fields(node, prefix, kPoolNames, [&](std::string_view key, const YAML::Node& v, const std::string& path) {
      if (key == "masters") pool(v, path, spec.masters);
      if (key == "workers") pool(v, path, spec.workers);
      if (key == "bastion") pool(v, path, spec.bastion);
      if (key == "etcd") pool(v, path, spec.etcd);
    });
  }

  void pool(const YAML::Node& node, const std::string& prefix, NodePool& p) {
    fields(node, prefix, kPoolKeys, [&](std::string_view key, const YAML::Node& v, const std::string& path) {
      if (key == "count") integer(v, path, p.count);
      if (key == "flavor") flavor(v, path, p.flavor);
      if (key == "volume_size_gb") integer(v, path, p.volume_size_gb);
      if (key == "volume_type") string(v, path, p.volume_type);
      if (key == "availability_zone") string(v, path, p.availability_zone);
      if (key == "server_group_policy") string(v, path, p.server_group_policy);
      if (key == "labels") labels(v, path, p.labels);
      if (key == "taints") taints(v, path, p.taints);
    });
  }

  // A flavor is a name ("m1.large") or a mapping with a name or with the least vcpus / ram_mb / disk_gb.
  // Either form replaces the default entirely, so a name never mixes with default sizes.
  void flavor(const YAML::Node& node, const std::string& prefix, FlavorSpec& f) {
    if (node.IsNull()) return;
    if (node.IsScalar()) {
      f = FlavorSpec{.name = node.Scalar()};
      return;
    }
    if (!node.IsMap()) {
      diag_.add(prefix, describe(node), "a flavor name, or a mapping with name or vcpus, ram_mb and disk_gb");
      return;
    }
    f = FlavorSpec{};
    fields(node, prefix, kFlavorKeys, [&](std::string_view key, const YAML::Node& v, const std::string& path) {
      if (key == "name") string(v, path, f.name);
      if (key == "vcpus") integer(v, path, f.vcpus);
      if (key == "ram_mb") integer(v, path, f.ram_mb);
      if (key == "disk_gb") integer(v, path, f.disk_gb);
    });
  }

  void labels(const YAML::Node& node, const std::string& prefix, std::map<std::string, std::string>& out) {
    out.clear();
    if (node.IsNull()) return;
    if (!node.IsMap()) {
      diag_.add(prefix, describe(node), "a mapping of label keys to values");
      return;
    }
    for (auto it = node.begin(); it != node.end(); ++it) {
      const YAML::Node k = it->first;
      const YAML::Node v = it->second;
      Position key_pos = position_of(k.Mark());
      if (!k.IsScalar() || !(v.IsScalar() || v.IsNull())) {
        diag_.add_at(key_pos, fmt::format("{}: found {}: {}; allowed: label key: string value", prefix, describe(k),
                                          describe(v)));
        continue;
      }
      std::string path = fmt::format("{}.{}", prefix, k.Scalar());
      map_.set(path, key_pos);
      if (!out.emplace(k.Scalar(), v.IsNull() ? "" : v.Scalar()).second) {
        diag_.add_at(key_pos,
                     fmt::format("{}: found a second label {}; allowed: each label once", prefix, quote(k.Scalar())));
      }
    }
  }

  void taints(const YAML::Node& node, const std::string& prefix, std::vector<Taint>& out) {
    out.clear();
    if (node.IsNull()) return;
    if (!node.IsSequence()) {
      diag_.add(prefix, describe(node), "a list of {key, value, effect}");
      return;
    }
    for (size_t i = 0; i < node.size(); ++i) {
      std::string item = fmt::format("{}[{}]", prefix, i);
      map_.set(item, position_of(node[i].Mark()));
      if (!node[i].IsMap()) {
        diag_.add(item, describe(node[i]), "a mapping with key, value and effect");
        continue;
      }
      Taint t;
      fields(node[i], item, kTaintKeys, [&](std::string_view key, const YAML::Node& v, const std::string& path) {
        if (key == "key") string(v, path, t.key);
        if (key == "value") string(v, path, t.value);
        if (key == "effect") string(v, path, t.effect);
      });
      out.push_back(std::move(t));
    }
  }

  void placement(const YAML::Node& node, const std::string& path, EtcdPlacement& out) {
    static constexpr std::array<std::pair<std::string_view, EtcdPlacement>, 2> kTable{
        {{"masters", EtcdPlacement::masters}, {"dedicated", EtcdPlacement::dedicated}}};
    enumeration(node, path, kTable, out);
  }

  void load_balancer(const YAML::Node& node, const std::string& prefix, ApiLoadBalancerSpec& lb) {
    fields(node, prefix, kLoadBalancerKeys, [&](std::string_view key, const YAML::Node& v, const std::string& path) {
      if (key == "enabled") boolean(v, path, lb.enabled);
      if (key == "provider") string(v, path, lb.provider);
      if (key == "floating_ip") boolean(v, path, lb.floating_ip);
    });
  }

  void addons(const YAML::Node& node, const std::string& prefix, AddonsSpec& a) {
    static constexpr std::array<std::pair<std::string_view, Ingress>, 3> kIngress{
        {{"nginx", Ingress::nginx}, {"traefik", Ingress::traefik}, {"none", Ingress::none}}};
    fields(node, prefix, kAddonKeys, [&](std::string_view key, const YAML::Node& v, const std::string& path) {
      if (key == "dns") boolean(v, path, a.dns);
      if (key == "cni") string(v, path, a.cni);
      if (key == "ingress") enumeration(v, path, kIngress, a.ingress);
      if (key == "cloud_provider") boolean(v, path, a.cloud_provider);
      if (key == "application_credential") string(v, path, a.application_credential);
      if (key == "cloud_auth_url") string(v, path, a.cloud_auth_url);
      if (key == "cloud_interface") string(v, path, a.cloud_interface);
      if (key == "cinder_csi") boolean(v, path, a.cinder_csi);
      if (key == "default_storage_class") boolean(v, path, a.default_storage_class);
    });
  }

  void mirrors(const YAML::Node& node, const std::string& prefix, MirrorSpec& m) {
    fields(node, prefix, kMirrorKeys, [&](std::string_view key, const YAML::Node& v, const std::string& path) {
      if (key == "binaries") string(v, path, m.binaries);
      if (key == "images") string(v, path, m.images);
      if (key == "checksums") string(v, path, m.checksums);
    });
  }

  void pki(const YAML::Node& node, const std::string& prefix, PkiSpec& p) {
    static constexpr std::array<std::pair<std::string_view, KeyAlgorithm>, 4> kAlgorithms{
        {{"ecdsa-p256", KeyAlgorithm::ecdsa_p256},
         {"rsa-2048", KeyAlgorithm::rsa2048},
         {"rsa-3072", KeyAlgorithm::rsa3072},
         {"rsa-4096", KeyAlgorithm::rsa4096}}};
    fields(node, prefix, kPkiKeys, [&](std::string_view key, const YAML::Node& v, const std::string& path) {
      if (key == "algorithm") enumeration(v, path, kAlgorithms, p.algorithm);
      if (key == "ca_validity_days") integer(v, path, p.ca_validity_days);
      if (key == "leaf_validity_days") integer(v, path, p.leaf_validity_days);
    });
  }

  SourceMap& map_;
  Diagnostics& diag_;
};

}  // namespace

std::span<const std::string_view> known_fields() {
  static const std::vector<std::string_view> fields = build_known_fields();
  return fields;
}

ClusterSpec decode(const YAML::Node& root, SourceMap& map, Diagnostics& diagnostics) {
  return Decoder(map, diagnostics).run(root);
}

}  // namespace kstack::spec
