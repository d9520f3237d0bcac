#!/bin/bash
# Faults under load, against a real redis-server:
#  a. Redis SIGKILLed and restarted on the same port in the middle of a flood: both programs
#     reconnect, and their final counters add up (see below);
#  b. Redis SIGSTOPped during a flood (40,000 points/s) until the generator has reached its
#     bound on publishes in flight and 4 s more: no crash, the generator's memory stays the same
#     over those 4 s, the detector's does not grow at all, both resume after SIGCONT;
#  c. a stopped subscriber of `anomalies`, with a small pubsub output buffer limit so Redis
#     disconnects it, does not slow the detector: it scores as many points per second as without
#     it (within a factor of 0.8), Redis never disconnects the detector, nothing is dropped;
#  d. SIGTERM during a flood, also while Redis is stopped: exit 0 within the stop grace period,
#     final stats printed and adding up, and no leak or memory error under valgrind
#     (--leak-check=full, errors for definite, indirect and possible leaks); under `make asan`
#     the sanitizers check the same runs instead.
# Rates: 20,000 points/s (a: a few seconds of flood), 5,000/s under ASan; valgrind runs at
# 2,000/s.
. "$(dirname "$0")/../lib.sh"

G="$BLIP_BIN/blip-generator"
D="$BLIP_BIN/blip-detector"
case "$BLIP_BIN" in
*asan*) ASAN=1 RATE=5000 ;;
*) ASAN=0 RATE=20000 ;;
esac
RSS_MAX_KB=$((64 * 1024)) # either program, at any time
[ $ASAN -eq 1 ] && RSS_MAX_KB=$((128 * 1024)) # shadow memory and the quarantine on top

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
# last_stat FIELD LOG: FIELD=N from the last stats line
last_stat() { grep ' stats: ' "$2" | tail -n 1 | tr ' ' '\n' | sed -n "s/^$1=\([0-9]*\).*/\1/p" | head -n 1; }
stat_above() { [ "$(last_stat "$1" "$3")" -gt "$2" ] 2>/dev/null; }
no_sanitizer() { ! grep -q 'Sanitizer\|runtime error' "$@"; }
# adds_up LOG: the generator's points = published + dropped + failed in its final line
adds_up() {
    local made pub drop fail
    made=$(stat_of points "$1") pub=$(stat_of published "$1")
    drop=$(stat_of dropped "$1") fail=$(stat_of failed "$1")
    check_eq "$2: points ($made) = published ($pub) + dropped ($drop) + failed ($fail)" \
        "$made" "$((pub + drop + fail))"
}

# ---- a. SIGKILL and restart mid-flood ----
start_redis || exit 1
"$D" --stats-interval 0.2 2>"$WORK/a-det.log" &
DET=$!
track $DET
check "a: detector subscribed" wait_subscribed response_times
"$G" --rate $RATE --stats-interval 0.2 2>"$WORK/a-gen.log" &
GEN=$!
track $GEN
check "a: the flood reaches the detector" wait_for 10 stat_above points $RATE "$WORK/a-det.log"
kill -KILL "$REDIS_PID"
wait "$REDIS_PID" 2>/dev/null
check "a: detector notices the loss" wait_for 10 grep -q 'subscriber: lost connection' "$WORK/a-det.log"
check "a: generator counts what it cannot publish" wait_for 10 stat_above dropped 0 "$WORK/a-gen.log"
start_redis || exit 1
check "a: detector resubscribes" wait_for 15 grep -q 'subscriber: reconnected' "$WORK/a-det.log"
check "a: detector's publisher reconnects" wait_for 15 grep -q 'publisher: reconnected' "$WORK/a-det.log"
check "a: generator reconnects" wait_for 15 grep -q 'publisher: reconnected' "$WORK/a-gen.log"
before=$(last_stat points "$WORK/a-det.log")
check "a: the flood reaches the detector again" \
    wait_for 15 stat_above points $((before + RATE)) "$WORK/a-det.log"
stop_pid $GEN
check_eq "a: generator exits 0 on SIGTERM during the flood" 0 "$STOP_RC"
# the detector has scored everything delivered once two stats lines agree
settled() { [ "$(grep ' stats: ' "$WORK/a-det.log" | tail -n 2 | sed 's/.*points=\([0-9]*\).*/\1/' | uniq | wc -l)" -eq 1 ]; }
wait_for 10 settled
stop_pid $DET
check_eq "a: detector exits 0" 0 "$STOP_RC"
adds_up "$WORK/a-gen.log" "a: generator"
pub=$(stat_of published "$WORK/a-gen.log")
fail=$(stat_of failed "$WORK/a-gen.log")
nosub=$(stat_of no_subscribers "$WORK/a-gen.log")
seen=$(stat_of points "$WORK/a-det.log")
echo "# a: generator published=$pub failed=$fail no_subscribers=$nosub; detector points=$seen"
# The detector is the only subscriber of response_times, so Redis delivered to it exactly the
# acknowledged publishes that reached a subscriber: published - no_subscribers (the ones
# acknowledged while it was resubscribing reached nobody). It cannot have seen more, except
# publishes whose acknowledgement the SIGKILL swallowed (counted failed, yet perhaps delivered).
# It must have seen all of them but what Redis had accepted and not yet written to its socket at
# the instant of the SIGKILL: one turn of Redis's event loop, a few hundred messages at most
# (1,000 allowed here).
check "a: detector points ($seen) <= published - no_subscribers + failed ($((pub - nosub + fail)))" \
    [ "$seen" -le $((pub - nosub + fail)) ]
