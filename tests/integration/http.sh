#!/bin/bash
# The HTTP endpoints of blip-detector and blip-generator against a real redis-server: every field
# of /health, /metrics (checked by Prometheus's own promtool), /anomalies and /series; /health
# turning 503 while Redis is away and 200 again after; malformed requests and their statuses;
# the connection cap; the per-series metrics cap.
. "$(dirname "$0")/../lib.sh"
D="$BLIP_BIN/blip-detector"
G="$BLIP_BIN/blip-generator"

if ! command -v promtool >/dev/null 2>&1; then
    not_ok "promtool is missing: install the Debian package prometheus (make deps does)"
fi

start_redis || exit 1
HP=$(pick_port)
BASE="http://127.0.0.1:$HP"
"$D" $SMA_ORIGINAL --http "$HP" --http-max-conns 3 --metrics-per-series 2 --stats-interval 0.2 \
    2>"$WORK/det.log" &
DET=$!
track $DET
check "detector subscribes" wait_subscribed response_times
check "detector logs where it serves HTTP" grep -q "HTTP on http://127.0.0.1:$HP/" "$WORK/det.log"
healthy() { [ "$(http_code "$BASE/health")" = 200 ]; }
check "/health answers 200 once subscribed" wait_for 10 healthy

# a known history: 3 series, calm, then one spike in web
pub() { rcli publish response_times "{\"series\":\"$1\",\"seq\":$2,\"ts\":$((1700000000000 + $2)),\"response_time\":$3}" >/dev/null; }
for i in $(seq 1 30); do
    pub web "$i" $((100 + i % 3))
    pub api "$i" $((50 + i % 2))
done
pub db 1 7
pub web 31 400
pub web 32 101
points() { curl -s "$BASE/health" | jq -r .points; }
check "all 63 points scored" wait_for 10 sh -c "[ \"\$(curl -s $BASE/health | jq -r .points)\" = 63 ]"

# /health: every field
code=$(http_code "$BASE/health")
check_eq "/health status code" 200 "$code"
h=$(cat "$WORK/body")
check_eq "/health .status" ok "$(jq -r .status <<<"$h")"
check_eq "/health .program" blip-detector "$(jq -r .program <<<"$h")"
check "/health .version is x.y.z" grep -qE '^[0-9]+\.[0-9]+\.[0-9]+$' <<<"$(jq -r .version <<<"$h")"
check "/health .uptime_s is a positive number" jq -e '.uptime_s > 0' <<<"$h"
check_eq "/health .redis" '{"subscriber":"up","publisher":"up"}' "$(jq -c .redis <<<"$h")"
check_eq "/health .subscribed" true "$(jq -r .subscribed <<<"$h")"
check_eq "/health .channel" response_times "$(jq -r .channel <<<"$h")"
check_eq "/health .points" 63 "$(jq -r .points <<<"$h")"
check "/health .last_point_age_s is a small number" jq -e '.last_point_age_s >= 0 and .last_point_age_s < 60' <<<"$h"
check_eq "/health has no reason when healthy" null "$(jq -r .reason <<<"$h")"
check "/health is JSON" sh -c "curl -sI $BASE/health | grep -qi '^content-type: application/json'"
check_eq "HEAD /health: 200" 200 "$(http_code "$BASE/health" -I)"

