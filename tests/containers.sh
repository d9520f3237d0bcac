#!/bin/bash
# tests/containers.sh - builds the images and runs the compose stack for real (`make test-containers`).
#
# Needs root and Debian 12. Installs what is missing (docker.io, docker-compose, debootstrap,
# redis-tools, tmux), starts a private dockerd of its own (data, sockets and pidfile under $CACHE, so
# it never touches another engine's images), makes debian:bookworm-slim with debootstrap when the
# engine lacks it (the tarball is cached), builds the redis:7 test stand-in from Debian's
# redis-server (docker/redis-test-standin.Dockerfile), then checks what docker-compose.yml
# promises: anomalies on the published port, surviving `restart redis`, quiet logs, clean exits
# on SIGTERM, and the optional password. No image registry is needed.
# Everything it starts (the compose project, its images, dockerd, redis-cli) is removed by
# project name or PID on exit, failure included; the base image, the stand-in and the build
# cache stay in $CACHE for the next run.
#
# Prints TAP lines and ends with "N passed, N failed". Exit status 1 if anything failed.
# Env: BLIP_CONTAINERS_CACHE (default /var/cache/blip-containers); MIRROR (Debian mirror for
#      debootstrap; default: this machine's apt source); KEEP=1 keeps the stack and the logs;
#      BLIP_CONTAINERS_ALLOW_SKIP=1: when the engine itself cannot start or run a container on
#      this machine, report that as a skip instead of a failure (.ci/run sets it).
ROOT=$(cd "$(dirname "$0")/.." && pwd)

# In a bare chroot (/ is not a mount point, as in some CI sandboxes) dockerd can neither make /
# private to unpack images nor pivot_root into containers: rerun in a bind mount of / instead.
if [ -z "${BLIP_CONTAINERS_REROOTED:-}" ] && [ "$(id -u)" = 0 ] && ! mountpoint -q /; then
    nested=/run/blip-containers-root
    echo "# / is not a mount point (a chroot): rerunning in a bind mount of / at $nested"
    if ! { mkdir -p "$nested" && mount --rbind / "$nested"; }; then
        echo "not ok 1 - bind-mount / at $nested for dockerd"
        echo "0 passed, 1 failed"
        exit 1
    fi
    BLIP_CONTAINERS_REROOTED=1 chroot "$nested" /bin/bash "$ROOT/tests/containers.sh"
    rc=$?
    umount -R -l "$nested"
    exit $rc
fi

BLIP_BIN=$ROOT/bin # unused here; tests/lib.sh wants it
. "$ROOT/tests/lib.sh"
cd "$ROOT" || exit 1

CACHE=${BLIP_CONTAINERS_CACHE:-/var/cache/blip-containers}
BASE_RECIPE=2 # bump when make_base_tar changes: cached tarballs and images are remade
BASE_TAR=$CACHE/bookworm-slim-$BASE_RECIPE.tar
SOCK=$CACHE/docker.sock
PIDFILE=$CACHE/dockerd.pid
PROJECT=blipct$$
STOP_LIMIT_S=5    # "within a few seconds" of SIGTERM
ANOMALY_WAIT_S=60 # bound on waiting for anomalies on the published port
T0=$(date +%s)
SKIPS=0
DOCKERD_PID=""
BRIDGE_EXISTED=1   # docker0 and the DOCKER iptables chains: removed at the end when this
IPTABLES_EXISTED=1 # run's dockerd made them
FORWARD_POLICY=""
IP_FORWARD=""

# The Debian 20.10 client: builds with BuildKit without buildx, and compose's CLI builds use it.
export PATH="/usr/bin:/usr/sbin:/bin:/sbin:$PATH"
export DOCKER_HOST="unix://$SOCK"
export DOCKER_CONFIG="$WORK/docker-config" # no credential helpers or contexts from the user
export DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1
export COMPOSE_PROJECT_NAME=$PROJECT COMPOSE_FILE="$ROOT/docker-compose.yml"
export DEBIAN_FRONTEND=noninteractive

note() { echo "# $*"; }
elapsed() { echo $(($(date +%s) - T0)); }
compose() { timeout 300 docker-compose --ansi never "$@"; }

skip() {
    N=$((N + 1))
    SKIPS=$((SKIPS + 1))
    echo "ok $N # SKIP $*"
}

