#!/bin/sh
# Runs the whole suite: every cmocka binary in $BUILD/tests, then every integration script in
# tests/integration (each prints TAP lines "ok ..." / "not ok ..."). Logs go to tests/out/.
# The last line is the summary: "N passed, N failed". Exit status 1 if anything failed.
# TESTS="codec pipeline" runs only the suites whose names contain one of the words.
BUILD=${BUILD:-build}
BIN=${BIN:-bin}
BLIP_BIN=$(cd "$BIN" && pwd) || exit 1
BLIP_HELPERS=$(cd "$BUILD/tests/helpers" 2>/dev/null && pwd)
export BLIP_BIN BLIP_HELPERS
out=tests/out
mkdir -p "$out"
passed=0
failed=0

selected() {
    [ -z "${TESTS:-}" ] && return 0
    for w in $TESTS; do
        case "$1" in *"$w"*) return 0 ;; esac
    done
    return 1
}

report() { # name passed failed log
    passed=$((passed + $2))
    failed=$((failed + $3))
    if [ "$3" -eq 0 ]; then
        printf '  %-28s %4d passed\n' "$1" "$2"
    else
        printf '  %-28s %4d passed, %d FAILED (log: %s)\n' "$1" "$2" "$3" "$4"
        grep -E '^\[  FAILED  \]|^\[  ERROR   \]|^not ok|error:|ERROR|runtime error|Sanitizer' "$4" |
            head -20 | sed 's/^/      /'
    fi
}

echo "unit tests (cmocka):"
for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    name=$(basename "$t")
    selected "$name" || continue
    log="$out/$name.log"
    "$t" >"$log" 2>&1
    rc=$?
    p=$(sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9][0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    p=${p:-0}
    f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1 # crashed or aborted before its summary
    fi
    report "$name" "$p" "$f" "$log"
done

echo "integration tests (real redis-server, real terminal):"
for s in tests/integration/*.sh; do
    [ -f "$s" ] || continue
    name=$(basename "$s" .sh)
    selected "$name" || continue
    log="$out/$name.log"
    bash "$s" >"$log" 2>&1
    rc=$?
    p=$(grep -c '^ok ' "$log")
    f=$(grep -c '^not ok ' "$log")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "not ok - $name exited with status $rc" >>"$log"
        f=1
    fi
    report "$name" "$p" "$f" "$log"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