# /series: every field
code=$(http_code "$BASE/series")
check_eq "/series status code" 200 "$code"
s=$(cat "$WORK/body")
check_eq "/series .total" 3 "$(jq -r .total <<<"$s")"
check_eq "/series .returned" 3 "$(jq -r .returned <<<"$s")"
check_eq "/series lists the most recently seen first" "web db api" "$(jq -r '[.series[].series] | join(" ")' <<<"$s")"
web=$(jq -c '.series[0]' <<<"$s")
check_eq "/series fields" "algo,anomalies,episode_open,episodes,last,mean,points,series,std" "$(jq -r 'keys | join(",")' <<<"$web")"
check_eq "/series web .algo" sma "$(jq -r .algo <<<"$web")"
check_eq "/series web .points" 32 "$(jq -r .points <<<"$web")"
check_eq "/series web .anomalies" 1 "$(jq -r .anomalies <<<"$web")"
check_eq "/series web .last" 101 "$(jq -r .last <<<"$web")"
check "/series web .mean is the baseline (~110)" jq -e '.mean > 100 and .mean < 120' <<<"$web"
check "/series web .std is positive" jq -e '.std > 0' <<<"$web"
check_eq "/series web .episodes" 1 "$(jq -r .episodes <<<"$web")"
check_eq "/series web .episode_open (closed by the calm point)" false "$(jq -r .episode_open <<<"$web")"
db=$(curl -s "$BASE/series?series=db")
check_eq "/series?series=db: one series" "1 db" "$(jq -r '"\(.returned) \(.series[0].series)"' <<<"$db")"
check_eq "/series: mean and std are null during warm-up" "null null" "$(jq -r '"\(.series[0].mean) \(.series[0].std)"' <<<"$db")"
check_eq "/series?limit=1" 1 "$(curl -s "$BASE/series?limit=1" | jq '.series | length')"

# /anomalies: every field, filters
code=$(http_code "$BASE/anomalies")
check_eq "/anomalies status code" 200 "$code"
a=$(cat "$WORK/body")
check_eq "/anomalies .count" 1 "$(jq -r .count <<<"$a")"
an=$(jq -c '.anomalies[0]' <<<"$a")
for f in series seq ts response_time anomaly detector score mean std threshold severity; do
    check "/anomalies entry has \"$f\"" jq -e "has(\"$f\")" <<<"$an"
done
check_eq "/anomalies entry is the spike" "web 31 400 true high" "$(jq -r '"\(.series) \(.seq) \(.response_time) \(.anomaly) \(.severity)"' <<<"$an")"
check_eq "/anomalies?series=api: none" 0 "$(curl -s "$BASE/anomalies?series=api" | jq .count)"
check_eq "/anomalies?series=web" 1 "$(curl -s "$BASE/anomalies?series=web" | jq .count)"
check_eq "/anomalies?since= after the spike: none" 0 "$(curl -s "$BASE/anomalies?since=1700000000032" | jq .count)"
check_eq "/anomalies?since= at the spike" 1 "$(curl -s "$BASE/anomalies?since=1700000000031&limit=5" | jq .count)"

# /metrics: the format by promtool, and the figures
code=$(http_code "$BASE/metrics")
check_eq "/metrics status code" 200 "$code"
cp "$WORK/body" "$WORK/metrics.txt"
check "promtool check metrics accepts /metrics" sh -c "promtool check metrics < $WORK/metrics.txt > $WORK/promtool.out 2>&1"
check "/metrics is Prometheus text 0.0.4" sh -c "curl -sI $BASE/metrics | grep -qi '^content-type: text/plain; version=0.0.4'"
m() { grep -E "^$1 " "$WORK/metrics.txt" | awk '{print $2}'; }
check_eq "blip_detector_points_total" 63 "$(m blip_detector_points_total)"
check_eq "blip_detector_anomalies_total high" 1 "$(m 'blip_detector_anomalies_total\{severity="high"\}')"
check_eq "blip_detector_episodes_total" 1 "$(m blip_detector_episodes_total)"
check_eq "blip_detector_series" 3 "$(m blip_detector_series)"
check_eq "processing histogram samples one point in 16 (4 of 63)" 4 "$(m blip_detector_processing_seconds_count)"
check_eq "processing histogram +Inf bucket" 4 "$(m 'blip_detector_processing_seconds_bucket\{le="\+Inf"\}')"
check "processing time is positive" sh -c "[ \"\$(grep '^blip_detector_processing_seconds_sum ' $WORK/metrics.txt | awk '{print (\$2 > 0)}')\" = 1 ]"
check_eq "both connections up" "1 1" "$(m 'blip_detector_redis_connected\{connection="subscriber"\}') $(m 'blip_detector_redis_connected\{connection="publisher"\}')"
check_eq "anomaly added to the history stream" 1 "$(m 'blip_detector_history_entries_total\{stream="anomalies",result="added"\}')"
check_eq "--metrics-per-series 2: two series labelled" 2 "$(grep -c '^blip_detector_series_points_total{series=' "$WORK/metrics.txt")"
check_eq "the most recently seen series are the ones labelled" "web db" "$(sed -n 's/^blip_detector_series_points_total{series="\([a-z]*\)"}.*/\1/p' "$WORK/metrics.txt" | tr '\n' ' ' | sed 's/ $//')"
check "every family has HELP and TYPE" sh -c "[ \$(grep -c '^# HELP' $WORK/metrics.txt) = \$(grep -c '^# TYPE' $WORK/metrics.txt) ]"
check "all names are blip_*" sh -c "! grep -v '^#' $WORK/metrics.txt | grep -qv '^blip_'"
lagged() { curl -s "$BASE/metrics" | grep -qE '^blip_detector_redis_output_buffer_bytes [0-9]+$'; }
check "Redis's output buffer for the subscriber is reported" wait_for 10 lagged

