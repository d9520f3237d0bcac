#!/bin/bash
# Malformed messages published by hand are counted and logged, never fatal; good points after
# them are still scored.
. "$(dirname "$0")/../lib.sh"

start_redis || exit 1
"$BLIP_BIN/blip-detector" $SMA_ORIGINAL --window 5 --stats-interval 0.2 2>"$WORK/det.log" &
DET=$!
track $DET
wait_subscribed response_times || { not_ok "detector subscribed"; finish; exit 1; }
subscribe anomalies "$WORK/anom.out"

bad=(
    'not json'
    '{"response_time": '
    '{"response_time": "201.3"}'
    '{"response_time": null}'
    '{"response_time": NaN}'
    '{"response_time": Infinity}'
    '{"response_time": 1e999}'
    '{"series": "web"}'
    '{"series": "bad name!", "response_time": 1}'
    '[1,2,3]'
    '{"response_time": 1} trailing'
    '{"a":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]], "response_time": 1}'
    ''
)
for m in "${bad[@]}"; do rcli publish response_times "$m" >/dev/null; done
# a 100 KB message and a binary one
head -c 100000 /dev/zero | tr '\0' 'x' | sed 's/^/{"response_time":1,"pad":"/; s/$/"}/' >"$WORK/big.json"
rcli -x publish response_times <"$WORK/big.json" >/dev/null
head -c 512 /dev/urandom | rcli -x publish response_times >/dev/null
nbad=$((${#bad[@]} + 2))

malformed_is() { [ "$(grep ' stats: ' "$WORK/det.log" | tail -n 1 | sed -n 's/.*malformed=\([0-9]*\).*/\1/p')" = "$1" ]; }
check "all $nbad malformed messages counted" wait_for 10 malformed_is $nbad
check "detector still running" kill -0 $DET
check "malformed messages are logged with the cause" grep -q 'malformed message (syntax' "$WORK/det.log"
check "type errors are named" grep -q 'response_time must be a number' "$WORK/det.log"
check "NaN is reported as not finite" grep -q 'range: number is not finite' "$WORK/det.log"

for v in 10 11 10 11 10 11 500; do rcli publish response_times "{\"series\":\"ok\",\"response_time\":$v}" >/dev/null; done
check "good points after bad ones are still scored and flagged" wait_for 10 grep -q '"series":"ok".*"response_time":500' "$WORK/anom.out"

# a flood of bad messages is logged at a bounded rate
for i in $(seq 1 300); do echo "PUBLISH response_times garbage$i"; done | rcli >/dev/null
check "300 more malformed counted" wait_for 10 malformed_is $((nbad + 300))
lines=$(grep -c 'malformed message' "$WORK/det.log")
check "malformed logging is rate-limited ($lines lines for $((nbad + 300)) messages)" [ "$lines" -le 40 ]
stop_pid $DET
check_eq "detector exits 0 on SIGTERM" 0 "$STOP_RC"
finish
