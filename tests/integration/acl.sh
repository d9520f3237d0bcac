#!/bin/bash
# Access control: redis-server with requirepass and an ACL user limited to what blip needs (the
# README's recipe). The pipeline works with that user and its password from a file or the
# environment; without a password, with a wrong one, or with a user missing one permission each
# program exits 1 after one clear error line instead of retrying; the password never shows in
# logs or in `ps`.
. "$(dirname "$0")/../lib.sh"

ADMIN_PW="admin-$$-pw"
BLIP_PW="blip-$$-Secret"
REDIS_CLI_AUTH="--no-auth-warning -a $ADMIN_PW" # redis-cli in lib.sh authenticates with it
start_redis --requirepass "$ADMIN_PW" || exit 1
G="$BLIP_BIN/blip-generator"
D="$BLIP_BIN/blip-detector"
URL="redis://blip:@127.0.0.1:$REDIS_PORT" # the user name only: the password comes from elsewhere

# The minimal permissions (README, "Access control"): the channels blip uses, the settings hash,
# the two history streams, and the eight commands it sends.
CHANNELS=('&response_times' '&anomalies' '&anomalies:*' '&episodes' '&blip:control' '&blip:control:reply')
COMMANDS=(-@all +ping +publish +subscribe +hgetall +hset +xadd '+client|id' '+client|list')
KEYS=('~blip:config' '~blip:anomalies' '~blip:episodes')
adduser() { # name password channels... : an ACL user with the minimal commands and the key
    local name=$1 pw=$2
    shift 2
    rcli acl setuser "$name" reset on ">$pw" resetchannels "$@" resetkeys "${KEYS[@]}" "${COMMANDS[@]}"
}
check_eq "ACL user blip created" OK "$(adduser blip "$BLIP_PW" "${CHANNELS[@]}")"
printf '%s\n' "$BLIP_PW" >"$WORK/pw"
chmod 600 "$WORK/pw"

# ---- works with the user ----
subscribe anomalies "$WORK/anom.out"
"$D" --redis "$URL" --redis-password-file "$WORK/pw" --window 5 --stats-interval 0.2 \
    2>"$WORK/det.log" &
DET=$!
track $DET
check "detector (password from a file) subscribes" wait_subscribed response_times
REDIS_PASSWORD=$BLIP_PW "$G" --redis "$URL" --seed 3 --rate 500 --count 1000 --spike-scale 60 \
    2>"$WORK/gen.log" &
GEN=$!
track $GEN
check "generator (password from REDIS_PASSWORD) runs" wait_for 10 grep -q 'publisher: connected' "$WORK/gen.log"
lacks() { ! grep -qF -- "$1" <<<"$2"; }
gen_args=$(ps -o args= -p $GEN)
det_args=$(ps -o args= -p $DET)
check "ps shows no password for the generator: $gen_args" lacks "$BLIP_PW" "$gen_args"
check "ps shows no password for the detector: $det_args" lacks "$BLIP_PW" "$det_args"
wait $GEN
check_eq "generator exits 0 after --count points" 0 $?
check_eq "generator published every point" 1000 "$(stat_of published "$WORK/gen.log")"
check "anomalies arrive end to end" wait_for 10 grep -q '"anomaly":true' "$WORK/anom.out"
rcli publish blip:control '{"threshold":3,"id":"acl"}' >/dev/null
check "a control message is applied and saved in blip:config" \
    wait_for 10 sh -c "redis-cli -p $REDIS_PORT $REDIS_CLI_AUTH hget blip:config '*' | grep -q '\"threshold\":3'"
stop_pid $DET
check_eq "detector exits 0 on SIGTERM" 0 "$STOP_RC"
check_eq "Redis refused nothing blip sent (ACL LOG is empty)" "" "$(rcli acl log)"

# a password inside the URL on the command line is masked in ps once the program runs
"$D" --redis "redis://blip:$BLIP_PW@127.0.0.1:$REDIS_PORT" --stats-interval 0 2>"$WORK/det2.log" &
DET2=$!
track $DET2
check "detector with the password in --redis connects" wait_for 10 grep -q 'subscribed to "blip:control"' "$WORK/det2.log"
args=$(ps -o args= -p $DET2)
check "ps shows the URL password masked: $args" lacks "$BLIP_PW" "$args"
check "ps shows the URL with asterisks" grep -qF 'redis://blip:***' <<<"$args"
stop_pid $DET2
check_eq "detector exits 0" 0 "$STOP_RC"

# without CLIENT the detector still runs: it says once that it judges overload from its socket
rcli acl setuser noclient reset on '>pw-noclient' resetchannels "${CHANNELS[@]}" resetkeys \
    "${KEYS[@]}" -@all +ping +publish +subscribe +hgetall +hset +xadd >/dev/null
