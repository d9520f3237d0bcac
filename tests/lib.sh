# tests/lib.sh - helpers for the integration tests, sourced by tests/integration/*.sh.
# Every server and program a test starts is recorded and stopped by PID when the test exits.
# Conditions are polled with a deadline (wait_for), never waited for with a bare sleep.
set -u

BLIP_BIN=${BLIP_BIN:-$(cd "$(dirname "$0")/../../bin" && pwd)}
BLIP_HELPERS=${BLIP_HELPERS:-$(cd "$(dirname "$0")/../../build/tests/helpers" 2>/dev/null && pwd)}
TEST_NAME=$(basename "$0" .sh)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/blip-$TEST_NAME.XXXXXX")
PIDS=""
N=0
# The original project's detector (SMA, window 25, threshold 2, every episode reported), for the
# tests whose hand-made points are worked out against it; later flags override these.
SMA_ORIGINAL="--algo sma --window 25 --threshold 2 --cooldown 0"
FAILS=0

cleanup() {
    for p in $PIDS; do kill -TERM "$p" 2>/dev/null; done
    for p in $PIDS; do
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$p" 2>/dev/null
    done
    if [ "$FAILS" -eq 0 ] && [ -z "${KEEP:-}" ]; then rm -rf "$WORK"; else echo "# kept $WORK"; fi
}
trap cleanup EXIT

track() { PIDS="$PIDS $1"; }

ok() { N=$((N + 1)); echo "ok $N - $*"; }
not_ok() { N=$((N + 1)); FAILS=$((FAILS + 1)); echo "not ok $N - $*"; }

# check "description" command...: passes when the command succeeds.
check() {
    desc=$1
    shift
    if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# check_eq "description" expected actual
check_eq() {
    if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (expected '$2', got '$3')"; fi
}

# wait_for SECONDS command...: polls every 50 ms until the command succeeds; 1 on timeout.
wait_for() {
    limit=$1
    shift
    end=$(($(date +%s%N) / 1000000 + limit * 1000))
    while ! "$@" 2>/dev/null; do
        [ "$(($(date +%s%N) / 1000000))" -ge "$end" ] && return 1
        sleep 0.05
    done
    return 0
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# random_port: a random port under the kernel's ephemeral range. Outgoing connections take their
# local ports from that range, so a port there that nothing listens on can still be taken when a
# server binds it.
random_port() {
    hi=$(($(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768) - 1))
    [ "$hi" -gt 11000 ] || hi=32767
    echo $((10000 + $(od -An -N2 -tu2 /dev/urandom) % (hi - 10000 + 1)))
}

# pick_port: prints a free loopback port (for an HTTP endpoint or a test receiver).
pick_port() {
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        p=$(random_port)
        if port_free "$p"; then echo "$p"; return 0; fi
    done
    return 1
}

# http_code URL [curl args...]: the status code of a request; the body goes to $WORK/body.
http_code() {
    u=$1
    shift
    curl -s -o "$WORK/body" -w '%{http_code}' "$@" "$u"
}

# start_redis [redis-server args...]: a private redis-server on a free loopback port.
# Sets REDIS_PORT, REDIS_PID, REDIS_URL. Keeps the port across restart_redis.
start_redis() {
    chosen=""
    if [ -z "${REDIS_PORT:-}" ]; then
        REDIS_PORT=$(pick_port)
        chosen=1
    fi
    REDIS_ARGS="$*"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
        --protected-mode no "$@" >>"$WORK/redis.log" 2>&1 &
    REDIS_PID=$!
    track "$REDIS_PID"
    REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
    export REDIS_URL
    if ! wait_for 10 rping; then
        # a port that looked free was taken meanwhile (other programs share this machine)
        if [ -n "$chosen" ] && ! kill -0 "$REDIS_PID" 2>/dev/null && [ "${REDIS_TRIES:-0}" -lt 3 ]; then
            REDIS_TRIES=$((${REDIS_TRIES:-0} + 1))
            REDIS_PORT=""
            start_redis "$@"
            return
        fi
        echo "# redis-server did not start"
        cat "$WORK/redis.log"
        return 1
    fi
}

stop_redis() {
    kill -TERM "$REDIS_PID" 2>/dev/null
    wait "$REDIS_PID" 2>/dev/null
    return 0
}

restart_redis() { stop_redis; start_redis $REDIS_ARGS; }

# rcli args...: redis-cli against the private server (auth from REDIS_CLI_AUTH when set).
rcli() { redis-cli -p "$REDIS_PORT" ${REDIS_CLI_AUTH:-} "$@" 2>/dev/null; }
rping() { [ "$(rcli ping)" = "PONG" ]; }

# subscribe CHANNEL FILE: a redis-cli subscriber writing to FILE; returns once subscribed.
subscribe() {
    redis-cli -p "$REDIS_PORT" ${REDIS_CLI_AUTH:-} subscribe "$1" >"$2" 2>&1 &
    track $!
    wait_for 10 grep -q '^subscribe$' "$2"
}

# numsub CHANNEL: subscribers of CHANNEL right now.
numsub() { rcli pubsub numsub "$1" | sed -n 2p; }

# wait_subscribed CHANNEL [N]: until CHANNEL has at least N (default 1) subscribers.
wait_subscribed() { wait_for 10 sh -c "[ \"\$(redis-cli -p $REDIS_PORT ${REDIS_CLI_AUTH:-} pubsub numsub $1 | sed -n 2p)\" -ge ${2:-1} ]"; }

# count_lines PATTERN FILE
count_lines() { grep -c -- "$1" "$2" 2>/dev/null || true; }

# stat_of FIELD LOGFILE: the value of FIELD=N in the last "final:" (or else "stats:") line.
stat_of() {
    line=$(grep ' final: ' "$2" | tail -n 1)
    [ -n "$line" ] || line=$(grep ' stats: ' "$2" | tail -n 1)
    printf '%s\n' "$line" | tr ' ' '\n' | sed -n "s/^$1=\([0-9]*\).*/\1/p" | head -n 1
}

# stop_pid PID: SIGTERM, then waits for the exit (the PID must be this shell's child); sets
# STOP_RC to the exit status, 124 if it had not ended within 10 s.
stop_pid() {
    kill -TERM "$1" 2>/dev/null
    if exits_within 10 "$1"; then
        wait "$1"
        STOP_RC=$?
    else
        STOP_RC=124
    fi
}

# exits_within SECONDS PID: 0 if the process has ended within the time.
exits_within() { wait_for "$1" sh -c "! kill -0 $2 2>/dev/null"; }

finish() {
    echo "# $TEST_NAME: $N checks, $FAILS failed"
    [ "$FAILS" -eq 0 ]
}