# malformed requests
check_eq "unknown path: 404" 404 "$(http_code "$BASE/nope")"
check_eq "404 body is a JSON error" "no such path" "$(jq -r .error "$WORK/body")"
for p in /health /metrics /anomalies /series; do
    check_eq "POST $p: 405" 405 "$(http_code "$BASE$p" -X POST -d x=1)"
done
check_eq "405 body is a JSON error" "method not allowed: use GET" "$(jq -r .error "$WORK/body")"
check "405 says what is allowed" sh -c "curl -s -D - -o /dev/null -X DELETE $BASE/health | grep -qi '^allow: GET, HEAD'"
check_eq "/anomalies?limit=abc: 400" 400 "$(http_code "$BASE/anomalies?limit=abc")"
check_eq "400 body names the problem" 'limit: expected an integer 1..1000, got "abc"' "$(jq -r .error "$WORK/body")"
check_eq "/anomalies?bogus=1: 400" 400 "$(http_code "$BASE/anomalies?bogus=1")"
check_eq "/anomalies?series=%zz: 400" 400 "$(http_code "$BASE/anomalies?series=%zz")"
check_eq "/series?limit=0: 400" 400 "$(http_code "$BASE/series?limit=0")"
check_eq "/series?series=no%20spaces: 400" 400 "$(http_code "$BASE/series?series=no%20spaces")"
big=$(head -c 20000 /dev/zero | tr '\0' a)
code=$(http_code "$BASE/health" -H "X-Big: $big")
check "oversized headers: 400 or 413 (got $code)" [ "$code" = 400 ] || [ "$code" = 413 ]
check_eq "oversized body: 413" 413 "$(head -c 5000 /dev/zero | http_code "$BASE/health" -X GET --data-binary @-)"
reply=$(exec 3<>"/dev/tcp/127.0.0.1/$HP"; printf 'NOT HTTP AT ALL\r\n\r\n' >&3; head -n 1 <&3)
check "a garbage request line: 400" grep -q '^HTTP/1.[01] 400' <<<"$reply"
check "the detector is still healthy after all that" healthy

# the connection cap: 3, two idle connections held open, one to scrape: a fourth is refused
exec 5<>"/dev/tcp/127.0.0.1/$HP" 6<>"/dev/tcp/127.0.0.1/$HP" 7<>"/dev/tcp/127.0.0.1/$HP"
held() { curl -s "$BASE/metrics" >/dev/null; [ "$(http_code "$BASE/health")" = 503 ]; }
check "a connection beyond --http-max-conns gets 503" wait_for 5 held
check_eq "503 body says why" "too many connections" "$(jq -r .error "$WORK/body")"
exec 5>&- 6>&- 7>&-
check "once they close, requests are served again" wait_for 10 healthy
check "refusals are counted" sh -c "curl -s $BASE/metrics | grep -qE '^blip_http_connections_refused_total [1-9]'"

