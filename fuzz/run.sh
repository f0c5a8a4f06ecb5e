#!/usr/bin/env bash
# Fuzzes the cluster spec parser with AFL++ for SECONDS (default 60).
#
# Builds fuzz/spec_fuzz.cc and the spec module with afl-c++ in a GCC mode (clang 14 cannot compile
# libstdc++ 12's <expected>, so libFuzzer is out), with AddressSanitizer and UndefinedBehaviorSanitizer,
# linked to AFL++'s libFuzzer-compatible driver, into build-fuzz/. Seeds are the spec corpus under
# tests/specs and fuzz/regressions. Exits 1 and names the inputs when any crash or hang was found.
set -euo pipefail

seconds=${1:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${KSTACK_FUZZ_BUILD:-$root/build-fuzz}
driver=/usr/lib/afl/libAFLDriver.a

for tool in afl-c++ afl-fuzz; do
  command -v "$tool" >/dev/null || { echo "fuzz: $tool not found; install the afl++ package" >&2; exit 1; }
done
[ -f "$driver" ] || { echo "fuzz: $driver not found; install the afl++ package" >&2; exit 1; }

mkdir -p "$build/obj"

# GCC-plugin mode is preferred; Debian 12's afl++ 4.04c plugin refuses the gcc 12.2.0-14+deb12u1 it runs
# under ("GCC and plugin have incompatible versions"), and then the classic GCC mode (afl-as
# instrumentation of the assembly) is used instead: same coverage feedback, slower executions.
probe="$build/obj/probe"
echo 'int main() { return 0; }' >"$probe.cc"
if AFL_CC_COMPILER=GCC_PLUGIN AFL_QUIET=1 afl-c++ "$probe.cc" -o "$probe" >"$probe.log" 2>&1; then
  mode=GCC_PLUGIN
else
  mode=GCC
  echo "fuzz: the AFL++ GCC plugin does not load here ($(grep -o 'incompatible versions[^[]*' "$probe.log" | head -1 ||
    echo "see $probe.log")); using AFL_CC_COMPILER=GCC"
fi
if [ -f "$build/obj/mode" ] && [ "$(cat "$build/obj/mode")" != "$mode" ]; then rm -f "$build"/obj/*.o; fi
echo "$mode" >"$build/obj/mode"

# Build: one object per source, compiled only when the source or a header is newer.
sources=("$root"/src/spec/*.cc "$root/src/util/error.cc" "$root/src/util/ipv4.cc" "$root/fuzz/spec_fuzz.cc")
# The plugin mode links AFL++'s libFuzzer-compatible driver (persistent mode, input in shared memory).
# The classic mode has no persistent-mode runtime for that driver: it links the corpus replay main and
# afl-fuzz passes each input as a file (@@), one fork per execution.
if [ "$mode" = GCC_PLUGIN ]; then
  link_extra=("$driver")
  target_args=()
else
  sources+=("$root/fuzz/replay_main.cc")
  link_extra=()
  target_args=("@@")
fi
objects=()
newest_header=$(ls -t "$root"/src/spec/*.h "$root"/src/util/*.h | head -1)
export AFL_CC_COMPILER=$mode AFL_USE_ASAN=1 AFL_USE_UBSAN=1 AFL_QUIET=1
for src in "${sources[@]}"; do
  case "$src" in *_test.cc) continue ;; esac
  obj="$build/obj/$(basename "${src%.cc}").o"
  objects+=("$obj")
  if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ "$newest_header" -nt "$obj" ]; then
    afl-c++ -std=c++23 -O1 -g -fno-omit-frame-pointer -I"$root/src" -c "$src" -o "$obj"
  fi
done
afl-c++ -o "$build/spec_fuzz" "${objects[@]}" "${link_extra[@]}" -lyaml-cpp -lfmt
echo "fuzz: built $build/spec_fuzz (afl-c++, AFL_CC_COMPILER=$mode, ASan + UBSan)"

# Seeds: every non-empty corpus file (AFL++ skips empty ones with a warning).
rm -rf "$build/seeds" "$build/findings"
mkdir -p "$build/seeds"
find "$root/tests/specs" "$root/fuzz/regressions" -type f -size +0 -name '*.yaml' -exec cp {} "$build/seeds/" \;

echo "fuzz: running afl-fuzz for ${seconds}s on $(ls "$build/seeds" | wc -l) seeds"
export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 \
  AFL_FAST_CAL=1
# ASan needs its own memory limit handling: -m none; abort_on_error lets AFL++ see every ASan report.
export ASAN_OPTIONS=abort_on_error=1:symbolize=0:detect_leaks=0:allocator_may_return_null=1
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1
afl-fuzz -i "$build/seeds" -o "$build/findings" -x "$root/fuzz/spec.dict" -m none -t 2000 -V "$seconds" \
  -- "$build/spec_fuzz" "${target_args[@]}" >"$build/afl-fuzz.log" 2>&1 || {
  echo "fuzz: afl-fuzz failed; the end of its log:" >&2
  tail -30 "$build/afl-fuzz.log" >&2
  exit 1
}

stats="$build/findings/default/fuzzer_stats"
stat() { sed -n "s/^$1 *: *//p" "$stats"; }
crashes=$(stat saved_crashes)
hangs=$(stat saved_hangs)
echo "fuzz: $(stat execs_done) execs ($(stat execs_per_sec)/s), $(stat corpus_count) paths" \
  "($(stat corpus_found) new), edges $(stat edges_found)/$(stat total_edges), $crashes crashes, $hangs hangs"

found=0
for kind in crashes hangs; do
  for f in "$build/findings/default/$kind"/id:*; do
    [ -e "$f" ] || continue
    # afl-fuzz's 2 s limit can be passed by a slow instrumented run on a busy machine: a hang counts only
    # when the input still does not finish in 30 s on its own.
    if [ "$kind" = hangs ] && timeout 30 "$build/spec_fuzz" "$f" >/dev/null 2>&1; then
      echo "fuzz: hang input finishes on its own within 30 s (a slow run, not a hang): $f"
      continue
    fi
    echo "fuzz: $kind input: $f" >&2
    found=1
  done
done
if [ "$found" -ne 0 ]; then
  echo "fuzz: reproduce with: $build/spec_fuzz <input>" >&2
  exit 1
fi
echo "fuzz: no crash, no hang"
