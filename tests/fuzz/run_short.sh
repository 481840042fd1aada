#!/bin/sh
# run_short.sh - the fuzz.short test: builds the libFuzzer targets with clang
# in a build directory of their own, seeds them from samples/, fuzzes each for
# a short time, and replays the committed regression inputs.
#
#   sh run_short.sh CLANG SOURCE_DIR BUILD_DIR SECONDS
#
# The same script makes the long runs by hand (tests/fuzz/README.md), e.g.
#   sh tests/fuzz/run_short.sh clang . /tmp/fuzz-long 300
# Copy it elsewhere first if you may edit it meanwhile: sh reads a script as
# it runs.
#
# Exit status: 0 no crash, leak, timeout or broken promise; 1 a target failed
# (its input is kept under BUILD_DIR/artifacts/); 77 skipped (no clang or no
# libFuzzer runtime). libFuzzer's own error exit code is 77 too, so every run
# below sets -error_exitcode=1: a crash must never read as "skipped".
set -u

clang=$1
src=$2
build=$3
secs=${4:-15}
# RDPT_FUZZ_TARGETS may name a subset (e.g. for long runs split over cores).
targets=${RDPT_FUZZ_TARGETS:-"fuzz_tpkt fuzz_x224 fuzz_decode fuzz_reassembly fuzz_tls fuzz_mcs fuzz_x509 fuzz_credssp fuzz_rdpsec fuzz_capture"}
fuzz_src=$src/tests/fuzz

if [ "$secs" = 0 ]; then
    echo "fuzz.short: skipped: RDPT_FUZZ_SECONDS is 0"
    exit 77
fi
if [ -z "$clang" ] || ! command -v "$clang" >/dev/null 2>&1; then
    echo "fuzz.short: skipped: clang not found (libFuzzer needs it)"
    exit 77
fi
mkdir -p "$build/probe" || exit 1
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\n%s\n' \
    'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }' \
    >"$build/probe/probe.c"
if ! "$clang" -fsanitize=fuzzer,address,undefined "$build/probe/probe.c" -o "$build/probe/probe" \
        >"$build/probe/log" 2>&1; then
    echo "fuzz.short: skipped: $clang cannot link a libFuzzer target:"
    cat "$build/probe/log"
    exit 77
fi

start=$(date +%s)
jobs=$(nproc 2>/dev/null || echo 2)
echo "fuzz.short: configuring and building the fuzz targets with $clang in $build"
if ! cmake -S "$src" -B "$build" -DCMAKE_C_COMPILER="$clang" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DRDPT_FUZZ=ON -DRDPT_TESTS=OFF -DRDPT_SANITIZE=OFF >"$build/configure.log" 2>&1; then
    cat "$build/configure.log"
    echo "fuzz.short: FAILED: cannot configure the fuzz build"
    exit 1
fi
if ! cmake --build "$build" --target fuzz -j "$jobs" >"$build/build.log" 2>&1; then
    tail -n 60 "$build/build.log"
    echo "fuzz.short: FAILED: cannot build the fuzz targets"
    exit 1
fi
bin=$build/tests/fuzz
echo "fuzz.short: built in $(( $(date +%s) - start )) s"

