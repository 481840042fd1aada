#!/bin/sh
# bench/run.sh - the speed and memory benchmark (issue 9). Not part of CI.
#
#   bench/run.sh [SIZE_MB] [CONNECTIONS]
#
# Generates a capture of SIZE_MB (default 1024) from samples/ (each sample
# connection copied many times under fresh addresses, interleaved, mixed with
# non-RDP traffic carrying most of the bytes), then times in one run:
#   floor     a minimal libpcap read loop over the same file
#   rdptriage the release build, writing the XML report, and again with -q
#             (the analysis alone, no report)
#   tshark    filtering the RDP traffic (when tshark is installed)
# and prints each time, the ratios, the throughput and the peak RSS. The
# capture is kept in $BENCH_DIR (default /tmp/rdptriage-bench) between runs.
set -eu
cd "$(dirname "$0")/.."
size=${1:-1024}
conns=${2:-0}
dir=${BENCH_DIR:-/tmp/rdptriage-bench}
mkdir -p "$dir"

if [ ! -x /usr/bin/time ]; then
    if [ "$(id -u)" = 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
    else
        echo "bench: needs /usr/bin/time (apt-get install time)" >&2
        exit 2
    fi
fi

cmake -S . -B "$dir/build" -DCMAKE_BUILD_TYPE=Release -DRDPT_TESTS=OFF >/dev/null
cmake --build "$dir/build" -j "$(nproc)" >/dev/null
cmake -S bench -B "$dir/bench-build" >/dev/null
cmake --build "$dir/bench-build" -j "$(nproc)" >/dev/null

cap="$dir/bench-${size}M-${conns}.pcap"
if [ ! -s "$cap" ]; then
    "$dir/bench-build/gen_capture" "$cap" "$size" "$conns" samples/*.pcap
fi
bytes=$(stat -c %s "$cap")

# One timed run: prints "SECONDS PEAK_KB".
timed() {
    /usr/bin/time -q -f "%e %M" -o "$dir/time.out" "$@" >/dev/null 2>"$dir/stderr.out" || true
    cat "$dir/time.out"
}
# The median of three runs (the file is in the page cache after the first).
median3() {
    { timed "$@"; timed "$@"; timed "$@"; } | sort -n | sed -n 2p
}

echo "capture: $cap ($(echo "$bytes" | awk '{printf "%.1f MiB", $1/1048576}'))"
floor=$(median3 "$dir/bench-build/floor" "$cap")
rdpt=$(median3 "$dir/build/rdptriage" -q -r "$cap" --xml "$dir/report.xml")
# The analysis alone (verdicts, no report file): what a live span-port run costs.
quiet=$(median3 "$dir/build/rdptriage" -q -r "$cap")
found=$(grep -c '<connection ' "$dir/report.xml" || true)
if command -v tshark >/dev/null 2>&1; then
    tsh=$(timed tshark -r "$cap" -Y 'tcp.port==3389' -q)
else
    tsh=""
fi

awk -v f="$floor" -v r="$rdpt" -v q="$quiet" -v t="$tsh" -v b="$bytes" -v n="$found" 'BEGIN {
    split(f, F, " "); split(r, R, " "); split(q, Q, " ");
    printf "%-10s %9s %12s %11s\n", "", "seconds", "MiB/s", "peak RSS";
    printf "%-10s %9.2f %12.0f %8.1f MiB\n", "floor", F[1], b/1048576/(F[1] > 0 ? F[1] : 0.01), F[2]/1024;
    printf "%-10s %9.2f %12.0f %8.1f MiB   (%d connections, XML report)\n", "rdptriage", R[1], b/1048576/(R[1] > 0 ? R[1] : 0.01), R[2]/1024, n;
    printf "%-10s %9.2f %12.0f %8.1f MiB   (analysis only: -q, no report)\n", "  -q", Q[1], b/1048576/(Q[1] > 0 ? Q[1] : 0.01), Q[2]/1024;
    if (t != "") { split(t, T, " ");
        printf "%-10s %9.2f %12.0f %8.1f MiB\n", "tshark", T[1], b/1048576/(T[1] > 0 ? T[1] : 0.01), T[2]/1024; }
    printf "\nrdptriage / floor: %.2fx with the XML report, %.2fx analysis only (goal: at most 1.5x)\n", R[1]/(F[1] > 0 ? F[1] : 0.01), Q[1]/(F[1] > 0 ? F[1] : 0.01);
    if (t != "") printf "tshark / rdptriage: %.1fx with the XML report, %.1fx analysis only (goal: at least 30x)\n", T[1]/(R[1] > 0 ? R[1] : 0.01), T[1]/(Q[1] > 0 ? Q[1] : 0.01);
    printf "rdptriage peak RSS: %.1f MiB with the XML report, %.1f MiB analysis only (goal: under 64 MiB, not growing with the file)\n", R[2]/1024, Q[2]/1024;
}'
