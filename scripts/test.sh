#!/usr/bin/env bash
# Runs every kstack test: installs what they need, builds kstack twice (plain,
# and with AddressSanitizer + UndefinedBehaviorSanitizer), runs the unit tests
# on both and the system tests (real openssl, etcd, kubectl, cloud-init,
# ShellCheck, TypeScript) on the plain build, builds the Debian package and
# installs it on a clean Debian 12 root, checks the formatting, runs
# clang-tidy's short list of checks (.clang-tidy) over kstack's sources, fuzzes
# the spec parser for a bounded time, runs the integration tests and the
# short fault suite against the dev cloud, which starts in the background
# while the sanitizer build compiles and is stopped again whatever happened,
# and then boots a single-node cluster in the lab when its components are
# built. Warnings are errors in both builds.
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
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DKSTACK_WERROR=ON >/dev/null
cmake --build build -j "$jobs"

step "unit tests"
ctest --test-dir build -L unit --output-on-failure -j "$jobs"

step "system tests (real tools)"
ctest --test-dir build -L system --output-on-failure

step "the Debian package: lintian, then installed and used on a clean Debian 12"
packaging/check-package.sh build

# The dev cloud starts while the sanitizer build compiles (it waits on its services more than it
# computes). CI starts from nothing: a state directory of its own, so nothing a previous run left
# behind (a killed cloud's PID files, sockets) is reused.
step "dev cloud up, in the background"
if [ "${CI:-}" = true ] && [ -z "${KSTACK_DEVCLOUD_DIR:-}" ]; then
  export KSTACK_DEVCLOUD_DIR="/tmp/kstack-devcloud-ci-$$"
fi
export OS_CLIENT_CONFIG_FILE="${KSTACK_DEVCLOUD_DIR:-/tmp/kstack-devcloud}/clouds.yaml"
started_cloud=0
cloud_log=$(mktemp /tmp/kstack-devcloud-up.XXXXXX.log)
if ! devcloud/status >/dev/null 2>&1; then
  started_cloud=1
fi
devcloud/up >"$cloud_log" 2>&1 &
cloud_pid=$!
if [ "$started_cloud" -eq 1 ]; then
  # A failure before the cloud is up lets its start finish first: a start cut off half-way would leave
  # services that devcloud/down does not know of yet.
  trap 'step "dev cloud down"; wait "$cloud_pid" 2>/dev/null; devcloud/down' EXIT
fi

step "build with ASan + UBSan"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DKSTACK_SANITIZE=ON -DKSTACK_WERROR=ON >/dev/null
cmake --build build-asan -j "$jobs"

step "unit tests under ASan + UBSan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan -L unit --output-on-failure -j "$jobs"

step "formatting"
scripts/check-format.sh

step "static analysis (clang-tidy, the checks in .clang-tidy)"
scripts/check-tidy.sh build

step "fuzzing the spec parser for ${fuzz_seconds}s"
fuzz/run.sh "$fuzz_seconds"

step "dev cloud up"
cloud_status=0
wait "$cloud_pid" || cloud_status=$?
cat "$cloud_log"
rm -f "$cloud_log"
[ "$cloud_status" -eq 0 ] || { echo "devcloud/up failed (exit $cloud_status)"; exit "$cloud_status"; }

step "integration tests against the dev cloud"
ctest --test-dir build -L integration --output-on-failure

# Faults on purpose: apply and destroy through a proxy that faults 5% of the requests (2 seeds), a
# server and a load balancer in ERROR, a 429 storm, and 3 kill -9s (bench/fault_bench; without --short: 10
# seeds and 20 kills).
step "fault suite (short) against the dev cloud"
build/bench/fault_bench --short

# The lab: a single-node cluster booted from kstack's user-data, on the dev cloud that is up. Its
# components (Kubernetes and the rest, from Go modules) take over an hour to build cold on two cores,
# more than this run may take: with them cached it runs; without, it says so, and fails nothing it
# did not run. scripts/e2e.sh builds them and runs every topology.
step "lab: single-node cluster, end to end"
if not_cached=$(lab/build-components.sh --cached); then
  scripts/e2e.sh single
else
  echo "NOT RUN: the lab's components are not built on this machine ($not_cached)."
  echo "scripts/e2e.sh builds them (cold: about 70 minutes on 2 cores) and runs the lab."
fi
[ "$started_cloud" -eq 1 ] || echo "(the dev cloud was already running and is left running)"
