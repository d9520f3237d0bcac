#!/bin/bash
# blip-generator's observable behaviour: seeded determinism, --count, series and profiles,
# pacing, replay of a recorded CSV, and waiting for a Redis that is not there yet.
. "$(dirname "$0")/../lib.sh"
G="$BLIP_BIN/blip-generator"

"$G" --stdout --seed 42 --count 2000 --rate 0 >"$WORK/a.jsonl" 2>/dev/null
"$G" --stdout --seed 42 --count 2000 --rate 0 >"$WORK/b.jsonl" 2>/dev/null
check "the same seed gives a byte-identical stream" cmp -s "$WORK/a.jsonl" "$WORK/b.jsonl"
"$G" --stdout --seed 43 --count 2000 --rate 0 >"$WORK/c.jsonl" 2>/dev/null
check "another seed gives another stream" sh -c "! cmp -s $WORK/a.jsonl $WORK/c.jsonl"
check_eq "--count 2000 prints 2000 points" 2000 "$(wc -l <"$WORK/a.jsonl")"
check_eq "first point" '{"series":"web","seq":0,"ts":1767225600000,"response_time":203.9,"phase":"NORMAL","label":0}' "$(head -n 1 "$WORK/a.jsonl")"
check_eq "phases: 200 NORMAL, 100 RAMP_UP, 200 HIGH, 100 RAMP_DOWN per 600" "200 100 200 100" \
    "$(head -n 600 "$WORK/a.jsonl" | grep -o '"phase":"[A-Z_]*"' | uniq -c | awk '{printf "%s%s", s, $1; s=" "}')"
spikes=$(grep -c '"label":1' "$WORK/a.jsonl")
check "about 1% of points are labelled spikes ($spikes of 2000)" [ "$spikes" -ge 8 ] && [ "$spikes" -le 40 ]
check "seq counts up from 0" sh -c "[ \"\$(sed -n 's/.*\"seq\":\([0-9]*\).*/\1/p' $WORK/a.jsonl | awk 'NR-1!=\$1' | wc -l)\" = 0 ]"

"$G" --stdout --seed 1 --count 9 --rate 0 --series a,b,c >"$WORK/abc.jsonl" 2>/dev/null
check_eq "--series a,b,c: one point per series per tick" "a b c a b c a b c" \
    "$(sed 's/.*"series":"\([a-z]*\)".*/\1/' "$WORK/abc.jsonl" | tr '\n' ' ' | sed 's/ $//')"
"$G" --stdout --seed 1 --count 3 --rate 0 --series-count 3 --series node >"$WORK/n.jsonl" 2>/dev/null
check_eq "--series-count names series <first>-i" "node-0 node-1 node-2" \
    "$(sed 's/.*"series":"\([a-z0-9-]*\)".*/\1/' "$WORK/n.jsonl" | tr '\n' ' ' | sed 's/ $//')"