summary() {
    passed=$((N - FAILS - SKIPS))
    [ "$FAILS" -gt 0 ] && [ -n "$DOCKERD_PID" ] && timeout 10 docker info >/dev/null 2>&1 && dump_logs
    note "took $(elapsed) s"
    if [ "$SKIPS" -gt 0 ]; then
        echo "$passed passed, $FAILS failed, $SKIPS skipped"
    else
        echo "$passed passed, $FAILS failed"
    fi
}

# bail "reason": a step the rest depends on failed; report it and stop (the trap cleans up).
bail() {
    not_ok "$*"
    summary
    exit 1
}

# engine_unavailable "reason": the machine cannot run containers at all (not the project's fault).
engine_unavailable() {
    note "the container engine cannot work on this machine: $*"
    [ -f "$WORK/dockerd.log" ] && tail -n 15 "$WORK/dockerd.log" | sed 's/^/#   dockerd: /'
    if [ -n "${BLIP_CONTAINERS_ALLOW_SKIP:-}" ]; then
        skip "container engine cannot start here: $*"
        summary
        exit 0
    fi
    bail "container engine starts: $*"
}

# ---- cleanup: compose project, its images, subscribers, dockerd; by name and PID ----

dump_logs() {
    note "last lines of each service's log:"
    compose logs --no-color --tail=15 2>&1 | sed 's/^/#   /'
}

cleanup_containers() {
    trap '' INT TERM # an interrupt must not cut the cleanup short
    if [ -n "$DOCKERD_PID" ] && [ -z "${KEEP:-}" ] && timeout 10 docker info >/dev/null 2>&1; then
        compose down -v --rmi local --remove-orphans --timeout 10 >"$WORK/down.log" 2>&1 ||
            note "compose down failed: $(tail -n 1 "$WORK/down.log")"
        timeout 60 docker image prune -f >/dev/null 2>&1
        timeout 60 docker builder prune -f --keep-storage 2g >/dev/null 2>&1
    fi
    [ -n "${KEEP:-}" ] && [ -n "$DOCKERD_PID" ] &&
        note "KEEP: stack $PROJECT and dockerd (PID $DOCKERD_PID, DOCKER_HOST=$DOCKER_HOST) left running"
    [ -z "${KEEP:-}" ] && stop_dockerd
    cleanup # tests/lib.sh: the processes tracked, then $WORK
}
trap cleanup_containers EXIT
trap 'exit 130' INT TERM

stop_dockerd() {
    [ -n "$DOCKERD_PID" ] || return 0
    kill -TERM "$DOCKERD_PID" 2>/dev/null # it stops the containerd it started, too
    wait_for 30 sh -c "! kill -0 $DOCKERD_PID" || kill -KILL "$DOCKERD_PID" 2>/dev/null
    wait "$DOCKERD_PID" 2>/dev/null
    DOCKERD_PID=""
    if [ "$BRIDGE_EXISTED" = 0 ] && command -v ip >/dev/null; then
        ip link delete docker0 2>/dev/null
    fi
    [ "$IPTABLES_EXISTED" = 0 ] && remove_docker_iptables
    return 0
}

# dockerd leaves its iptables chains and rules behind, a FORWARD policy of DROP and IP forwarding
# on; when it added them (none were there before), they go: the rules naming docker0, a
# network's bridge or a DOCKER chain, then the chains, and the policy and forwarding are put back
# as they were. Bridges of networks a killed dockerd could not remove go too.
remove_docker_iptables() {
    for t in filter nat; do
        iptables -t "$t" -S | grep -E '^-A [A-Z]+ .*(DOCKER|docker0|br-[0-9a-f]{12})' |
            grep -v '^-A DOCKER' |
            while read -r -a rule; do iptables -t "$t" -D "${rule[@]:1}"; done
        chains=$(iptables -t "$t" -S | sed -n 's/^-N \(DOCKER[A-Z0-9-]*\)$/\1/p')
        for c in $chains; do iptables -t "$t" -F "$c"; done
        for c in $chains; do iptables -t "$t" -X "$c"; done
    done
    [ -n "$FORWARD_POLICY" ] && iptables -P FORWARD "$FORWARD_POLICY"
    [ -n "$IP_FORWARD" ] && echo "$IP_FORWARD" >/proc/sys/net/ipv4/ip_forward
    command -v ip >/dev/null || return 0
    for b in $(ip -o link show type bridge | sed -n 's/^[0-9]*: \(br-[0-9a-f]\{12\}\)[:@].*/\1/p'); do
        ip link delete "$b"
    done
}

