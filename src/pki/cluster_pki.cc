#include "pki/cluster_pki.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <set>

#include "pki/cert_inventory.h"
#include "pki/certificate.h"
#include "pki/key.h"
#include "state/state_dir.h"
#include "util/text.h"

namespace kstack::pki {
namespace {

constexpr std::time_t kDay = 24 * 60 * 60;
constexpr std::string_view kNodesDir = "pki/nodes";
constexpr std::string_view kEtcdMembersDir = "pki/etcd/members";

/// Authority names the CA that signs a leaf.
enum class Authority { cluster, etcd, front_proxy };

/// LeafSpec is one leaf certificate the cluster needs: where it lives, what it says, who signs it.
struct LeafSpec {
  std::string base;  // "pki/apiserver": the files are base + ".crt" and base + ".key"
  Authority authority;
  CertRequest request;
  CertKey* out;
};

/// LoadedCa is a CA ready to sign: its parsed certificate and key, and their PEM.
struct LoadedCa {
  X509Ptr cert;
  KeyPtr key;
  CertKey pem;
};

/// Run is the state of one ensure_pki call.
struct Run {
  state::StateDir& state;
  const PkiInputs& inputs;
  std::time_t now;
  std::string backup_stamp;  // pki/backup/<stamp>/ receives what this call replaces
  std::vector<PkiChange>& changes;
};

bool valid_node_name(std::string_view name) {
  // A DNS-1123 subdomain: also a safe single path component.
  if (name.empty() || name.size() > 253 || name.front() == '-' || name.front() == '.' || name.back() == '-' ||
      name.back() == '.') {
    return false;
  }
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'; });
}

Result<void> check_members(const std::vector<Member>& members, std::string_view role, bool required) {
  if (required && members.empty()) return fail(fmt::format("the PKI needs at least one {}", role));
  std::set<std::string> seen;
  for (const auto& member : members) {
    if (!valid_node_name(member.name)) {
      return fail(fmt::format("{} name '{}' is not a DNS-1123 name", role, member.name));
    }
    if (!seen.insert(member.name).second) return fail(fmt::format("{} '{}' appears twice", role, member.name));
    if (auto ip = canonical_ip(member.ip); !ip) {
      return fail(fmt::format("{} '{}': '{}' is not an IP address", role, member.name, member.ip));
    }
  }
  return {};
}

Result<void> check_inputs(const PkiInputs& in) {
  if (!valid_node_name(in.cluster_name)) return fail(fmt::format("cluster name '{}' is not valid", in.cluster_name));
  if (in.ca_validity_days <= 0 || in.leaf_validity_days <= 0) {
    return fail(fmt::format("certificate validity must be positive (CA {} days, leaf {} days)", in.ca_validity_days,
                            in.leaf_validity_days));
  }
  if (in.kubelet_client_validity_minutes < 0) {
    return fail("KSTACK_TEST_KUBELET_CERT_MINUTES must be a whole number of minutes from 1 to 1440");
  }
  if (auto ok = check_members(in.masters, "master", true); !ok) return ok;
  if (auto ok = check_members(in.etcd_members, "etcd member", true); !ok) return ok;
  if (auto ok = check_members(in.kubelet_nodes, "kubelet node", false); !ok) return ok;
  for (const auto& ip : {in.api_vip, in.api_floating_ip}) {
    if (!ip.empty() && !canonical_ip(ip)) return fail(fmt::format("API address '{}' is not an IP address", ip));
  }
  return {};
}

std::string utc_stamp(std::time_t t) {
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

/// Copies a file into this run's backup directory, keeping its path below pki/.
Result<void> back_up(Run& run, const std::string& file) {
  if (!run.state.exists(file)) return {};
  auto content = run.state.read(file);
  if (!content) return std::unexpected(content.error());
  std::string below_pki = file.starts_with("pki/") ? file.substr(4) : file;
  return run.state.write(fmt::format("pki/backup/{}/{}", run.backup_stamp, below_pki), *content);
}

Result<void> write_pair(Run& run, const std::string& base, X509* cert, EVP_PKEY* key, CertKey& out) {
  auto cert_pem = certificate_pem(cert);
  if (!cert_pem) return std::unexpected(cert_pem.error());
  auto key_pem = private_key_pem(key);
  if (!key_pem) return std::unexpected(key_pem.error());
  // The key first: a crash between the two writes leaves a pair that no longer matches, which
  // the next run re-issues, never a certificate whose key is lost.
  if (auto ok = run.state.write(base + ".key", *key_pem); !ok) return ok;
  if (auto ok = run.state.write(base + ".crt", *cert_pem); !ok) return ok;
  out = {std::move(*cert_pem), std::move(*key_pem)};
  return {};
}

std::string never_replaced_hint(const std::string& base) {
  return fmt::format(
      "restore {0}.crt and {0}.key from a backup. kstack never replaces a CA by itself: every certificate and "
      "kubeconfig it signed would stop working",
      base);
}

Result<LoadedCa> ensure_ca(Run& run, const std::string& base, const std::string& common_name) {
  const std::string crt = base + ".crt", key_file = base + ".key";
  const bool has_cert = run.state.exists(crt), has_key = run.state.exists(key_file);
  if (has_cert && !has_key) {
    return fail("the CA certificate is here but its key is missing", run.state.path(key_file).string(),
                never_replaced_hint(base));
  }
  LoadedCa ca;
  if (has_key) {
    auto pem = run.state.read(key_file);
    if (!pem)
      return fail(fmt::format("the CA key is unreadable: {}", pem.error().what), pem.error().where,
                  never_replaced_hint(base));
    auto key = parse_private_key(*pem, run.state.path(key_file).string());
    if (!key)
      return fail("the CA key is unreadable: " + key.error().what, key.error().where, never_replaced_hint(base));
    ca.key = std::move(*key);
    ca.pem.key_pem = std::move(*pem);
  }
  if (has_cert) {
    auto pem = run.state.read(crt);
    if (!pem)
      return fail(fmt::format("the CA certificate is unreadable: {}", pem.error().what), pem.error().where,
                  never_replaced_hint(base));
    auto cert = parse_certificate(*pem, run.state.path(crt).string());
    if (!cert) {
      return fail("the CA certificate is unreadable: " + cert.error().what, cert.error().where,
                  never_replaced_hint(base));
    }
    if (!key_matches(cert->get(), ca.key.get())) {
      return fail("the CA key does not match the CA certificate", run.state.path(key_file).string(),
                  never_replaced_hint(base));
    }
    auto info = describe_certificate(cert->get());
    if (!info || !info->is_ca) {
      return fail("the CA certificate is not a CA (basicConstraints CA:FALSE)", run.state.path(crt).string(),
                  never_replaced_hint(base));
    }
    ca.cert = std::move(*cert);
    ca.pem.cert_pem = std::move(*pem);
    return ca;
  }

  std::string reason = "new";
  if (has_key) {
    // An earlier run stopped between writing the key and the certificate: nothing was signed yet.
    reason = "certificate for the existing key";
  } else {
    auto key = generate_key(run.inputs.algorithm);
    if (!key) return std::unexpected(key.error());
    ca.key = std::move(*key);
  }
  CertRequest request{.common_name = common_name,
                      .organizations = {run.inputs.cluster_name},
                      .usage = CertUsage::ca,
                      .validity_days = run.inputs.ca_validity_days};
  auto cert = issue_certificate(request, ca.key.get());
  if (!cert) return std::unexpected(cert.error());
  ca.cert = std::move(*cert);
  if (has_key) {
    auto pem = certificate_pem(ca.cert.get());
    if (!pem) return std::unexpected(pem.error());
    if (auto ok = run.state.write(crt, *pem); !ok) return std::unexpected(ok.error());
    ca.pem.cert_pem = std::move(*pem);
  } else if (auto ok = write_pair(run, base, ca.cert.get(), ca.key.get(), ca.pem); !ok) {
    return std::unexpected(ok.error());
  }
  run.changes.push_back({crt, reason});
  return ca;
}

Result<KeyPair> ensure_service_account_key(Run& run) {
  const std::string key_file = "pki/sa.key", pub_file = "pki/sa.pub";
  KeyPair pair;
  KeyPtr key;
  if (run.state.exists(key_file)) {
    // Replacing this key would invalidate every service-account token: like a CA, never by itself.
    auto pem = run.state.read(key_file);
    if (!pem) return std::unexpected(pem.error());
    auto parsed = parse_private_key(*pem, run.state.path(key_file).string());
    if (!parsed) {
      return fail("the service-account signing key is unreadable: " + parsed.error().what, parsed.error().where,
                  "restore pki/sa.key from a backup; replacing it invalidates every service-account token");
    }
    key = std::move(*parsed);
    pair.private_pem = std::move(*pem);
  } else {
    auto fresh = generate_key(run.inputs.algorithm);
    if (!fresh) return std::unexpected(fresh.error());
    key = std::move(*fresh);
    auto pem = private_key_pem(key.get());
    if (!pem) return std::unexpected(pem.error());
    if (auto ok = run.state.write(key_file, *pem); !ok) return std::unexpected(ok.error());
    pair.private_pem = std::move(*pem);
    run.changes.push_back({key_file, "new"});
  }
  auto pub = public_key_pem(key.get());
  if (!pub) return std::unexpected(pub.error());
  auto existing = run.state.exists(pub_file) ? run.state.read(pub_file) : Result<std::string>(std::string());
  if (!existing || *existing != *pub) {
    if (auto ok = run.state.write(pub_file, *pub); !ok) return std::unexpected(ok.error());
    run.changes.push_back({pub_file, "derived from pki/sa.key"});
  }
  pair.public_pem = std::move(*pub);
  return pair;
}

std::string describe_difference(const std::vector<std::string>& have, const std::vector<std::string>& want) {
  std::vector<std::string> added, removed;
  std::set_difference(want.begin(), want.end(), have.begin(), have.end(), std::back_inserter(added));
  std::set_difference(have.begin(), have.end(), want.begin(), want.end(), std::back_inserter(removed));
  std::string out;
  if (!added.empty()) out += " +" + join(added, ", ");
  if (!removed.empty()) out += " -" + join(removed, ", ");
  return out;
}

bool is_kubelet_client(const LeafSpec& leaf) { return leaf.base.ends_with("/kubelet-client"); }

/// How long a leaf is issued for, in seconds.
std::time_t leaf_lifetime(const PkiInputs& in, const LeafSpec& leaf) {
  if (is_kubelet_client(leaf) && in.kubelet_client_validity_minutes > 0)
    return in.kubelet_client_validity_minutes * 60L;
  return in.leaf_validity_days * kDay;
}

/// Why the leaf on disk no longer fits its spec, or nothing when it can be kept (then `kept` holds its PEM).
std::optional<std::string> reason_to_issue(Run& run, const LeafSpec& leaf, const LoadedCa& ca, CertKey& kept) {
  const std::string crt = leaf.base + ".crt", key_file = leaf.base + ".key";
  const bool has_cert = run.state.exists(crt), has_key = run.state.exists(key_file);
  if (!has_cert && !has_key) return "new";
  if (!has_cert) return "certificate missing";
  if (!has_key) return "key missing";
  auto cert_pem = run.state.read(crt);
  auto key_pem = run.state.read(key_file);
  if (!cert_pem || !key_pem) return "unreadable";
  auto cert = parse_certificate(*cert_pem, crt);
  if (!cert) return "unreadable certificate";
  auto key = parse_private_key(*key_pem, key_file);
  if (!key) return "unreadable key";
  if (!key_matches(cert->get(), key->get())) return "key does not match the certificate";
  if (!issued_by(cert->get(), ca.cert.get())) return "issued by another CA";
  auto info = describe_certificate(cert->get());
  if (!info) return "unreadable certificate";

  const CertRequest& want = leaf.request;
  if (info->common_name != want.common_name || info->organizations != want.organizations) {
    return fmt::format("subject changed ({})", info->subject);
  }
  std::vector<std::string> dns = want.dns_names, ips;
  std::sort(dns.begin(), dns.end());
  for (const auto& ip : want.ip_addresses) ips.push_back(canonical_ip(ip).value_or(ip));
  std::sort(ips.begin(), ips.end());
  if (info->dns_names != dns || info->ip_addresses != ips) {
    return "SANs changed:" + describe_difference(info->dns_names, dns) + describe_difference(info->ip_addresses, ips);
  }
  const bool server = want.usage == CertUsage::server || want.usage == CertUsage::server_and_client;
  const bool client = want.usage == CertUsage::client || want.usage == CertUsage::server_and_client;
  if (info->is_ca || info->server_auth != server || info->client_auth != client) return "usage changed";
  if (info->key_algorithm != run.inputs.algorithm) {
    return fmt::format("key algorithm changed to {}", algorithm_name(run.inputs.algorithm));
  }
  std::time_t left = info->not_after - run.now;
  if (left <= 0) return "expired";
  // Renewed in its last 30 days, or in the last third of a life shorter than 90 days.
  const std::time_t window = std::min<std::time_t>(kRenewWithinDays * kDay, leaf_lifetime(run.inputs, leaf) / 3);
  if (left < window) {
    return left >= kDay ? fmt::format("expires in {} days", left / kDay)
                        : fmt::format("expires in {} minutes", left / 60);
  }
  kept = {std::move(*cert_pem), std::move(*key_pem)};
  return std::nullopt;
}

Result<void> ensure_leaf(Run& run, const LeafSpec& leaf, const LoadedCa& ca) {
  auto reason = reason_to_issue(run, leaf, ca, *leaf.out);
  if (!reason) return {};
  if (*reason != "new") {
    if (auto ok = back_up(run, leaf.base + ".crt"); !ok) return ok;
    if (auto ok = back_up(run, leaf.base + ".key"); !ok) return ok;
  }
  auto key = generate_key(run.inputs.algorithm);
  if (!key) return std::unexpected(key.error());
  CertRequest request = leaf.request;
  request.validity_days = run.inputs.leaf_validity_days;
  if (is_kubelet_client(leaf)) request.validity_minutes = run.inputs.kubelet_client_validity_minutes;
  auto cert = issue_certificate(request, key->get(), Signer{ca.cert.get(), ca.key.get()});
  if (!cert) return std::unexpected(cert.error());
  if (auto ok = write_pair(run, leaf.base, cert->get(), key->get(), *leaf.out); !ok) return ok;
  run.changes.push_back({leaf.base + ".crt", *reason});
  return {};
}

/// Moves the files of nodes (or etcd members) that left the cluster into the backup directory.
Result<void> retire_departed(Run& run, std::string_view dir, const std::vector<Member>& current) {
  std::set<std::string> names;
  for (const auto& member : current) names.insert(member.name);
  auto files = run.state.list(dir);
  if (!files) return std::unexpected(files.error());
  for (const auto& file : *files) {
    std::string owner = file.substr(dir.size() + 1);
    owner = owner.substr(0, owner.find('/'));
    if (names.contains(owner)) continue;
    if (auto ok = back_up(run, file); !ok) return ok;
    if (auto ok = run.state.remove(file); !ok) return ok;
    run.changes.push_back({file, "no longer in the cluster (moved to the backup)"});
  }
  return {};
}

std::vector<LeafSpec> leaf_specs(const PkiInputs& in, const std::string& service_ip, ClusterPki& pki) {
  auto client = [](std::string cn, std::vector<std::string> orgs = {}) {
    return CertRequest{.common_name = std::move(cn), .organizations = std::move(orgs), .usage = CertUsage::client};
  };
  std::vector<LeafSpec> leaves;

  CertRequest apiserver{.common_name = "kube-apiserver",
                        .dns_names = {"kubernetes", "kubernetes.default", "kubernetes.default.svc",
                                      "kubernetes.default.svc." + in.cluster_domain, "localhost"},
                        .ip_addresses = {service_ip, "127.0.0.1"},
                        .usage = CertUsage::server};
  for (const auto& master : in.masters) {
    apiserver.dns_names.push_back(master.name);
    apiserver.ip_addresses.push_back(master.ip);
  }
  for (const auto& ip : {in.api_vip, in.api_floating_ip}) {
    if (!ip.empty()) apiserver.ip_addresses.push_back(ip);
  }
  // A name or address listed twice (a master that is also the VIP) is one SAN.
  for (auto* list : {&apiserver.dns_names, &apiserver.ip_addresses}) {
    std::vector<std::string> unique;
    for (auto& item : *list) {
      std::string key = canonical_ip(item).value_or(item);
      if (std::find(unique.begin(), unique.end(), key) == unique.end()) unique.push_back(key);
    }
    *list = std::move(unique);
  }
  leaves.push_back({"pki/apiserver", Authority::cluster, apiserver, &pki.apiserver});
  leaves.push_back({"pki/apiserver-kubelet-client", Authority::cluster,
                    client("kube-apiserver-kubelet-client", {std::string(kClusterAdminsGroup)}),
                    &pki.apiserver_kubelet_client});
  leaves.push_back(
      {"pki/apiserver-etcd-client", Authority::etcd, client("kube-apiserver-etcd-client"), &pki.apiserver_etcd_client});
  leaves.push_back(
      {"pki/front-proxy-client", Authority::front_proxy, client("front-proxy-client"), &pki.front_proxy_client});
  leaves.push_back({"pki/etcd/healthcheck-client", Authority::etcd, client("kube-etcd-healthcheck-client"),
                    &pki.etcd_healthcheck_client});

  for (const auto& member : in.etcd_members) {
    CertRequest etcd{.common_name = member.name,
                     .dns_names = {member.name, "localhost"},
                     .ip_addresses = {canonical_ip(member.ip).value_or(member.ip), "127.0.0.1", "::1"},
                     .usage = CertUsage::server_and_client};
    std::string dir = fmt::format("{}/{}", kEtcdMembersDir, member.name);
    leaves.push_back({dir + "/server", Authority::etcd, etcd, &pki.etcd_server[member.name]});
    leaves.push_back({dir + "/peer", Authority::etcd, etcd, &pki.etcd_peer[member.name]});
  }
  for (const auto& node : in.kubelet_nodes) {
    std::string user = "system:node:" + node.name;
    std::string dir = fmt::format("{}/{}", kNodesDir, node.name);
    leaves.push_back(
        {dir + "/kubelet-client", Authority::cluster, client(user, {"system:nodes"}), &pki.kubelet_client[node.name]});
    leaves.push_back({dir + "/kubelet-serving", Authority::cluster,
                      CertRequest{.common_name = user,
                                  .organizations = {"system:nodes"},
                                  .dns_names = {node.name},
                                  .ip_addresses = {canonical_ip(node.ip).value_or(node.ip)},
                                  .usage = CertUsage::server},
                      &pki.kubelet_serving[node.name]});
  }
  leaves.push_back({"pki/controller-manager", Authority::cluster, client("system:kube-controller-manager"),
                    &pki.controller_manager});
  leaves.push_back({"pki/scheduler", Authority::cluster, client("system:kube-scheduler"), &pki.scheduler});
  leaves.push_back(
      {"pki/kube-proxy", Authority::cluster, client("system:kube-proxy", {"system:node-proxier"}), &pki.kube_proxy});
  leaves.push_back(
      {"pki/admin", Authority::cluster, client("kubernetes-admin", {std::string(kClusterAdminsGroup)}), &pki.admin});
  leaves.push_back({"pki/super-admin", Authority::cluster,
                    client("kubernetes-super-admin", {std::string(kSuperAdminGroup)}), &pki.super_admin});
  return leaves;
}

}  // namespace

Result<std::string> first_service_ip(std::string_view service_cidr) {
  auto slash = service_cidr.find('/');
  std::string address(service_cidr.substr(0, slash));
  int prefix = -1;
  if (slash != std::string_view::npos) {
    std::string bits(service_cidr.substr(slash + 1));
    if (!bits.empty() && bits.size() <= 3 && std::all_of(bits.begin(), bits.end(), ::isdigit)) prefix = std::stoi(bits);
  }
  unsigned char bytes[16] = {};
  int family = ::inet_pton(AF_INET, address.c_str(), bytes) == 1    ? AF_INET
               : ::inet_pton(AF_INET6, address.c_str(), bytes) == 1 ? AF_INET6
                                                                    : 0;
  const int width = family == AF_INET ? 32 : 128;
  if (family == 0 || prefix < 0 || prefix > width - 2) {
    return fail(fmt::format("'{}' is not a service CIDR with room for addresses", service_cidr));
  }
  const int size = width / 8;
  for (int bit = prefix; bit < width; ++bit) bytes[bit / 8] &= static_cast<unsigned char>(~(0x80 >> (bit % 8)));
  for (int i = size - 1; i >= 0 && ++bytes[i] == 0; --i) {
  }
  char text[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(family, bytes, text, sizeof text);
  return std::string(text);
}

Result<ClusterPki> ensure_pki(state::StateDir& state, const PkiInputs& inputs) {
  if (auto ok = check_inputs(inputs); !ok) return std::unexpected(ok.error());
  auto service_ip = first_service_ip(inputs.service_cidr);
  if (!service_ip) return std::unexpected(service_ip.error());

  ClusterPki pki;
  std::time_t now = std::time(nullptr);
  Run run{state, inputs, now, utc_stamp(now), pki.changes};

  auto ca = ensure_ca(run, "pki/ca", "kubernetes-ca");
  if (!ca) return std::unexpected(ca.error());
  auto etcd_ca = ensure_ca(run, "pki/etcd/ca", "etcd-ca");
  if (!etcd_ca) return std::unexpected(etcd_ca.error());
  auto front_proxy_ca = ensure_ca(run, "pki/front-proxy-ca", "front-proxy-ca");
  if (!front_proxy_ca) return std::unexpected(front_proxy_ca.error());
  pki.ca = ca->pem;
  pki.etcd_ca = etcd_ca->pem;
  pki.front_proxy_ca = front_proxy_ca->pem;

  auto service_account = ensure_service_account_key(run);
  if (!service_account) return std::unexpected(service_account.error());
  pki.service_account = std::move(*service_account);

  for (const auto& leaf : leaf_specs(inputs, *service_ip, pki)) {
    const LoadedCa& signer = leaf.authority == Authority::etcd          ? *etcd_ca
                             : leaf.authority == Authority::front_proxy ? *front_proxy_ca
                                                                        : *ca;
    if (auto ok = ensure_leaf(run, leaf, signer); !ok) return std::unexpected(ok.error());
  }
  if (auto ok = retire_departed(run, kNodesDir, inputs.kubelet_nodes); !ok) return std::unexpected(ok.error());
  if (auto ok = retire_departed(run, kEtcdMembersDir, inputs.etcd_members); !ok) return std::unexpected(ok.error());
  return pki;
}

}  // namespace kstack::pki
