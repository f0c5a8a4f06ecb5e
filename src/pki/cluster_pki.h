#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "spec/cluster_spec.h"
#include "util/error.h"

namespace kstack::state {
class StateDir;
}

namespace kstack::pki {

/// The group of the `admin` client certificate. It is not system:masters: a ClusterRoleBinding
/// (kClusterAdminsGroup → ClusterRole cluster-admin) grants it its rights, so an admin
/// certificate that leaks can be disarmed by deleting that binding instead of replacing the CA.
/// The bootstrap of the first master must create that binding (using `super_admin`).
inline constexpr std::string_view kClusterAdminsGroup = "kstack:cluster-admins";

/// The group of the `super_admin` break-glass certificate: bypasses RBAC. Stays in the state
/// directory (and on the first master while it applies the add-ons); never handed out.
inline constexpr std::string_view kSuperAdminGroup = "system:masters";

/// Member is one node as the PKI sees it: its name (the Nova server name, which is also the
/// hostname and the Kubernetes node name) and its fixed IP on the cluster network.
struct Member {
  std::string name;
  std::string ip;
};

/// PkiInputs is everything the cluster's certificates depend on. Every address must be known
/// before the first boot (ports and the load balancer's VIP exist before the servers).
struct PkiInputs {
  std::string cluster_name;
  std::string cluster_domain = "cluster.local";
  std::string service_cidr = "10.96.0.0/12";  // its first address goes in the API server's SANs
  std::vector<Member> masters;                // every API server
  std::vector<Member> etcd_members;           // the masters, or the dedicated etcd nodes
  std::vector<Member> kubelet_nodes;          // every node that runs a kubelet: masters and workers
  std::string api_vip;                        // the API load balancer's VIP; empty: none
  std::string api_floating_ip;                // the floating IP on that VIP; empty: none
  spec::KeyAlgorithm algorithm = spec::KeyAlgorithm::ecdsa_p256;
  int ca_validity_days = 3650;
  int leaf_validity_days = 365;
  // > 0: the kubelets' client certificates live this many minutes instead, so that a test sees the
  // kubelets rotate them (KSTACK_TEST_KUBELET_CERT_MINUTES, docs/bootstrap.md). Never set by a spec.
  int kubelet_client_validity_minutes = 0;
};

/// CertKey is a certificate and its private key, both PEM.
struct CertKey {
  std::string cert_pem;
  std::string key_pem;
};

/// KeyPair is a bare key pair (the service-account token signing key), both PEM.
struct KeyPair {
  std::string private_pem;  // PKCS#8
  std::string public_pem;   // SubjectPublicKeyInfo
};

/// PkiChange records one certificate or key that ensure_pki() wrote, and why.
struct PkiChange {
  std::string file;    // path in the state directory, "pki/apiserver.crt"
  std::string reason;  // "new", "SANs changed", "expires in 12 days", ...
};

/// ClusterPki is the cluster's whole PKI as the node bootstrap needs it: the three CAs (with
/// their keys: only masters receive those), the service-account key pair and every leaf.
struct ClusterPki {
  CertKey ca;              // signs the API server, kubelets and every Kubernetes client
  CertKey etcd_ca;         // signs etcd servers, peers and etcd clients
  CertKey front_proxy_ca;  // signs the aggregation layer's front-proxy client
  KeyPair service_account;

  CertKey apiserver;                           // serving; SANs per the API server's names and addresses
  CertKey apiserver_kubelet_client;            // CN kube-apiserver-kubelet-client, O kClusterAdminsGroup
  CertKey apiserver_etcd_client;               // CN kube-apiserver-etcd-client (etcd CA)
  CertKey front_proxy_client;                  // CN front-proxy-client (front-proxy CA)
  CertKey etcd_healthcheck_client;             // CN kube-etcd-healthcheck-client (etcd CA)
  std::map<std::string, CertKey> etcd_server;  // by member name; server+client auth
  std::map<std::string, CertKey> etcd_peer;    // by member name; server+client auth

  std::map<std::string, CertKey> kubelet_client;   // by node name; CN system:node:<name>, O system:nodes
  std::map<std::string, CertKey> kubelet_serving;  // by node name; SANs the node's name and IP
  CertKey controller_manager;                      // CN system:kube-controller-manager
  CertKey scheduler;                               // CN system:kube-scheduler
  CertKey kube_proxy;                              // CN system:kube-proxy, O system:node-proxier
  CertKey admin;                                   // CN kubernetes-admin, O kClusterAdminsGroup
  CertKey super_admin;                             // CN kubernetes-super-admin, O system:masters

  std::vector<PkiChange> changes;  // what this call wrote; empty when everything was reused
};

/// Loads the PKI from `<state>/pki/`, issuing what is missing. CAs are never regenerated: an
/// unreadable CA, or a CA whose key does not match, is an error. A leaf is re-issued only when
/// its inputs (subject, SANs, key algorithm, issuing CA) changed, its files are unusable, or it
/// expires within 30 days; the old files are kept under `pki/backup/<UTC time>/`.
[[nodiscard]] Result<ClusterPki> ensure_pki(state::StateDir& state, const PkiInputs& inputs);

/// The first address of a service CIDR ("10.96.0.0/12" → "10.96.0.1"): the `kubernetes` Service's IP.
[[nodiscard]] Result<std::string> first_service_ip(std::string_view service_cidr);

/// A kubeconfig with one cluster, one user and one context (named after the cluster), the
/// certificates embedded as base64 data.
std::string kubeconfig(std::string_view cluster, std::string_view server_url, std::string_view ca_pem,
                       std::string_view user, const CertKey& client);

}  // namespace kstack::pki
