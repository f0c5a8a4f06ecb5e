#!/bin/sh
# Applies the add-on manifests once per revision, when the local API server answers /readyz.
set -eu
kubeconfig=/etc/kubernetes/super-admin.conf
addons='/etc/kubernetes/addons'
node='demo-master-1'
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
