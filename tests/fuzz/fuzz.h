/* fuzz.h - what every fuzz target shares: the libFuzzer entry points and the
 * check that turns a broken promise into a crash libFuzzer keeps.
 *
 * A target is built two ways (tests/fuzz/CMakeLists.txt, tests/fuzz/tests.cmake):
 * with clang and -fsanitize=fuzzer for fuzzing, and with any compiler linked
 * to replay_main.c, which runs it once on each file it is given (the
 * regression inputs and the seeds, in the ordinary sanitizer build).
 */
#ifndef RDPT_FUZZ_H
#define RDPT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional (weak): only targets that need set-up define it. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

/* A sanitizer report is not the only bug: a dissector that breaks its own
 * header's promise (a pointer outside the frame, a probe that changes its
 * mind) is one too. abort() makes libFuzzer save the input. */
#define FUZZ_CHECK(cond)                                                            \
    do {                                                                            \
        if (!(cond)) {                                                              \
            fprintf(stderr, "%s:%d: broken promise: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                \
        }                                                                           \
    } while (0)

#endif
