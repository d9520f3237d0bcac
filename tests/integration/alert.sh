#!/bin/bash
# Alerts: --alert-exec runs its command exactly once per new episode with the anomaly as JSON on
# stdin and BLIP_* variables; failures, timeouts and the rate limit are counted and logged;
# --webhook POSTs the same JSON, retries with backoff, and counts what it could not deliver.
. "$(dirname "$0")/../lib.sh"
D="$BLIP_BIN/blip-detector"
G="$BLIP_BIN/blip-generator"
SINK="$BLIP_HELPERS/http_sink"

start_redis || exit 1
HP=$(pick_port)
BASE="http://127.0.0.1:$HP"
metric() { curl -s "$BASE/metrics" | grep -E "^$1 " | awk '{print $2}'; }
opens() { rcli xrange blip:episodes - + | grep -c '"event":"open"'; }
pub() { rcli publish response_times "{\"series\":\"$1\",\"seq\":$2,\"ts\":$((1700000000000 + $2)),\"response_time\":$3}" >/dev/null; }
# one episode in series $1: 25 calm points, a spike, a calm point
listening() { ! port_free "$1"; }
episode() { for i in $(seq 1 25); do pub "$1" "$i" $((100 + i % 3)); done; pub "$1" 26 900; pub "$1" 27 101; }

# 1. once per episode, with stdin and environment
cat >"$WORK/alert.sh" <<SH
p=\$(cat)
printf '%s %s %s %s %s %s %s %s\n' "\$BLIP_EVENT" "\$BLIP_SERIES" "\$BLIP_EPISODE" "\$BLIP_SEVERITY" "\$BLIP_DETECTOR" "\$BLIP_THRESHOLD" "\$BLIP_SEQ" "\$BLIP_TS" >>"$WORK/alerts.txt"
printf '%s\n' "\$p" >>"$WORK/payloads.jsonl"
printf '%s %s %s\n' "\$BLIP_SCORE" "\$BLIP_VALUE" "\$BLIP_MEAN" >>"$WORK/numbers.txt"
SH
"$D" $SMA_ORIGINAL --threshold 3.5 --http "$HP" --alert-exec "sh $WORK/alert.sh" --alert-rate 10000 \
    --stats-interval 0.2 2>"$WORK/det.log" &
DET=$!
track $DET
check "detector subscribes" wait_subscribed response_times
check "it says how it alerts" grep -q 'alerts on each new episode, at most 10000 a minute, running a command' "$WORK/det.log"
"$G" --seed 11 --rate 1000 --count 2000 --spike-scale 60 2>/dev/null
n=$(opens)
check "the run opened episodes ($n)" [ "$n" -ge 5 ]
check "one alert line per episode" wait_for 15 sh -c "[ \$(wc -l < $WORK/alerts.txt 2>/dev/null || echo 0) -ge $n ]"
stop_pid $DET
check_eq "detector exits 0" 0 "$STOP_RC"
check_eq "exactly once per episode: $n lines" "$n" "$(wc -l <"$WORK/alerts.txt")"
rcli xrange blip:episodes - + | grep '"event":"open"' | jq -r '"\(.series) \(.episode)"' | sort >"$WORK/want"
awk '{print $2, $3}' "$WORK/alerts.txt" | sort >"$WORK/got"
check "the alerts are the episodes opened, each once" cmp -s "$WORK/want" "$WORK/got"
check "BLIP_EVENT is open" sh -c "! grep -qv '^open ' $WORK/alerts.txt"
check "BLIP_SEVERITY, BLIP_DETECTOR, BLIP_THRESHOLD" sh -c "! grep -vqE '^open web [0-9]+ (low|medium|high) sma 3.5 [0-9]+ [0-9]{13}\$' $WORK/alerts.txt"
check "BLIP_SCORE, BLIP_VALUE, BLIP_MEAN are numbers" sh -c "! grep -vqE '^-?[0-9.]+ [0-9.]+ [0-9.]+\$' $WORK/numbers.txt"
first=$(head -n 1 "$WORK/payloads.jsonl")
check_eq "stdin: the anomaly with event and episode" "open true sma web" "$(jq -r '"\(.event) \(.anomaly) \(.detector) \(.series)"' <<<"$first")"
for f in seq ts response_time score mean std threshold severity episode; do
    check "stdin JSON has \"$f\"" jq -e "has(\"$f\")" <<<"$first"
done
check_eq "stdin and environment agree" "$(head -n 1 "$WORK/alerts.txt" | awk '{print $3, $4}')" "$(jq -r '"\(.episode) \(.severity)"' <<<"$first")"
check_eq "final stats: alerts raised" "$n" "$(stat_of alerts "$WORK/det.log")"
check_eq "final stats: no failures" 0 "$(stat_of alert_failures "$WORK/det.log")"

