#!/bin/sh
# test_live.sh - live capture (issue 9): replays samples with tcpreplay into a
# veth pair inside a private network namespace while rdptriage listens on the
# other end (-i, dropping privileges with -Z), stops it with SIGINT, and
# checks that it gives the same verdicts as when it reads the files.
#
#   test_live.sh RDPTRIAGE SAMPLES_DIR WORK_DIR
#
# Exit 77 (skipped) without root, network namespaces or tcpreplay.
set -u
tool=$1 samples=$2 work=$3
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
command -v tcpreplay >/dev/null 2>&1 || { echo "SKIP: tcpreplay is not installed"; exit 77; }
command -v ip >/dev/null 2>&1 || { echo "SKIP: iproute2 is not installed"; exit 77; }

ns="rdpt-live-$$"
ip netns add "$ns" 2>/dev/null || { echo "SKIP: cannot create a network namespace"; exit 77; }
pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    ip netns del "$ns" 2>/dev/null
}
trap cleanup EXIT INT TERM

# Short samples that cover the TCP, X.224, TLS and reset verdicts.
set -- refused icmp-prohibited neg-hybrid-required reset-x224-nft tls-old-server cert-expired
mkdir -p "$work" && chmod 777 "$work"
rm -f "$work"/*.tsv "$work"/live.xml

ip -n "$ns" link add vrep type veth peer name vcap
ip -n "$ns" link set vrep up
ip -n "$ns" link set vcap up
ip -n "$ns" link set lo up

# Files first: the expected verdicts.
for s in "$@"; do
    "$tool" -q -r "$samples/$s.pcap" --xml "$work/$s.xml" || true
done

ip netns exec "$ns" "$tool" -i vcap -Z nobody --xml "$work/live.xml" >"$work/live.out" 2>"$work/live.err" &
pid=$!
sleep 2
for s in "$@"; do
    ip netns exec "$ns" tcpreplay -q -i vrep "$samples/$s.pcap" >/dev/null 2>&1 ||
        { echo "FAIL: tcpreplay of $s"; exit 1; }
    sleep 1 # lets each sample's connections close and be retired
done
kill -INT "$pid"
wait "$pid"
status=$?
pid=""
if [ "$status" -gt 1 ]; then
    echo "FAIL: rdptriage -i exited with $status"; cat "$work/live.err"; exit 1
fi

# client server phase cause, one line per connection, sorted.
verdicts() {
    awk '/<connection / { match($0, /client="[^"]*"/); c = substr($0, RSTART + 8, RLENGTH - 9);
                          match($0, /server="[^"]*"/); s = substr($0, RSTART + 8, RLENGTH - 9) }
         /<verdict / { match($0, /phase="[^"]*"/); p = substr($0, RSTART + 7, RLENGTH - 8);
                       match($0, /cause="[^"]*"/); k = substr($0, RSTART + 7, RLENGTH - 8);
                       print c, s, p, k }' "$@" | sort
}
for s in "$@"; do verdicts "$work/$s.xml"; done | sort > "$work/files.tsv"
verdicts "$work/live.xml" > "$work/live.tsv"
n=$(wc -l < "$work/files.tsv")
if [ "$n" -eq 0 ]; then
    echo "FAIL: no verdicts from the files"; exit 1
fi
if ! diff -u "$work/files.tsv" "$work/live.tsv"; then
    echo "FAIL: live verdicts differ from the files' verdicts"; exit 1
fi
grep -q 'live="true"' "$work/live.xml" || { echo "FAIL: the report does not say it was live"; exit 1; }

# A quiet link: a connection that is over must be reported within seconds (5 s
# after its last packet) without any later packet to wake the analysis up,
# before any interrupt. A fresh listener, so that nothing older from the same
# client may be the attempt it retries (such a connection waits for it).
ip netns exec "$ns" "$tool" -i vcap -Z nobody >"$work/quiet.out" 2>"$work/quiet.err" &
pid=$!
sleep 2
ip netns exec "$ns" tcpreplay -q -i vrep "$samples/cert-expired.pcap" >/dev/null 2>&1 ||
    { echo "FAIL: tcpreplay of cert-expired"; exit 1; }
client=$(sed -n 's/.*<connection [^>]*client="\([^"]*\)".*/\1/p' "$work/cert-expired.xml" | head -n 1)
reported=""
for t in 1 2 3 4 5 6 7 8 9 10 11 12; do
    if [ -n "$client" ] && grep -q -F "$client" "$work/quiet.out"; then reported=yes; break; fi
    sleep 1
done
kill -INT "$pid"
wait "$pid"
pid=""
if [ -z "$reported" ]; then
    echo "FAIL: the connection from $client was not reported on a quiet link"
    cat "$work/quiet.out" "$work/quiet.err"; exit 1
fi
echo "ok: $n connections, same verdicts live and from the files"
