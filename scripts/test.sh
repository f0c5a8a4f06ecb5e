#!/usr/bin/env bash
# Runs every kstack test: installs what they need, builds kstack twice (plain,
# and with AddressSanitizer + UndefinedBehaviorSanitizer), runs the unit tests
# on both and the system tests (real openssl, etcd, kubectl, cloud-init,
# ShellCheck, TypeScript) on the plain build, checks that a Release build
# compiles (warnings are errors in the first two builds, not in it), checks
# the formatting, fuzzes the spec parser for a bounded time, then starts the
# dev cloud and runs the integration tests against it, and stops it again
# whatever happened.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s (%s)\n' "$1" "$(date +%T)"; }
jobs=$(nproc)
fuzz_seconds=${KSTACK_FUZZ_SECONDS:-60}

step "dependencies"
scripts/install-deps.sh
tests/manifest_check/install.sh
devcloud/install

step "build"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKSTACK_WERROR=ON >/dev/null
cmake --build build -j "$jobs"

step "unit tests"
ctest --test-dir build -L unit --output-on-failure -j "$jobs"

step "system tests (real tools)"
ctest --test-dir build -L system --output-on-failure

step "build with ASan + UBSan"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DKSTACK_SANITIZE=ON -DKSTACK_WERROR=ON >/dev/null
cmake --build build-asan -j "$jobs"

step "unit tests under ASan + UBSan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan -L unit --output-on-failure -j "$jobs"

step "Release build (as a packager builds it: warnings shown, not errors)"
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DKSTACK_WERROR=OFF >/dev/null
cmake --build build-release -j "$jobs" --target kstack

step "formatting"
scripts/check-format.sh

step "fuzzing the spec parser for ${fuzz_seconds}s"
fuzz/run.sh "$fuzz_seconds"

step "dev cloud up"
# CI starts from nothing: a state directory of its own, so nothing a previous
# run left behind (a killed cloud's PID files, sockets) is reused.
if [ "${CI:-}" = true ] && [ -z "${KSTACK_DEVCLOUD_DIR:-}" ]; then
  export KSTACK_DEVCLOUD_DIR="/tmp/kstack-devcloud-ci-$$"
fi
export OS_CLIENT_CONFIG_FILE="${KSTACK_DEVCLOUD_DIR:-/tmp/kstack-devcloud}/clouds.yaml"
started_cloud=0
if ! devcloud/status >/dev/null 2>&1; then
  started_cloud=1
  trap 'step "dev cloud down"; devcloud/down' EXIT
fi
devcloud/up

step "integration tests against the dev cloud"
ctest --test-dir build -L integration --output-on-failure
[ "$started_cloud" -eq 1 ] || echo "(the dev cloud was already running and is left running)"
