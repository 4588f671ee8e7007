#!/bin/sh
# run_fuzz.sh FUZZER SEEDS SECONDS: a bounded libFuzzer run; new inputs go to
# a scratch corpus in the build tree, never into the seeds in the source tree.
set -eu
scratch="$(dirname "$1")/corpus-$(basename "$1")"
mkdir -p "$scratch"
exec "$1" -max_total_time="$3" -print_final_stats=1 "$scratch" "$2"
