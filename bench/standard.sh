#!/usr/bin/env bash
# The standard comparison: every transport, 64 B to 1 MiB in powers of four,
# both patterns, one second per measurement, then the charts.
#   bench/standard.sh [OUTDIR] [extra ipcbench options...]
# Takes about 3 minutes on a 2-core machine (10 transports x 8 sizes x 2
# patterns x ~1 s, less the sizes a mechanism cannot carry).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bin="${IPCBENCH:-$here/build/src/ipcbench}"
out="${1:-$here/results/standard-$(date -u +%Y%m%dT%H%M%SZ)}"
shift || true
[ -x "$bin" ] || { echo "build first: meson setup build && meson compile -C build" >&2; exit 2; }
"$bin" -t all -s 64,256,1k,4k,16k,64k,256k,1M -p all -d 1s -o "$out" "$@"
"$bin" plot "$out"
echo "standard comparison in $out"
