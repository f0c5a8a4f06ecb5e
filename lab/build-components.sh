#!/usr/bin/env bash
# Builds every component the lab's nodes run, from Go modules fetched by name with this machine's Go,
# at the versions kstack pins for its default release. Each component is cached by version under
# $KSTACK_LAB_CACHE/bin/<name>-<version>/: a second run only checks the markers.
#
#   lab/build-components.sh [NAME...]      # all components, or only those named
#   lab/build-components.sh --cached       # exit 0 when every component is cached
set -euo pipefail
lab=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lab/lib.sh
. "$lab/lib.sh"

export GOFLAGS=-mod=mod GOTOOLCHAIN=local
jobs=$(nproc)

# done_or_build NAME VERSION FUNCTION: runs FUNCTION OUT unless NAME-VERSION is already cached.
done_or_build() {
  local name=$1 version=$2 fn=$3 out="$LAB_CACHE/bin/$1-$2"
  if [ -f "$out/.done" ]; then
    log "$name $version: cached"
    return
  fi
  log "$name $version: building"
  local started=$SECONDS
  rm -rf "$out.tmp" && mkdir -p "$out.tmp"
  "$fn" "$out.tmp" "$version"
  date -u +%FT%TZ > "$out.tmp/.done"
  rm -rf "$out" && mv "$out.tmp" "$out"
  log "$name $version: built in $((SECONDS - started)) s"
}

# A throwaway module that requires MODULE@VERSION, so `go build` fetches it by name.
module_dir() {
  local dir="$LAB_CACHE/src/$1" && mkdir -p "$dir" && echo "$dir"
}

build_kubernetes() {
  local out=$1 version=$2 v="v$2" minor
  minor=$(cut -d. -f2 <<<"$version")
  local pkg=k8s.io/component-base/version
  local ldflags="-s -w -X $pkg.gitVersion=$v -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  ldflags+=" -X $pkg.buildDate=1970-01-01T00:00:00Z"
  ldflags+=" -X k8s.io/client-go/pkg/version.gitVersion=$v -X k8s.io/client-go/pkg/version.gitMajor=1"
  ldflags+=" -X k8s.io/client-go/pkg/version.gitMinor=$minor"
  (cd "$lab/components/kubernetes" &&
    CGO_ENABLED=0 go build -p "$jobs" -trimpath -ldflags "$ldflags" -o "$out/" \
      k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kubectl k8s.io/kubernetes/cmd/kube-apiserver \
      k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler \
      k8s.io/kubernetes/cmd/kube-proxy)
  # The pause program is C, in the same module.
  local src
  src=$(cd "$lab/components/kubernetes" && go list -m -f '{{.Dir}}' k8s.io/kubernetes)
  gcc -Os -static -Wall -Werror -DVERSION="$v" -o "$out/pause" "$src/build/pause/linux/pause.c"
}

# gomod_build OUT MODULE VERSION [go build args...]: builds packages of MODULE@VERSION in a module of its
# own under the cache, so that the dependency's versions are resolved from its go.mod by name.
gomod_build() {
  local out=$1 module=$2 version=$3
  shift 3
  local dir
  dir=$(module_dir "$(basename "$module")-$version")
  (
    cd "$dir"
    [ -f go.mod ] || go mod init "kstack.lab/build/$(basename "$module")" >/dev/null 2>&1
    if ! go get "$module@$version" >get.log 2>&1; then
      grep -v '^go: \(downloading\|added\|upgraded\)' get.log >&2
      die "go get $module@$version failed (above): the Go module proxy does not serve it"
    fi
    go build -p "$jobs" -trimpath -o "$out/" "$@"
  )
}

build_etcd() {
  local v="v$2"
  # go build names a command after its import path without the major version: server, etcdctl.
  CGO_ENABLED=0 gomod_build "$1" go.etcd.io/etcd/server/v3 "$v" -ldflags "-s -w" go.etcd.io/etcd/server/v3
  mv "$1/server" "$1/etcd"
  CGO_ENABLED=0 gomod_build "$1" go.etcd.io/etcd/etcdctl/v3 "$v" -ldflags "-s -w" go.etcd.io/etcd/etcdctl/v3
}

build_containerd() {
  local v="v$2" pkg=github.com/containerd/containerd/v2
  mkdir -p "$1/bin"
  CGO_ENABLED=0 gomod_build "$1/bin" "$pkg" "$v" -tags "no_btrfs no_devmapper no_zfs" \
    -ldflags "-s -w -X $pkg/version.Version=$v -X $pkg/version.Revision=lab" \
    "$pkg/cmd/containerd" "$pkg/cmd/containerd-shim-runc-v2" "$pkg/cmd/ctr"
  # The release's own layout: bin/… inside the archive, unpacked into /usr/local.
  tar -C "$1" -czf "$1/containerd-$2-linux-amd64.tar.gz" bin
}

build_runc() {
  local v="v$2"
  CGO_ENABLED=1 gomod_build "$1" github.com/opencontainers/runc "$v" -tags "seccomp urfave_cli_no_docs" \
    -ldflags "-s -w -X main.version=$2 -extldflags -static" github.com/opencontainers/runc
  mv "$1/runc" "$1/runc.amd64"
}

