#include <fmt/format.h>

#include "bootstrap/addons.h"
#include "bootstrap/text.h"

namespace kstack::bootstrap {
namespace {

// The NGINX Ingress Controller of the nginx project (nginx/nginx-ingress), serving the standard
// Ingress resource only (its custom resources would need CRDs kstack does not install). The ClusterRole
// follows upstream's deployments/rbac/rbac.yaml for what the controller reads (nodes: list included);
// telemetry reporting, on by default upstream, is off: a cluster does not phone home unless asked.
constexpr std::string_view kNginx = R"TXT(apiVersion: v1
kind: Namespace
metadata:
  name: nginx-ingress
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: nginx-ingress
  namespace: nginx-ingress
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: nginx-ingress
rules:
  - apiGroups: [""]
    resources: [configmaps, namespaces, pods, secrets, services]
    verbs: [get, list, watch]
  - apiGroups: [""]
    resources: [configmaps]
    verbs: [update, create]
  - apiGroups: [""]
    resources: [pods]
    verbs: [update]
  - apiGroups: [""]
    resources: [nodes]
    verbs: [list]
  - apiGroups: [""]
    resources: [events]
    verbs: [create, patch, list]
  - apiGroups: [discovery.k8s.io]
    resources: [endpointslices]
    verbs: [get, list, watch]
  - apiGroups: [networking.k8s.io]
    resources: [ingresses, ingressclasses]
    verbs: [get, list, watch]
  - apiGroups: [networking.k8s.io]
    resources: [ingresses/status]
    verbs: [update]
  - apiGroups: [coordination.k8s.io]
    resources: [leases]
    verbs: [get, list, watch, update, create]
  - apiGroups: [apps]
    resources: [replicasets, daemonsets]
    verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: nginx-ingress
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: nginx-ingress
subjects:
  - kind: ServiceAccount
    name: nginx-ingress
    namespace: nginx-ingress
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx
  annotations:
    ingressclass.kubernetes.io/is-default-class: "true"
spec:
  controller: nginx.org/ingress-controller
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: nginx-config
  namespace: nginx-ingress
data:
  server-tokens: "false"
---
apiVersion: apps/v1
kind: @KIND@
metadata:
  name: nginx-ingress
  namespace: nginx-ingress
spec:
@REPLICAS@  selector:
    matchLabels:
      app: nginx-ingress
  template:
    metadata:
      labels:
        app: nginx-ingress
    spec:
      serviceAccountName: nginx-ingress
      automountServiceAccountToken: true
@HOST_NETWORK@      nodeSelector:
        kstack.io/ingress: "true"
      securityContext:
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: nginx-ingress
          image: @IMAGE@
          imagePullPolicy: IfNotPresent
          ports:
            - name: http
              containerPort: 80
@HOST_PORT_HTTP@            - name: https
              containerPort: 443
@HOST_PORT_HTTPS@            - name: readiness-port
              containerPort: 8081
          readinessProbe:
            httpGet:
              path: /nginx-ready
              port: readiness-port
            periodSeconds: 1
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: false
            runAsUser: 101
            runAsNonRoot: true
            capabilities:
              drop: [ALL]
              add: [NET_BIND_SERVICE]
          env:
            - name: POD_NAMESPACE
              valueFrom:
                fieldRef:
                  fieldPath: metadata.namespace
            - name: POD_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
          args:
            - -nginx-configmaps=$(POD_NAMESPACE)/nginx-config
            - -ingress-class=nginx
            - -enable-custom-resources=false
            - -enable-snippets=false
            - -health-status
            - -ready-status
            - -report-ingress-status
            - -enable-telemetry-reporting=false
@EXTERNAL_SERVICE@)TXT";

constexpr std::string_view kNginxService = R"TXT(---
apiVersion: v1
kind: Service
metadata:
  name: nginx-ingress
  namespace: nginx-ingress
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  selector:
    app: nginx-ingress
  ports:
    - name: http
      port: 80
      targetPort: 80
      protocol: TCP
    - name: https
      port: 443
      targetPort: 443
      protocol: TCP
)TXT";