# /health follows Redis
stop_redis
down() { [ "$(http_code "$BASE/health")" = 503 ]; }
check "/health turns 503 when Redis stops" wait_for 10 down
check_eq "503 status field" unavailable "$(jq -r .status "$WORK/body")"
check "503 reason names the connection" grep -q '"reason":"redis [a-z]* not connected"' "$WORK/body"
check "and /metrics says the connections are down" sh -c "curl -s $BASE/metrics | grep -q '^blip_detector_redis_connected{connection=\"subscriber\"} 0'"
"$D" --probe "$HP" >"$WORK/probe.out" 2>"$WORK/probe.err"
check_eq "--probe exits 1 while unhealthy (the container healthcheck)" 1 $?
check "--probe says why" grep -q '^blip-detector: unhealthy: status 503: .*not connected' "$WORK/probe.err"
start_redis
check "/health is 200 again after Redis is back" wait_for 20 healthy
check_eq "and subscribed again" true "$(curl -s "$BASE/health" | jq -r .subscribed)"
"$D" --probe "$HP" >"$WORK/probe.out" 2>"$WORK/probe.err"
check_eq "--probe exits 0 when healthy" 0 $?
check_eq "--probe prints one line" "blip-detector: healthy" "$(cat "$WORK/probe.out")"
"$BLIP_BIN/blip-generator" --probe "127.0.0.1:$HP" >/dev/null 2>&1
check_eq "the generator's --probe reads any blip's /health" 0 $?

stop_pid $DET
check_eq "detector exits 0 on SIGTERM" 0 "$STOP_RC"
check "the port is released" port_free "$HP"

# a port that is taken: a runtime failure, exit 1 with the reason
"$D" $SMA_ORIGINAL --http "$REDIS_PORT" 2>"$WORK/taken.log" </dev/null
check_eq "--http on a port in use exits 1" 1 $?
check "and says why" grep -q "cannot listen on 127.0.0.1:$REDIS_PORT: Address already in use" "$WORK/taken.log"

# the generator: /health and /metrics
GP=$(pick_port)
"$G" --http "127.0.0.1:$GP" --rate 200 --series a,b --stats-interval 0.2 2>"$WORK/gen.log" &
GEN=$!
track $GEN
ghealthy() { [ "$(http_code "http://127.0.0.1:$GP/health")" = 200 ]; }
check "generator /health answers 200" wait_for 10 ghealthy
g=$(cat "$WORK/body")
check_eq "generator /health fields" "ok blip-generator up" "$(jq -r '"\(.status) \(.program) \(.redis.publisher)"' <<<"$g")"
gcounts() { curl -s "http://127.0.0.1:$GP/health" | jq -e '.points > 0 and .uptime_s > 0 and .last_point_age_s >= 0' >/dev/null; }
check "generator /health counts points" wait_for 10 gcounts
check_eq "generator /health has no subscription" null "$(jq -r .subscribed <<<"$g")"
curl -s "http://127.0.0.1:$GP/metrics" >"$WORK/gmetrics.txt"
check "promtool check metrics accepts the generator's /metrics" sh -c "promtool check metrics < $WORK/gmetrics.txt > $WORK/gpromtool.out 2>&1"
for f in blip_generator_points_total blip_generator_published_total blip_generator_dropped_total \
    blip_generator_publish_failed_total blip_generator_redis_reconnects_total \
    blip_generator_redis_connected blip_build_info; do
    check "generator /metrics has $f" grep -q "^$f[ {]" "$WORK/gmetrics.txt"
done
check_eq "generator /anomalies: 404 (detector only)" 404 "$(http_code "http://127.0.0.1:$GP/anomalies")"
stop_redis
gdown() { [ "$(http_code "http://127.0.0.1:$GP/health")" = 503 ]; }
check "generator /health turns 503 without Redis" wait_for 10 gdown
check "generator /metrics counts dropped points" sh -c "curl -s http://127.0.0.1:$GP/metrics | grep -qE '^blip_generator_dropped_total [1-9]'"
stop_pid $GEN
check_eq "generator exits 0 on SIGTERM" 0 "$STOP_RC"
finish
