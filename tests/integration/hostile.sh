#!/bin/bash
# Hostile input through the live detector: 1,000,000 messages pipelined into Redis (redis-cli
# --pipe, written by tests/tools/hostile.c): good points on a few busy series and on an endless
# supply of new series names, extreme but finite values, and malformed ones of every kind (bad
# and truncated JSON, nesting 40-600 deep, numbers of 400+ digits, 1e999, NaN and Infinity as
# text, wrong types, missing values, bad series names, empty messages, binary garbage, five
# 2 MB payloads), plus 2,000 malformed control messages. The detector must not crash, must keep
# its memory bounded (--max-series caps the series, evictions are counted), and its counters must
# match what was sent to the message: points + malformed = messages, and each malformed cause
# equals the number of messages built to have it.
# Under `make asan` the same 1,000,000 messages go through the ASan + UBSan build (about 10 s
# here); ASan's quarantine of freed memory is set to 32 MB so RSS measures the detector.
. "$(dirname "$0")/../lib.sh"

COUNT=${HOSTILE_COUNT:-1000000}
BIG=5
CONTROL=2000
MAX_SERIES=1000
case "$BLIP_BIN" in
*asan*)
    RSS_MAX_KB=$((256 * 1024)) # shadow memory and ASan's allocator come on top
    export ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}quarantine_size_mb=32"
    ;;
*) RSS_MAX_KB=$((64 * 1024)) ;;
esac

# the message writer: plain C, no project code, so the expected counts are independent
TOOL="$WORK/hostile"
${CC:-cc} -std=c11 -O2 -Wall -Wextra -Werror -o "$TOOL" "$(dirname "$0")/../tools/hostile.c" ||
    { not_ok "build tests/tools/hostile.c"; finish; exit 1; }

# Redis may buffer the whole flood for the detector: this test is about what the detector
# makes of the messages, not about keeping pace (make bench measures that); so it decodes every
# one rather than shedding (--shed-at 0)
start_redis --client-output-buffer-limit 'pubsub 0 0 0' || exit 1
"$BLIP_BIN/blip-detector" --max-series $MAX_SERIES --shed-at 0 --stats-interval 0.5 2>"$WORK/det.log" &
DET=$!
track $DET
check "detector subscribed" wait_subscribed blip:control
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
(while kill -0 $DET 2>/dev/null; do rss_kb $DET; sleep 0.2; done >"$WORK/rss.txt") &
SAMPLER=$!
track $SAMPLER

"$TOOL" 7 "$COUNT" $BIG response_times $CONTROL blip:control 2>"$WORK/expect.txt" |
    redis-cli -p "$REDIS_PORT" --pipe >"$WORK/pipe.txt" 2>&1
check "redis-cli --pipe sent every message: $(tail -n 1 "$WORK/pipe.txt")" \
    grep -q "^errors: 0, replies: $((COUNT + CONTROL))\$" "$WORK/pipe.txt"
expect() { tr ' ' '\n' <"$WORK/expect.txt" | sed -n "s/^$1=//p"; }

# the last stats line, and one field of it
last() { grep ' stats: ' "$WORK/det.log" | tail -n 1; }
field() { last | tr ' ' '\n' | sed -n "s/^$1=\([0-9]*\).*/\1/p" | head -n 1; }
cause() { last | sed -n "s/.*[( ]$1:\([0-9]*\).*/\1/p"; } # malformed=N (size:N syntax:N ...)
all_seen() {
    [ "$(($(field points) + $(field malformed)))" -eq "$COUNT" ] &&
        [ "$(last | sed -n 's/.*control=\([0-9]*\)\/\([0-9]*\).*/\2/p')" -eq $CONTROL ]
}
check "the detector has read all $COUNT messages (points + malformed)" wait_for 90 all_seen
check "detector still running" kill -0 $DET

check_eq "points: the good messages" "$(expect points)" "$(field points)"
for cause in size syntax type range missing series; do
    check_eq "malformed, $cause: as sent" "$(expect $cause)" "$(cause $cause)"
done
check_eq "malformed in all" "$((COUNT - $(expect points)))" "$(field malformed)"
check_eq "control messages: all $CONTROL refused" "0/$CONTROL" \
    "$(last | sed -n 's/.*control=\([0-9]*\/[0-9]*\).*/\1/p')"
check_eq "series tracked: capped by --max-series" $MAX_SERIES "$(field series)"
check_eq "evicted: every distinct series beyond the cap" \
    "$(($(expect distinct) - MAX_SERIES))" "$(field evicted)"

kill $SAMPLER 2>/dev/null
peak=$(sort -n "$WORK/rss.txt" | tail -n 1)
check "RSS stayed bounded: peak ${peak} kB < ${RSS_MAX_KB} kB" [ "${peak:-0}" -lt "$RSS_MAX_KB" ]
warn_lines=$(count_lines 'malformed message' "$WORK/det.log")
check "malformed messages are logged at a bounded rate ($warn_lines lines)" [ "$warn_lines" -le 200 ]

# the detector still works: a good series gets flagged
subscribe anomalies "$WORK/anom.out"
# (past the default detector's warm-up of 200 points)
for i in $(seq 300); do
    echo "PUBLISH response_times '{\"series\":\"after\",\"response_time\":$((10 + i % 2))}'"
done | rcli >/dev/null
rcli publish response_times '{"series":"after","response_time":5000}' >/dev/null
check "good points after the flood are scored and flagged" \
    wait_for 10 grep -q '"series":"after".*"response_time":5000' "$WORK/anom.out"
stop_pid $DET
check_eq "detector exits 0 on SIGTERM" 0 "$STOP_RC"
check "no sanitizer report" sh -c "! grep -q 'Sanitizer\|runtime error' $WORK/det.log"
finish
