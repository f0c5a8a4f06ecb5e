#pragma once

#include <map>
#include <string>
#include <vector>

#include "spec/checksums.h"

namespace kstack::spec {

/// Topology is the shape a spec's node counts give the cluster.
enum class Topology {
  single,  // one master that also runs pods, no workers
  non_ha,  // one master, one or more workers
  ha,      // 3 or 5 masters, 2 or more workers, an API load balancer
};

/// EtcdPlacement says where the etcd members run.
enum class EtcdPlacement { masters, dedicated };

/// Ingress names the ingress controller kstack installs on the workers.
enum class Ingress { nginx, traefik, none };

/// KeyAlgorithm is the key type of every certificate kstack issues.
enum class KeyAlgorithm { ecdsa_p256, rsa2048, rsa3072, rsa4096 };

/// FlavorSpec names a Nova flavor, or the least size kstack picks the smallest fitting flavor for.
struct FlavorSpec {
  std::string name;  // empty: choose by the sizes below
  int vcpus = 0;
  int ram_mb = 0;
  int disk_gb = 0;
};

/// Taint is a Kubernetes node taint applied to every node of a pool.
struct Taint {
  std::string key;
  std::string value;
  std::string effect;  // NoSchedule | PreferNoSchedule | NoExecute
};

/// NodePool is a group of identical servers: the masters, the workers, the bastion or the etcd nodes.
struct NodePool {
  int count = 0;
  FlavorSpec flavor;
  int volume_size_gb = 0;         // the data volume; 0: none
  std::string volume_type;        // empty: the cloud's default type
  std::string availability_zone;  // empty: the cloud's choice
  std::map<std::string, std::string> labels;
  std::vector<Taint> taints;
  std::string server_group_policy;  // anti-affinity | soft-anti-affinity; empty for the bastion
};

/// KubernetesSpec holds the cluster-wide Kubernetes settings.
struct KubernetesSpec {
  std::string version = "1.34.4";  // must be a release in versions.h
  std::string pod_cidr = "10.244.0.0/16";
  std::string service_cidr = "10.96.0.0/12";
  std::string cluster_domain = "cluster.local";
  // True when the nodes are system containers sharing their host's kernel (as nova-lxd makes them), not
  // VMs: kernel-wide settings are then the host's. containerd keeps each container's oom_score_adj at or
  // above its own (lowering one takes CAP_SYS_RESOURCE), and kube-proxy leaves the conntrack table's
  // size alone (only the host's network namespace may set it).
  bool shared_kernel = false;
};

/// NetworkSpec is the cluster's private network and who may reach it from outside.
struct NetworkSpec {
  std::string cidr = "10.0.0.0/16";
  std::string external_network = "floating";
  std::vector<std::string> dns_nameservers = {"1.1.1.1", "9.9.9.9"};
  std::vector<std::string> ssh_allowed_cidrs = {"0.0.0.0/0"};
  std::vector<std::string> api_allowed_cidrs = {"0.0.0.0/0"};
};

/// ApiLoadBalancerSpec is the Octavia load balancer in front of the API servers.
struct ApiLoadBalancerSpec {
  bool enabled = true;
  std::string provider = "amphora";
  bool floating_ip = true;  // false: reachable only inside the cloud
};

/// AddonsSpec chooses the add-ons installed once the API answers.
struct AddonsSpec {
  bool dns = true;              // CoreDNS
  std::string cni = "flannel";  // the only CNI kstack ships
  Ingress ingress = Ingress::nginx;
  bool cloud_provider = true;          // openstack-cloud-controller-manager (LoadBalancer Services → Octavia)
  std::string application_credential;  // clouds.yaml entry holding the add-ons' credential; empty: kstack makes one
  // How the cluster's pods reach the cloud's APIs, where that differs from kstack's own way in: Keystone's
  // URL (empty: the one kstack logs in with) and the catalog interface (public, internal or admin).
  std::string cloud_auth_url;
  std::string cloud_interface = "public";
  bool cinder_csi = true;  // PersistentVolumes → Cinder volumes
  bool default_storage_class = true;
};

/// MirrorSpec points binary downloads and image pulls at mirrors, for air-gapped clouds.
struct MirrorSpec {
  std::string binaries;  // base URL replacing upstream download hosts; empty: upstream
  // Registry host[:port][/path] replacing upstream registries; empty: upstream. An http:// prefix means
  // a registry that speaks plain HTTP (containerd is told so); https:// or none means TLS.
  std::string images;
  std::string checksums;  // sha256sum file of the binary mirror's own files, relative to the spec; empty: upstream's
  MirrorChecksums checksum_list;  // read from `checksums` when the spec is loaded

  /// The registry as image references name it: `images` without its scheme.
  std::string image_registry() const;
  /// True when the image mirror speaks plain HTTP.
  bool images_plain_http() const { return images.starts_with("http://"); }
  /// The sha256 a node must check `download` against: the mirror's own when a checksums file is given.
  std::string_view sha256(const Download& download) const;
};

/// PkiSpec chooses key types and lifetimes of the cluster's certificates.
struct PkiSpec {
  KeyAlgorithm algorithm = KeyAlgorithm::ecdsa_p256;
  int ca_validity_days = 3650;
  int leaf_validity_days = 365;
};

/// ClusterSpec is a validated cluster.yaml with every default filled in.
struct ClusterSpec {
  std::string name;
  std::string cloud;   // clouds.yaml entry; empty: OS_CLOUD or the OS_* variables
  std::string region;  // empty: the cloud's only region
  KubernetesSpec kubernetes;
  NetworkSpec network;
  std::string image = "ubuntu-22.04";
  std::string ssh_public_key;  // inline "ssh-ed25519 AAAA... comment"; empty: read ssh_public_key_file
  std::string ssh_public_key_file = "~/.ssh/id_ed25519.pub";  // read at apply time, not by validate
  NodePool masters;
  NodePool workers;
  NodePool bastion;
  NodePool etcd;  // count 0 unless etcd_placement is dedicated
  EtcdPlacement etcd_placement = EtcdPlacement::masters;
  ApiLoadBalancerSpec api_load_balancer;
  AddonsSpec addons;
  MirrorSpec mirrors;
  PkiSpec pki;

  /// single, non_ha or ha, from the master and worker counts.
  Topology topology() const {
    if (workers.count == 0) return Topology::single;
    return masters.count == 1 ? Topology::non_ha : Topology::ha;
  }
};

}  // namespace kstack::spec
