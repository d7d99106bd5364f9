#!/usr/bin/env bash
# Reliability stage of `./x test`: the unit tests and the CLI under AddressSanitizer + UBSan, then a
# bounded libFuzzer run of each fuzz target. Fails on any sanitizer report, test failure or crash.
#
# One build directory serves both (fuzz/instrument.cmake): clang, -O0, every library compiled with ASan,
# UBSan and libFuzzer's coverage hooks; building the libraries once keeps this stage within CI's budget.
# -O0, not the usual -O1: it halves the compile time (measured 0.5-0.6x per file), which is most of this
# stage, and `./x test` must finish within 20 minutes on 2 cores; the tests and fuzzers run slower.
# The kernel sweeps (tests/kernels: hundreds of template instantiations, minutes to build under ASan) are
# left out, and so is tests/perf for now: Debian's clang 14 cannot compile tests/perf/test_engine.cpp (a
# lambda capturing a structured binding, C++20 that clang supports from version 16), and mapping and
# codegen, to keep `./x test` within 20 minutes: their library code still runs under the sanitizers
# through the CLI scripts below (determinism compiles whole projects). Everything else runs whole.
#
# Fuzzing: each target runs FUZZ_SECONDS with a fixed -seed from the committed corpus (fuzz/corpus/<t>)
# plus the generated test models and the real models; new inputs go to a scratch corpus in the build
# directory, never into the source tree. A crash leaves its input in $BUILD/fuzz-run/ and this script
# says how to replay it; commit it to fuzz/regressions/<t>/ (replayed by test_reliability) with the fix.
#
# Usage: tools/sanitize_and_fuzz.sh               (from ./x test)
#        tools/sanitize_and_fuzz.sh --build-only  (only the build; ./x test starts it early, see x)
# Env:   AIE4ML_SANITIZE_BUILD_DIR (default build-fuzz), FUZZ_SECONDS (default 30, 0 = no fuzzing),
#        FUZZ_SEED (default 1), JOBS (default nproc), SANITIZE_SKIP (test areas to skip, default "kernels perf").
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${AIE4ML_SANITIZE_BUILD_DIR:-$ROOT/build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
FUZZ_SEED=${FUZZ_SEED:-1}
JOBS=${JOBS:-$(nproc)}
SANITIZE_SKIP=${SANITIZE_SKIP:-kernels perf mapping codegen}
SHARED_MODELS=$(cd "$ROOT/.." && pwd)/shared/models
BUILD_ONLY=0
[ "${1:-}" = --build-only ] && BUILD_ONLY=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
start=$SECONDS

log() { printf '\033[1m[sanitize] %s\033[0m\n' "$*" >&2; }
elapsed() { echo "$((SECONDS - start)) s"; }

# ---- build -------------------------------------------------------------------------------------------
test_areas=()
for dir in "$ROOT"/tests/*/; do
  area=$(basename "$dir")
  case " models scripts oracle data $SANITIZE_SKIP " in *" $area "*) continue ;; esac
  compgen -G "$dir*.cpp" >/dev/null && test_areas+=("$area")
done
if [ ! -f "$BUILD/build.ninja" ]; then
  log "configuring $BUILD (clang, ASan + UBSan + libFuzzer coverage, -O0)"
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Release \
    "-DCMAKE_CXX_FLAGS_RELEASE=-O0 -gline-tables-only" -DAIE4ML_BENCH=OFF -DAIE4ML_FUZZ=ON >/dev/null
fi
targets=(aie4ml fuzzers testdata)
for area in "${test_areas[@]}"; do targets+=("test_$area"); done
log "building ${targets[*]} ($JOBS jobs)"
cmake --build "$BUILD" -j "$JOBS" --target "${targets[@]}"
log "built in $(elapsed)"
[ "$BUILD_ONLY" -eq 0 ] || exit 0

# ---- sanitised unit tests and CLI scripts --------------------------------------------------------------
logs=$BUILD/sanitize-logs
rm -rf "$logs" && mkdir -p "$logs"
run_logged() {  # run_logged NAME command...: output to $logs/NAME.log; prints the log on failure
  local name=$1; shift
  if "$@" >"$logs/$name.log" 2>&1; then echo "ok   $name"; else
    local rc=$?
    if [ "$name" != "${name#script.}" ] && [ "$rc" -eq 77 ]; then echo "skip $name"; return 0; fi
    echo "FAIL $name (exit $rc)"; sed 's/^/    | /' "$logs/$name.log" | tail -60; return 1
  fi
}
export -f run_logged
export logs
script_env=(AIE4ML="$BUILD/aie4ml" AIE4ML_SOURCE_ROOT="$ROOT" AIE4ML_SHARED_MODELS="$SHARED_MODELS"
  AIE4ML_BINARY_DIR="$BUILD" AIE4ML_TEST_DATA="$BUILD/testdata" AIE4ML_PYTHON=/usr/bin/python3
  AIE4ML_ORACLE="$ROOT/tests/oracle")
jobs_list=()
# The CLI end to end on bad input and on the determinism checks, under the sanitizers too. They go first,
# determinism first: it is the longest job (~100 s), and started last it left a core idle at the end.
for s in determinism bad_inputs cli_inspect cli_numerics; do
  [ -f "$ROOT/tests/scripts/$s.sh" ] && jobs_list+=("script.$s env ${script_env[*]} bash $ROOT/tests/scripts/$s.sh")
done
for area in "${test_areas[@]}"; do jobs_list+=("test_$area $BUILD/tests/test_$area --gtest_brief=1"); done
log "running ${#jobs_list[@]} test programs under ASan + UBSan"
failed=0
printf '%s\n' "${jobs_list[@]}" | xargs -P "$JOBS" -I{} bash -c 'run_logged {}' || failed=1
if grep -l "ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:" "$logs"/*.log >/dev/null 2>&1; then
  log "sanitizer reports in: $(grep -l "ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:" "$logs"/*.log | tr '\n' ' ')"
  failed=1
fi
[ "$failed" -eq 0 ] || { log "sanitised tests FAILED ($(elapsed))"; exit 1; }
log "sanitised tests passed ($(elapsed))"

# ---- bounded fuzzing ---------------------------------------------------------------------------------
[ "$FUZZ_SECONDS" -gt 0 ] || { log "fuzzing skipped (FUZZ_SECONDS=0)"; exit 0; }
run_dir=$BUILD/fuzz-run
rm -rf "$run_dir" && mkdir -p "$run_dir"
# Generated and real inputs as extra seeds (small ones: libFuzzer mutates small inputs faster).
collect() {  # collect TARGET EXT MAX_BYTES DIR...
  local t=$1 ext=$2 max=$3; shift 3
  mkdir -p "$run_dir/seeds-$t"
  for d in "$@"; do
    [ -d "$d" ] || continue
    find "$d" -name "*.$ext" -size -"$max"c -print0 | while IFS= read -r -d '' f; do
      cp "$f" "$run_dir/seeds-$t/$(echo "$f" | md5sum | cut -c1-12).$ext"
    done
  done
}
collect onnx onnx 65536 "$BUILD/testdata" "$SHARED_MODELS"
collect npy npy 16384 "$BUILD/testdata"
collect config json 4096 "$ROOT/examples"
fuzz_one() {  # fuzz_one TARGET: runs it, prints "TARGET runs=N", non-zero on a finding
  local t=$1 out=$run_dir/$1.log
  mkdir -p "$run_dir/new-$t"
  if "$BUILD/fuzz/fuzz_$t" -seed="$FUZZ_SEED" -max_total_time="$FUZZ_SECONDS" -timeout=20 -rss_limit_mb=2048 \
      -dict="$ROOT/fuzz/dict/$t.dict" -artifact_prefix="$run_dir/$t-" -print_final_stats=1 \
      "$run_dir/new-$t" "$ROOT/fuzz/corpus/$t" "$run_dir/seeds-$t" >"$out" 2>&1; then
    echo "fuzz_$t: $(grep -o 'stat::number_of_executed_units: [0-9]*' "$out" | grep -o '[0-9]*$') executions in" \
      "${FUZZ_SECONDS} s, $(ls "$run_dir/new-$t" | wc -l) new corpus inputs, no crash"
  else
    echo "FAIL fuzz_$t found a crash:"; grep -A25 "ERROR\|runtime error\|terminate called" "$out" | head -60 | sed 's/^/    | /'
    for a in "$run_dir/$t"-*; do
      [ -e "$a" ] && echo "    input: $a (replay: $BUILD/fuzz/fuzz_$t $a; then commit it to fuzz/regressions/$t/)"
    done
    return 1
  fi
}
export -f fuzz_one
export BUILD ROOT run_dir FUZZ_SEED FUZZ_SECONDS
log "fuzzing onnx, config, npy for ${FUZZ_SECONDS} s each (seed $FUZZ_SEED)"
# All three at once, even on 2 cores: FUZZ_SECONDS of wall time instead of twice that (one target would
# otherwise wait for the first two), at the same CPU time per target (2/3 of a core each for 30 s).
printf '%s\n' onnx config npy | xargs -P 3 -I{} bash -c 'fuzz_one {}' || { log "fuzzing FAILED ($(elapsed))"; exit 1; }
rm -rf "$run_dir"/new-* "$run_dir"/seeds-*
log "sanitizers and fuzzing passed in $(elapsed)"