# 2. the rate limit holds: 2 a minute
rcli del blip:episodes >/dev/null
rm -f "$WORK/alerts.txt"
"$D" $SMA_ORIGINAL --threshold 3.5 --http "$HP" --alert-exec "sh $WORK/alert.sh" --alert-rate 2 \
    --stats-interval 0.2 2>"$WORK/det2.log" &
DET=$!
track $DET
wait_subscribed response_times
"$G" --seed 11 --rate 1000 --count 2000 --spike-scale 60 2>/dev/null
n=$(opens)
all_seen() { [ "$(metric blip_detector_alerts_total)" = "$n" ]; }
check "every episode raised an alert ($n)" wait_for 10 all_seen
check_eq "--alert-rate 2: suppressed the rest" $((n - 2)) "$(metric blip_detector_alerts_suppressed_total)"
check "two commands ran" wait_for 10 sh -c "[ \$(wc -l < $WORK/alerts.txt) = 2 ]"
check_eq "/metrics: exec ok" 2 "$(metric 'blip_detector_alert_exec_total\{result="ok"\}')"
check "suppression is logged" grep -q 'suppressed: more than 2 a minute' "$WORK/det2.log"
stop_pid $DET
check_eq "detector exits 0" 0 "$STOP_RC"
check_eq "still exactly 2 after the stop" 2 "$(wc -l <"$WORK/alerts.txt")"

# 3. failures: a non-zero exit, a missing command, a timeout; all counted and logged
"$D" $SMA_ORIGINAL --http "$HP" --alert-exec 'exit 3' --stats-interval 0.2 2>"$WORK/det3.log" &
DET=$!
track $DET
wait_subscribed response_times
episode a
failed() { [ "$(metric 'blip_detector_alert_exec_total\{result="failed"\}')" = 1 ]; }
check "a failing command is counted" wait_for 10 failed
check "and logged with its status" grep -q 'alert command failed: exit status 3' "$WORK/det3.log"
check "the detector keeps going" kill -0 $DET
stop_pid $DET
check_eq "detector exits 0" 0 "$STOP_RC"
check_eq "final stats count the failure" 1 "$(stat_of alert_failures "$WORK/det3.log")"

"$D" $SMA_ORIGINAL --http "$HP" --alert-exec 'no-such-command-blip-test' 2>"$WORK/det4.log" &
DET=$!
track $DET
wait_subscribed response_times
episode b
check "a missing command is counted" wait_for 10 failed
check "and logged" grep -q 'alert command failed: exit status 127 (command not found?)' "$WORK/det4.log"
stop_pid $DET
check_eq "detector exits 0" 0 "$STOP_RC"

"$D" $SMA_ORIGINAL --http "$HP" --alert-exec "echo \$\$ >$WORK/pid; exec sleep 31.5" --alert-timeout 0.3 \
    2>"$WORK/det5.log" &
DET=$!
track $DET
wait_subscribed response_times
episode c
timedout() { [ "$(metric 'blip_detector_alert_exec_total\{result="timeout"\}')" = 1 ]; }
check "a command past --alert-timeout is killed and counted" wait_for 10 timedout
check "and logged" grep -q 'alert command killed after 0.3 s' "$WORK/det5.log"
check "its process is gone" sh -c "! kill -0 \$(cat $WORK/pid) 2>/dev/null"
stop_pid $DET
check_eq "detector exits 0" 0 "$STOP_RC"

# a command still running at the stop does not hold the detector up past its grace period
"$D" $SMA_ORIGINAL --alert-exec "exec sleep 31.5" --alert-timeout 60 2>"$WORK/det6.log" &
DET=$!
track $DET
wait_subscribed response_times
episode d
sleep_started() { pgrep -P $DET >/dev/null; }
check "the command is running" wait_for 10 sleep_started
stop_pid $DET
check_eq "the detector still exits 0" 0 "$STOP_RC"
check "and says it killed the command" grep -q '1 alert command(s) still running at exit were killed' "$WORK/det6.log"

# 4. --alert-on anomaly: every reported anomaly
rm -f "$WORK/alerts.txt"
"$D" $SMA_ORIGINAL --http "$HP" --alert-exec "sh $WORK/alert.sh" --alert-on anomaly --alert-rate 10000 \
    --report points --gap 5 --window 20 --stats-interval 0.2 2>"$WORK/det7.log" &
DET=$!
track $DET
wait_subscribed response_times
for i in $(seq 1 25); do pub e "$i" $((100 + i % 3)); done
pub e 26 900
pub e 27 950
pub e 28 990
for i in $(seq 29 40); do pub e "$i" 101; done
reported() { [ "$(metric 'blip_detector_anomalies_total\{severity="high"\}')" -ge 2 ]; }
check "anomalies reported" wait_for 10 reported
stop_pid $DET
check_eq "detector exits 0" 0 "$STOP_RC"
nrep=$(stat_of anomalies "$WORK/det7.log")
check_eq "--alert-on anomaly: one alert per reported anomaly ($nrep)" "$nrep" "$(wc -l <"$WORK/alerts.txt")"
check "the first is the opening, the rest are anomalies" sh -c "[ \"\$(awk '{print \$1}' $WORK/alerts.txt | sort | uniq -c | awk '{print \$2\":\"\$1}' | tr '\n' ' ')\" = 'anomaly:$((nrep - 1)) open:1 ' ]"

