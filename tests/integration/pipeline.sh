#!/bin/bash
# generator -> Redis -> detector -> `redis-cli subscribe anomalies`: the injected spikes arrive,
# the messages carry every documented field, severity channels get their share, counters agree.
. "$(dirname "$0")/../lib.sh"

start_redis || exit 1
subscribe anomalies "$WORK/all.out" || { not_ok "subscribe anomalies"; finish; exit 1; }
subscribe anomalies:high "$WORK/high.out"
subscribe episodes "$WORK/episodes.out"

"$BLIP_BIN/blip-detector" --stats-interval 0.5 2>"$WORK/det.log" &
DET=$!
track $DET
check "detector subscribes to response_times" wait_subscribed response_times

# the default detector reports an episode at most every 300 points (its cooldown): spikes a few
# hundred points apart, large enough to be unmistakable
COUNT=8000
"$BLIP_BIN/blip-generator" --seed 11 --rate 4000 --count $COUNT --spike-prob 0.003 \
    --spike-scale 60 2>"$WORK/gen.log"
check_eq "generator exits 0 after --count points" 0 $?
check_eq "generator published every point" $COUNT "$(stat_of published "$WORK/gen.log")"
check_eq "generator dropped nothing" 0 "$(stat_of dropped "$WORK/gen.log")"

# the detector has seen all points once its stats line says so
seen_all() { [ "$(grep ' stats: ' "$WORK/det.log" | tail -n 1 | sed -n 's/.*points=\([0-9]*\).*/\1/p')" = "$COUNT" ]; }
check "detector scored all $COUNT points" wait_for 10 seen_all

labelled() { grep -c '"label":1,"anomaly":true' "$WORK/all.out"; }
check "injected spikes (label 1) arrive on anomalies" wait_for 10 sh -c "[ \$(grep -c '\"label\":1,\"anomaly\":true' $WORK/all.out) -ge 5 ]"
msg=$(grep '"anomaly":true' "$WORK/all.out" | head -n 1)
for field in series seq ts response_time phase label anomaly detector score mean std threshold severity; do
    case "$msg" in *"\"$field\":"*) ok "anomaly message has \"$field\"" ;; *) not_ok "anomaly message lacks \"$field\": $msg" ;; esac
done
check "high-severity spikes arrive on anomalies:high" wait_for 5 grep -q '"severity":"high"' "$WORK/high.out"
check "anomalies:high carries only high severity" sh -c "! grep '\"anomaly\":true' $WORK/high.out | grep -qv '\"severity\":\"high\"'"

stop_pid $DET
check_eq "detector exits 0 on SIGTERM" 0 "$STOP_RC"
total=$(grep -c '"anomaly":true' "$WORK/all.out")
check_eq "final stats count the anomalies published" "$total" "$(stat_of anomalies "$WORK/det.log")"
events=$(grep -c '"event":' "$WORK/episodes.out")
check "episode events were published ($events)" [ "$events" -ge "$total" ]
check_eq "published = 2 per anomaly (all + severity) + 1 per episode event" $((total * 2 + events)) "$(stat_of published "$WORK/det.log")"
check "detector logs each anomaly" grep -q 'Anomaly detected: series=web' "$WORK/det.log"
check "detector never logs a line per normal point" sh -c "[ \$(wc -l < $WORK/det.log) -lt \$(( $total + 50 )) ]"
check "final stats line printed" grep -q ' final: points=' "$WORK/det.log"
finish
