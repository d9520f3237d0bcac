#!/bin/bash
# Every flag refuses bad values: exit status 2 and one line on stderr naming the flag and the
# problem (jq's %%FAIL style: a table of inputs and the message each must produce).
. "$(dirname "$0")/../lib.sh"

G="$BLIP_BIN/blip-generator"
D="$BLIP_BIN/blip-detector"

# program | arguments | text the one stderr line must contain
cases=(
    "$G|--rate abc|--rate: expected a number 0..10000000, got \"abc\""
    "$G|--rate -1|--rate: expected a number"
    "$G|--rate|--rate: missing value"
    "$G|--count 1.5|--count: expected an integer 0..1e+15"
    "$G|--count -3|--count: expected an integer"
    "$G|--seed x|--seed: expected an integer"
    "$G|--seed -1|--seed: expected an integer"
    "$G|--series a,,b|--series: \"\" is not a series name"
    "$G|--series a,a|--series: \"a\" is listed twice"
    "$G|--series bad!name|--series: \"bad!name\" is not a series name"
    "$G|--series-count 0x|--series-count: expected an integer"
    "$G|--series-count 100001|--series-count: expected an integer 0..100000"
    "$G|--profile disk|--profile: expected one of response|system, got \"disk\""
    "$G|--profile system --series a|--series: the system profile has fixed series"
    "$G|--phases NORMAL|--phases: expected NAME:TICKS"
    "$G|--phases NORMAL:0|--phases: phase NORMAL: ticks must be 1..1000000000"
    "$G|--phases LOW:10|--phases: unknown phase \"LOW\""
    "$G|--base x|--base: expected a number"
    "$G|--noise -1|--noise: expected a number 0..1000000000000"
    "$G|--high-offset nan|--high-offset: expected a number"
    "$G|--spike-prob 1.5|--spike-prob: expected a number 0..1, got \"1.5\""
    "$G|--spike-scale -2|--spike-scale: expected a number"
    "$G|--start-ts yesterday|--start-ts: expected Unix milliseconds"
    "$G|--stdout=maybe|--stdout: expected 1/0, true/false, yes/no or on/off"
    "$G|--replay /nonexistent/x.csv|--replay: cannot open \"/nonexistent/x.csv\""
    "$G|--speed 2|--speed: only with --replay"
    "$G|--speed -1 --replay /dev/null|--speed: expected a number"
    "$G|--stats-interval -1|--stats-interval: expected a number"
    "$G|--max-pending 0|--max-pending: expected an integer 1..100000000, got \"0\""
    "$G|--log-level loud|--log-level: expected error, warn, info or debug"
    "$G|--redis http://x|--redis: expected redis://"
    "$G|--redis rediss://x:6380|--redis: rediss:// (TLS) is not supported"
    "$G|--redis redis://h:99999|--redis: bad port in URL"
    "$G|--redis http://u:hunter2@h|--redis: expected redis://[[user]:password@]host[:port][/db], got \"http://***@h\""
    "$G|--redis-password-file /nonexistent/pw|--redis-password-file: cannot read \"/nonexistent/pw\": No such file or directory"
    "$G|--redis-password-file|--redis-password-file: missing value"
    "$G|--channel|--channel: missing value"
    "$G|--bogus|unknown flag --bogus"
    "$G|-x|unknown flag -x"
    "$G|extra|unexpected argument \"extra\""
    "$D|--algo lstm|--algo: expected one of sma|ema"
    "$D|lstm|unexpected argument \"lstm\" (an algorithm: sma|ema|"
    "$D|--window 1|--window: expected an integer 2..100000, got \"1\""
    "$D|--window 100001|--window: expected an integer 2..100000"
    "$D|--window ten|--window: expected an integer"
    "$D|--threshold 0|--threshold: expected a number"
    "$D|--threshold x|--threshold: expected a number"
    "$D|--alpha 0|--alpha: expected a number"
    "$D|--alpha 1.5|--alpha: expected a number"
    "$D|--min-std -1|--min-std: expected a number"
    "$D|--max-series 0|--max-series: expected an integer"
    "$D|--max-pending 0|--max-pending: expected an integer"
    "$D|--in|--in: missing value"
    "$D|--out=|--out: expected a non-empty value"
    "$D|--input /nonexistent.csv|--input: cannot open \"/nonexistent.csv\""
    "$D|--input /dev/null --output /nonexistent/dir/x.csv|--output: cannot open"
    "$D|--output x.csv|--output: only with --input"
    "$D|--stats-interval x|--stats-interval: expected a number"
    "$D|--log-level 3|--log-level: expected error, warn, info or debug"
    "$D|--redis redis://:pw@|--redis: missing host in URL"
    "$D|--redis redis://h/abc|--redis: bad database number in URL"
    "$D|--redis-password-file /dev/null|--redis-password-file: \"/dev/null\": the password is empty"
    "$D|--redis-password-file /|--redis-password-file: cannot read \"/\": Is a directory"
    "$D|--nope=1|unknown flag --nope"
    "$D|--warmup 0|--warmup: expected an integer 1..100000"
    "$D|--warmup 2000 --window 100|warm-up must be 1..window (100)"
    "$D|--cusum-k -1|--cusum-k: expected a number 0..100"
    "$D|--hst-trees 0|--hst-trees: expected an integer 1..64"
    "$D|--hst-depth 13|--hst-depth: expected an integer 1..12"
    "$D|--seed -5|--seed: expected an integer"
    "$D|--min-duration 0|--min-duration: expected an integer 1..1000000"
    "$D|--cooldown x|--cooldown: expected an integer 0..1000000"
    "$D|--gap -1|--gap: expected an integer 0..1000000"
    "$D|--end-threshold 0|--end-threshold: expected a number"
    "$D|--end-threshold 9 --threshold 3|--end-threshold: must not exceed the threshold (3)"
    "$D|--report all|--report: expected one of episodes|points, got \"all\""
    "$D|--episodes|--episodes: missing value"
    "$D|--control=|--control: expected a non-empty value"
    "$D|--config-key|--config-key: missing value"
    "$D|--no-persist=2|--no-persist: expected 1/0, true/false, yes/no or on/off"
    "$D|--http|--http: missing value"
    "$D|--http 0|--http: bad port \"0\" (expected 1..65535)"
    "$D|--http localhost|--http: expected [HOST]:PORT, got \"localhost\""
    "$D|--http [::1:80|--http: bad IPv6 address in \"[::1:80\""
    "$D|--http bad_host!:80|--http: bad host \"bad_host!\""
    "$D|--http-max-conns 0|--http-max-conns: expected an integer 1..10000, got \"0\""
    "$D|--http-timeout 0|--http-timeout: expected an integer 1..3600, got \"0\""
    "$D|--metrics-per-series 1001|--metrics-per-series: expected an integer 0..1000"
    "$D|--metrics-per-series -1|--metrics-per-series: expected an integer 0..1000"
    "$D|--history-len 0|--history-len: expected an integer 1..100000000"
    "$D|--history-key=|--history-key: expected a non-empty value"
    "$D|--history-episodes-key|--history-episodes-key: missing value"
    "$D|--no-history=perhaps|--no-history: expected 1/0, true/false, yes/no or on/off"
    "$D|--alert-exec=|--alert-exec: expected a non-empty value"
    "$D|--alert-rate 0|--alert-rate: expected an integer 1..10000, got \"0\""
    "$D|--alert-rate 10001|--alert-rate: expected an integer 1..10000"
    "$D|--alert-timeout 0|--alert-timeout: expected a number 0.001..3600, got \"0\""
    "$D|--alert-timeout soon|--alert-timeout: expected a number"
    "$D|--alert-on always|--alert-on: expected one of episode|anomaly, got \"always\""
    "$D|--webhook https://hooks.example/x|--webhook: https:// is not supported (blip has no TLS library)"
    "$D|--webhook hooks.example/x|--webhook: expected http://HOST[:PORT][/PATH]"
    "$D|--webhook http://h:0/|--webhook: bad port \"0\""
    "$D|--webhook http://u:p@h/|--webhook: user info in the URL is not supported"
    "$D|--webhook-timeout 0|--webhook-timeout: expected an integer 1..300"
    "$D|--webhook-retries 11|--webhook-retries: expected an integer 0..10, got \"11\""
    "$D|--http 8080 --input x.csv|--http: only in live mode, not with --input"
    "$D|--alert-exec true --input x.csv|--alert-exec: only in live mode, not with --input"
    "$D|--webhook http://h/ --input x.csv|--webhook: only in live mode, not with --input"
    "$G|--http 70000|--http: bad port \"70000\" (expected 1..65535)"
    "$G|--http :|--http: bad port \"\""
    "$G|--http-max-conns x|--http-max-conns: expected an integer 1..10000"
    "$G|--http-timeout 3601|--http-timeout: expected an integer 1..3600"
    "$G|--history -1|--history: expected an integer 0..100000000"
    "$G|--history lots|--history: expected an integer"
    "$G|--history 10 --stdout|--history: needs Redis, not with --stdout"
    "$G|--history-prefix=|--history-prefix: expected a non-empty value"
    "$G|--probe nope|--probe: expected [HOST]:PORT, got \"nope\""
    "$D|--probe :0|--probe: bad port \"0\" (expected 1..65535)"
    "$D|--shed-at -1|--shed-at: expected an integer 0..1000000000000, got \"-1\""
    "$D|--shed-at lots|--shed-at: expected an integer"
    "$D|--exit-after -5|--exit-after: expected an integer"
    "$D|--probe|--probe: missing value"
)
for c in "${cases[@]}"; do
    IFS='|' read -r prog args want <<<"$c"
    # shellcheck disable=SC2086
    (cd "$WORK" && timeout 5 "$prog" $args >"$WORK/out" 2>"$WORK/err" </dev/null)
    rc=$?
    name="$(basename "$prog") $args"
    lines=$(wc -l <"$WORK/err")
    if [ $rc -eq 2 ] && [ "$lines" -eq 1 ] && grep -qF -- "$want" "$WORK/err" &&
        grep -q "^$(basename "$prog"): " "$WORK/err"; then
        ok "$name -> exit 2: $want"
    else
        not_ok "$name -> rc=$rc lines=$lines: $(head -c 300 "$WORK/err")"
    fi
