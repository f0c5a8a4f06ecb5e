#include <fmt/format.h>

#include "bootstrap/addons.h"
#include "bootstrap/templates.h"
#include "bootstrap/text.h"

namespace kstack::bootstrap {

void add_ingress_addon(const RenderContext& ctx, NodeFiles& files) {
  const auto ingress = ctx.spec.addons.ingress;
  if (ingress == spec::Ingress::none) return;
  // With the cloud integration a LoadBalancer Service (an Octavia load balancer) fronts a Deployment;
  // without it, a DaemonSet serves on the host network of the labelled workers.
  const bool lb = ctx.spec.addons.cloud_provider;
  const std::string replicas = lb ? "  replicas: 2\n" : "";
  const std::string host_network = lb ? "" : "      hostNetwork: true\n      dnsPolicy: ClusterFirstWithHostNet\n";
  const std::string http_port = lb ? "" : "              hostPort: 80\n";
  const std::string https_port = lb ? "" : "              hostPort: 443\n";
  if (ingress == spec::Ingress::nginx) {
    // The NGINX Ingress Controller of the nginx project (nginx/nginx-ingress), serving the standard
    // Ingress resource only (its custom resources would need CRDs kstack does not install). The ClusterRole
    // follows upstream's deployments/rbac/rbac.yaml for what the controller reads (nodes: list included);
    // telemetry reporting, on by default upstream, is off: a cluster does not phone home unless asked.
    std::string out = render_manifest(
        templates::ingress_nginx,
        {{"KIND", lb ? "Deployment" : "DaemonSet"}, {"IMAGE", ctx.image(ctx.release.images.nginx_ingress)}},
        {{"REPLICAS", replicas},
         {"HOST_NETWORK", host_network},
         {"HOST_PORT_HTTP", http_port},
         {"HOST_PORT_HTTPS", https_port},
         {"EXTERNAL_SERVICE", lb ? "            - -external-service=nginx-ingress\n" : ""}});
    if (lb) out += templates::ingress_nginx_service;
    files.add(fmt::format("{}/50-nginx-ingress.yaml", kAddonDir), out);
  } else {
    std::string out = render_manifest(
        templates::traefik,
        {{"KIND", lb ? "Deployment" : "DaemonSet"}, {"IMAGE", ctx.image(ctx.release.images.traefik)}},
        {{"REPLICAS", replicas},
         {"HOST_NETWORK", host_network},
         {"HOST_PORT_HTTP", http_port},
         {"HOST_PORT_HTTPS", https_port},
         {"PUBLISHED_SERVICE",
          lb ? "            - --providers.kubernetesingress.ingressendpoint.publishedservice=traefik/traefik\n" : ""}});
    if (lb) out += templates::traefik_service;
    files.add(fmt::format("{}/50-traefik.yaml", kAddonDir), out);
  }
}

}  // namespace kstack::bootstrap
