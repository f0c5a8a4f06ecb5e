#!/usr/bin/env bash
# Runs clang-tidy (the checks in .clang-tidy) over kstack's own sources, tests excluded, with the compile
# commands of BUILD_DIR (default: build). Fails on any finding.
#
#   scripts/check-tidy.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
tidy=$(command -v clang-tidy-19 || true)
[ -n "$tidy" ] || { echo "clang-tidy-19 is missing: scripts/install-deps.sh installs it" >&2; exit 2; }
[ -f "$build/compile_commands.json" ] || { echo "$build/compile_commands.json is missing: configure $build first" >&2; exit 2; }
mapfile -t files < <(git ls-files -co --exclude-standard -- 'src/*.cc' | grep -v -e '_test\.cc$' -e '/testing/' -e '/integration/' -e '/tls_fixture/')
# The compile commands are g++'s: clang does not know two of its warning options, and libstdc++'s own
# headers use what clang calls deprecated.
printf '%s\n' "${files[@]}" |
  xargs -P "$(nproc)" -n 8 "$tidy" -p "$build" --quiet \
    --extra-arg=-Wno-unknown-warning-option --extra-arg=-Wno-deprecated-declarations 2>/dev/null |
  tee /tmp/kstack-tidy.$$ | grep -E 'warning:|error:' || true
if grep -qE 'warning:|error:' /tmp/kstack-tidy.$$; then
  rm -f /tmp/kstack-tidy.$$
  echo "clang-tidy: findings above (checks in .clang-tidy)" >&2
  exit 1
fi
rm -f /tmp/kstack-tidy.$$
echo "clang-tidy: ${#files[@]} files clean"