# ---- tools, engine, base images ----

install_tools() {
    missing=""
    for p in docker.io docker-compose debootstrap redis-tools tmux ca-certificates; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
            missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    note "installing:$missing"
    # docker.io's own service start is refused on machines whose policy-rc.d forbids it;
    # this script starts dockerd itself.
    # shellcheck disable=SC2086 # a list of package names
    { apt-get update -q && apt-get install -y -q $missing; } >"$WORK/apt.log" 2>&1 || {
        tail -n 20 "$WORK/apt.log" | sed 's/^/#   /'
        return 1
    }
}

# A dockerd left running by an earlier run that was killed (its pidfile is ours) is stopped.
stop_stale_dockerd() {
    [ -s "$PIDFILE" ] || return 0
    old=$(cat "$PIDFILE")
    if kill -0 "$old" 2>/dev/null && tr '\0' ' ' <"/proc/$old/cmdline" | grep -q -- "--pidfile $PIDFILE"; then
        note "stopping dockerd PID $old left by an earlier run"
        kill -TERM "$old"
        wait_for 30 sh -c "! kill -0 $old" || kill -KILL "$old"
    fi
    rm -f "$PIDFILE"
}

# cgroup v1 controllers are mounted on a booted host; in a bare chroot they may not be.
mount_cgroups() {
    grep -q ' /sys/fs/cgroup' /proc/self/mounts && return 0
    [ -f /proc/cgroups ] || return 1
    note "no cgroups mounted here; mounting them under /sys/fs/cgroup for dockerd"
    mount -t tmpfs -o uid=0,gid=0,mode=0755 cgroup /sys/fs/cgroup || return 1
    # shellcheck disable=SC2013 # one controller name per line, no spaces
    for c in $(awk '!/^#/ && $4 == 1 { print $1 }' /proc/cgroups); do
        mkdir -p "/sys/fs/cgroup/$c" && mount -n -t cgroup -o "$c" cgroup "/sys/fs/cgroup/$c" ||
            return 1
    done
}

start_dockerd() {
    mkdir -p "$CACHE" "$DOCKER_CONFIG"
    stop_stale_dockerd
    mount_cgroups || note "could not mount cgroups"
    ip link show docker0 >/dev/null 2>&1 || BRIDGE_EXISTED=0
    if ! iptables -t nat -S DOCKER >/dev/null 2>&1; then
        IPTABLES_EXISTED=0
        FORWARD_POLICY=$(iptables -S FORWARD | sed -n 's/^-P FORWARD //p')
        IP_FORWARD=$(cat /proc/sys/net/ipv4/ip_forward)
    fi
    rm -f "$SOCK"
    # its own session: a Ctrl-C of the test must not stop it before the cleanup has used it
    setsid dockerd --data-root "$CACHE/docker" --exec-root "$CACHE/exec" --pidfile "$PIDFILE" \
        -H "unix://$SOCK" >"$WORK/dockerd.log" 2>&1 &
    DOCKERD_PID=$!
    wait_for 60 sh -c "docker info >/dev/null 2>&1 || ! kill -0 $DOCKERD_PID"
    docker info >/dev/null 2>&1
}

# The Debian mirror this machine's apt uses, for debootstrap.
mirror() {
    if [ -n "${MIRROR:-}" ]; then
        echo "$MIRROR"
        return
    fi
    m=$(grep -hm1 '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{ print $2 }')
    [ -n "$m" ] || m=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
    echo "${m:-http://deb.debian.org/debian}"
}

