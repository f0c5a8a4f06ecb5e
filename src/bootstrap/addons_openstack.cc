#include <fmt/format.h>

#include "bootstrap/addons.h"
#include "bootstrap/text.h"

namespace kstack::bootstrap {
namespace {

constexpr std::string_view kCloudConfigSecret = R"TXT(apiVersion: v1
kind: Secret
metadata:
  name: @NAME@
  namespace: kube-system
type: Opaque
data:
@DATA@)TXT";

constexpr std::string_view kCloudControllerManager = R"TXT(apiVersion: v1
kind: ServiceAccount
metadata:
  name: cloud-controller-manager
  namespace: kube-system
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: system:cloud-controller-manager
rules:
  - apiGroups: [coordination.k8s.io]
    resources: [leases]
    verbs: [get, create, update, list, watch]
  - apiGroups: [""]
    resources: [events]
    verbs: [create, patch, update]
  - apiGroups: [""]
    resources: [nodes]
    verbs: ["*"]
  - apiGroups: [""]
    resources: [nodes/status]
    verbs: [patch]
  - apiGroups: [""]
    resources: [services]
    verbs: [list, patch, update, watch, get]
  - apiGroups: [""]
    resources: [services/status]
    verbs: [patch]
  - apiGroups: [""]
    resources: [serviceaccounts/token]
    verbs: [create]
  - apiGroups: [""]
    resources: [serviceaccounts]
    verbs: [create, get]
  - apiGroups: [""]
    resources: [persistentvolumes]
    verbs: ["*"]
  - apiGroups: [""]
    resources: [endpoints]
    verbs: [create, get, list, watch, update]
  - apiGroups: [""]
    resources: [configmaps]
    verbs: [get, list, watch]
  - apiGroups: [""]
    resources: [secrets]
    verbs: [list, get, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: system:cloud-controller-manager
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: system:cloud-controller-manager
subjects:
  - kind: ServiceAccount
    name: cloud-controller-manager
    namespace: kube-system
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: cloud-controller-manager:extension-apiserver-authentication-reader
  namespace: kube-system
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: extension-apiserver-authentication-reader
subjects:
  - kind: ServiceAccount
    name: cloud-controller-manager
    namespace: kube-system
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: openstack-cloud-controller-manager
  namespace: kube-system
  labels:
    k8s-app: openstack-cloud-controller-manager
spec:
  selector:
    matchLabels:
      k8s-app: openstack-cloud-controller-manager
  updateStrategy:
    type: RollingUpdate
  template:
    metadata:
      labels:
        k8s-app: openstack-cloud-controller-manager
    spec:
      serviceAccountName: cloud-controller-manager
      hostNetwork: true
      priorityClassName: system-cluster-critical
      nodeSelector:
        node-role.kubernetes.io/control-plane: ""
      tolerations:
        - key: node.cloudprovider.kubernetes.io/uninitialized
          value: "true"
          effect: NoSchedule
        - key: node-role.kubernetes.io/control-plane
          effect: NoSchedule
        - key: node.kubernetes.io/not-ready
          effect: NoSchedule
      securityContext:
        runAsUser: 1001
      containers:
        - name: openstack-cloud-controller-manager
          image: @IMAGE@
          args:
            - /bin/openstack-cloud-controller-manager
            - --v=1
            - --cluster-name=@CLUSTER@
            - --cloud-config=$(CLOUD_CONFIG)
            - --cloud-provider=openstack
            - --use-service-account-credentials=false
            - --bind-address=127.0.0.1
          env:
            - name: CLOUD_CONFIG
              value: /etc/config/cloud.conf
          resources:
            requests:
              cpu: 200m
          volumeMounts:
            - name: cloud-config
              mountPath: /etc/config
              readOnly: true
      volumes:
        - name: cloud-config
          secret:
            secretName: cloud-config
)TXT";

// The Cinder CSI driver as cloud-provider-openstack's manifests/cinder-csi-plugin ship it, without volume
// snapshots: upstream's csi-snapshotter sidecar only works beside the snapshot.storage.k8s.io CRDs and the
// snapshot-controller, which are a separate install (kubernetes-csi/external-snapshotter), and a
// VolumeSnapshotClass. kstack installs none of them, so the sidecar is left out too (it would only fail
// to find its CRDs); VolumeSnapshot objects are not served.
constexpr std::string_view kCinderCsi = R"TXT(apiVersion: storage.k8s.io/v1
kind: CSIDriver
metadata:
  name: cinder.csi.openstack.org
spec:
  attachRequired: true
  podInfoOnMount: true
  volumeLifecycleModes:
    - Persistent
    - Ephemeral
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: csi-cinder-controller-sa
  namespace: kube-system
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: csi-cinder-node-sa
  namespace: kube-system
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: csi-cinder-controller
rules:
  - apiGroups: [""]
    resources: [persistentvolumes]
    verbs: [get, list, watch, create, delete, patch, update]
  - apiGroups: [""]
    resources: [persistentvolumeclaims]
    verbs: [get, list, watch, update, patch]
  - apiGroups: [""]
    resources: [persistentvolumeclaims/status]
    verbs: [patch]
  - apiGroups: [""]
    resources: [events]
    verbs: [list, watch, create, update, patch]
  - apiGroups: [""]
    resources: [nodes, pods]
    verbs: [get, list, watch]
  - apiGroups: [storage.k8s.io]
    resources: [storageclasses, csinodes]
    verbs: [get, list, watch]
  - apiGroups: [storage.k8s.io]
    resources: [volumeattachments]
    verbs: [get, list, watch, patch, update]
  - apiGroups: [storage.k8s.io]
    resources: [volumeattachments/status]
    verbs: [patch]
  - apiGroups: [coordination.k8s.io]
    resources: [leases]
    verbs: [get, watch, list, delete, update, create]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: csi-cinder-controller
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: csi-cinder-controller
subjects:
  - kind: ServiceAccount
    name: csi-cinder-controller-sa
    namespace: kube-system
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: csi-cinder-node
rules:
  - apiGroups: [""]
    resources: [events]
    verbs: [get, list, watch, create, update, patch]
  - apiGroups: [""]
    resources: [nodes]
    verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: csi-cinder-node
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: csi-cinder-node
subjects:
  - kind: ServiceAccount
    name: csi-cinder-node-sa
    namespace: kube-system
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: csi-cinder-controllerplugin
  namespace: kube-system
spec:
  replicas: 1
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 1
  selector:
    matchLabels:
      app: csi-cinder-controllerplugin
  template:
    metadata:
      labels:
        app: csi-cinder-controllerplugin
    spec:
      serviceAccountName: csi-cinder-controller-sa
      priorityClassName: system-cluster-critical
      tolerations:
        - key: node-role.kubernetes.io/control-plane
          effect: NoSchedule
      containers:
        - name: csi-attacher
          image: @ATTACHER@
          args: [--csi-address=$(ADDRESS), --timeout=3m, --leader-election=true, --default-fstype=ext4]
          env:
            - name: ADDRESS
              value: /var/lib/csi/sockets/pluginproxy/csi.sock
          volumeMounts:
            - name: socket-dir
              mountPath: /var/lib/csi/sockets/pluginproxy/
        - name: csi-provisioner
          image: @PROVISIONER@
          args:
            - --csi-address=$(ADDRESS)
            - --timeout=3m
            - --default-fstype=ext4
            - --feature-gates=Topology=true
            - --extra-create-metadata
            - --leader-election=true
          env:
            - name: ADDRESS
              value: /var/lib/csi/sockets/pluginproxy/csi.sock
          volumeMounts:
            - name: socket-dir
              mountPath: /var/lib/csi/sockets/pluginproxy/
        - name: csi-resizer
          image: @RESIZER@
          args: [--csi-address=$(ADDRESS), --timeout=3m, --handle-volume-inuse-error=false, --leader-election=true]
          env:
            - name: ADDRESS
              value: /var/lib/csi/sockets/pluginproxy/csi.sock
          volumeMounts:
            - name: socket-dir
              mountPath: /var/lib/csi/sockets/pluginproxy/
        - name: liveness-probe
          image: @LIVENESS@
          args: [--csi-address=/var/lib/csi/sockets/pluginproxy/csi.sock]
          volumeMounts:
            - name: socket-dir
              mountPath: /var/lib/csi/sockets/pluginproxy/
        - name: cinder-csi-plugin
          image: @PLUGIN@
          args:
            - /bin/cinder-csi-plugin
            - --endpoint=$(CSI_ENDPOINT)
            - --cloud-config=$(CLOUD_CONFIG)
            - --cluster=$(CLUSTER_NAME)
            - --provide-node-service=false
          env:
            - name: CSI_ENDPOINT
              value: unix://csi/csi.sock
            - name: CLOUD_CONFIG
              value: /etc/config/cloud.conf
            - name: CLUSTER_NAME
              value: @CLUSTER@
          ports:
            - containerPort: 9808
              name: healthz
              protocol: TCP
          livenessProbe:
            failureThreshold: 5
            httpGet:
              path: /healthz
              port: healthz
            initialDelaySeconds: 10
            timeoutSeconds: 10
            periodSeconds: 60
          volumeMounts:
            - name: socket-dir
              mountPath: /csi
            - name: cloud-config
              mountPath: /etc/config
              readOnly: true
      volumes:
        - name: socket-dir
          emptyDir: {}
        - name: cloud-config
          secret:
            secretName: cloud-config
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: csi-cinder-nodeplugin
  namespace: kube-system
spec:
  selector:
    matchLabels:
      app: csi-cinder-nodeplugin
  template:
    metadata:
      labels:
        app: csi-cinder-nodeplugin
    spec:
      serviceAccountName: csi-cinder-node-sa
      priorityClassName: system-node-critical
      hostNetwork: true
      tolerations:
        - operator: Exists
      containers:
        - name: node-driver-registrar
          image: @REGISTRAR@
          args: [--csi-address=$(ADDRESS), --kubelet-registration-path=$(DRIVER_REG_SOCK_PATH)]
          env:
            - name: ADDRESS
              value: /csi/csi.sock
            - name: DRIVER_REG_SOCK_PATH
              value: /var/lib/kubelet/plugins/cinder.csi.openstack.org/csi.sock
          volumeMounts:
            - name: socket-dir
              mountPath: /csi
            - name: registration-dir
              mountPath: /registration
        - name: liveness-probe
          image: @LIVENESS@
          args: [--csi-address=/csi/csi.sock]
          volumeMounts:
            - name: socket-dir
              mountPath: /csi
        - name: cinder-csi-plugin
          image: @PLUGIN@
          securityContext:
            privileged: true
            capabilities:
              add: [SYS_ADMIN]
            allowPrivilegeEscalation: true
          args:
            - /bin/cinder-csi-plugin
            - --endpoint=$(CSI_ENDPOINT)
            - --cloud-config=$(CLOUD_CONFIG)
            - --provide-controller-service=false
          env:
            - name: CSI_ENDPOINT
              value: unix://csi/csi.sock
            - name: CLOUD_CONFIG
              value: /etc/config/cloud.conf
          ports:
            - containerPort: 9808
              name: healthz
              protocol: TCP
          livenessProbe:
            failureThreshold: 5
            httpGet:
              path: /healthz
              port: healthz
            initialDelaySeconds: 10
            timeoutSeconds: 3
            periodSeconds: 10
          volumeMounts:
            - name: socket-dir
              mountPath: /csi
            - name: kubelet-dir
              mountPath: /var/lib/kubelet
              mountPropagation: Bidirectional
            - name: pods-probe-dir
              mountPath: /dev
              mountPropagation: HostToContainer
            - name: cloud-config
              mountPath: /etc/config
              readOnly: true
      volumes:
        - name: socket-dir
          hostPath:
            path: /var/lib/kubelet/plugins/cinder.csi.openstack.org
            type: DirectoryOrCreate
        - name: registration-dir
          hostPath:
            path: /var/lib/kubelet/plugins_registry/
            type: Directory
        - name: kubelet-dir
          hostPath:
            path: /var/lib/kubelet
            type: Directory
        - name: pods-probe-dir
          hostPath:
            path: /dev
            type: Directory
        - name: cloud-config
          secret:
            secretName: cloud-config-node
)TXT";

