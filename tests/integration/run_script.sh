#!/bin/bash
# `make run` (scripts/run.sh) as a new user meets it: no Redis at REDIS_URL, so it starts one,
# runs the pipeline, shows anomalies, and cleans up everything when it stops.
. "$(dirname "$0")/../lib.sh"

P=$(pick_port) || exit 1
REDIS_PORT=$P
BIN="$BLIP_BIN" REDIS_URL="redis://127.0.0.1:$P" BLIP_RUN_SECONDS=6 \
    GENERATOR_ARGS="--rate 200 --spike-scale 60 --seed 3" sh scripts/run.sh >"$WORK/run.out" 2>&1 </dev/null
check_eq "run.sh exits 0 after BLIP_RUN_SECONDS" 0 $?
check "it starts its own redis-server when none answers" grep -q "no Redis at redis://127.0.0.1:$P; starting redis-server" "$WORK/run.out"
check "it shows anomalies as they arrive" grep -q 'Anomaly detected: series=web' "$WORK/run.out"
check "it tells how to subscribe from elsewhere" grep -q "redis-cli -u redis://127.0.0.1:$P subscribe anomalies" "$WORK/run.out"
check "the detector stops cleanly" grep -q 'final: points=' "$WORK/run.out"
check "its redis-server is gone afterwards" wait_for 5 port_free "$P"
finish