check "a: detector points ($seen) >= published - no_subscribers - 1000 ($((pub - nosub - 1000)))" \
    [ "$seen" -ge $((pub - nosub - 1000)) ]
check_eq "a: detector counted 2 reconnects (subscriber, publisher)" 2 "$(stat_of reconnects "$WORK/a-det.log")"
check_eq "a: generator counted 1 reconnect" 1 "$(stat_of reconnects "$WORK/a-gen.log")"
check_eq "a: detector found nothing malformed" 0 "$(stat_of malformed "$WORK/a-det.log")"
check "a: no sanitizer report" no_sanitizer "$WORK/a-det.log" "$WORK/a-gen.log"

# ---- b. SIGSTOP mid-flood ----
# The generator's bound on publishes in flight (--max-pending, default 100,000) is reached about
# 2.5 s into the pause at 40,000 points/s (2 s at 5,000/s with 10,000 under ASan); after that it
# refuses and counts, and its memory must stay flat.
if [ $ASAN -eq 1 ]; then
    B_RATE=$RATE B_PENDING=10000
else
    B_RATE=40000 B_PENDING=100000
fi
"$D" --stats-interval 0.2 2>"$WORK/b-det.log" &
DET=$!
track $DET
wait_subscribed response_times
"$G" --rate $B_RATE --max-pending $B_PENDING --stats-interval 0.2 2>"$WORK/b-gen.log" &
GEN=$!
track $GEN
check "b: the flood reaches the detector" wait_for 10 stat_above points $B_RATE "$WORK/b-det.log"
det0=$(rss_kb $DET)
dropped0=$(last_stat dropped "$WORK/b-gen.log")
kill -STOP "$REDIS_PID"
# once the generator drops points its bound on publishes in flight is reached: from then on a
# longer pause must not cost more memory
check "b: the generator reaches its bound and drops what exceeds it, counted" \
    wait_for 20 stat_above dropped "$dropped0" "$WORK/b-gen.log"
gen1=$(rss_kb $GEN) det1=$(rss_kb $DET)
sleep 4 # the pause goes on: 4 s more of points refused and counted
gen2=$(rss_kb $GEN) det2=$(rss_kb $DET)
pub_paused=$(last_stat published "$WORK/b-gen.log")
kill -CONT "$REDIS_PID"
echo "# b: RSS kB: detector before=$det0 at the bound=$det1 4 s later=$det2; generator at the bound=$gen1 4 s later=$gen2"
check "b: both programs survive the pause" kill -0 $DET $GEN
check "b: generator RSS bounded (${gen2} kB < ${RSS_MAX_KB} kB)" [ "$gen2" -lt $RSS_MAX_KB ]
check "b: detector RSS bounded (${det2} kB < ${RSS_MAX_KB} kB)" [ "$det2" -lt $RSS_MAX_KB ]
check "b: generator RSS does not grow with the pause (+1 MB allowed)" [ "$gen2" -le $((gen1 + 1024)) ]
check "b: detector RSS does not grow in the pause (+1 MB allowed)" [ "$det2" -le $((det0 + 1024)) ]
check "b: generator resumes" \
    wait_for 15 stat_above published $((pub_paused + B_PENDING + B_RATE)) "$WORK/b-gen.log"
det_points=$(last_stat points "$WORK/b-det.log")
check "b: detector resumes" wait_for 15 stat_above points $((det_points + B_RATE)) "$WORK/b-det.log"
stop_pid $GEN
check_eq "b: generator exits 0" 0 "$STOP_RC"
stop_pid $DET
check_eq "b: detector exits 0" 0 "$STOP_RC"
adds_up "$WORK/b-gen.log" "b: generator"
check_eq "b: nobody reconnected (a pause is not a loss)" 0 \
    "$(($(stat_of reconnects "$WORK/b-gen.log") + $(stat_of reconnects "$WORK/b-det.log")))"
check "b: no sanitizer report" no_sanitizer "$WORK/b-det.log" "$WORK/b-gen.log"

