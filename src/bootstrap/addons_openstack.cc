#include <fmt/format.h>

#include "bootstrap/addons.h"
#include "bootstrap/templates.h"
#include "bootstrap/text.h"

namespace kstack::bootstrap {
namespace {

std::string or_placeholder(const std::string& value) {
  return value.empty() ? std::string(kOfflinePlaceholder) : value;
}

}  // namespace

/// The cloud.conf openstack-cloud-controller-manager and the Cinder CSI controller read: the cluster's
/// application credential and nothing else of the operator's.
std::string cloud_conf(const RenderContext& ctx) {
  const auto& c = ctx.options.cloud;
  std::string out = "[Global]\n";
  const auto& addons = ctx.spec.addons;
  out += "auth-url=" + or_placeholder(addons.cloud_auth_url.empty() ? c.auth_url : addons.cloud_auth_url) + "\n";
  out += "region=" + or_placeholder(c.region) + "\n";
  if (addons.cloud_interface != "public") out += "os-endpoint-type=" + addons.cloud_interface + "\n";
  if (!c.application_credential_name.empty() && c.application_credential_id.empty()) {
    out += "application-credential-name=" + c.application_credential_name + "\n";
    if (!c.user_id.empty()) {
      out += "user-id=" + c.user_id + "\n";
    } else {
      out += "username=" + c.username + "\n";
      if (!c.user_domain_id.empty()) out += "user-domain-id=" + c.user_domain_id + "\n";
      if (!c.user_domain_name.empty()) out += "user-domain-name=" + c.user_domain_name + "\n";
    }
  } else {
    out += "application-credential-id=" + or_placeholder(c.application_credential_id) + "\n";
  }
  out += "application-credential-secret=" + or_placeholder(c.application_credential_secret) + "\n";
  if (!c.ca_pem.empty()) out += "ca-file=/etc/config/ca.pem\n";
  if (c.insecure) out += "tls-insecure=true\n";
  out += "\n[LoadBalancer]\ncreate-monitor=true\n";
  if (!ctx.options.floating_network_id.empty()) out += "floating-network-id=" + ctx.options.floating_network_id + "\n";
  if (!ctx.options.subnet_id.empty()) out += "subnet-id=" + ctx.options.subnet_id + "\n";
  out += "\n[BlockStorage]\nignore-volume-az=true\n";
  return out;
}

/// The cloud.conf of the Cinder CSI node plugin, which calls no OpenStack API: no credential at all.
std::string node_cloud_conf() {
  return "[BlockStorage]\nignore-volume-az=true\n\n[Metadata]\nsearch-order=configDrive,metadataService\n";
}

void add_openstack_addons(const RenderContext& ctx, NodeFiles& files) {
  const auto& addons = ctx.spec.addons;
  if (!addons.cloud_provider && !addons.cinder_csi) return;
  const auto& images = ctx.release.images;
  std::string data = "  cloud.conf: " + base64(cloud_conf(ctx)) + "\n";
  if (!ctx.options.cloud.ca_pem.empty()) data += "  ca.pem: " + base64(ctx.options.cloud.ca_pem) + "\n";
  files.add_secret(fmt::format("{}/40-cloud-config.yaml", kAddonDir),
                   render_manifest(templates::cloud_config_secret, {{"NAME", "cloud-config"}}, {{"DATA", data}}));
  if (addons.cloud_provider) {
    files.add(
        fmt::format("{}/41-openstack-cloud-controller-manager.yaml", kAddonDir),
        render_manifest(templates::openstack_cloud_controller_manager,
                        {{"IMAGE", ctx.image(images.openstack_cloud_controller_manager)}, {"CLUSTER", ctx.spec.name}}));
  }
  if (addons.cinder_csi) {
    // The Cinder CSI driver as cloud-provider-openstack's manifests/cinder-csi-plugin ship it, without volume
    // snapshots: upstream's csi-snapshotter sidecar only works beside the snapshot.storage.k8s.io CRDs and the
    // snapshot-controller, which are a separate install (kubernetes-csi/external-snapshotter), and a
    // VolumeSnapshotClass. kstack installs none of them, so the sidecar is left out too (it would only fail
    // to find its CRDs); VolumeSnapshot objects are not served.
    files.add(fmt::format("{}/42-cinder-csi.yaml", kAddonDir),
              render_manifest(templates::cinder_csi, {{"ATTACHER", ctx.image(images.csi_attacher)},
                                                      {"PROVISIONER", ctx.image(images.csi_provisioner)},
                                                      {"RESIZER", ctx.image(images.csi_resizer)},
                                                      {"LIVENESS", ctx.image(images.csi_livenessprobe)},
                                                      {"REGISTRAR", ctx.image(images.csi_node_driver_registrar)},
                                                      {"PLUGIN", ctx.image(images.cinder_csi_plugin)},
                                                      {"CLUSTER", ctx.spec.name}}));
    files.add(fmt::format("{}/40-cloud-config-node.yaml", kAddonDir),
              render_manifest(templates::cloud_config_secret, {{"NAME", "cloud-config-node"}},
                              {{"DATA", "  cloud.conf: " + base64(node_cloud_conf()) + "\n"}}));
    if (addons.default_storage_class) {
      files.add(fmt::format("{}/43-storage-class.yaml", kAddonDir), std::string(templates::storage_class));
    }
  }
}

}  // namespace kstack::bootstrap