# 5. the webhook
SP=$(pick_port)
"$SINK" "$SP" "$WORK/hook.txt" &
SINKPID=$!
track $SINKPID
check "the test receiver listens" wait_for 10 listening "$SP"
rcli del blip:episodes >/dev/null
"$D" $SMA_ORIGINAL --threshold 3.5 --http "$HP" --webhook "http://127.0.0.1:$SP/hook?from=blip" \
    --alert-rate 10000 --alert-exec "sh $WORK/alert.sh" --stats-interval 0.2 2>"$WORK/det8.log" &
DET=$!
track $DET
wait_subscribed response_times
rm -f "$WORK/alerts.txt"
"$G" --seed 11 --rate 1000 --count 2000 --spike-scale 60 2>/dev/null
n=$(opens)
delivered() { [ "$(metric 'blip_detector_webhook_total\{result="ok"\}')" = "$n" ]; }
check "the webhook delivered one POST per episode ($n)" wait_for 15 delivered
check_eq "the receiver got them all" "$n" "$(wc -l <"$WORK/hook.txt")"
check "as POST to the path and query, in JSON" sh -c "! grep -qv '^POST /hook?from=blip application/json {' $WORK/hook.txt"
hook=$(head -n 1 "$WORK/hook.txt" | cut -d' ' -f4-)
check_eq "the POSTed body is the alert payload" "open true web" "$(jq -r '"\(.event) \(.anomaly) \(.series)"' <<<"$hook")"
check "the same alerts ran the command too" wait_for 10 sh -c "[ \$(wc -l < $WORK/alerts.txt) = $n ]"
check_eq "no retries were needed" 0 "$(metric blip_detector_webhook_retries_total)"
stop_pid $DET
check_eq "detector exits 0" 0 "$STOP_RC"
stop_pid $SINKPID

# retries: the receiver fails twice, the third attempt succeeds
rm -f "$WORK/hook.txt"
"$SINK" "$SP" "$WORK/hook.txt" 2 &
SINKPID=$!
track $SINKPID
wait_for 10 listening "$SP"
"$D" $SMA_ORIGINAL --http "$HP" --webhook "http://127.0.0.1:$SP/" --webhook-retries 3 2>"$WORK/det9.log" &
DET=$!
track $DET
wait_subscribed response_times
episode f
ok_after_retry() { [ "$(metric 'blip_detector_webhook_total\{result="ok"\}')" = 1 ]; }
check "delivered after two failed attempts" wait_for 15 ok_after_retry
check_eq "retries counted" 2 "$(metric blip_detector_webhook_retries_total)"
check_eq "the receiver saw three attempts" 3 "$(wc -l <"$WORK/hook.txt")"
stop_pid $DET
check_eq "detector exits 0" 0 "$STOP_RC"
stop_pid $SINKPID

# nobody listening: every attempt fails, the delivery is counted as failed and logged
"$D" $SMA_ORIGINAL --http "$HP" --webhook "http://127.0.0.1:$SP/down" --webhook-retries 1 2>"$WORK/det10.log" &
DET=$!
track $DET
wait_subscribed response_times
episode g
hook_failed() { [ "$(metric 'blip_detector_webhook_total\{result="failed"\}')" = 1 ]; }
check "an undeliverable webhook is counted" wait_for 15 hook_failed
check "and logged" grep -q "webhook: delivery to 127.0.0.1:$SP/down failed after 2 attempts" "$WORK/det10.log"
stop_pid $DET
check_eq "detector exits 0" 0 "$STOP_RC"

# a receiver that never answers: the timeout ends the attempt
"$SINK" "$SP" "$WORK/hang.txt" hang &
SINKPID=$!
track $SINKPID
wait_for 10 listening "$SP"
"$D" $SMA_ORIGINAL --http "$HP" --webhook "http://127.0.0.1:$SP/" --webhook-retries 0 --webhook-timeout 1 \
    2>"$WORK/det11.log" &
DET=$!
track $DET
wait_subscribed response_times
episode h
check "--webhook-timeout ends an unanswered POST" wait_for 15 hook_failed
check "the receiver got it" grep -q '^POST / application/json' "$WORK/hang.txt"
check "the loop never blocked: /health answered throughout" sh -c "[ \$(curl -s -o /dev/null -w '%{http_code}' $BASE/health) = 200 ]"
stop_pid $DET
check_eq "detector exits 0" 0 "$STOP_RC"
stop_pid $SINKPID
finish
