#!/usr/bin/env bash
# Lays out the lab's binary mirror: every file a rendered node's install-binaries.sh downloads, at the
# path it asks the mirror for, taken from the components lab/build-components.sh built; then writes the
# mirror's own checksums (sha256sum format, paths relative to the mirror's root) for mirrors.checksums.
#
#   lab/build-mirror.sh RENDERED_DIR MIRROR_URL     # prints the checksums file's path
set -euo pipefail
lab=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lab/lib.sh
. "$lab/lib.sh"
rendered=$1
base=${2%/}
mirror="$LAB_CACHE/mirror"
mkdir -p "$mirror"

script=$(find "$rendered" -path '*/files/usr/local/lib/kstack/install-binaries.sh' | head -1)
[ -n "$script" ] || die "no install-binaries.sh under $rendered: render a node that runs containers"
# The amd64 branch: fetch "$work/FILE" 'URL' 'SHA256'.
urls=$(sed -n '/= amd64 ]/,/^else/p' "$script" | grep -oE "fetch \"[^\"]+\" '[^']+'" | sed -E "s/.* '([^']+)'/\1/")
[ -n "$urls" ] || die "found no downloads in $script"
paths=()
for url in $urls; do
  case "$url" in "$base"/*) ;; *) die "$url is not under the mirror $base: the spec's mirrors.binaries must be $base" ;; esac
  path=${url#"$base"/}
  file=$(basename "$path")
  found=$(find "$LAB_CACHE/bin" -mindepth 2 -maxdepth 2 -name "$file" -type f | head -2)
  [ -n "$found" ] || die "no lab build provides $file (for $url): see lab/build-components.sh"
  [ "$(wc -l <<<"$found")" -eq 1 ] || die "two lab builds provide $file: $found"
  mkdir -p "$mirror/$(dirname "$path")"
  cp -f "$found" "$mirror/$path"
  paths+=("$path")
done
(cd "$mirror" && sha256sum "${paths[@]}") >"$mirror/SHA256SUMS"
log "binary mirror: ${#paths[@]} files, checksums in $mirror/SHA256SUMS"
echo "$mirror/SHA256SUMS"
