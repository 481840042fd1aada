#!/bin/sh
# test_stdin.sh RDPTRIAGE SAMPLES_DIR WORK_DIR
# -r - reads standard input, as tcpdump -r - does (tcpdump -w - | rdptriage
# -r -): every pcap sample read through a pipe gives the XML report and the
# summary of reading the file itself, but for the input's name; a pcapng one
# says that its Decryption Secrets Blocks are not read from a pipe; an empty
# or garbage standard input is a clear error (exit 2), not a crash.
set -u
bin=$1
samples=$2
work=$3
mkdir -p "$work"
fail=0
n=0
# pcapng by its first four bytes (some samples are pcapng named .pcap).
is_pcapng() {
    [ "$(od -An -tx1 -N4 "$1" | tr -d ' \n')" = 0a0d0d0a ]
}
for f in "$samples"/*.pcap "$samples"/*.pcapng; do
    [ -e "$f" ] || continue
    is_pcapng "$f" || continue
    b=$(basename "$f")
    cat "$f" | "$bin" -q -r - >/dev/null 2>"$work/$b.err"
    if ! grep -q "^rdptriage: standard input: the TLS secrets a pcapng file may carry" "$work/$b.err"; then
        echo "FAIL: $b from standard input: no word that its DSBs are not read"
        fail=1
    fi
done
for f in "$samples"/*.pcap "$samples"/*.pcapng; do
    [ -e "$f" ] || continue
    is_pcapng "$f" && continue
    n=$((n + 1))
    b=$(basename "$f")
    "$bin" -q -r "$f" --xml "$work/$b.file.xml" >/dev/null 2>&1
    "$bin" -r "$f" >"$work/$b.file.txt" 2>&1
    cat "$f" | "$bin" -q -r - --xml "$work/$b.pipe.xml" >/dev/null 2>&1
    cat "$f" | "$bin" -r - >"$work/$b.pipe.txt" 2>&1
    # The one difference allowed: the capture's source attribute.
    sed "s|source=\"$f\"|source=\"standard input\"|" "$work/$b.file.xml" >"$work/$b.want.xml"
    if ! cmp -s "$work/$b.want.xml" "$work/$b.pipe.xml"; then
        echo "FAIL: $b: the XML from standard input differs from the file's"
        fail=1
    fi
    if ! cmp -s "$work/$b.file.txt" "$work/$b.pipe.txt"; then
        echo "FAIL: $b: the summary from standard input differs from the file's"
        fail=1
    fi
done
if [ "$n" -eq 0 ]; then
    echo "FAIL: no samples in $samples"
    exit 1
fi
for input in empty garbage; do
    if [ "$input" = empty ]; then
        "$bin" -r - </dev/null >"$work/$input.out" 2>&1
    else
        echo "not a capture at all" | "$bin" -r - >"$work/$input.out" 2>&1
    fi
    rc=$?
    if [ "$rc" -ne 2 ] || ! grep -q "^rdptriage: standard input: " "$work/$input.out"; then
        echo "FAIL: $input standard input: exit $rc, expected 2 and a message naming standard input"
        cat "$work/$input.out"
        fail=1
    fi
done
[ "$fail" -eq 0 ] && echo "ok: $n pcap samples read from standard input as from their files"
exit "$fail"