REDIS_PASSWORD=pw-noclient "$D" --redis "redis://noclient:@127.0.0.1:$REDIS_PORT" \
    --stats-interval 0 2>"$WORK/noclient.log" &
NOCLIENT=$!
track $NOCLIENT
check "without +client the detector says it judges overload from its socket" \
    wait_for 10 grep -q 'Redis refuses CLIENT ID (NOPERM.*judged from its socket alone' "$WORK/noclient.log"
check "without +client the detector stays subscribed" wait_for 10 grep -q 'subscribed to "blip:control"' "$WORK/noclient.log"
stop_pid $NOCLIENT
check_eq "without +client the detector exits 0 on SIGTERM" 0 "$STOP_RC"
check_eq "without +client: no error line" 0 "$(count_lines ' error: ' "$WORK/noclient.log")"

# ---- fails clearly without it ----
# expect_fatal NAME REASON command...: exit 1 within 10 s, exactly one error line naming REASON,
# no retry lines.
expect_fatal() {
    local name=$1 reason=$2 log="$WORK/fatal-$1.log"
    shift 2
    timeout 10 "$@" --stats-interval 0 2>"$log" </dev/null
    local rc=$?
    check_eq "$name: exit 1" 1 "$rc"
    check_eq "$name: one error line" 1 "$(count_lines ' error: ' "$log")"
    check "$name: the error names $reason" grep -q " error: .*$reason" "$log"
    check_eq "$name: no retries" 0 "$(count_lines 'retrying' "$log")"
}
NOAUTH_URL="redis://127.0.0.1:$REDIS_PORT"
expect_fatal det-nopass NOAUTH "$D" --redis "$NOAUTH_URL"
expect_fatal gen-nopass NOAUTH "$G" --redis "$NOAUTH_URL"
printf 'wrong\n' >"$WORK/wrongpw"
expect_fatal det-wrongpass WRONGPASS "$D" --redis "$URL" --redis-password-file "$WORK/wrongpw"
REDIS_PASSWORD=wrong expect_fatal gen-wrongpass WRONGPASS "$G" --redis "$URL"

# a user missing one permission each: a channel it subscribes to, one it publishes to, the hash
without() { # the channel list without $1
    for c in "${CHANNELS[@]}"; do [ "$c" = "$1" ] || printf '%s\n' "$c"; done
}
mapfile -t nocontrol < <(without '&blip:control')
adduser nosub pw-nosub "${nocontrol[@]}" >/dev/null
REDIS_PASSWORD=pw-nosub expect_fatal det-nosubscribe 'SUBSCRIBE refused: NOPERM' \
    "$D" --redis "redis://nosub:@127.0.0.1:$REDIS_PORT"
mapfile -t nopoints < <(without '&response_times')
adduser nopub pw-nopub "${nopoints[@]}" >/dev/null
REDIS_PASSWORD=pw-nopub expect_fatal gen-nopublish 'PUBLISH refused: NOPERM' \
    "$G" --redis "redis://nopub:@127.0.0.1:$REDIS_PORT"
rcli acl setuser nokey reset on '>pw-nokey' resetchannels "${CHANNELS[@]}" "${COMMANDS[@]}" >/dev/null
REDIS_PASSWORD=pw-nokey expect_fatal det-nokey 'HGETALL refused: NOPERM' \
    "$D" --redis "redis://nokey:@127.0.0.1:$REDIS_PORT"
# publishing anomalies is refused when the first one is flagged
mapfile -t noanomalies < <(without '&anomalies:*')
adduser noanom pw-noanom "${noanomalies[@]}" >/dev/null
REDIS_PASSWORD=pw-noanom timeout 10 "$D" --redis "redis://noanom:@127.0.0.1:$REDIS_PORT" \
    --no-persist --algo sma --window 5 --stats-interval 0 2>"$WORK/noanom.log" &
NOANOM=$!
track $NOANOM
wait_subscribed response_times
for v in 10 11 10 11 10 11 500; do rcli publish response_times "{\"response_time\":$v}" >/dev/null; done
wait $NOANOM
check_eq "det-noanomalies: exit 1 at the first flagged point" 1 $?
check_eq "det-noanomalies: one error line" 1 "$(count_lines ' error: ' "$WORK/noanom.log")"
check "det-noanomalies: the error names PUBLISH and NOPERM" grep -q ' error: .*PUBLISH refused: NOPERM' "$WORK/noanom.log"

# ---- the password never reaches a log ----
check "no log holds the password" sh -c "! grep -rqF -- '$BLIP_PW' $WORK/*.log"
check "logs show the user with the password masked" grep -q 'redis://blip:\*\*\*@' "$WORK/det.log"
finish
