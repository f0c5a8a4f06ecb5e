#include <fmt/format.h>

#include "bootstrap/addons.h"
#include "bootstrap/host_files.h"
#include "bootstrap/text.h"

namespace kstack::bootstrap {
namespace {

// Runs on the first master only. It waits for the local API server's /readyz with the break-glass
// certificate, labels the masters (NodeRestriction forbids a kubelet to set node-role labels), then
// applies every manifest, retrying: an API that has just come up may still refuse some kinds.
constexpr std::string_view kApplyScript = R"TXT(#!/bin/sh
# Applies the add-on manifests once the local API server answers /readyz.
set -eu
kubeconfig=/etc/kubernetes/super-admin.conf
addons=@ADDON_DIR@
done_marker=/var/lib/kstack/addons-applied

attempt=0
until kubectl --kubeconfig "$kubeconfig" get --raw /readyz >/dev/null 2>&1; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 180 ]; then
    echo "the API server did not answer /readyz within 15 minutes" >&2
    exit 1
  fi
  sleep 5
done
echo "API server ready"

for node in @MASTERS@; do
  attempt=0
  until kubectl --kubeconfig "$kubeconfig" label --overwrite node "$node" node-role.kubernetes.io/control-plane=; do
    attempt=$((attempt + 1))
    if [ "$attempt" -ge 60 ]; then
      echo "node $node did not register; its label is left for the next run" >&2
      break
    fi
    sleep 10
  done
done

attempt=0
until kubectl --kubeconfig "$kubeconfig" apply --server-side --force-conflicts -f "$addons"; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 30 ]; then
    echo "applying the add-ons failed 30 times" >&2
    exit 1
  fi
  sleep 10
done
mkdir -p "$(dirname "$done_marker")"
date -u +%Y-%m-%dT%H:%M:%SZ >"$done_marker"
echo "add-ons applied"
)TXT";

constexpr std::string_view kApplyUnit = R"TXT([Unit]
Description=Apply the kstack add-ons once the API server is ready
After=kubelet.service
Wants=kubelet.service

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

void add_addon_applier(const RenderContext& ctx, NodeFiles& files) {
  std::string masters;
  for (const auto* master : ctx.model.with_role(model::Role::master)) {
    masters += (masters.empty() ? "" : " ") + shell_quote(master->name);
  }
  files.add(fmt::format("{}/apply-addons.sh", kScriptDir),
            substitute(kApplyScript, {{"ADDON_DIR", shell_quote(kAddonDir)}, {"MASTERS", masters}}), 0755);
  files.add("/etc/systemd/system/kstack-addons.service", substitute(kApplyUnit, {{"SCRIPT_DIR", kScriptDir}}));
}

}  // namespace kstack::bootstrap
