#!/bin/bash
# History in Redis streams: a late reader finds the anomalies and episode events it missed with
# XRANGE, and a consumer group reads them with XREADGROUP; the streams stay capped (MAXLEN ~);
# failures and drops are counted; the generator keeps a capped stream of points per series.
. "$(dirname "$0")/../lib.sh"
D="$BLIP_BIN/blip-detector"
G="$BLIP_BIN/blip-generator"

start_redis || exit 1
"$D" $SMA_ORIGINAL --window 20 --cooldown 0 --stats-interval 0.2 2>"$WORK/det.log" &
DET=$!
track $DET
check "detector subscribes" wait_subscribed response_times
check_eq "nobody listens on anomalies" 0 "$(numsub anomalies)"

pub() { rcli publish response_times "{\"series\":\"$1\",\"seq\":$2,\"ts\":$((1700000000000 + $2)),\"response_time\":$3}" >/dev/null; }
for i in $(seq 1 25); do pub web "$i" $((100 + i % 3)); done
pub web 26 500
pub web 27 101
for i in $(seq 28 60); do pub web "$i" $((100 + i % 3)); done
pub web 61 900
pub web 62 101
check "both spikes reach the stream" wait_for 10 sh -c "[ \"\$(redis-cli -p $REDIS_PORT xlen blip:anomalies)\" = 2 ]"

# a late reader: XRANGE
rcli --no-raw xrange blip:anomalies - + >"$WORK/xrange.out"
first=$(rcli xrange blip:anomalies - + COUNT 1)
check_eq "entry fields: series, severity, json" "series web severity high json" \
    "$(sed -n '2p;3p;4p;5p;6p' <<<"$first" | tr '\n' ' ' | awk '{print $1, $2, $3, $4, $5}')"
json=$(sed -n '7p' <<<"$first")
check_eq "json is the anomaly message" "web 26 500 true high sma" \
    "$(jq -r '"\(.series) \(.seq) \(.response_time) \(.anomaly) \(.severity) \(.detector)"' <<<"$json")"
for f in ts score mean std threshold; do
    check "the stored message has \"$f\"" jq -e "has(\"$f\")" <<<"$json"
done
last=$(rcli xrevrange blip:anomalies + - COUNT 1 | sed -n '7p')
check_eq "the newest entry is the second spike" 61 "$(jq -r .seq <<<"$last")"

# episode events
events=$(rcli xrange blip:episodes - + | grep '^{' | jq -r '"\(.event):\(.episode)"' | tr '\n' ' ' | sed 's/ $//')
check_eq "blip:episodes holds open and close of both episodes" "open:1 close:1 open:2 close:2" "$events"
check_eq "episode entries name their event" "event open" "$(rcli xrange blip:episodes - + COUNT 1 | sed -n '4p;5p' | tr '\n' ' ' | sed 's/ $//')"

# a consumer group reads from the start, acknowledges, and then has nothing pending
check_eq "XGROUP CREATE" OK "$(rcli xgroup create blip:anomalies ops 0)"
rcli xreadgroup GROUP ops reader1 COUNT 10 STREAMS blip:anomalies '>' >"$WORK/group.out"
check_eq "XREADGROUP delivers both anomalies" 2 "$(grep -c '"anomaly":true' "$WORK/group.out")"
ids=$(rcli xrange blip:anomalies - + | grep -E '^[0-9]+-[0-9]+$' | tr '\n' ' ')
# shellcheck disable=SC2086
check_eq "XACK both" 2 "$(rcli xack blip:anomalies ops $ids)"
check_eq "nothing left pending" 0 "$(rcli xpending blip:anomalies ops | head -n 1)"
pub web 63 2000
pub web 64 101
newer() { rcli xreadgroup GROUP ops reader1 COUNT 10 STREAMS blip:anomalies '>' | grep -q '"seq":63'; }
check "the group gets only what is new" wait_for 10 newer

stop_pid $DET
check_eq "detector exits 0" 0 "$STOP_RC"
check_eq "final stats: entries added (3 anomalies + 6 episode events)" 9 "$(stat_of history "$WORK/det.log")"
check_eq "final stats: none dropped" 0 "$(stat_of history_dropped "$WORK/det.log")"

# capped: MAXLEN ~ trims in whole nodes, so the length stays near the cap, never unbounded
rcli del blip:anomalies blip:episodes >/dev/null
"$D" $SMA_ORIGINAL --window 5 --threshold 0.5 --report points --history-len 50 --history-key ops:anomalies \
    --history-episodes-key ops:episodes --stats-interval 0.2 2>"$WORK/det2.log" &
