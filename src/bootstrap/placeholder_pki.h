#pragma once

// A PKI of labelled placeholder PEM blocks, for tests that look at where each certificate and key
// lands (the golden tree, the worker key check) rather than at the cryptography. Header-only: only
// tests include it.

#include <string>

#include "model/cluster_model.h"
#include "pki/cluster_pki.h"

namespace kstack::bootstrap::testing {

inline pki::CertKey placeholder_pair(const std::string& label) {
  return {"-----BEGIN CERTIFICATE-----\nplaceholder certificate " + label + "\n-----END CERTIFICATE-----\n",
          "-----BEGIN PRIVATE KEY-----\nplaceholder key " + label + "\n-----END PRIVATE KEY-----\n"};
}

/// PlaceholderPki fills every ClusterPki member for a model with distinct, recognisable text.
inline pki::ClusterPki placeholder_pki(const model::ClusterModel& model) {
  pki::ClusterPki p;
  p.ca = placeholder_pair("ca");
  p.etcd_ca = placeholder_pair("etcd-ca");
  p.front_proxy_ca = placeholder_pair("front-proxy-ca");
  p.service_account = {
      "-----BEGIN PRIVATE KEY-----\nplaceholder service-account key\n-----END PRIVATE KEY-----\n",
      "-----BEGIN PUBLIC KEY-----\nplaceholder service-account public key\n-----END PUBLIC KEY-----\n"};
  p.apiserver = placeholder_pair("apiserver");
  p.apiserver_kubelet_client = placeholder_pair("apiserver-kubelet-client");
  p.apiserver_etcd_client = placeholder_pair("apiserver-etcd-client");
  p.front_proxy_client = placeholder_pair("front-proxy-client");
  p.etcd_healthcheck_client = placeholder_pair("etcd-healthcheck-client");
  for (const auto* m : model.etcd_members()) {
    p.etcd_server[m->name] = placeholder_pair("etcd-server " + m->name);
    p.etcd_peer[m->name] = placeholder_pair("etcd-peer " + m->name);
  }
  for (const auto* n : model.kubelet_nodes()) {
    p.kubelet_client[n->name] = placeholder_pair("kubelet-client " + n->name);
    p.kubelet_serving[n->name] = placeholder_pair("kubelet-serving " + n->name);
  }
  p.controller_manager = placeholder_pair("controller-manager");
  p.scheduler = placeholder_pair("scheduler");
  p.kube_proxy = placeholder_pair("kube-proxy");
  p.admin = placeholder_pair("admin");
  p.super_admin = placeholder_pair("super-admin");
  return p;
}

/// The reference cluster of the design (3 masters, 2 workers, a bastion) under a fixed name.
inline spec::ClusterSpec reference_spec(std::string name = "demo") {
  spec::ClusterSpec s;
  s.name = std::move(name);
  s.kubernetes.version = "1.34.4";
  s.ssh_public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKstackReferenceKeyForTestsOnly kstack@example";
  s.masters.count = 3;
  s.masters.volume_size_gb = 25;
  s.workers.count = 2;
  s.workers.volume_size_gb = 50;
  s.bastion.count = 1;
  return s;
}

}  // namespace kstack::bootstrap::testing
