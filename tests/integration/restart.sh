#!/bin/bash
# Redis going away is normal: the detector and the generator keep running, reconnect with
# backoff, resubscribe, and points flow again; the generator counts what it could not publish.
. "$(dirname "$0")/../lib.sh"

start_redis || exit 1
"$BLIP_BIN/blip-detector" --window 5 --stats-interval 0.2 2>"$WORK/det.log" &
DET=$!
track $DET
"$BLIP_BIN/blip-generator" --rate 200 --stats-interval 0.2 2>"$WORK/gen.log" &
GEN=$!
track $GEN
check "detector subscribed" wait_subscribed response_times
points() { grep ' stats: ' "$WORK/det.log" | tail -n 1 | sed -n 's/.*points=\([0-9]*\).*/\1/p'; }
check "points flow before the restart" wait_for 10 sh -c "[ \"\$(grep ' stats: ' $WORK/det.log | tail -n 1 | sed -n 's/.*points=\([0-9]*\).*/\1/p')\" -gt 100 ]"

kill -KILL "$REDIS_PID"
wait "$REDIS_PID" 2>/dev/null
check "generator notices and counts dropped points" wait_for 10 sh -c "grep ' stats: ' $WORK/gen.log | tail -n 1 | grep -qv 'dropped=0 '"
check "detector logs the loss" wait_for 10 grep -q 'lost connection' "$WORK/det.log"
check "both programs keep running without Redis" sh -c "kill -0 $DET && kill -0 $GEN"

before=$(points)
start_redis
check "detector reconnects" wait_for 15 grep -q 'subscriber: reconnected' "$WORK/det.log"
check "detector resubscribes" wait_subscribed response_times
check "generator reconnects" wait_for 15 grep -q 'publisher: reconnected' "$WORK/gen.log"
check "points flow again after the restart" wait_for 10 sh -c "[ \"\$(grep ' stats: ' $WORK/det.log | tail -n 1 | sed -n 's/.*points=\([0-9]*\).*/\1/p')\" -gt $((before + 100)) ]"
subscribe anomalies "$WORK/anom.out"
# a series of its own: on "web" an episode already open at high severity (or its cool-down)
# would rightly not report the spike
for v in 10 11 10 11 10 100000; do
    rcli publish response_times "{\"series\":\"probe\",\"response_time\":$v}" >/dev/null
done
check "anomalies are published after the restart" wait_for 10 grep -q '"series":"probe".*"response_time":100000' "$WORK/anom.out"

stop_pid $GEN
check_eq "generator exits 0 on SIGTERM" 0 "$STOP_RC"
stop_pid $DET
check_eq "detector exits 0 on SIGTERM" 0 "$STOP_RC"
check "detector's final stats count a reconnect" sh -c "[ \"$(stat_of reconnects "$WORK/det.log")\" -ge 1 ]"
made=$(stat_of points "$WORK/gen.log")
pub=$(stat_of published "$WORK/gen.log")
drop=$(stat_of dropped "$WORK/gen.log")
fail=$(stat_of failed "$WORK/gen.log")
check_eq "generator: published + dropped + failed = points made" "$made" "$((pub + drop + fail))"
finish