DET=$!
track $DET
wait_subscribed response_times
"$G" --seed 3 --rate 0 --count 5000 --noise 20 2>/dev/null
flagged() { grep ' stats: ' "$WORK/det2.log" | tail -n 1 | sed -n 's/.*anomalies=\([0-9]*\).*/\1/p'; }
check "many points flagged" wait_for 10 sh -c "[ \"\$(grep ' stats: ' $WORK/det2.log | tail -n 1 | sed -n 's/.* points=\([0-9]*\).*/\1/p')\" = 5000 ]"
n=$(flagged)
len=$(rcli xlen ops:anomalies)
check "--history-key names the stream ($len entries of $n anomalies)" [ "$len" -gt 0 ]
check "--history-len 50 keeps it capped ($len <= 200 of $n)" [ "$len" -le 200 ] && [ "$n" -gt 400 ]
check "--history-episodes-key names the episode stream" sh -c "[ \$(redis-cli -p $REDIS_PORT xlen ops:episodes) -gt 0 ]"
check_eq "the default key is unused" 0 "$(rcli exists blip:anomalies)"
stop_pid $DET
check_eq "detector exits 0" 0 "$STOP_RC"

# a refused XADD (the key holds a string) is counted and logged, not fatal
rcli set blip:anomalies not-a-stream >/dev/null
"$D" $SMA_ORIGINAL --window 5 --stats-interval 0.2 2>"$WORK/det3.log" &
DET=$!
track $DET
wait_subscribed response_times
for i in $(seq 1 10); do pub x "$i" 10; done
pub x 11 99
check "the refusal is logged" wait_for 10 grep -q 'XADD blip:anomalies refused: WRONGTYPE' "$WORK/det3.log"
check "and counted" wait_for 5 sh -c "grep ' stats: ' $WORK/det3.log | tail -n 1 | grep -q 'history_failed=1'"
check "the detector keeps running" kill -0 $DET
stop_pid $DET
check_eq "detector exits 0" 0 "$STOP_RC"
rcli del blip:anomalies blip:episodes >/dev/null

# --no-history writes nothing; commands beyond --max-pending are dropped and counted
"$D" $SMA_ORIGINAL --window 5 --no-history --stats-interval 0.2 2>"$WORK/det4.log" &
DET=$!
track $DET
wait_subscribed response_times
for i in $(seq 1 10); do pub y "$i" 10; done
pub y 11 99
check "--no-history: the anomaly is still published" wait_for 10 sh -c "grep ' stats: ' $WORK/det4.log | tail -n 1 | grep -q 'anomalies=1 '"
check_eq "--no-history: no stream" 0 "$(rcli exists blip:anomalies)"
check "--no-history: no history figures in the stats line" sh -c "! grep -q 'history=' $WORK/det4.log"
stop_pid $DET
check_eq "detector exits 0" 0 "$STOP_RC"
"$D" $SMA_ORIGINAL --window 5 --threshold 0.5 --report points --max-pending 1 --stats-interval 0.2 \
    2>"$WORK/det5.log" &
DET=$!
track $DET
wait_subscribed response_times
"$G" --seed 4 --rate 0 --count 3000 --noise 20 2>/dev/null
stop_pid $DET
check_eq "detector exits 0" 0 "$STOP_RC"
check "--max-pending bounds XADD too: drops are counted" sh -c "[ \"$(stat_of history_dropped "$WORK/det5.log")\" -gt 0 ]"
a=$(stat_of history "$WORK/det5.log")
check_eq "what was added is in the stream" "$a" "$(($(rcli xlen blip:anomalies) + $(rcli xlen blip:episodes)))"

# the generator: a capped stream of points per series
"$G" --seed 5 --rate 0 --count 600 --series a,b --history 100 --stats-interval 0 \
    2>"$WORK/gen.log"
check_eq "generator exits 0" 0 $?
la=$(rcli xlen blip:points:a)
check "blip:points:a holds about the last 100 points ($la)" [ "$la" -ge 100 ] && [ "$la" -le 300 ]
check "blip:points:b too" sh -c "[ \$(redis-cli -p $REDIS_PORT xlen blip:points:b) -ge 100 ]"
newest=$(rcli xrevrange blip:points:a + - COUNT 1)
check_eq "the newest entry is the last point of a" "json a 299" "$(sed -n 2p <<<"$newest") $(sed -n 3p <<<"$newest" | jq -r '"\(.series) \(.seq)"')"
check_eq "final stats: 600 added" 600 "$(stat_of history "$WORK/gen.log")"
"$G" --seed 5 --rate 0 --count 10 --history 5 --history-prefix pts: --series c 2>/dev/null
check_eq "--history-prefix names the stream" 10 "$(rcli xlen pts:c)"
finish
