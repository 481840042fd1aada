#!/bin/sh
# bench/run.sh - the speed and memory benchmark (issue 9). Not part of CI.
#
#   bench/run.sh [SIZE_MB] [CONNECTIONS]
#
# Generates a capture of SIZE_MB (default 1024) from samples/ (each sample
# connection copied many times under fresh addresses, interleaved, mixed with
# non-RDP traffic carrying most of the bytes), then times in one run:
#   floor     a minimal libpcap read loop over the same file
#   rdptriage the release build, as users run it: -q (the analysis alone, no
#             report: what a span-port watch costs), the summary on the
#             terminal (to /dev/null), --xml, and --xml --html
#   tshark    filtering the RDP traffic (when tshark is installed)
# and prints each time (the median of three; tshark once), the ratios, the
# throughput and the peak RSS. The capture is kept in $BENCH_DIR (default
# /tmp/rdptriage-bench) between runs.
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
bin="$dir/build/rdptriage"
floor=$(median3 "$dir/bench-build/floor" "$cap")
quiet=$(median3 "$bin" -q -r "$cap")
text=$(median3 "$bin" -r "$cap")
xml=$(median3 "$bin" -q -r "$cap" --xml "$dir/report.xml")
both=$(median3 "$bin" -q -r "$cap" --xml "$dir/report.xml" --html "$dir/report.html")
found=$(grep -c '<connection ' "$dir/report.xml" || true)
rm -f "$dir/report.html"
if command -v tshark >/dev/null 2>&1; then
    tsh=$(timed tshark -r "$cap" -Y 'tcp.port==3389' -q)
else
    tsh=""
fi

awk -v f="$floor" -v q="$quiet" -v x="$text" -v r="$xml" -v h="$both" -v t="$tsh" -v b="$bytes" \
    -v n="$found" 'function row(name, v, note,   V) {
        split(v, V, " ");
        printf "%-22s %8.2f %8.0f %8.1f MiB  %s\n", name, V[1], b/1048576/(V[1] > 0 ? V[1] : 0.01), V[2]/1024, note;
        return V[1] > 0 ? V[1] : 0.01
    }
    BEGIN {
    printf "%-22s %8s %8s %12s\n", "", "seconds", "MiB/s", "peak RSS";
    F = row("floor (libpcap loop)", f, "");
    Q = row("rdptriage -q", q, sprintf("(%d connections; the analysis alone)", n));
    X = row("rdptriage (summary)", x, "(one line per connection, to /dev/null)");
    R = row("rdptriage --xml", r, "");
    H = row("rdptriage --xml --html", h, "");
    if (t != "") T = row("tshark", t, "(-Y tcp.port==3389)");
    printf "\nrdptriage / floor: %.2fx -q, %.2fx summary, %.2fx --xml (goal: at most 1.5x)\n", Q/F, X/F, R/F;
    if (t != "") printf "tshark / rdptriage: %.1fx -q, %.1fx summary, %.1fx --xml (goal: at least 30x)\n", T/Q, T/X, T/R;
    split(q, A, " "); split(h, B, " ");
    printf "rdptriage peak RSS: %.1f MiB -q, %.1f MiB with both reports (goal: under 64 MiB, not growing with the file)\n", A[2]/1024, B[2]/1024;
}'
