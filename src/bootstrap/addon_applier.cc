#include <fmt/format.h>

#include "bootstrap/addons.h"
#include "bootstrap/host_files.h"
#include "bootstrap/text.h"

namespace kstack::bootstrap {
namespace {

// Runs on every master, from a unit started at every boot. The add-ons are applied once per revision
// (the hash of the manifests), recorded in the cluster as the kube-system/kstack-addons ConfigMap: a
// reboot, or a second master, finds it and leaves the cluster's add-ons as they are, with every change
// made since (a rotated Secret, an edited Corefile, replica counts). Any master can do it, so the
// cluster forms when the first one never boots; two masters applying at once is harmless, since a
// server-side apply of the same manifests is idempotent.
constexpr std::string_view kApplyScript = R"TXT(#!/bin/sh
# Applies the add-on manifests once per revision, when the local API server answers /readyz.
set -eu
kubeconfig=/etc/kubernetes/super-admin.conf
addons=@ADDON_DIR@
node=@NODE@
kc() { kubectl --kubeconfig "$kubeconfig" "$@"; }

attempt=0
until kc get --raw /readyz >/dev/null 2>&1; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 180 ]; then
    echo "the API server did not answer /readyz within 15 minutes" >&2
    exit 1
  fi
  sleep 5
done
echo "API server ready"

# NodeRestriction forbids a kubelet to set node-role labels on its own node.
attempt=0
until kc label --overwrite node "$node" node-role.kubernetes.io/control-plane=; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 60 ]; then
    echo "node $node did not register" >&2
    exit 1
  fi
  sleep 10
done

revision=$(cat "$addons"/*.yaml | sha256sum | cut -c1-16)
applied=$(kc -n kube-system get configmap kstack-addons -o 'jsonpath={.data.revision}' 2>/dev/null || true)
if [ "$applied" = "$revision" ]; then
  echo "add-ons at revision $revision already applied: leaving them as they are"
  exit 0
fi

attempt=0
until kc apply --server-side --force-conflicts --field-manager=kstack -f "$addons"; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 30 ]; then
    echo "applying the add-ons failed 30 times" >&2
    exit 1
  fi
  sleep 10
done
kc -n kube-system create configmap kstack-addons --from-literal=revision="$revision" \
  --from-literal=applied-by="$node" --dry-run=client -o yaml | kc apply --field-manager=kstack -f -
echo "add-ons applied at revision $revision"
)TXT";

constexpr std::string_view kApplyUnit = R"TXT([Unit]
Description=Apply the kstack add-ons once the API server is ready
After=kubelet.service
Wants=kubelet.service
StartLimitIntervalSec=0

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=@SCRIPT_DIR@/apply-addons.sh
Restart=on-failure
RestartSec=30

[Install]
WantedBy=multi-user.target
)TXT";

}  // namespace

void add_addon_applier(const RenderContext&, const model::Node& node, NodeFiles& files) {
  files.add(fmt::format("{}/apply-addons.sh", kScriptDir),
            substitute(kApplyScript, {{"ADDON_DIR", shell_quote(kAddonDir)}, {"NODE", shell_quote(node.name)}}), 0755);
  files.add("/etc/systemd/system/kstack-addons.service", substitute(kApplyUnit, {{"SCRIPT_DIR", kScriptDir}}));
}

}  // namespace kstack::bootstrap
