#!/bin/sh
# scripts/run.sh - `make run`: the whole pipeline on this machine.
# Uses the Redis at REDIS_URL (default redis://127.0.0.1:6379); when nothing answers there and the
# host is local, starts a private redis-server on that port and stops it afterwards.
# Starts blip-detector and blip-generator; in a terminal, shows the live chart (blip-visualizer)
# when it is built, otherwise the detector's anomaly lines. Ctrl-C stops everything.
# BLIP_RUN_SECONDS=N stops after N seconds (exit 0). Generator/detector flags: GENERATOR_ARGS (default: a
# livelier demo mix, twice the original's spikes, three times as large) and DETECTOR_ARGS (default:
# resid, the best spike detector on the generator's stream, with a 50-point warm-up and cooldown),
# so that anomalies show within seconds; set them to "" for plain defaults.
set -u
BIN=${BIN:-bin}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
export REDIS_URL
RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/blip-run.XXXXXX")
pids=""

stop_all() {
    trap - INT TERM EXIT
    for p in $pids; do kill -TERM "$p" 2>/dev/null; done
    for p in $pids; do wait "$p" 2>/dev/null; done
    echo "blip: stopped; logs are in $RUN_DIR"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 0' USR1 # BLIP_RUN_SECONDS ran out

redis_ok() { [ "$(redis-cli -u "$REDIS_URL" ping 2>/dev/null)" = "PONG" ]; }

hostport=${REDIS_URL#redis://}
hostport=${hostport##*@}
hostport=${hostport%%/*}
host=${hostport%%:*}
port=${hostport##*:}
[ "$port" = "$hostport" ] && port=6379

if ! redis_ok; then
    case "$host" in
    127.0.0.1 | localhost | ::1 | "[::1]") ;;
    *)
        echo "blip: no Redis answers at $REDIS_URL" >&2
        exit 1
        ;;
    esac
    echo "blip: no Redis at $REDIS_URL; starting redis-server on port $port"
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
        >"$RUN_DIR/redis.log" 2>&1 &
    pids="$pids $!"
    i=0
    until redis_ok; do
        i=$((i + 1))
        if [ "$i" -gt 100 ]; then
            echo "blip: redis-server did not start; see $RUN_DIR/redis.log" >&2
            exit 1
        fi
        sleep 0.1
    done
fi

GENERATOR_ARGS=${GENERATOR_ARGS-"--spike-prob 0.02 --spike-scale 30"}
DETECTOR_ARGS=${DETECTOR_ARGS-"--algo resid --warmup 50 --cooldown 50"}
# shellcheck disable=SC2086
"$BIN/blip-generator" $GENERATOR_ARGS 2>"$RUN_DIR/generator.log" &
pids="$pids $!"

if [ -n "${BLIP_RUN_SECONDS:-}" ]; then
    ( sleep "$BLIP_RUN_SECONDS"; kill -USR1 $$ ) &
    pids="$pids $!"
fi

if [ -x "$BIN/blip-visualizer" ] && [ -t 0 ] && [ -t 1 ]; then
    # shellcheck disable=SC2086
    "$BIN/blip-detector" $DETECTOR_ARGS 2>"$RUN_DIR/detector.log" &
    pids="$pids $!"
    "$BIN/blip-visualizer"
else
    echo "blip: generator -> $REDIS_URL -> detector; anomalies below (Ctrl-C stops)"
    echo "blip: watch them from elsewhere with: redis-cli -u $REDIS_URL subscribe anomalies"
    # shellcheck disable=SC2086
    "$BIN/blip-detector" $DETECTOR_ARGS 2>&1 &
    det=$!
    pids="$pids $det"
    wait "$det"
fi
