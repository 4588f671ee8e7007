#!/bin/sh
# run_fuzz.sh FUZZER SEEDS SECONDS: a bounded libFuzzer run; new inputs go to
# a scratch corpus in the build tree, never into the seeds in the source tree.
set -eu
scratch="$(dirname "$1")/corpus-$(basename "$1")"
mkdir -p "$scratch"
# a crash must fail the test: libFuzzer's own exit code for one, 77, is
# meson's code for a skipped test
exec "$1" -max_total_time="$3" -print_final_stats=1 -error_exitcode=1 \
    -artifact_prefix="$scratch/" "$scratch" "$2"
