#!/usr/bin/env bash
# kstack's main job on this machine: build kstack, write the reference HA
# cluster's spec, validate it, render every file of every node into demo/out/,
# then create the cluster's cloud resources with `kstack apply` and show
# `kstack status`. When no OpenStack cloud is configured (no OS_CLOUD, no
# OS_AUTH_URL, no clouds.yaml), it starts the local dev cloud (devcloud/) and
# applies the cluster there; remove it again with
#   build/src/cli/kstack destroy -f demo/cluster.yaml --yes
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "dependencies"
scripts/install-deps.sh

step "build"
[ -f build/CMakeCache.txt ] || cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)" --target kstack
kstack=build/src/cli/kstack

configured_cloud() {
  [ -n "${OS_CLOUD:-}" ] || [ -n "${OS_AUTH_URL:-}" ] || [ -f clouds.yaml ] ||
    [ -f "$HOME/.config/openstack/clouds.yaml" ] || [ -f /etc/openstack/clouds.yaml ]
}

mkdir -p demo
spec=demo/cluster.yaml
if [ ! -f "$spec" ]; then
  step "kstack init --name demo > $spec"
  [ -f demo/id_ed25519.pub ] || ssh-keygen -q -t ed25519 -N '' -C kstack-demo -f demo/id_ed25519
  "$kstack" init --name demo |
    sed -e "s|^ssh_public_key_file: .*|ssh_public_key_file: \"$PWD/demo/id_ed25519.pub\"|" >"$spec"
  if ! configured_cloud; then sed -i 's|^cloud: ""|cloud: "devcloud"|' "$spec"; fi
fi

step "kstack validate -f $spec"
"$kstack" validate -f "$spec"

step "kstack render -f $spec -o demo/out"
"$kstack" render -f "$spec" -o demo/out

if ! configured_cloud; then
  step "no cloud configured: starting the dev cloud (devcloud/)"
  devcloud/install
  devcloud/up
  export OS_CLIENT_CONFIG_FILE="${KSTACK_DEVCLOUD_DIR:-/tmp/kstack-devcloud}/clouds.yaml"
fi

step "kstack cloud check -f $spec"
"$kstack" cloud check -f "$spec"

step "kstack plan -f $spec"
"$kstack" plan -f "$spec"

step "kstack apply -f $spec --yes"
"$kstack" apply -f "$spec" --yes --parallelism 2

step "kstack status -f $spec"
"$kstack" status -f "$spec"

step "kstack kubeconfig -f $spec --kubeconfig demo/kubeconfig"
"$kstack" kubeconfig -f "$spec" --kubeconfig demo/kubeconfig

step "kstack ssh -f $spec master-1 --print"
"$kstack" ssh -f "$spec" master-1 --print
