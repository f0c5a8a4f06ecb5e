#!/usr/bin/env bash
# The lab, end to end, from a fresh machine of this kind: installs what it needs, builds (or reuses)
# kstack, the Kubernetes components from Go modules and the node image, starts the dev cloud, then for
# each topology applies a cluster, boots every server from its own user-data, runs the checks a user
# would, destroys the cluster and tears the lab down. Prints progress; the first (cold) run is long.
#
#   scripts/e2e.sh [--boot-only] [single|non-ha|ha ...]   # default: single non-ha ha
#   --boot-only: check up to every node booted and registered with the API
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
step() { printf '\n== %s (%s)\n' "$1" "$(date +%T)"; }
e2e_flags=()
if [ "${1:-}" = --boot-only ]; then
  e2e_flags+=(--boot-only)
  shift
fi
topologies=("$@")
[ "${#topologies[@]}" -gt 0 ] || topologies=(single non-ha ha)
export KSTACK_LAB_STATE=${KSTACK_LAB_STATE:-/var/lib/kstack-lab}
work=${KSTACK_E2E_DIR:-/tmp/kstack-e2e}
mkdir -p "$work"

step "dependencies"
scripts/install-deps.sh
lab/install.sh
devcloud/install

step "kstack"
if [ ! -x build/src/cli/kstack ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build build -j "$(nproc)" --target kstack

step "components from Go modules (cached by version)"
started=$SECONDS
# A component the Go module proxy does not serve is reported; the checks then show what it stops.
lab/build-components.sh || echo "(some components could not be built: see above)"
echo "components: $((SECONDS - started)) s"
step "node image and image base (cached)"
lab/build-image.sh node
lab/build-image.sh base

step "dev cloud"
export OS_CLIENT_CONFIG_FILE="${KSTACK_DEVCLOUD_DIR:-/tmp/kstack-devcloud}/clouds.yaml"
started_cloud=0
if ! devcloud/status >/dev/null 2>&1; then
  started_cloud=1
  devcloud/up
fi

# shellcheck disable=SC2317  # run by the trap
cleanup() {
  step "teardown"
  for t in "${topologies[@]}"; do
    if [ -f "$work/$t/cluster.yaml" ]; then
      build/src/cli/kstack destroy -f "$work/$t/cluster.yaml" --yes --plain >/dev/null 2>&1 || true
    fi
  done
  lab/lab.py down || true
  [ "$started_cloud" -eq 0 ] || devcloud/down || true
}
trap cleanup EXIT

status=0
for t in "${topologies[@]}"; do
  step "e2e: $t"
  rm -rf "${work:?}/$t"
  lab/lab.py down >/dev/null 2>&1 || true
  if ! lab/e2e.py "$t" "$work/$t" "${e2e_flags[@]}"; then status=1; fi
  step "destroy $t"
  build/src/cli/kstack destroy -f "$work/$t/cluster.yaml" --yes --plain || status=1
  # What the cloud controller manager made goes with the cluster too: nothing of it is left in the project.
  name=$(sed -n 's/^name: *//p' "$work/$t/cluster.yaml" | head -1)
  if left=$(lab/lab.py leftovers "$name"); then
    echo "ok   destroy left nothing of $name in the project"
  else
    echo "FAIL destroy left in the project: $left"
    status=1
  fi
  lab/lab.py down || status=1
  leftovers=$(ip netns list | grep -c '^kslab-' || true)
  [ "$leftovers" -eq 0 ] || { echo "FAIL teardown left $leftovers namespace(s)"; status=1; }
done
cd "$root"
exit "$status"