# Writes $BASE_TAR: a minbase bookworm trimmed like the official -slim image (no docs, man
# pages or locales; dpkg keeps them out of later installs too).
make_base_tar() {
    rootfs=$CACHE/rootfs
    rm -rf "$rootfs"
    debootstrap --variant=minbase bookworm "$rootfs" "$(mirror)" >"$WORK/debootstrap.log" 2>&1 || {
        tail -n 15 "$WORK/debootstrap.log" | sed 's/^/#   /'
        return 1
    }
    rm -f "$rootfs/etc/apt/sources.list"
    if grep -qs bookworm /etc/apt/sources.list.d/debian.sources; then
        cp /etc/apt/sources.list.d/debian.sources "$rootfs/etc/apt/sources.list.d/"
    else
        printf 'Types: deb\nURIs: %s\nSuites: bookworm bookworm-updates\nComponents: main\n%s\n\n%s\n' \
            "$(mirror)" 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' \
            'Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' >"$rootfs/etc/apt/sources.list.d/debian.sources"
    fi
    cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
EOF
    # the official image's apt settings: no package caches, translations or Suggests kept
    printf '%s\n' 'Dir::Cache::pkgcache "";' 'Dir::Cache::srcpkgcache "";' \
        >"$rootfs/etc/apt/apt.conf.d/docker-clean"
    echo 'Acquire::Languages "none";' >"$rootfs/etc/apt/apt.conf.d/docker-no-languages"
    echo 'Acquire::GzipIndexes "true";' >"$rootfs/etc/apt/apt.conf.d/docker-gzip-indexes"
    echo 'Apt::AutoRemove::SuggestsImportant "false";' \
        >"$rootfs/etc/apt/apt.conf.d/docker-autoremove-suggests"
    find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
    rm -rf "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/* \
        "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin \
        "$rootfs"/var/lib/apt/lists/* \
        "$rootfs"/var/log/*.log "$rootfs"/var/log/apt/*
    tar -C "$rootfs" -cf "$BASE_TAR.part" . && mv "$BASE_TAR.part" "$BASE_TAR"
    rc=$?
    rm -rf "$rootfs"
    return $rc
}

base_image() {
    [ "$(docker image inspect -f '{{index .Config.Labels "blip.base-recipe"}}' \
        debian:bookworm-slim 2>/dev/null)" = "$BASE_RECIPE" ] && return 0
    if [ ! -s "$BASE_TAR" ]; then
        note "making debian:bookworm-slim with debootstrap (cached in $BASE_TAR)"
        make_base_tar || return 1
    fi
    docker import --change 'CMD ["bash"]' --change "LABEL blip.base-recipe=$BASE_RECIPE" \
        "$BASE_TAR" docker.io/library/debian:bookworm-slim >/dev/null
}

# ---- helpers for the running stack ----

cid() { compose ps -q "$1" 2>/dev/null; }
inspect() { docker inspect -f "$2" "$(cid "$1")" 2>/dev/null; }
mb() { docker image inspect -f '{{.Size}}' "$1" | awk '{ printf "%.1f", $1 / 1e6 }'; }

# subscriber FILE [redis-cli args]: `redis-cli subscribe anomalies` on the published port into
# FILE; returns once subscribed. Sets SUB_PID.
subscriber() {
    out=$1
    shift
    redis-cli -h 127.0.0.1 -p "$PORT" "$@" subscribe anomalies >"$out" 2>&1 &
    SUB_PID=$!
    track "$SUB_PID"
    wait_for 20 grep -q '^subscribe$' "$out"
}
end_subscriber() { kill "$SUB_PID" 2>/dev/null; }

# anomalies_in FILE: an anomaly message arrived (the detector's JSON, not just any message).
anomalies_in() { grep -q '"anomaly":true.*"severity":"' "$1"; }
health_is() { [ "$(inspect "$1" '{{.State.Health.Status}}')" = "$2" ]; }
pong() { [ "$(redis-cli -h 127.0.0.1 -p "$PORT" "$@" ping 2>&1)" = PONG ]; }
last_stat() { docker logs "$(cid "$1")" 2>&1 | grep " $2: " | tail -n 1 | sed -n "s/.* $3=\([0-9]*\).*/\1/p"; }

# ==== the test ====

[ "$(id -u)" = 0 ] || bail "runs as root (it installs packages and starts dockerd)"
install_tools || bail "docker.io, docker-compose, debootstrap, redis-tools and tmux are installed"
mkdir -p "$CACHE"
exec 9>"$CACHE/lock"
flock -n 9 || bail "no other container test is using $CACHE"

check "docker-compose.yml is valid (docker-compose config -q)" docker-compose config -q
check "docker-compose.yml has no top-level version: or name:" sh -c "! grep -Eq '^(version|name):' docker-compose.yml"

# dclint (npm): the compose schema and style; it exits 1 on errors only.
if command -v npm >/dev/null; then
    if [ ! -x "$CACHE/npm/node_modules/.bin/dclint" ]; then
        mkdir -p "$CACHE/npm" && echo '{"private": true}' >"$CACHE/npm/package.json"
        (cd "$CACHE/npm" && timeout 300 npm install --no-audit --no-fund --ignore-scripts \
            dclint@3.1.0) >"$WORK/npm.log" 2>&1
    fi
    if [ -x "$CACHE/npm/node_modules/.bin/dclint" ]; then
        "$CACHE/npm/node_modules/.bin/dclint" docker-compose.yml >"$WORK/dclint.log" 2>&1
        check_eq "dclint@3.1.0 finds no error in docker-compose.yml" 0 $?
        grep -E 'error|warning' "$WORK/dclint.log" | sed 's/^/#   /'
    else
        skip "dclint: npm install dclint@3.1.0 failed: $(grep -m1 'ERR' "$WORK/npm.log")"
    fi
else
    skip "dclint: npm is not installed here (apt-get install npm to run it)"
fi

start_dockerd || engine_unavailable "dockerd exited or did not answer within 60 s"
ok "private dockerd answers ($(docker version -f '{{.Server.Version}}'), DOCKER_HOST=$DOCKER_HOST)"
# The engine is this test's alone: containers and networks in it are left from an earlier run
# that was killed.
docker ps -aq | xargs -r docker rm -f >/dev/null
docker network prune -f >/dev/null
base_image || bail "debian:bookworm-slim is in the engine (debootstrap + docker import)"
ok "debian:bookworm-slim is in the engine (debootstrap + docker import)"
docker run --rm debian:bookworm-slim true >"$WORK/run.log" 2>&1 ||
    engine_unavailable "docker run of the base image fails: $(tail -n 1 "$WORK/run.log")"
timeout 600 docker build -q -t redis:7 -f docker/redis-test-standin.Dockerfile docker \
    >"$WORK/redis-build.log" 2>&1
check_eq "redis:7 test stand-in builds from Debian's redis-server" 0 $?

compose build >"$WORK/build.log" 2>&1 ||
    { tail -n 30 "$WORK/build.log" | sed 's/^/#   /'; bail "generator and detector images build"; }
ok "generator and detector images build (multi-stage, from debian:bookworm-slim)"
GEN_IMG=${PROJECT}_generator
DET_IMG=${PROJECT}_detector
note "image sizes: generator $(mb "$GEN_IMG") MB, detector $(mb "$DET_IMG") MB," \
    "base debian:bookworm-slim $(mb debian:bookworm-slim) MB"
for img in "$GEN_IMG" "$DET_IMG"; do
    check_eq "$img runs as the non-root user blip" blip "$(docker image inspect -f '{{.Config.User}}' "$img")"
    v=$(timeout 30 docker run --rm "$img" --version 2>&1)
    check "$img: arguments reach the program through ENTRYPOINT ($v)" sh -c "echo '$v' | grep -q '^blip-'"
    check "$img: no compiler in the runtime image" \
        timeout 30 docker run --rm --entrypoint sh "$img" -c '! command -v cc && ! command -v make'
done

# The stack, configured from the environment as a user would.
PORT=$(pick_port) || bail "a free loopback port for redis"
export BLIP_REDIS_PORT=$PORT BLIP_RATE=50 BLIP_STATS_INTERVAL=2 BLIP_SPIKE_SCALE=30
compose up -d >"$WORK/up.log" 2>&1 ||
    { tail -n 20 "$WORK/up.log" | sed 's/^/#   /'; bail "compose up -d starts redis, generator and detector"; }
ok "compose up -d starts redis, generator and detector (project $PROJECT, redis on 127.0.0.1:$PORT)"
check_eq "redis is healthy (healthcheck: redis-cli ping)" healthy "$(inspect redis '{{.State.Health.Status}}')"
check_eq "redis is published on 127.0.0.1 only" "127.0.0.1:$PORT" \
    "$(inspect redis '{{range (index .NetworkSettings.Ports "6379/tcp")}}{{.HostIp}}:{{.HostPort}} {{end}}' | xargs)"
# healthy SERVICE IMAGE: its HEALTHCHECK passes within 60 s. Some sandboxed engines cannot
# exec into a container (the exec'd process does not see the container's files), so no
# HEALTHCHECK can run there: then the same probe runs from a container of the same image in the
# service's network namespace, and says whether the program's /health answers healthy.
exec_refused() { inspect "$1" '{{range .State.Health.Log}}{{.Output}}{{end}}' | grep -q 'OCI runtime exec failed'; }
health_settled() { health_is "$1" healthy || exec_refused "$1"; }
probe_beside() { # SERVICE IMAGE: the image's --probe, run in SERVICE's network namespace
    docker run --rm --network "container:$(cid "$1")" "$2" --probe 127.0.0.1:8080 >"$WORK/probe.$1" 2>&1
}
healthy() {
    wait_for 60 health_settled "$1"
    health_is "$1" healthy && return 0
    probes=$(inspect "$1" '{{range .State.Health.Log}}[exit {{.ExitCode}}: {{.Output}}] {{end}}' |
        tr '\n' ' ')
    if exec_refused "$1"; then
        note "$1: this engine cannot exec into containers (${probes:0:200}...), so no HEALTHCHECK runs here; the same probe from a container in $1's network namespace:"
        wait_for 30 probe_beside "$1" "$2"
        rc=$?
        sed 's/^/#   /' "$WORK/probe.$1"
        return $rc
    fi
    note "$1 health: $(inspect "$1" '{{.State.Health.Status}}') ${probes:0:600}"
    note "$1 log: $(docker logs "$(cid "$1")" 2>&1 | tail -n 5 | tr '\n' '|' | cut -c1-600)"
    return 1
}
check "detector becomes healthy (HEALTHCHECK: blip-detector --probe asks its /health)" \
    healthy detector "$DET_IMG"
check "generator becomes healthy (HEALTHCHECK: blip-generator --probe asks its /health)" \
    healthy generator "$GEN_IMG"
check "detector and generator run with init as PID 1 (SIGTERM reaches the program)" \
    sh -c "[ \"$(inspect detector '{{.HostConfig.Init}}')\" = true ] && [ \"$(inspect generator '{{.HostConfig.Init}}')\" = true ]"

subscriber "$WORK/anom1.out" || bail "redis-cli subscribes to anomalies on 127.0.0.1:$PORT"
check "redis-cli subscribe anomalies on 127.0.0.1:$PORT sees anomalies within ${ANOMALY_WAIT_S} s" \
    wait_for "$ANOMALY_WAIT_S" anomalies_in "$WORK/anom1.out"
end_subscriber
check "the environment reaches the programs (BLIP_STATS_INTERVAL=2: two stats lines in 10 s)" \
    wait_for 10 sh -c "[ \$(docker logs $(cid detector) 2>&1 | grep -c ' stats: ') -ge 2 ]"

before="$(inspect generator '{{.RestartCount}} {{.State.StartedAt}}') $(inspect detector '{{.RestartCount}} {{.State.StartedAt}}')"
points_before=$(last_stat detector stats points)
compose restart redis >"$WORK/restart.log" 2>&1
check_eq "docker-compose restart redis" 0 $?
check "redis answers again on 127.0.0.1:$PORT" wait_for 30 pong
subscriber "$WORK/anom2.out" || bail "redis-cli subscribes again after the restart"
check "anomalies flow again after the restart, within ${ANOMALY_WAIT_S} s" \
    wait_for "$ANOMALY_WAIT_S" anomalies_in "$WORK/anom2.out"
end_subscriber
after="$(inspect generator '{{.RestartCount}} {{.State.StartedAt}}') $(inspect detector '{{.RestartCount}} {{.State.StartedAt}}')"
check_eq "generator and detector were not restarted (restart counts and start times)" "$before" "$after"
check "detector and generator reconnected by themselves" sh -c \
    "docker logs $(cid detector) 2>&1 | grep -q 'reconnected' && docker logs $(cid generator) 2>&1 | grep -q 'reconnected'"
check "detector counts points again after the restart" wait_for 10 sh -c \
    "[ \"\$(docker logs $(cid detector) 2>&1 | grep ' stats: ' | tail -n 1 | sed -n 's/.* points=\([0-9]*\).*/\1/p')\" -gt ${points_before:-0} ]"

compose logs --no-color detector >"$WORK/detector.log" 2>&1
lines=$(grep -c . "$WORK/detector.log")
stats=$(count_lines ' stats: ' "$WORK/detector.log")
anoms=$(count_lines 'Anomaly detected: ' "$WORK/detector.log")
points=$(last_stat detector stats points)
note "docker-compose logs detector: $lines lines for ${points:-?} points ($stats stats lines, $anoms anomaly lines)"
check "docker-compose logs detector shows the periodic stats lines" [ "$stats" -ge 2 ]
check "docker-compose logs detector shows anomaly lines" [ "$anoms" -ge 1 ]
check "docker-compose logs detector has no line per point ($lines lines, ${points:-?} points)" \
    sh -c "[ ${points:-0} -gt 200 ] && [ $lines -lt $((${points:-0} / 5)) ]"

# The optional visualizer service (profile "visualizer"): its image, and the live chart in a
# real terminal (a private tmux server) against the running stack.
if compose --profile visualizer build visualizer >"$WORK/vbuild.log" 2>&1; then
    ok "the visualizer image builds (profile visualizer)"
    VIS_IMG=${PROJECT}_visualizer
    note "image size: visualizer $(mb "$VIS_IMG") MB"
    check_eq "$VIS_IMG runs as the non-root user blip" blip "$(docker image inspect -f '{{.Config.User}}' "$VIS_IMG")"
    VT="tmux -L blipct$$ -f /dev/null"
    $VT new-session -d -x 100 -y 30 "docker-compose --ansi never -p $PROJECT --profile visualizer run --rm visualizer; echo vis-exit=\$?; exec cat"
    vscreen() { $VT capture-pane -p; }
    vchart() { vscreen | grep -q '^ blip  redis://.*redis:6379 up' && vscreen | grep -q ' ┤'; }
    check "docker-compose run --rm visualizer draws the live chart in a terminal" wait_for 90 vchart
    $VT send-keys q
    vquit() { vscreen | grep -q 'vis-exit=0'; }
    check "and q ends it with status 0" wait_for 30 vquit
    $VT kill-server 2>/dev/null
else
    tail -n 20 "$WORK/vbuild.log" | sed 's/^/#   /'
    not_ok "the visualizer image builds (profile visualizer)"
fi

# docker-compose stop: SIGTERM (through init) and a 10 s grace before SIGKILL.
GEN_ID=$(cid generator)
DET_ID=$(cid detector)
t=$(date +%s%N)
compose stop generator detector >"$WORK/stop.log" 2>&1
ms=$((($(date +%s%N) - t) / 1000000))
note "docker-compose stop generator detector took $ms ms"
check "both programs ended within ${STOP_LIMIT_S} s of SIGTERM ($ms ms)" [ "$ms" -lt $((STOP_LIMIT_S * 1000)) ]
for id in "$GEN_ID" "$DET_ID"; do
    name=$(docker inspect -f '{{index .Config.Labels "com.docker.compose.service"}}' "$id")
    check_eq "$name exited 0 after SIGTERM" 0 "$(docker inspect -f '{{.State.ExitCode}}' "$id")"
    check "$name logged its final stats on SIGTERM" sh -c \
        "docker logs $id 2>&1 | grep -q 'received SIGTERM' && docker logs $id 2>&1 | grep -q ' final: '"
done

# REDIS_PASSWORD: redis requires it, and the apps get it through REDIS_URL.
export REDIS_PASSWORD=blip-test-$$
compose up -d >"$WORK/up2.log" 2>&1 ||
    { tail -n 20 "$WORK/up2.log" | sed 's/^/#   /'; bail "compose up -d with REDIS_PASSWORD set"; }
ok "compose up -d with REDIS_PASSWORD set (redis recreated with --requirepass)"
check_eq "with REDIS_PASSWORD: redis is healthy (the healthcheck authenticates)" healthy \
    "$(inspect redis '{{.State.Health.Status}}')"
check "with REDIS_PASSWORD: a client without it is refused" sh -c \
    "redis-cli -h 127.0.0.1 -p $PORT ping 2>&1 | grep -q NOAUTH"
subscriber "$WORK/anom3.out" --no-auth-warning -a "$REDIS_PASSWORD" ||
    bail "with REDIS_PASSWORD: redis-cli -a subscribes to anomalies"
check "with REDIS_PASSWORD: anomalies flow (generator and detector authenticate via REDIS_URL)" \
    wait_for "$ANOMALY_WAIT_S" anomalies_in "$WORK/anom3.out"
end_subscriber

summary
[ "$FAILS" -eq 0 ]
