#!/bin/sh
# setup.sh - the two set-up commands of README.md, for a fresh Debian 12 (as root).
#
#   ./setup.sh run    install what is missing, build, analyse the bundled samples,
#                     write out/samples.html and out/samples.xml
#   ./setup.sh test   install what is missing, build with ASan+UBSan, run every test
set -eu
cd "$(dirname "$0")"

BUILD_PACKAGES="build-essential cmake pkg-config libpcap-dev libssl-dev libxml2-dev"
TEST_PACKAGES="libcmocka-dev libxml2-utils clang chromium tcpreplay iproute2"

install_missing() {
    missing=""
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" != 0 ]; then
        echo "setup.sh: these packages are missing:$missing; run as root to install them" >&2
        exit 2
    fi
    echo "setup.sh: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

jobs=$(nproc 2>/dev/null || echo 2)

case "${1:-}" in
run)
    install_missing $BUILD_PACKAGES
    cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRDPT_TESTS=OFF >/dev/null
    cmake --build build -j "$jobs" >/dev/null
    mkdir -p out
    set --
    for f in samples/*.pcap samples/*.pcapng; do
        [ -e "$f" ] && set -- "$@" -r "$f"
    done
    if [ $# -eq 0 ]; then
        echo "setup.sh: no samples in samples/" >&2
        exit 2
    fi
    status=0
    ./build/rdptriage "$@" --xml out/samples.xml --html out/samples.html || status=$?
    if [ "$status" -gt 1 ]; then
        echo "setup.sh: rdptriage failed (exit status $status)" >&2
        exit "$status"
    fi
    echo
    echo "Reports written:"
    echo "  HTML: $(pwd)/out/samples.html"
    echo "  XML:  $(pwd)/out/samples.xml"
    ;;
test)
    install_missing $BUILD_PACKAGES $TEST_PACKAGES
    cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DRDPT_SANITIZE=ON >/dev/null
    cmake --build build-test -j "$jobs"
    cd build-test
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        ctest --output-on-failure -j "$jobs"
    ;;
*)
    echo "usage: ./setup.sh run | test" >&2
    exit 2
    ;;
esac
