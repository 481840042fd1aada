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
# and prints each time (the median of BENCH_ROUNDS rounds, default 5; tshark
# once), the ratios (each within a round), the throughput and the peak RSS. The capture is kept in $BENCH_DIR (default
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

echo "capture: $cap ($(echo "$bytes" | awk '{printf "%.1f MiB", $1/1048576}'))"
bin="$dir/build/rdptriage"
"$dir/bench-build/floor" "$cap" >/dev/null # into the page cache
# The runs alternate, round after round: on a shared machine the speed
# drifts over seconds, so each ratio is taken within one round (the floor
# and rdptriage a few seconds apart), and the median round is printed.
rounds=${BENCH_ROUNDS:-5}
runs="$dir/runs.out"
: >"$runs"
i=0
while [ "$i" -lt "$rounds" ]; do
    i=$((i + 1))
    echo "$i floor $(timed "$dir/bench-build/floor" "$cap")" >>"$runs"
    echo "$i quiet $(timed "$bin" -q -r "$cap")" >>"$runs"
    echo "$i text $(timed "$bin" -r "$cap")" >>"$runs"
    echo "$i xml $(timed "$bin" -q -r "$cap" --xml "$dir/report.xml")" >>"$runs"
    echo "$i both $(timed "$bin" -q -r "$cap" --xml "$dir/report.xml" --html "$dir/report.html")" >>"$runs"
done
found=$(grep -c '<connection ' "$dir/report.xml" || true)
rm -f "$dir/report.html"
if command -v tshark >/dev/null 2>&1; then
    echo "1 tshark $(timed tshark -r "$cap" -Y 'tcp.port==3389' -q)" >>"$runs"
fi

awk -v b="$bytes" -v n="$found" -v rounds="$rounds" '
    function median(list,   v, k, m, i, j, t) {
        k = split(list, v, " ");
        for (i = 2; i <= k; i++)
            for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) {
                t = v[j]; v[j] = v[j - 1]; v[j - 1] = t;
            }
        return k ? v[int((k + 1) / 2)] : 0;
    }
    { sec[$1, $2] = $3 > 0 ? $3 : 0.01; times[$2] = times[$2] " " sec[$1, $2];
      if ($4 > rss[$2]) rss[$2] = $4 }
    function row(name, kind, note,   s) {
        s = median(times[kind]);
        printf "%-22s %8.2f %8.0f %8.1f MiB  %s\n", name, s, b / 1048576 / s, rss[kind] / 1024, note;
    }
    # The median over the rounds of kind / floor (or floor / kind).
    function ratio(kind,   r, l) {
        l = "";
        for (r = 1; r <= rounds; r++)
            l = l " " sec[r, kind] / sec[r, "floor"];
        return median(l);
    }
    END {
    printf "%-22s %8s %8s %12s   (median of %d rounds; peak RSS the largest)\n", "", "seconds", "MiB/s", "peak RSS", rounds;
    row("floor (libpcap loop)", "floor", "");
    row("rdptriage -q", "quiet", sprintf("(%d connections; the analysis alone)", n));
    row("rdptriage (summary)", "text", "(one line per connection, to /dev/null)");
    row("rdptriage --xml", "xml", "");
    row("rdptriage --xml --html", "both", "");
    if (("1", "tshark") in sec) row("tshark", "tshark", "(-Y tcp.port==3389, one run)");
    printf "\nrdptriage / floor, the median of the rounds'"'"' ratios: %.2fx -q, %.2fx summary, %.2fx --xml, %.2fx --xml --html (goal: at most 1.5x)\n",
        ratio("quiet"), ratio("text"), ratio("xml"), ratio("both");
    if (("1", "tshark") in sec) {
        t = sec[1, "tshark"];
        printf "tshark / rdptriage: %.1fx -q, %.1fx summary, %.1fx --xml (goal: at least 30x)\n",
            t / median(times["quiet"]), t / median(times["text"]), t / median(times["xml"]);
    }
    printf "rdptriage peak RSS: %.1f MiB -q, %.1f MiB with both reports (goal: under 64 MiB, not growing with the file)\n",
        rss["quiet"] / 1024, rss["both"] / 1024;
}' "$runs"
