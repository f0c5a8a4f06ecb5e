#!/usr/bin/env bash
# Fails when a C++ file under src/, bench/, fuzz/ or tests/ differs from what clang-format makes of it.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files -co --exclude-standard -- 'src/*.cc' 'src/*.h' 'bench/*.cc' 'fuzz/*.cc' 'tests/*.cc' 'tests/*.h')
bad=0
for f in "${files[@]}"; do
  [ -f "$f" ] || continue
  if ! clang-format --style=file "$f" | cmp -s - "$f"; then
    echo "needs clang-format: $f"
    bad=1
  fi
done
if [ "$bad" -ne 0 ]; then
  echo "run: clang-format -i <file> (style in .clang-format)" >&2
  exit 1
fi
echo "formatting: ${#files[@]} files clean"