# Seeds: a fresh working corpus per run, so that every run starts alike and
# nothing grows between runs; the committed hand seeds first.
corpus=$build/corpus
rm -rf "$corpus" "$build/artifacts" "$build/logs"
mkdir -p "$build/artifacts" "$build/logs"
for t in $targets; do
    mkdir -p "$corpus/$t"
    if [ -d "$fuzz_src/seeds/$t" ]; then
        for f in "$fuzz_src/seeds/$t"/*; do
            [ -f "$f" ] && cp "$f" "$corpus/$t/"
        done
    fi
done
for f in "$src"/samples/*.pcap "$src"/samples/*.pcapng; do
    [ -f "$f" ] && cp "$f" "$corpus/fuzz_capture/"
done
# The samples whose TLS secrets are known, with the secrets inside (a pcapng
# Decryption Secrets Block): the decryption and everything behind it (CredSSP,
# NTLM, the RDP PDUs) then see hostile bytes too.
if command -v editcap >/dev/null 2>&1; then
    for k in "$src"/samples/*.keys; do
        [ -f "$k" ] || continue
        f=${k%.keys}.pcap
        [ -f "$f" ] && editcap --inject-secrets "tls,$k" "$f" \
            "$corpus/fuzz_capture/$(basename "${k%.keys}")-secrets.pcapng" >/dev/null 2>&1
    done
fi
shared=$src/../shared/captures
if [ -d "$shared" ]; then
    # Small public captures only, named by their path (never committed).
    find "$shared" -type f \( -name '*.pcap' -o -name '*.pcapng' \) -size -64k | while read -r f; do
        cp "$f" "$corpus/fuzz_capture/shared-$(echo "${f#"$shared"/}" | tr '/' '_')"
    done
fi
"$bin/fuzz_seedgen" frames "$corpus/fuzz_decode" "$src"/samples/*.pcap
if command -v tshark >/dev/null 2>&1; then
    # The TCP payloads of the samples' RDP streams (the first bytes of TPKT
    # PDUs and TLS records) and the certificates of their TLS handshakes, in
    # one tshark run per sample: -d ...,tls makes tshark decode the
    # certificates; the raw payload is the same either way.
    for f in "$src"/samples/*.pcap; do
        tshark -r "$f" -d tcp.port==3389,tls -Y 'tcp.len > 0 && tcp.port == 3389' \
            -T fields -E separator=/t -e tcp.payload -e tls.handshake.certificate 2>/dev/null |
            head -n 40 >"$build/fields.txt"
        cut -f1 "$build/fields.txt" >"$build/payloads.hex"
        "$bin/fuzz_seedgen" hex "$corpus/fuzz_tpkt" 00 0 <"$build/payloads.hex"
        "$bin/fuzz_seedgen" hex "$corpus/fuzz_tpkt" 01 0 <"$build/payloads.hex"
        grep '^0300' "$build/payloads.hex" | "$bin/fuzz_seedgen" hex "$corpus/fuzz_x224" - 4
        # X.224 Data TPDUs (02 F0 80): MCS and GCC, after the 7 header bytes.
        grep -i '^0300....02f080' "$build/payloads.hex" | "$bin/fuzz_seedgen" hex "$corpus/fuzz_mcs" 0000 7
        # TLS records (types 20-23, version 3.x): the record layer, from a record start.
        grep -E '^1[4-7]03' "$build/payloads.hex" | "$bin/fuzz_seedgen" hex "$corpus/fuzz_tls" 0400 0
        cut -f2 "$build/fields.txt" | grep . | "$bin/fuzz_seedgen" hex "$corpus/fuzz_x509" - 0
    done
else
    echo "fuzz.short: tshark not found: the dissector targets start from the hand seeds only"
fi
for t in $targets; do
    echo "fuzz.short: $t: $(ls "$corpus/$t" | wc -l) seeds"
done

status=0
for t in $targets; do
    log=$build/logs/$t.log
    # -rss_limit_mb: a run that needs more than 1 GiB is a bug here; -timeout:
    # no input may take 5 s. Leaks are reported (detect_leaks defaults to 1).
    "$bin/$t" -max_total_time="$secs" -rss_limit_mb=1024 -timeout=5 -max_len=131072 \
        -error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 \
        -artifact_prefix="$build/artifacts/$t-" "$corpus/$t" >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
    if [ "$rc" -ne 0 ]; then
        tail -n 60 "$log"
        echo "fuzz.short: $t FAILED (exit status $rc) after ${execs:-?} executions;" \
             "the input is in $build/artifacts/:"
        ls -l "$build/artifacts/" | grep " $t-" || true
        echo "fuzz.short: fix it, then add the input to tests/fuzz/regressions/$t/"
        status=1
        continue
    fi
    echo "fuzz.short: $t: ${execs:-?} executions, ${speed:-?} exec/s, ${cov:-cov: ?}, no failure"
    # The committed regression inputs, once each, under libFuzzer too.
    regs=$(ls "$fuzz_src/regressions/$t" 2>/dev/null | grep -v '^\.' | sed "s|^|$fuzz_src/regressions/$t/|")
    if [ -n "$regs" ]; then
        # shellcheck disable=SC2086
        if ! "$bin/$t" -error_exitcode=1 -timeout_exitcode=1 -timeout=5 -rss_limit_mb=1024 \
                $regs >"$build/logs/$t.regressions.log" 2>&1; then
            tail -n 40 "$build/logs/$t.regressions.log"
            echo "fuzz.short: $t FAILED on a committed regression input"
            status=1
        else
            echo "fuzz.short: $t: $(echo "$regs" | wc -l) regression input(s) replayed"
        fi
    fi
done
echo "fuzz.short: done in $(( $(date +%s) - start )) s"
exit $status
