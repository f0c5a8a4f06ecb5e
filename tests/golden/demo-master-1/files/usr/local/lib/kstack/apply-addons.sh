#!/bin/sh
# Applies the add-on manifests once the local API server answers /readyz.
set -eu
kubeconfig=/etc/kubernetes/super-admin.conf
addons='/etc/kubernetes/addons'
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

for node in 'demo-master-1' 'demo-master-2' 'demo-master-3'; do
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
