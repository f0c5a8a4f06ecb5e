#!/usr/bin/env bash
# Figures of the lab: how long the components take to build (warm: every one cached; a cold build shows
# each component's time in lab/build-components.sh's own lines), and for one topology the time-to-Ready
# of each phase from the start of `apply`, with the machine's peak memory above its baseline before the
# run (the lab's nodes, the dev cloud's growth, kstack).
#
#   bench/lab.sh [single|non-ha|ha]     # default: single
set -euo pipefail
cd "$(dirname "$0")/.."
topology=${1:-single}
work=${KSTACK_E2E_DIR:-/tmp/kstack-e2e}

used_mib() { awk '/^MemTotal:/ {t=$2} /^MemAvailable:/ {a=$2} END {printf "%d", (t - a) / 1024}' /proc/meminfo; }

started=$SECONDS
lab/build-components.sh >/tmp/kstack-bench-components.log 2>&1 || { cat /tmp/kstack-bench-components.log; exit 1; }
components=$((SECONDS - started))

baseline=$(used_mib)
peak_file=$(mktemp)
echo "$baseline" >"$peak_file"
(
  while sleep 2; do
    now=$(used_mib)
    [ "$now" -le "$(cat "$peak_file")" ] || echo "$now" >"$peak_file"
  done
) &
sampler=$!
trap 'kill "$sampler" 2>/dev/null || true; rm -f "$peak_file"' EXIT

status=0
scripts/e2e.sh "$topology" >/tmp/kstack-bench-e2e.log 2>&1 || status=$?
peak=$(cat "$peak_file")

printf 'lab figures, %s (%s)\n' "$topology" "$(date -u +%FT%TZ)"
printf '  components (build or cache check): %d s  (%s)\n' "$components" \
  "$(grep -c ': cached$' /tmp/kstack-bench-components.log) of 9 cached"
grep -E ': built in [0-9]+ s$' /tmp/kstack-bench-components.log | sed 's/^\[lab [0-9:]*\] /    cold: /' || true
printf '  memory: baseline %d MiB, peak %d MiB, the run at peak %d MiB\n' "$baseline" "$peak" $((peak - baseline))
if [ -f "$work/$topology/phases.json" ]; then
  python3 - "$work/$topology/phases.json" <<'EOF'
import json, sys
phases = json.load(open(sys.argv[1]))
apply = phases.get("apply done (cloud resources)")
print("  time-to-Ready per phase (s from the start of apply; ratio to the cloud resources' apply):")
for phase, seconds in phases.items():
    ratio = f"  x{seconds / apply:.1f}" if apply else ""
    print(f"    {seconds:7.1f}{ratio}  {phase}")
EOF
fi
if [ -f "$work/$topology/figures.json" ]; then
  python3 -c 'import json, sys; [print(f"  {k}: {v}") for k, v in json.load(open(sys.argv[1])).items()]' \
    "$work/$topology/figures.json"
fi
grep -E '^[0-9]+ passed, [0-9]+ failed$' /tmp/kstack-bench-e2e.log || true
[ "$status" -eq 0 ] || echo "the e2e run failed (exit $status): /tmp/kstack-bench-e2e.log"
exit "$status"
