#include <fmt/format.h>

#include "bootstrap/addons.h"
#include "bootstrap/templates.h"
#include "bootstrap/text.h"

namespace kstack::bootstrap {

void add_core_addons(const RenderContext& ctx, NodeFiles& files) {
  const auto& images = ctx.release.images;
  files.add(fmt::format("{}/00-rbac.yaml", kAddonDir),
            render_manifest(templates::rbac, {{"ADMINS", pki::kClusterAdminsGroup}}));
  const std::string proxy_kubeconfig =
      pki::kubeconfig(ctx.spec.name, ctx.api_url(), ctx.pki.ca.cert_pem, "system:kube-proxy", ctx.pki.kube_proxy);
  files.add_secret(
      fmt::format("{}/10-kube-proxy.yaml", kAddonDir),
      render_manifest(
          templates::kube_proxy,
          {{"KUBECONFIG_B64", base64(proxy_kubeconfig)},
           {"POD_CIDR", ctx.spec.kubernetes.pod_cidr},
           {"IMAGE", ctx.image(images.kube_proxy)}},
          // On a shared kernel only the host's network namespace may size
          // the conntrack table: 0 leaves it as it is.
          {{"CONNTRACK", ctx.spec.kubernetes.shared_kernel ? "    conntrack:\n      maxPerCore: 0\n" : ""}}));
  files.add(fmt::format("{}/20-flannel.yaml", kAddonDir),
            render_manifest(templates::flannel, {{"POD_CIDR", ctx.spec.kubernetes.pod_cidr},
                                                 {"IMAGE", ctx.image(images.flannel)},
                                                 {"CNI_PLUGIN_IMAGE", ctx.image(images.flannel_cni_plugin)}}));
  if (ctx.spec.addons.dns) {
    files.add(fmt::format("{}/30-coredns.yaml", kAddonDir),
              render_manifest(templates::coredns,
                              {{"IMAGE", ctx.image(images.coredns)}, {"DNS_IP", ctx.model.cluster_dns_ip}},
                              // In the Corefile's own syntax: a DNS name the spec's validation checked.
                              {{"DOMAIN", ctx.spec.kubernetes.cluster_domain}}));
  }
}

}  // namespace kstack::bootstrap
