#!/bin/bash
# Offline mode: CSV in, CSV out, one row per input row in order; and the same verdicts as the
# live path on the same series.
. "$(dirname "$0")/../lib.sh"
G="$BLIP_BIN/blip-generator"
D="$BLIP_BIN/blip-detector"

# a recorded-series shaped file: header, quoted timestamps, CRLF, a bad row, no final newline
printf 'timestamp,value\r\n' >"$WORK/in.csv"
for i in $(seq 0 29); do printf '"2014-04-01 00:%02d:00",%d\r\n' "$i" $((100 + i % 2)) >>"$WORK/in.csv"; done
printf '"2014-04-01 00:30:00",abc\r\n"2014-04-01 00:31:00",500\r\n2014-04-01 00:32:00,100' >>"$WORK/in.csv"
"$D" $SMA_ORIGINAL --input "$WORK/in.csv" --output "$WORK/out.csv" 2>"$WORK/err"
check_eq "offline exits 0" 0 $?
check_eq "header" "timestamp,value,score,anomaly,severity" "$(head -n 1 "$WORK/out.csv")"
check_eq "one output row per input row" 33 "$(($(wc -l <"$WORK/out.csv") - 1))"
check_eq "warm-up rows have no score" "2014-04-01 00:00:00,100,,0," "$(sed -n 2p "$WORK/out.csv")"
check_eq "first scored row (the 26th)" "2014-04-01 00:25:00,101,1.0408,0," "$(sed -n 27p "$WORK/out.csv")"
check_eq "the bad row keeps its place, unscored" "2014-04-01 00:30:00,abc,,0," "$(sed -n 32p "$WORK/out.csv")"
check "the spike is flagged high" grep -q '^2014-04-01 00:31:00,500,[0-9.]*,1,high$' "$WORK/out.csv"
check "the bad row is logged with its line number" grep -q 'input line 32: value is not a number' "$WORK/err"
check "the summary counts rows, anomalies and bad rows" grep -q 'rows=33 anomalies=1 episodes=1 bad_rows=1' "$WORK/err"

# stdin/stdout, no header, algorithm as a bare word
printf '1,5\n2,5\n3,6\n4,5\n5,50\n' | "$D" --input - --window 3 ema >"$WORK/o2.csv" 2>/dev/null
check_eq "stdin to stdout, no header: 5 rows" 6 "$(wc -l <"$WORK/o2.csv")"
check "ema flags the jump" grep -q '^5,50,.*,1,' "$WORK/o2.csv"

# offline vs live: the same series gives the same verdicts and scores, for the default detector
# (on a series with large spikes, so that it has something to say) and for resid
parity() { # name min-flags generator-args detector-args
    name=$1 min=$2 gargs=$3 dargs=$4
    # shellcheck disable=SC2086
    "$G" --stdout --seed 7 --count 4000 --rate 0 $gargs >"$WORK/pts.jsonl" 2>/dev/null
    sed 's/.*"seq":\([0-9]*\),"ts":[0-9]*,"response_time":\([0-9.]*\).*/\1,\2/' \
        "$WORK/pts.jsonl" >"$WORK/pts.csv"
    # shellcheck disable=SC2086
    "$D" --input "$WORK/pts.csv" $dargs >"$WORK/off.csv" 2>/dev/null
    awk -F, 'NR>1 && $4==1 {print $1 " " $3 " " $5}' "$WORK/off.csv" >"$WORK/off.flags"
    subscribe anomalies "$WORK/live-$name.out"
    # shellcheck disable=SC2086
    "$D" --no-persist $dargs 2>"$WORK/det-$name.log" &
    DET=$!
    track $DET
    wait_subscribed response_times || not_ok "$name: detector subscribed"
    # shellcheck disable=SC2086
    "$G" --seed 7 --count 4000 --rate 0 $gargs 2>/dev/null
    want=$(wc -l <"$WORK/off.flags")
    check "$name: offline flagged at least $min points ($want)" [ "$want" -ge "$min" ]
    live_n() { [ "$(grep -c '"anomaly":true' "$WORK/live-$name.out")" -ge "$want" ]; }
    check "$name: live published as many anomalies" wait_for 10 live_n
    grep '"anomaly":true' "$WORK/live-$name.out" |
        sed 's/.*"seq":\([0-9]*\).*"score":\([-0-9.]*\).*"severity":"\([a-z]*\)".*/\1 \2 \3/' \
            >"$WORK/live.flags"
    check "$name: live and offline flag the same points with the same scores and severities" \
        cmp -s "$WORK/off.flags" "$WORK/live.flags"
    stop_pid $DET
}

start_redis || exit 1
parity default 3 "--spike-scale 80" ""
parity resid 10 "" "--algo resid --cooldown 0"
finish