# ---- c. a slow consumer of anomalies ----
stop_redis
start_redis --client-output-buffer-limit 'pubsub 4mb 2mb 1' || exit 1
# every deviating point is published: many anomalies per second for the slow consumer
"$D" --algo sma --window 50 --report points --threshold 0.5 --cooldown 0 --stats-interval 0.2 2>"$WORK/c-det.log" &
DET=$!
track $DET
wait_subscribed response_times
subscribe anomalies "$WORK/c-fast.out"
# long enough for the stopped consumer to overflow its kernel socket buffers and then Redis's
# limit: 3 s (8 s at the lower rate under ASan)
FLOOD=$((RATE * (ASAN ? 8 : 3)))
# run_flood NAME: FLOOD points at RATE; sets ELAPSED_MS (start to the detector having scored them)
run_flood() {
    local base start
    base=$(last_stat points "$WORK/c-det.log")
    start=$(date +%s%N)
    "$G" --rate $RATE --count $FLOOD --stats-interval 0 2>"$WORK/c-gen-$1.log"
    wait_for 30 stat_above points $((base + FLOOD - 1)) "$WORK/c-det.log"
    ELAPSED_MS=$((($(date +%s%N) - start) / 1000000))
}
run_flood alone
alone_ms=$ELAPSED_MS
redis-cli -p "$REDIS_PORT" subscribe anomalies anomalies:low anomalies:medium anomalies:high \
    >/dev/null 2>&1 &
SLOW=$!
track $SLOW
wait_subscribed anomalies 2
kill -STOP $SLOW
run_flood slow
slow_ms=$ELAPSED_MS
rate_alone=$((FLOOD * 1000 / alone_ms))
rate_slow=$((FLOOD * 1000 / slow_ms))
echo "# c: $FLOOD points: ${alone_ms} ms without the slow consumer ($rate_alone/s), ${slow_ms} ms with it ($rate_slow/s)"
check "c: points/s with a stopped consumer ($rate_slow) >= 0.8 x without ($rate_alone)" \
    [ $((rate_slow * 10)) -ge $((rate_alone * 8)) ]
check "c: Redis disconnected the stopped consumer" \
    wait_for 10 grep -q 'scheduled to be closed ASAP for overcoming of output buffer limits' "$WORK/redis.log"
check_eq "c: the other consumer is still subscribed" 1 "$(numsub anomalies)"
kill -CONT $SLOW
kill -TERM $SLOW
wait $SLOW 2>/dev/null
stop_pid $DET
check_eq "c: detector exits 0" 0 "$STOP_RC"
check_eq "c: detector scored every point" $((2 * FLOOD)) "$(stat_of points "$WORK/c-det.log")"
check "c: over half the points were flagged (work for the consumers)" \
    [ "$(stat_of anomalies "$WORK/c-det.log")" -gt $FLOOD ]
check_eq "c: the detector was never disconnected" 0 "$(stat_of reconnects "$WORK/c-det.log")"
check_eq "c: the detector dropped no publish" 0 "$(stat_of dropped "$WORK/c-det.log")"
check_eq "c: no publish of the detector failed" 0 "$(stat_of failed "$WORK/c-det.log")"
check "c: no lost connection logged" sh -c "! grep -q 'lost connection' $WORK/c-det.log"

# ---- d. SIGTERM during a flood, under valgrind ----
stop_redis
start_redis || exit 1
VG=()
VRATE=2000
if [ $ASAN -eq 0 ]; then
    VG=(valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect,possible
        --error-exitcode=9)
fi
# term_within NAME PID: SIGTERM, exit 0 within 10 s (the stop grace period is 3 s)
term_within() {
    local start=$(date +%s%N)
    stop_pid "$2"
    check_eq "d: $1 exits 0 on SIGTERM (valgrind: 9 on any error or leak)" 0 "$STOP_RC"
    echo "# d: $1 stopped in $((($(date +%s%N) - start) / 1000000)) ms"
}
clean_run() { # NAME LOG
    check "d: $1 printed its final stats" grep -q ' final: points=' "$2"
    if [ $ASAN -eq 0 ]; then
        check "d: $1: valgrind found no error" grep -q 'ERROR SUMMARY: 0 errors' "$2"
        check "d: $1: no leak" sh -c "grep -q 'All heap blocks were freed' $2 || ! grep -q 'definitely lost: [1-9]\|indirectly lost: [1-9]\|possibly lost: [1-9]' $2"
    else
        check "d: $1: no sanitizer report" no_sanitizer "$2"
    fi
}
for round in live stalled; do
    "${VG[@]}" "$D" --stats-interval 0.5 2>"$WORK/d-$round-det.log" &
    DET=$!
    track $DET
    check "d ($round): detector subscribed" wait_subscribed response_times
    "${VG[@]}" "$G" --rate $VRATE --stats-interval 0.5 2>"$WORK/d-$round-gen.log" &
    GEN=$!
    track $GEN
    check "d ($round): the flood reaches the detector" \
        wait_for 20 stat_above points $VRATE "$WORK/d-$round-det.log"
    # stalled: Redis stops answering, so replies are still due when the programs stop
    [ $round = stalled ] && kill -STOP "$REDIS_PID"
    term_within "generator ($round)" $GEN
    term_within "detector ($round)" $DET
    [ $round = stalled ] && kill -CONT "$REDIS_PID"
    clean_run "generator ($round)" "$WORK/d-$round-gen.log"
    clean_run "detector ($round)" "$WORK/d-$round-det.log"
    adds_up "$WORK/d-$round-gen.log" "d ($round): generator"
done
check "d (stalled): replies still due were counted as failed" \
    [ "$(stat_of failed "$WORK/d-stalled-gen.log")" -gt 0 ]
finish
