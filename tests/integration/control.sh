#!/bin/bash
# Episodes and run-time tuning, live: episode events on `episodes`; control messages change
# settings without a restart, are acknowledged or refused with a reason on the reply channel,
# and are kept in a Redis hash that a restarted detector resumes from.
. "$(dirname "$0")/../lib.sh"
D="$BLIP_BIN/blip-detector"

start_redis || exit 1
subscribe episodes "$WORK/ep.out"
subscribe anomalies "$WORK/an.out"
subscribe blip:control:reply "$WORK/reply.out"
"$D" $SMA_ORIGINAL --window 20 --cooldown 5 --stats-interval 0.2 2>"$WORK/det.log" &
DET=$!
track $DET
check "detector subscribes to the control channel" wait_subscribed blip:control

pub() { rcli publish response_times "{\"series\":\"$1\",\"seq\":$2,\"ts\":$((1000 + $2)),\"response_time\":$3}" >/dev/null; }
# 30 calm points, then 3 high ones, then calm again
for i in $(seq 1 30); do pub web $i $((100 + i % 3)); done
for i in 31 32 33; do pub web $i 300; done
for i in $(seq 34 60); do pub web $i $((100 + i % 3)); done
check "an episode opens" wait_for 10 grep -q '"event":"open","series":"web","episode":1' "$WORK/ep.out"
check "and closes" wait_for 10 grep -q '"event":"close","series":"web","episode":1' "$WORK/ep.out"
close=$(grep '"event":"close"' "$WORK/ep.out" | head -n 1)
check "the close event spans the 3 deviating points" grep -q '"start_ts":1031,"end_ts":1033' <<<"$close"
check "the close event has peak_score, severity and points" grep -qE '"peak_score":[0-9.]+,"severity":"high","points":3' <<<"$close"
check_eq "one anomaly message for the whole episode" 1 "$(grep -c '"anomaly":true' "$WORK/an.out")"

ctl() { rcli publish blip:control "$1" >/dev/null; }
ctl '{"series":"web","threshold":3.5,"cooldown":20,"id":"a1"}'
check "a control message is acknowledged" wait_for 10 grep -q '"ok":true,"id":"a1","series":"web"' "$WORK/reply.out"
check "the reply carries the new settings" grep -q '"id":"a1".*"threshold":3.5.*"cooldown":20' "$WORK/reply.out"
check "the settings are kept in the hash" wait_for 5 sh -c "redis-cli -p $REDIS_PORT hget blip:config web | grep -q '\"threshold\":3.5'"
ctl '{"threshold":-1,"id":"b1"}'
check "a bad value is refused with the reason" wait_for 10 grep -q '"ok":false,"id":"b1","series":"\*","error":"threshold: expected a number' "$WORK/reply.out"
ctl '{"series":"web","colour":"red","id":"b2"}'
check "an unknown setting is refused" wait_for 10 grep -q '"id":"b2".*"error":"unknown setting \\"colour\\""' "$WORK/reply.out"
ctl 'threshold=3'
check "a non-JSON message is refused" wait_for 10 grep -q '"error":"control message must be a JSON object"' "$WORK/reply.out"
ctl '{"series":"web","window":1,"id":"b3"}'
check "an out-of-range window is refused" wait_for 10 grep -q '"id":"b3".*"error":"window: expected an integer 2..100000, got 1"' "$WORK/reply.out"
ctl '{"series":"web","end_threshold":9,"id":"b4"}'
check "a hysteresis above the threshold is refused" wait_for 10 grep -q '"id":"b4".*must not exceed threshold' "$WORK/reply.out"
ctl '{"get":true,"series":"web","id":"g1"}'
check "refused messages changed nothing" wait_for 10 grep -q '"id":"g1".*"threshold":3.5,.*"cooldown":20' "$WORK/reply.out"
check "the detector counts accepted and refused control messages" wait_for 5 grep -q 'control=2/5' "$WORK/det.log"
check "the detector is still running" kill -0 $DET

# the new threshold is in force: a 4-SD point is no longer flagged, a huge one is
for i in $(seq 61 100); do pub web $i $((100 + i % 3)); done
n_before=$(grep -c '"anomaly":true' "$WORK/an.out")
ctl '{"series":"web","algo":"mad","id":"c1"}'
check "switching the algorithm is acknowledged" wait_for 10 grep -q '"id":"c1".*"algo":"mad"' "$WORK/reply.out"

stop_pid $DET
check_eq "detector exits 0" 0 "$STOP_RC"
"$D" --stats-interval 0.2 2>"$WORK/det2.log" &
DET=$!
track $DET
check "a restarted detector resumes the saved settings" wait_for 10 grep -q 'resumed saved settings for web' "$WORK/det2.log"
wait_subscribed blip:control
ctl '{"get":true,"series":"web","id":"g2"}'
check "and reports them" wait_for 10 grep -q '"id":"g2".*"algo":"mad"' "$WORK/reply.out"
ctl '{"get":true,"series":"other","id":"g3"}'
check "other series keep the global settings (the default algorithm)" wait_for 10 grep -q '"id":"g3".*"algo":"knn"' "$WORK/reply.out"
"$D" --no-persist --stats-interval 0 2>"$WORK/det3.log" &
D3=$!
track $D3
check "--no-persist ignores the saved settings" wait_for 10 grep -q 'subscribed to "response_times"' "$WORK/det3.log"
check "and says nothing about them" sh -c "! grep -q 'resumed saved' $WORK/det3.log"
finish
