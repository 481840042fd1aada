# Fuzzing in the ordinary test run; included from tests/CMakeLists.txt.
#
#   fuzz.replay.TARGET  each fuzz target, built with this build's compiler and
#                       sanitizers around replay_main.c, run once on every
#                       committed regression input and hand seed: always runs.
#   fuzz.short          builds the libFuzzer targets with clang in a build
#                       directory of its own and fuzzes each for a short time
#                       (RDPT_FUZZ_SECONDS); skipped (77) without clang.
set(RDPT_FUZZ_DIR ${CMAKE_SOURCE_DIR}/tests/fuzz)
set(RDPT_FUZZ_SECONDS 8 CACHE STRING "Seconds each fuzz target runs in the fuzz.short test")

# fuzz_capture also reads every file of samples/ (the .expect and .keys files
# are "not a capture" inputs), so its report checks cover the real captures.
set(RDPT_REPLAY_EXTRA_fuzz_capture ${CMAKE_SOURCE_DIR}/samples)
foreach(t fuzz_tpkt fuzz_x224 fuzz_decode fuzz_reassembly fuzz_tls fuzz_mcs fuzz_x509
    fuzz_credssp fuzz_rdpsec fuzz_capture)
  add_executable(replay_${t} ${RDPT_FUZZ_DIR}/${t}.c ${RDPT_FUZZ_DIR}/replay_main.c)
  target_include_directories(replay_${t} PRIVATE ${RDPT_FUZZ_DIR})
  target_link_libraries(replay_${t} PRIVATE rdpt_reports rdpt_analyzer)
  add_test(NAME fuzz.replay.${t}
           COMMAND replay_${t} ${RDPT_FUZZ_DIR}/regressions/${t} ${RDPT_FUZZ_DIR}/seeds/${t}
                   ${RDPT_REPLAY_EXTRA_${t}})
endforeach()
target_compile_definitions(replay_fuzz_capture PRIVATE
  RDPT_XSD="${CMAKE_SOURCE_DIR}/reports/rdptriage.xsd")

find_program(RDPT_CLANG NAMES clang clang-19 clang-18 clang-17 clang-16 clang-15 clang-14)
add_test(NAME fuzz.short
         COMMAND sh ${RDPT_FUZZ_DIR}/run_short.sh
                 "${RDPT_CLANG}" ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR}/fuzz-short
                 ${RDPT_FUZZ_SECONDS})
set_tests_properties(fuzz.short PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 900)

# The adversarial captures are run through the real binary.
if(TARGET test_adversarial)
  target_compile_definitions(test_adversarial PRIVATE RDPT_BINARY="$<TARGET_FILE:rdptriage>")
  add_dependencies(test_adversarial rdptriage)
  set_tests_properties(unit.test_adversarial PROPERTIES TIMEOUT 600)
endif()
if(TARGET test_mutation)
  set_tests_properties(unit.test_mutation PROPERTIES TIMEOUT 600)
endif()
