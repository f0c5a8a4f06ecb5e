#!/usr/bin/env bash
# kstack's main job on this machine: build kstack, write the reference HA
# cluster's spec, validate it, and render every file of every node into
# demo/out/. When no OpenStack cloud is configured (no OS_CLOUD, no OS_AUTH_URL,
# no clouds.yaml), it starts the local dev cloud and checks kstack against it.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "dependencies"
scripts/install-deps.sh

step "build"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" --target kstack
kstack=build/src/cli/kstack

mkdir -p demo
spec=demo/cluster.yaml
if [ ! -f "$spec" ]; then
  step "kstack init --name demo > $spec"
  "$kstack" init --name demo >"$spec"
fi

step "kstack validate -f $spec"
"$kstack" validate -f "$spec"

step "kstack render -f $spec -o demo/out"
"$kstack" render -f "$spec" -o demo/out

configured_cloud() {
  [ -n "${OS_CLOUD:-}" ] || [ -n "${OS_AUTH_URL:-}" ] || [ -f clouds.yaml ] ||
    [ -f "$HOME/.config/openstack/clouds.yaml" ] || [ -f /etc/openstack/clouds.yaml ]
}

if configured_cloud; then
  step "kstack cloud check -f $spec (your configured cloud)"
  "$kstack" cloud check -f "$spec"
else
  step "no cloud configured: starting the dev cloud (devcloud/)"
  devcloud/install
  devcloud/up
  export OS_CLIENT_CONFIG_FILE="${KSTACK_DEVCLOUD_DIR:-/tmp/kstack-devcloud}/clouds.yaml"
  step "kstack cloud check -f $spec --os-cloud devcloud"
  "$kstack" cloud check -f "$spec" --os-cloud devcloud
fi
