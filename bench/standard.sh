#!/usr/bin/env bash
# The standard comparison: every transport, 64 B to 1 MiB in powers of four,
# both patterns, one second per measurement, twice: with the two sides on two
# different CPUs (cross) and on one CPU (same), since a blocking wake-up costs
# very different amounts in the two placements. Then the charts of each.
#   bench/standard.sh [OUTDIR] [extra ipcbench options...]
# Writes OUTDIR/cross and OUTDIR/same; about 6 minutes on a 2-core machine
# (10 transports x 8 sizes x 2 patterns x ~1 s x 2 placements, less the sizes
# a mechanism cannot carry).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bin="${IPCBENCH:-$here/build/src/ipcbench}"
out="${1:-$here/results/standard-$(date -u +%Y%m%dT%H%M%SZ)}"
shift || true
[ -x "$bin" ] || { echo "build first: meson setup build && meson compile -C build" >&2; exit 2; }
for placement in cross same; do
    "$bin" -t all -s 64,256,1k,4k,16k,64k,256k,1M -p all -d 1s --cpu "$placement" \
        -o "$out/$placement" "$@"
    "$bin" plot -q "$out/$placement"
done
echo "standard comparison in $out/cross and $out/same"