"$G" --stdout --seed 1 --count 4 --rate 0 --profile system >"$WORK/sys.jsonl" 2>/dev/null
check_eq "--profile system: cpu memory disk network" "cpu:% memory:% disk:MB/s network:KB/s" \
    "$(sed 's/.*"series":"\([a-z]*\)".*"unit":"\([^"]*\)".*/\1:\2/' "$WORK/sys.jsonl" | tr '\n' ' ' | sed 's/ $//')"
check "system points use the \"value\" key" grep -q '"value":' "$WORK/sys.jsonl"
"$G" --stdout --seed 5 --count 3000 --rate 0 --spike-prob 0 >"$WORK/ns.jsonl" 2>/dev/null
check_eq "--spike-prob 0: no labelled points" 0 "$(grep -c '"label":1' "$WORK/ns.jsonl")"
"$G" --stdout --seed 5 --count 300 --rate 0 --phases HIGH:300 --base 100 --high-offset 50 \
    --noise 0 --spike-prob 0 >"$WORK/h.jsonl" 2>/dev/null
check_eq "--phases HIGH:300 --base 100 --high-offset 50 --noise 0: all 150" 300 \
    "$(grep -c '"response_time":150,"phase":"HIGH"' "$WORK/h.jsonl")"
"$G" --stdout --seed 5 --count 2 --rate 0 --start-ts 1000 >"$WORK/t.jsonl" 2>/dev/null
check "--start-ts sets the first ts, --rate 0 spaces them 1 ms" grep -q '"seq":1,"ts":1001' "$WORK/t.jsonl"
"$G" --stdout --seed 5 --count 2 --rate 4 --start-ts 1000 >"$WORK/t4.jsonl" 2>/dev/null
check "--rate 4 spaces ts 250 ms apart" grep -q '"seq":1,"ts":1250' "$WORK/t4.jsonl"

start=$(date +%s%N)
"$G" --stdout --count 40 --rate 100 >/dev/null 2>&1
ms=$((($(date +%s%N) - start) / 1000000))
check "--rate 100 paces 40 points over ~0.4 s (took ${ms} ms)" [ "$ms" -ge 350 ] && [ "$ms" -le 3000 ]

# replay: header, a bad row, a label column
cat >"$WORK/rec.csv" <<'CSV'
timestamp,value,is_anomaly
2014-04-01 00:00:00,10.5,0
2014-04-01 00:05:00,11,0
2014-04-01 00:10:00,oops,0
2014-04-01 00:15:00,99,1
CSV
"$G" --stdout --replay "$WORK/rec.csv" --rate 0 >"$WORK/rec.jsonl" 2>"$WORK/rec.err"
check_eq "replay publishes the 3 good rows" 3 "$(wc -l <"$WORK/rec.jsonl")"
check_eq "replay point" '{"series":"rec","seq":2,"ts":1396311300000,"value":99,"label":1}' "$(tail -n 1 "$WORK/rec.jsonl")"
check "replay logs the bad row with its line number" grep -q 'rec.csv line 4 skipped: value "oops" is not a number' "$WORK/rec.err"
check "replay counts the bad row" grep -q 'bad_rows=1' "$WORK/rec.err"
start=$(date +%s%N)
"$G" --stdout --replay "$WORK/rec.csv" --speed 1500 >/dev/null 2>&1
ms=$((($(date +%s%N) - start) / 1000000))
check "--speed 1500 replays 15 recorded minutes in ~0.6 s (took ${ms} ms)" [ "$ms" -ge 500 ] && [ "$ms" -le 3000 ]

# no Redis yet: the generator waits, retries, then publishes once Redis appears
start_redis || exit 1
stop_redis
"$G" --rate 100 --count 50 --stats-interval 0.2 2>"$WORK/wait.log" &
GP=$!
track $GP
check "generator logs that it cannot connect" wait_for 10 grep -q 'cannot connect to redis://127.0.0.1' "$WORK/wait.log"
check "generator keeps running without Redis" kill -0 $GP
start_redis
check "generator finishes once Redis is there" exits_within 20 $GP
wait $GP
check_eq "generator exit status" 0 $?
check_eq "nothing was dropped while waiting for the first connection" 0 "$(stat_of dropped "$WORK/wait.log")"
check_eq "all 50 points published" 50 "$(stat_of published "$WORK/wait.log")"

# a wrong password is fatal and clear
stop_redis
REDIS_CLI_AUTH="-a s3cret --no-auth-warning"
start_redis --requirepass s3cret
"$G" --redis "redis://:wrong@127.0.0.1:$REDIS_PORT" --count 1 2>"$WORK/auth.log"
check_eq "a wrong password exits 1" 1 $?
check "the reason is logged" grep -q 'AUTH refused: WRONGPASS' "$WORK/auth.log"
check "the password is not logged" sh -c "! grep -q wrong $WORK/auth.log"
"$G" --redis "redis://:s3cret@127.0.0.1:$REDIS_PORT" --count 5 --rate 0 2>"$WORK/auth2.log"
check_eq "the right password works" 0 $?
finish
