#!/bin/sh
# run_tsan.sh - the threads.tsan test: builds rdptriage and test_threads with
# clang's ThreadSanitizer in a build directory of its own, then runs
#   - test_threads (every sample, threaded and not, the same reports), and
#   - rdptriage on a capture of a few thousand interleaved connections made by
#     the benchmark's generator (bench/gen_capture.c), with both reports,
# so that the side thread (reading and retiring) and the packet path meet
# thousands of times. Any data race ends the run (halt_on_error).
#
#   sh run_tsan.sh CLANG SOURCE_DIR BUILD_DIR
#
# Exit status: 0 no race; 1 a race or a failure; 77 skipped (no clang, or no
# ThreadSanitizer runtime).
set -u

clang=$1
src=$2
build=$3

if [ -z "$clang" ] || ! command -v "$clang" >/dev/null 2>&1; then
    echo "threads.tsan: skipped: clang not found"
    exit 77
fi
mkdir -p "$build/probe" || exit 1
printf '#include <pthread.h>\nstatic void *f(void *a) { return a; }\n%s\n' \
    'int main(void) { pthread_t t; pthread_create(&t, 0, f, 0); return pthread_join(t, 0); }' \
    >"$build/probe/probe.c"
if ! "$clang" -fsanitize=thread -pthread "$build/probe/probe.c" -o "$build/probe/probe" \
        >"$build/probe/log" 2>&1 || ! "$build/probe/probe"; then
    echo "threads.tsan: skipped: no ThreadSanitizer runtime for $clang"
    exit 77
fi

echo "threads.tsan: building with $clang -fsanitize=thread"
if ! CC=$clang cmake -S "$src" -B "$build/tsan" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_C_FLAGS="-fsanitize=thread" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" \
        >"$build/cmake.log" 2>&1 ||
   ! cmake --build "$build/tsan" --target rdptriage test_threads >"$build/build.log" 2>&1; then
    tail -30 "$build/build.log" "$build/cmake.log"
    exit 1
fi
if ! cmake -S "$src/bench" -B "$build/bench" >/dev/null 2>&1 ||
   ! cmake --build "$build/bench" --target gen_capture >/dev/null 2>&1; then
    echo "threads.tsan: cannot build bench/gen_capture"
    exit 1
fi

export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1"
status=0
"$build/tsan/tests/test_threads" || status=1

# About 1,800 connections in 20 MiB, copies of every sample interleaved.
cap="$build/interleaved.pcap"
if ! "$build/bench/gen_capture" "$cap" 20 0 "$src"/samples/*.pcap >/dev/null; then
    echo "threads.tsan: gen_capture failed"
    exit 1
fi
"$build/tsan/rdptriage" -q -r "$cap" --xml "$build/r.xml" --html "$build/r.html" \
    2>"$build/rdptriage.err"
rc=$?
if [ "$rc" -gt 1 ]; then
    echo "threads.tsan: rdptriage exited with $rc"
    head -60 "$build/rdptriage.err"
    status=1
fi
n=$(grep -c '<connection ' "$build/r.xml" 2>/dev/null || echo 0)
echo "threads.tsan: $n connections reported from $cap"
if [ "$n" -lt 1000 ]; then
    echo "threads.tsan: expected more than 1,000 connections"
    status=1
fi
rm -f "$cap"
exit $status