build_cni_plugins() {
  local v="v$2" m=github.com/containernetworking/plugins pkgs=() p
  for p in main/bridge main/host-device main/ipvlan main/loopback main/macvlan main/ptp main/vlan main/tap \
    main/dummy ipam/dhcp ipam/host-local ipam/static meta/bandwidth meta/firewall meta/portmap meta/sbr \
    meta/tuning meta/vrf; do
    pkgs+=("$m/plugins/$p")
  done
  mkdir -p "$1/plugins"
  CGO_ENABLED=0 gomod_build "$1/plugins" "$m" "$v" \
    -ldflags "-s -w -X $m/pkg/utils/buildversion.BuildVersion=$v" "${pkgs[@]}"
  tar -C "$1/plugins" -czf "$1/cni-plugins-linux-amd64-$v.tgz" .
}

build_crictl() {
  local v="v$2" m=sigs.k8s.io/cri-tools
  CGO_ENABLED=0 gomod_build "$1" "$m" "$v" -ldflags "-s -w -X $m/pkg/version.Version=$2" "$m/cmd/crictl"
  tar -C "$1" -czf "$1/crictl-$v-linux-amd64.tar.gz" crictl
}

build_coredns() {
  CGO_ENABLED=0 gomod_build "$1" github.com/coredns/coredns "v$2" -ldflags "-s -w" github.com/coredns/coredns
}

build_flannel() {
  local m=github.com/flannel-io/flannel
  # The UDP backend is C (as upstream builds it): cgo, linked statically.
  CGO_ENABLED=1 gomod_build "$1" "$m" "v$2" -ldflags "-s -w -X $m/pkg/version.Version=v$2 -extldflags -static" "$m"
  mv "$1/flannel" "$1/flanneld"
}

# flannel's CNI plugin. Its own module, github.com/flannel-io/cni-plugin, is one the Go module proxy
# refuses in every version; the lab builds the same plugin from where it lived before it moved there:
# plugins/meta/flannel of the CNI plugins v0.9.1 (same configuration, same delegation to bridge and
# host-local, CNI versions up to 0.4.0, which covers the 0.3.1 flannel's manifest asks for).
build_flannel_cni() {
  local m=github.com/containernetworking/plugins
  CGO_ENABLED=0 gomod_build "$1" "$m" v0.9.1 -ldflags "-s -w" "$m/plugins/meta/flannel"
  echo "built from $m v0.9.1 plugins/meta/flannel, for flannel-cni-plugin v$2" >"$1/SOURCE"
}

# The ingress controller the lab runs. Traefik's go.mod replaces three of its dependencies with forks
# (the originals are not served at the versions it names), and a dependency's replace directives do
# not apply: so it is built as the main module, in a writable copy of the module the proxy serves.
build_traefik() {
  local m=github.com/traefik/traefik/v3 v="v$2" dir src
  dir=$(module_dir "traefik-$2")
  (
    cd "$dir"
    [ -f go.mod ] || go mod init kstack.lab/build/traefik >/dev/null 2>&1
    go mod download -json "$m@$v" >download.json 2>download.log ||
      die "go mod download $m@$v failed: $(tail -2 download.log)"
  )
  src=$(sed -n 's/^\t"Dir": "\(.*\)",$/\1/p' "$dir/download.json")
  [ -d "$src" ] || die "no source directory for $m@$v in $dir/download.json"
  rm -rf "$dir/main" && cp -r "$src" "$dir/main" && chmod -R u+w "$dir/main"
  (cd "$dir/main" && CGO_ENABLED=0 go build -p "$jobs" -trimpath \
    -ldflags "-s -w -X $m/pkg/version.Version=$v -X $m/pkg/version.Codename=lab" -o "$1/" ./cmd/traefik)
}

# openstack-cloud-controller-manager, from cloud-provider-openstack's module. (Its Cinder CSI plugin is
# not built: the CSI sidecars csi-node-driver-registrar and livenessprobe are modules the Go module proxy
# refuses in every version, docs/lab.md.)
build_occm() {
  local m=k8s.io/cloud-provider-openstack v="v$2"
  CGO_ENABLED=0 gomod_build "$1" "$m" "$v" \
    -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=$v -X $m/pkg/version.Version=$v" \
    "$m/cmd/openstack-cloud-controller-manager"
}

# crane (go-containerregistry): the lab's tool that assembles the images and pushes them to the registry.
build_crane() {
  local m=github.com/google/go-containerregistry
  CGO_ENABLED=0 gomod_build "$1" "$m" "v$2" -ldflags "-s -w" "$m/cmd/crane"
}

want() {
  local name=$1
  shift
  [ $# -eq 0 ] || [[ " $* " == *" $name "* ]]
}
if [ "${1:-}" = --cached ]; then
  # Whether every component is built already (exit 0), or which are not (exit 1).
  uncached=()
  for component in kubernetes etcd containerd runc cni_plugins crictl coredns flannel flannel_cni traefik occm crane; do
    [ -f "$LAB_CACHE/bin/$component-$("$lab/pins.sh" "$component")/.done" ] || uncached+=("$component")
  done
  [ "${#uncached[@]}" -eq 0 ] || { echo "not cached: ${uncached[*]}"; exit 1; }
  exit 0
fi
if [ "${1:-}" = --one ]; then
  done_or_build "$2" "$("$lab/pins.sh" "$2")" "build_$2"
  exit 0
fi
failed=()
for component in kubernetes etcd containerd runc cni_plugins crictl coredns flannel flannel_cni traefik occm crane; do
  if want "$component" "$@"; then
    # One component that cannot be built does not stop the others; each builds in a process of its
    # own, where `set -e` holds (bash ignores it inside a command whose status is tested).
    "$0" --one "$component" || failed+=("$component")
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  log "not built: ${failed[*]}"
  exit 1
fi
log "components ready in $LAB_CACHE/bin"
