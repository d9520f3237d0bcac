#!/bin/sh
# scripts/fuzz.sh BUILD SECONDS TARGET... - runs each libFuzzer harness BUILD/fuzz/fuzz_<target>
# for SECONDS, one after the other. New inputs are kept in BUILD/corpus/<target> (the committed
# seeds in fuzz/corpus/<target> are only read); a crashing input is saved as
# BUILD/crashes/<target>-crash-<sha1>. Prints one line per target; exit 1 on the first failure.
set -u
build=$1
seconds=$2
shift 2
for t in "$@"; do
    mkdir -p "$build/corpus/$t" "$build/crashes"
    dict=""
    [ -f "fuzz/$t.dict" ] && dict="-dict=fuzz/$t.dict"
    log="$build/$t.log"
    # shellcheck disable=SC2086
    "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$build/crashes/$t-" $dict \
        "$build/corpus/$t" "fuzz/corpus/$t" >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
    if [ "$rc" -ne 0 ]; then
        echo "fuzz_$t: FAILED after ${execs:-?} runs (log: $log)"
        grep -E 'ERROR:|runtime error|property broken|Test unit written' "$log" | head -n 10 |
            sed 's/^/    /'
        exit 1
    fi
    printf 'fuzz_%-8s %5s s  %10s runs  %s  corpus %s  no crash\n' "$t" "$seconds" "$execs" \
        "$cov" "$(ls "$build/corpus/$t" | wc -l)"
done
