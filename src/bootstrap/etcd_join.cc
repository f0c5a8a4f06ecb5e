#include "bootstrap/etcd_join.h"

#include <fmt/format.h>

#include "bootstrap/host_files.h"
#include "bootstrap/text.h"

namespace kstack::bootstrap {
namespace {

// The user-data of a server never changes with the cluster's state (a change would read as drift), so
// the decision between a new cluster and a running one is made on the node, at its first boot: a member
// whose data directory is empty asks the others. A server that replaces a member (same name, same
// address) then joins with the cluster's data instead of starting a second, empty cluster of its own.
constexpr std::string_view kJoinScript = R"TXT(#!/bin/sh
# Joins this node's etcd member (@NODE@) to a running etcd cluster when its data directory is empty.
# Written by kstack; run by the bootstrap before the kubelet starts the etcd static pod.
#   - Data present: nothing to do (etcd ignores its --initial-cluster flags then).
#   - No other member answers, or none has run in a cluster with a quorum yet: the cluster is being
#     formed; etcd starts as rendered (state "new").
#   - Another member answers: the member that had this node's peer address and has run before (its
#     data is gone with the old server) is removed, this node is added, and the manifest's
#     --initial-cluster-state becomes "existing". Every step is checked first, so a rerun resumes.
# Uses etcd's HTTP API with this member's peer certificate, and cloud-init's Python to read its JSON.
# The paths can be overridden (tests run the script against members that are not on a node).
set -eu
pki=${KSTACK_ETCD_PKI:-/etc/kubernetes/pki/etcd}
data=${KSTACK_ETCD_DATA:-/var/lib/etcd}
manifest=${KSTACK_ETCD_MANIFEST:-/etc/kubernetes/manifests/etcd.yaml}
me=@PEER_URL@

if [ -d "$data/member" ]; then
  exit 0
fi
if grep -q -- '--initial-cluster-state=existing' "$manifest"; then
  echo "kstack: etcd joins the running cluster (already prepared)"
  exit 0
fi

# member_api CALL JSON: the answer of the first other member that answers, or failure (with the last
# member's answer on stderr).
member_api() {
  last=
  for url in @OTHER_CLIENT_URLS@; do
    if answer=$(curl -sS --fail-with-body -m 5 --cacert "$pki/ca.crt" --cert "$pki/peer.crt" --key "$pki/peer.key" \
      -X POST -d "$2" "$url/v3/cluster/member/$1" 2>&1); then
      printf '%s' "$answer"
      return 0
    fi
    last="$url: $answer"
  done
  echo "kstack: etcd member $1 failed at every other member (last: $last)" >&2
  return 1
}

# Nobody answering means "forming" only once this node can reach the others: its own address is up.
waited=0
until ip -4 -o addr show | grep -qF " @NODE_IP@/"; do
  if [ "$waited" -ge 120 ]; then
    echo "kstack: this node's address @NODE_IP@ is not up after $waited s: cannot ask the etcd members" >&2
    exit 1
  fi
  waited=$((waited + 2))
  sleep 2
done
if ! members=$(member_api list '{}'); then
  echo "kstack: no other etcd member answers: this member forms the cluster with the others"
  exit 0
fi
# A member that has run in the cluster has published its client URLs, which takes a quorum (a name
# alone comes from --initial-cluster). So: "forming" while no other member has; else this node's
# member as "started ID" or "unstarted ID", or "absent".
entry=$(printf '%s' "$members" | python3 -c '
import json, sys
members = json.load(sys.stdin).get("members", [])
mine = [m for m in members if sys.argv[1] in m.get("peerURLs", [])]
if not any(m.get("clientURLs") for m in members if m not in mine):
    print("forming")
elif mine:
    print("started" if mine[0].get("clientURLs") else "unstarted", mine[0]["ID"])
else:
    print("absent")
' "$me")
case "$entry" in
  forming)
    echo "kstack: the etcd cluster is still forming: this member starts with the others"
    exit 0
    ;;
  started\ *)
    echo "kstack: removing etcd member ${entry#started } (this node's address; its data went with the old server)"
    member_api remove "{\"ID\":\"${entry#started }\"}" >/dev/null
    entry=absent
    ;;
esac
if [ "$entry" = absent ]; then
  echo "kstack: adding this node to the etcd cluster as $me"
  # etcd refuses a new member until every member left has been connected for a while ("unhealthy
  # cluster", also right after a removal): asked again for a minute.
  attempt=1
  while ! failure=$(member_api add "{\"peerURLs\":[\"$me\"]}" 2>&1 >/dev/null); do
    if [ "$attempt" -ge 30 ]; then
      echo "$failure" >&2
      exit 1
    fi
    attempt=$((attempt + 1))
    sleep 2
  done
fi
sed -i 's/--initial-cluster-state=new/--initial-cluster-state=existing/' "$manifest"
echo "kstack: etcd joins the running cluster"
)TXT";

}  // namespace

bool has_etcd_peers(const RenderContext& ctx, const model::Node& node) {
  const bool member = node.role == model::Role::etcd ||
                      (node.role == model::Role::master && ctx.spec.etcd_placement == spec::EtcdPlacement::masters);
  return member && ctx.model.etcd_members().size() > 1;
}

std::string etcd_join_script_path() { return fmt::format("{}/etcd-join.sh", kScriptDir); }

void add_etcd_join_script(const RenderContext& ctx, const model::Node& node, NodeFiles& files) {
  std::string others;
  for (const auto* member : ctx.model.etcd_members()) {
    if (member->name == node.name) continue;
    others += fmt::format("{}{}", others.empty() ? "" : " ", shell_quote(fmt::format("https://{}:2379", member->ip)));
  }
  files.add(etcd_join_script_path(),
            substitute(kJoinScript, {{"NODE", node.name},
                                     {"NODE_IP", node.ip},
                                     {"PEER_URL", shell_quote(fmt::format("https://{}:2380", node.ip))},
                                     {"OTHER_CLIENT_URLS", others}}),
            0755);
}

}  // namespace kstack::bootstrap