done

# environment variables are checked like flags, and named in the message
BLIP_RATE=fast "$G" --stdout --count 1 >/dev/null 2>"$WORK/err"
check_eq "bad BLIP_RATE exits 2" 2 $?
check "the message names BLIP_RATE" grep -q 'BLIP_RATE: expected a number' "$WORK/err"
BLIP_WINDOW=1 "$D" --input /dev/null >/dev/null 2>"$WORK/err"
check_eq "bad BLIP_WINDOW exits 2" 2 $?
check "the message names BLIP_WINDOW" grep -q 'BLIP_WINDOW: expected an integer 2..100000' "$WORK/err"
REDIS_URL=nope "$D" >/dev/null 2>"$WORK/err" </dev/null
check_eq "bad REDIS_URL exits 2" 2 $?
BLIP_ALERT_RATE=0 "$D" >/dev/null 2>"$WORK/err" </dev/null
check_eq "bad BLIP_ALERT_RATE exits 2" 2 $?
check "the message names BLIP_ALERT_RATE" grep -q 'BLIP_ALERT_RATE: expected an integer 1..10000' "$WORK/err"
BLIP_HISTORY=x "$G" --count 1 >/dev/null 2>"$WORK/err" </dev/null
check_eq "bad BLIP_HISTORY exits 2" 2 $?
check "the message names BLIP_HISTORY" grep -q 'BLIP_HISTORY: expected an integer' "$WORK/err"
BLIP_WEBHOOK=https://x/ "$D" >/dev/null 2>"$WORK/err" </dev/null
check_eq "BLIP_WEBHOOK with https exits 2" 2 $?
check "and says https is not supported" grep -q 'https:// is not supported' "$WORK/err"
# BLIP_HTTP turns the endpoint on: with no Redis to talk to, /health answers 503 with the reason
HP=$(pick_port)
BLIP_HTTP=$HP "$D" --redis redis://127.0.0.1:1 2>"$WORK/envhttp.log" </dev/null &
EP=$!
track $EP
unavailable() { [ "$(http_code "http://127.0.0.1:$HP/health")" = 503 ]; }
check "BLIP_HTTP serves /health" wait_for 10 unavailable
check "503 names the missing Redis connection" grep -q '"reason":"redis subscriber not connected"' "$WORK/body"
stop_pid $EP
check_eq "and the detector still stops cleanly" 0 "$STOP_RC"
BLIP_REDIS_PASSWORD_FILE=/nonexistent/pw "$D" >/dev/null 2>"$WORK/err" </dev/null
check_eq "bad BLIP_REDIS_PASSWORD_FILE exits 2" 2 $?
check "the message names the file" grep -q 'cannot read "/nonexistent/pw"' "$WORK/err"
REDIS_PASSWORD=$'hunter2\nsecond' "$G" >/dev/null 2>"$WORK/err" </dev/null
check_eq "a two-line REDIS_PASSWORD exits 2" 2 $?
check "the message names REDIS_PASSWORD" grep -q '^blip-generator: REDIS_PASSWORD: expected one line' "$WORK/err"
check "the message does not quote the password" sh -c "! grep -q hunter2 $WORK/err"
# flags beat the environment
out=$(BLIP_SERIES=envname "$G" --stdout --count 1 --seed 1 --series flagname 2>/dev/null)
check "a flag beats its environment variable" grep -q '"series":"flagname"' <<<"$out"
out=$(BLIP_SERIES=envname "$G" --stdout --count 1 --seed 1 2>/dev/null)
check "the environment beats the default" grep -q '"series":"envname"' <<<"$out"

for prog in "$G" "$D"; do
    n=$(basename "$prog")
    "$prog" --help >"$WORK/help" 2>&1
    check_eq "$n --help exits 0" 0 $?
    check "$n --help starts with usage" grep -q "^usage: $n" "$WORK/help"
    "$prog" --version >"$WORK/ver" 2>&1
    check_eq "$n --version exits 0" 0 $?
    check "$n --version prints name and version" grep -qE "^$n [0-9]+\.[0-9]+\.[0-9]+$" "$WORK/ver"
done
for f in redis redis-password-file channel rate count seed series series-count profile phases base noise high-offset \
    spike-prob spike-scale start-ts stdout replay speed stats-interval log-level http \
    http-max-conns http-timeout history history-prefix probe max-pending; do
    "$G" --help | grep -q -- "--$f" && ok "generator --help documents --$f" || not_ok "generator --help lacks --$f"
done
for f in redis redis-password-file in out episodes control config-key no-persist algo window warmup threshold alpha \
    min-std cusum-k hst-trees hst-depth seed min-duration cooldown gap end-threshold report \
    max-series max-pending input output stats-interval log-level http http-max-conns http-timeout \
    metrics-per-series history-key history-episodes-key history-len no-history alert-exec alert-on \
    alert-rate alert-timeout webhook webhook-timeout webhook-retries probe shed-at exit-after; do
    "$D" --help | grep -q -- "--$f" && ok "detector --help documents --$f" || not_ok "detector --help lacks --$f"
done

# README.md's flag table of each program names every flag its --help lists, and no other
README="$(dirname "$0")/../../README.md"
readme_flags() { # readme_flags PROGRAM: the flags in the table under "### PROGRAM"
    awk -v want="### $1" '/^### /{ on = ($0 == want) } /^## /{ on = 0 }
        on && /^\| `--/ { match($0, /--[a-z-]+/); print substr($0, RSTART, RLENGTH)
                          if ($0 ~ /, `--version`/) print "--version" }' "$README" | sort -u
}
for prog in generator detector visualizer; do
    help_flags=$("$BLIP_BIN/blip-$prog" --help | grep -o '^ *--[a-z-]*' | tr -d ' ' | sort -u)
    check_eq "README's blip-$prog table lists exactly its --help flags" "$help_flags" "$(readme_flags blip-$prog)"
done
finish
