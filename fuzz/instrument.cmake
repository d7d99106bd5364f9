# Instrumentation of the fuzz build (AIE4ML_FUZZ=ON, included from the top-level CMakeLists.txt before
# any target is defined): every aie4ml library, test and tool is compiled with libFuzzer's coverage
# hooks (fuzzer-no-link), AddressSanitizer and UndefinedBehaviorSanitizer, so the same build directory
# serves the fuzz programs (which alone link libFuzzer, fuzz/CMakeLists.txt) and the sanitised unit
# tests (tools/sanitize_and_fuzz.sh). Any sanitizer report aborts (-fno-sanitize-recover=all).
# Needs clang (Debian: clang + libclang-rt-14-dev); gcc has no libFuzzer.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "AIE4ML_FUZZ=ON needs clang: configure with -DCMAKE_CXX_COMPILER=clang++")
endif()
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
add_link_options(-fsanitize=address,undefined)