constexpr std::string_view kStorageClass = R"TXT(apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: csi-cinder
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: cinder.csi.openstack.org
allowVolumeExpansion: true
reclaimPolicy: Delete
volumeBindingMode: WaitForFirstConsumer
)TXT";

std::string or_placeholder(const std::string& value) {
  return value.empty() ? std::string(kOfflinePlaceholder) : value;
}

}  // namespace

/// The cloud.conf openstack-cloud-controller-manager and the Cinder CSI controller read: the cluster's
/// application credential and nothing else of the operator's.
std::string cloud_conf(const RenderContext& ctx) {
  const auto& c = ctx.options.cloud;
  std::string out = "[Global]\n";
  out += "auth-url=" + or_placeholder(c.auth_url) + "\n";
  out += "region=" + or_placeholder(c.region) + "\n";
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
                   substitute(kCloudConfigSecret, {{"NAME", "cloud-config"}, {"DATA", data}}));
  if (addons.cloud_provider) {
    files.add(fmt::format("{}/41-openstack-cloud-controller-manager.yaml", kAddonDir),
              substitute(kCloudControllerManager, {{"IMAGE", ctx.image(images.openstack_cloud_controller_manager)},
                                                   {"CLUSTER", ctx.spec.name}}));
  }
  if (addons.cinder_csi) {
    files.add(fmt::format("{}/42-cinder-csi.yaml", kAddonDir),
              substitute(kCinderCsi, {{"ATTACHER", ctx.image(images.csi_attacher)},
                                      {"PROVISIONER", ctx.image(images.csi_provisioner)},
                                      {"RESIZER", ctx.image(images.csi_resizer)},
                                      {"LIVENESS", ctx.image(images.csi_livenessprobe)},
                                      {"REGISTRAR", ctx.image(images.csi_node_driver_registrar)},
                                      {"PLUGIN", ctx.image(images.cinder_csi_plugin)},
                                      {"CLUSTER", yaml_quote(ctx.spec.name)}}));
    files.add(fmt::format("{}/40-cloud-config-node.yaml", kAddonDir),
              substitute(kCloudConfigSecret, {{"NAME", "cloud-config-node"},
                                              {"DATA", "  cloud.conf: " + base64(node_cloud_conf()) + "\n"}}));
    if (addons.default_storage_class) {
      files.add(fmt::format("{}/43-storage-class.yaml", kAddonDir), std::string(kStorageClass));
    }
  }
}

}  // namespace kstack::bootstrap
