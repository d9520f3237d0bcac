#!/bin/sh
# scripts/deps.sh [build|run|test|all] - installs the Debian packages blip needs that are missing.
#   build: compiler and libraries; run: build + redis; test: run + cmocka, tmux, valgrind,
#   clang and its libFuzzer runtime (make fuzz), ...
# Uses apt-get (through sudo when not root). On a system without dpkg it only checks that
# pkg-config finds the libraries and says what is missing.
set -e
what=${1:-all}

BUILD_PKGS="gcc make pkg-config libc6-dev libhiredis-dev libevent-dev libcjson-dev libncurses-dev"
RUN_PKGS="redis-server redis-tools procps"
TEST_PKGS="libcmocka-dev tmux valgrind curl jq prometheus clang libclang-rt-14-dev"

case "$what" in
build) pkgs="$BUILD_PKGS" ;;
run) pkgs="$BUILD_PKGS $RUN_PKGS" ;;
test | all) pkgs="$BUILD_PKGS $RUN_PKGS $TEST_PKGS" ;;
*)
    echo "usage: $0 [build|run|test|all]" >&2
    exit 2
    ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
    if pkg-config --exists hiredis libevent libcjson ncursesw 2>/dev/null; then
        exit 0
    fi
    echo "blip: not a Debian system; install hiredis, libevent 2.1, cJSON, ncursesw, cmocka," \
        "redis-server and tmux with your package manager" >&2
    exit 1
fi

missing=""
for p in $pkgs; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

echo "blip: installing missing Debian packages:$missing"
if [ "$(id -u)" -eq 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
else
    echo "blip: run as root: apt-get install -y$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# A fresh system has no package lists yet; refresh them when an install cannot find a package.
if ! $sudo apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1; then
    $sudo apt-get update -q >/dev/null
    $sudo apt-get install -y -q --no-install-recommends $missing >/dev/null
fi
echo "blip: installed:$missing"
