#!/usr/bin/env bash
# Builds the OCI image of every image reference a rendered cluster names (static pods, add-ons and
# containerd's sandbox image), from the components lab/build-components.sh built, and pushes each to
# the lab's registry under the same repository path and tag. An image already in the registry is kept
# when it was built from the same build of its component (a label names it); any failure stops the script.
#
#   lab/build-images.sh RENDERED_DIR REGISTRY     # e.g. out/ 203.0.113.2:5000 (run in the mirror's namespace)
set -euo pipefail
lab=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lab/lib.sh
. "$lab/lib.sh"
rendered=$1
registry=$2
crane="$LAB_CACHE/bin/crane-$("$lab/pins.sh" crane)/crane"
[ -x "$crane" ] || die "crane is not built (lab/build-components.sh crane)"
bin="$LAB_CACHE/bin"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
path_env="PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

# component_dir NAME VERSION: the cached build of a component, or an error naming the mismatch.
component_dir() {
  local dir="$bin/$1-$2"
  [ -f "$dir/.done" ] || die "the render names $1 $2, which the lab has not built (lab/build-components.sh; pins: lab/pins.sh)"
  echo "$dir"
}

# layer TARFILE DIR: a reproducible tar of DIR's contents.
layer() {
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$2" -cf "$1" .
}

base_layer() {
  local out="$work/base.tar"
  [ -f "$out" ] || layer "$out" "$LAB_CACHE/images/base/rootfs"
  echo "$out"
}

# source REF: the cached build an image is made of, as "<component dir>@<its build time>".
source_of() {
  local repo tag name dir
  repo=${1%:*}
  tag=${1##*:}
  name=${repo##*/}
  case "$name" in
    kube-apiserver | kube-controller-manager | kube-scheduler | kube-proxy) dir=$(component_dir kubernetes "${tag#v}") ;;
    etcd) dir=$(component_dir etcd "${tag%-*}") ;;
    pause) dir=$(component_dir kubernetes "$("$lab/pins.sh" kubernetes)") ;;
    coredns) dir=$(component_dir coredns "${tag#v}") ;;
    flannel) dir=$(component_dir flannel "${tag#v}") ;;
    flannel-cni-plugin) dir=$(component_dir flannel_cni "${tag#v}") ;;
    traefik) dir=$(component_dir traefik "${tag#v}") ;;
    openstack-cloud-controller-manager) dir=$(component_dir occm "${tag#v}") ;;
    *) die "no lab build for $1: the lab cannot run a cluster that uses it" ;;
  esac
  echo "$dir@$(cat "$dir/.done")"
}

# image REF ENTRYPOINT LAYER... : pushes an image of the layers, with the entrypoint (or none: "-"),
# labelled with the build it is made of.
push_image() {
  local ref=$1 entrypoint=$2
  shift 2
  local layers=()
  for l in "$@"; do layers+=(-f "$l"); done
  "$crane" append --insecure --oci-empty-base "${layers[@]}" -t "$ref.tmp" >/dev/null
  local args=(--insecure --set-platform linux/amd64 -e "$path_env" -l "kstack-lab.source=$(source_of "$ref")" -t "$ref")
  [ "$entrypoint" = - ] || args+=(--entrypoint "$entrypoint")
  "$crane" mutate "${args[@]}" "$ref.tmp" >/dev/null
}

build_one() {
  local ref=$1 repo tag name dir root
  repo=${ref%:*}
  tag=${ref##*:}
  name=${repo##*/}
  root="$work/$name"
  mkdir -p "$root"
  case "$name" in
    kube-apiserver | kube-controller-manager | kube-scheduler | kube-proxy)
      dir=$(component_dir kubernetes "${tag#v}")
      mkdir -p "$root/usr/local/bin" && cp "$dir/$name" "$root/usr/local/bin/"
      layer "$work/$name.tar" "$root"
      if [ "$name" = kube-proxy ]; then
        push_image "$ref" "/usr/local/bin/$name" "$(base_layer)" "$work/$name.tar"
      else
        push_image "$ref" "/usr/local/bin/$name" "$work/$name.tar"
      fi
      ;;
    etcd)
      dir=$(component_dir etcd "${tag%-*}")
      mkdir -p "$root/usr/local/bin" && cp "$dir/etcd" "$dir/etcdctl" "$root/usr/local/bin/"
      mkdir -p "$root/var/lib/etcd" "$root/tmp"
      layer "$work/$name.tar" "$root"
      push_image "$ref" /usr/local/bin/etcd "$work/$name.tar"
      ;;
    pause)
      dir=$(component_dir kubernetes "$("$lab/pins.sh" kubernetes)")
      cp "$dir/pause" "$root/pause"
      layer "$work/$name.tar" "$root"
      push_image "$ref" /pause "$work/$name.tar"
      ;;
    coredns)
      dir=$(component_dir coredns "${tag#v}")
      cp "$dir/coredns" "$root/coredns"
      layer "$work/$name.tar" "$root"
      push_image "$ref" /coredns "$work/$name.tar"
      ;;
    flannel)
      dir=$(component_dir flannel "${tag#v}")
      mkdir -p "$root/opt/bin" && cp "$dir/flanneld" "$root/opt/bin/flanneld"
      layer "$work/$name.tar" "$root"
      push_image "$ref" /opt/bin/flanneld "$(base_layer)" "$work/$name.tar"
      ;;
    flannel-cni-plugin)
      dir=$(component_dir flannel_cni "${tag#v}")
      cp "$dir/flannel" "$root/flannel"
      layer "$work/$name.tar" "$root"
      push_image "$ref" - "$(base_layer)" "$work/$name.tar"
      ;;
    traefik)
      dir=$(component_dir traefik "${tag#v}")
      mkdir -p "$root/usr/local/bin" "$root/tmp" && cp "$dir/traefik" "$root/usr/local/bin/traefik"
      layer "$work/$name.tar" "$root"
      push_image "$ref" /usr/local/bin/traefik "$work/$name.tar"
      ;;
    openstack-cloud-controller-manager)
      dir=$(component_dir occm "${tag#v}")
      mkdir -p "$root/bin" && cp "$dir/$name" "$root/bin/$name"
      layer "$work/$name.tar" "$root"
      # On the Debian base (the CA bundle, for clouds whose APIs speak TLS); as upstream, no entrypoint:
      # the manifest runs /bin/openstack-cloud-controller-manager.
      push_image "$ref" - "$(base_layer)" "$work/$name.tar"
      ;;
  esac
}

refs=$(
  {
    grep -rhoE '^\s*(- )?image: *"?[^" ]+' "$rendered" | sed -E 's/.*image: *"?//'
    grep -rhoE 'sandbox = "[^"]+"' "$rendered" | sed -E 's/sandbox = "//; s/"$//'
  } | sort -u
)
for ref in $refs; do
  case "$ref" in "$registry"/*) ;; *) die "$ref is not in the mirror $registry: the spec's mirrors.images must point there" ;; esac
  source=$(source_of "$ref")
  if "$crane" config --insecure "$ref" 2>/dev/null | grep -qF "\"kstack-lab.source\":\"$source\""; then
    log "image $ref: in the registry"
    continue
  fi
  log "image $ref: building"
  # Called plainly, not in a test: `set -e` then holds inside, and a failed step stops the script
  # instead of pushing an image with an empty layer.
  build_one "$ref"
done