constexpr std::string_view kTraefik = R"TXT(apiVersion: v1
kind: Namespace
metadata:
  name: traefik
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: traefik
  namespace: traefik
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: traefik
rules:
  - apiGroups: [""]
    resources: [services, secrets, nodes, namespaces]
    verbs: [get, list, watch]
  - apiGroups: [discovery.k8s.io]
    resources: [endpointslices]
    verbs: [list, watch]
  - apiGroups: [networking.k8s.io]
    resources: [ingresses, ingressclasses]
    verbs: [get, list, watch]
  - apiGroups: [networking.k8s.io]
    resources: [ingresses/status]
    verbs: [update]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: traefik
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: traefik
subjects:
  - kind: ServiceAccount
    name: traefik
    namespace: traefik
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: traefik
  annotations:
    ingressclass.kubernetes.io/is-default-class: "true"
spec:
  controller: traefik.io/ingress-controller
---
apiVersion: apps/v1
kind: @KIND@
metadata:
  name: traefik
  namespace: traefik
spec:
@REPLICAS@  selector:
    matchLabels:
      app: traefik
  template:
    metadata:
      labels:
        app: traefik
    spec:
      serviceAccountName: traefik
@HOST_NETWORK@      nodeSelector:
        kstack.io/ingress: "true"
      containers:
        - name: traefik
          image: @IMAGE@
          args:
            - --entryPoints.web.address=:80
            - --entryPoints.websecure.address=:443
            - --providers.kubernetesingress
            - --providers.kubernetesingress.ingressclass=traefik
            - --ping
@PUBLISHED_SERVICE@          ports:
            - name: web
              containerPort: 80
@HOST_PORT_HTTP@            - name: websecure
              containerPort: 443
@HOST_PORT_HTTPS@          readinessProbe:
            httpGet:
              path: /ping
              port: 8080
          securityContext:
            allowPrivilegeEscalation: false
            capabilities:
              drop: [ALL]
              add: [NET_BIND_SERVICE]
)TXT";

constexpr std::string_view kTraefikService = R"TXT(---
apiVersion: v1
kind: Service
metadata:
  name: traefik
  namespace: traefik
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  selector:
    app: traefik
  ports:
    - name: web
      port: 80
      targetPort: 80
      protocol: TCP
    - name: websecure
      port: 443
      targetPort: 443
      protocol: TCP
)TXT";

}  // namespace

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
    std::string out =
        substitute(kNginx, {{"KIND", lb ? "Deployment" : "DaemonSet"},
                            {"REPLICAS", replicas},
                            {"HOST_NETWORK", host_network},
                            {"HOST_PORT_HTTP", http_port},
                            {"HOST_PORT_HTTPS", https_port},
                            {"IMAGE", ctx.image(ctx.release.images.nginx_ingress)},
                            {"EXTERNAL_SERVICE", lb ? "            - -external-service=nginx-ingress\n" : ""}});
    if (lb) out += kNginxService;
    files.add(fmt::format("{}/50-nginx-ingress.yaml", kAddonDir), out);
  } else {
    std::string out = substitute(
        kTraefik,
        {{"KIND", lb ? "Deployment" : "DaemonSet"},
         {"REPLICAS", replicas},
         {"HOST_NETWORK", host_network},
         {"HOST_PORT_HTTP", http_port},
         {"HOST_PORT_HTTPS", https_port},
         {"IMAGE", ctx.image(ctx.release.images.traefik)},
         {"PUBLISHED_SERVICE",
          lb ? "            - --providers.kubernetesingress.ingressendpoint.publishedservice=traefik/traefik\n" : ""}});
    if (lb) out += kTraefikService;
    files.add(fmt::format("{}/50-traefik.yaml", kAddonDir), out);
  }
}

}  // namespace kstack::bootstrap
