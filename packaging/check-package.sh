#!/usr/bin/env bash
# Proves the Debian package on a clean Debian 12: builds kstack_<version>_amd64.deb from a Release tree,
# runs lintian on it (an error fails, warnings are printed), installs it with apt-get into a fresh minimal
# root made by debootstrap, and there runs what a user would first:
#   kstack init | kstack validate -f -,   kstack --version (timed, the first run after install),
#   man kstack,   and bash's completion of "kstack ap<TAB>" in a pseudo-terminal.
# The minimal root is cached as a tarball; each run unpacks a fresh copy, and its mounts live in a mount
# namespace of their own, so nothing is left mounted whatever happens.
#
#   packaging/check-package.sh [BUILD_DIR]          (default: build, configured with CMAKE_BUILD_TYPE=Release)
#   KSTACK_PACKAGE_CACHE   where the minimal root's tarball is kept (default /var/cache/kstack-package)
#   KSTACK_DEBIAN_MIRROR   the Debian archive (default http://deb.debian.org/debian)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
cache=${KSTACK_PACKAGE_CACHE:-/var/cache/kstack-package}
mirror=${KSTACK_DEBIAN_MIRROR:-http://deb.debian.org/debian}
suite=bookworm

log() { printf 'check-package: %s\n' "$*"; }
die() { printf 'check-package: FAILED: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot and mounts)"
for tool in cpack lintian debootstrap dpkg-deb unshare python3; do
  command -v "$tool" >/dev/null || die "$tool is missing (scripts/install-deps.sh installs it)"
done
grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$build/CMakeCache.txt" ||
  die "$build is not a Release build tree (cmake -S . -B $build -DCMAKE_BUILD_TYPE=Release)"

work=$(mktemp -d /tmp/kstack-package.XXXXXX)
trap 'rm -rf "$work"' EXIT

# 1. The package.
cmake --build "$build" --target kstack kstack_package_files >/dev/null
(cd "$build" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; die "cpack"; }
debs=("$work"/out/kstack_*_amd64.deb)
if [ ! -f "${debs[0]}" ] || [ ${#debs[@]} -ne 1 ]; then die "cpack made no single kstack_<version>_amd64.deb"; fi
deb=${debs[0]}
log "$(basename "$deb"): $(stat -c %s "$deb") bytes"
log "Depends: $(dpkg-deb -f "$deb" Depends)"
log "Recommends: $(dpkg-deb -f "$deb" Recommends)"
dpkg-deb -c "$deb" | awk '{print "  " $6}' | grep -v '/$'

# 2. lintian: errors fail the check, warnings are reported.
lintian_out=$(lintian --allow-root --tag-display-limit 0 "$deb" 2>&1) || true
errors=$(grep -c '^E: ' <<<"$lintian_out" || true)
warnings=$(grep -c '^W: ' <<<"$lintian_out" || true)
[ -z "$lintian_out" ] || printf '  %s\n' "${lintian_out//$'\n'/$'\n'  }"
log "lintian: $errors errors, $warnings warnings"
[ "$errors" -eq 0 ] || die "lintian reports errors"

# 3. A clean root: Debian 12's minimal base, cached.
tarball="$cache/$suite-minbase.tar"
if [ ! -f "$tarball" ]; then
  log "minimal root: debootstrap --variant=minbase $suite (once; a few minutes)"
  mkdir -p "$cache"
  debootstrap --variant=minbase "$suite" "$work/seed" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log" >&2; die "debootstrap"; }
  rm -rf "$work/seed/var/lib/apt/lists/"* "$work/seed/var/cache/apt/archives/"*.deb
  tar -C "$work/seed" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
  rm -rf "$work/seed"
fi
root="$work/root"
mkdir "$root"
tar -C "$root" -xf "$tarball"
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/"

# 4. Install and use it, in a mount namespace of its own.
unshare --mount --propagation private bash -euo pipefail -s "$root" "$(basename "$deb")" "$here" "$work" <<'INSIDE'
root=$1 deb=$2 here=$3 work=$4
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
fail() { printf 'check-package: FAILED: %s\n' "$*" >&2; exit 1; }

in_root apt-get update -qq >/dev/null
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "/tmp/$deb" \
  >"$work/install.log" 2>&1 || { tail -20 "$work/install.log"; fail "apt-get install ./$deb"; }
echo "check-package: installed with apt-get install ./$deb"

start=$(date +%s%N)
version=$(in_root kstack --version)
end=$(date +%s%N)
echo "check-package: kstack --version: $version ($(( (end - start) / 1000000 )) ms, its first run)"
[[ $version == "kstack "* ]] || fail "kstack --version printed: $version"

validated=$(in_root sh -c 'kstack init | kstack validate -f -')
echo "check-package: kstack init | kstack validate -f -: $validated"
[[ $validated == "<stdin>: valid (ha: "* ]] || fail "kstack init | kstack validate -f - printed: $validated"

# The man page and bash's completion need their readers, which the package only suggests.
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends man-db bash-completion \
  >"$work/tools.log" 2>&1 || { tail -20 "$work/tools.log"; fail "installing man-db"; }
page=$(in_root env MANPAGER=cat MANWIDTH=100 man kstack 2>&1)
grep -q '^NAME' <<<"$page" || fail "man kstack shows no NAME section: $(head -5 <<<"$page")"
for section in apply destroy validate completion; do
  grep -qE "^ *kstack $section" <<<"$page" || fail "man kstack has no section for kstack $section"
done
echo "check-package: man kstack: $(wc -l <<<"$page") lines; $(grep -m1 -A1 '^NAME' <<<"$page" | tail -1 | sed 's/^ *//')"

shown=$(python3 "$here/complete_in_pty.py" "$root" "kstack ap")
grep -q 'kstack apply ' <<<"$(tr -d '\r' <<<"$shown")" ||
  fail "bash did not complete 'kstack ap' to 'kstack apply'; the terminal showed: $shown"
echo "check-package: bash completes 'kstack ap<TAB>' to 'kstack apply'"
INSIDE
grep -q " $root/" /proc/mounts && die "a mount under $root was left behind"
log "ok"
