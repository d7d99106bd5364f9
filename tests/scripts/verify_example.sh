#!/usr/bin/env bash
# The shipped example end to end through the generated project: make examples/jet_tagger's model,
# compile it as the demo does, and
# - `aie4ml verify` proves the project bit-exact on the example's 1000 input samples (every layer, every
#   output, and the graph against design.json);
# - the project's own `make check_host` reproduces data/golden_*.txt (the Makefile flow users run);
# - a second compile gives a byte-identical project (determinism);
# - with cascade grids forced by a config, the project is bit-exact too, and verify catches a corrupted
#   packed weight, tiling parameter and cascade connection in it (exit 1 each, naming the first
#   mismatching layer).
# Env (set by CTest): AIE4ML, AIE4ML_SOURCE_ROOT, AIE4ML_PYTHON.
set -euo pipefail
PY=${AIE4ML_PYTHON:-/usr/bin/python3}
root=${AIE4ML_SOURCE_ROOT:?}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$PY" "$root/examples/jet_tagger/make_model.py" --out "$work" >/dev/null
compile() { "$AIE4ML" compile "$work/jet_tagger_int8.onnx" -c "$root/examples/jet_tagger/config.json" --device ve2802 -o "$1" \
  > "$work/compile.log" 2>&1 || { cat "$work/compile.log"; fail "compile"; }; }
compile "$work/prj"
compile "$work/prj2"
diff -r "$work/prj" "$work/prj2" > "$work/diff.log" || { head -20 "$work/diff.log"; fail "two compiles differ"; }

"$AIE4ML" verify "$work/prj" --input "$work/inputs.npy" --build-dir "$work/b" > "$work/verify.log" 2>&1 ||
  { cat "$work/verify.log"; fail "verify of the example"; }
grep -q "^bit-exact: 1000/1000 samples$" "$work/verify.log" || { cat "$work/verify.log"; fail "not 1000/1000"; }
grep -q "match design.json" "$work/verify.log" || fail "graph check did not run"

make -s -C "$work/prj" check_host HOST_DIR="$work/b/build" AIE4ML_EMU="$root/emu" > "$work/make.log" 2>&1 ||
  { cat "$work/make.log"; fail "make check_host"; }
grep -q "matches data/golden_" "$work/make.log" || { cat "$work/make.log"; fail "make check_host compared nothing"; }

# Bad input is exit 2 with a message, before any build: not a project, samples of the wrong shape.
expect_exit() {
  local want=$1
  shift
  set +e
  "$@" > "$work/exit.log" 2>&1
  local rc=$?
  set -e
  [ "$rc" -eq "$want" ] || { cat "$work/exit.log"; fail "'$*' exited $rc, not $want"; }
}
expect_exit 2 "$AIE4ML" verify "$work"
grep -q "no model.json" "$work/exit.log" || { cat "$work/exit.log"; fail "no message for a directory that is not a project"; }
"$PY" -c "import numpy as np; np.save('$work/bad.npy', np.zeros((10, 3), np.float32))"
expect_exit 2 "$AIE4ML" verify "$work/prj" --input "$work/bad.npy"

# Mutations, on the example compiled with cascade grids forced (so that every kind of connection exists
# whatever the automatic partition chooses).
cat > "$work/grid.json" <<'JSON'
{"Model": {"BatchSize": 8}, "LayerName": {"fc1": {"CascadeLength": 1, "CascadeNum": 2},
 "fc2": {"CascadeLength": 2, "CascadeNum": 2}, "fc3": {"CascadeLength": 2, "CascadeNum": 1}}}
JSON
"$AIE4ML" compile "$work/jet_tagger_int8.onnx" -c "$work/grid.json" -o "$work/mut" > "$work/compile.log" 2>&1 ||
  { cat "$work/compile.log"; fail "compile with grids"; }
"$AIE4ML" verify "$work/mut" --input "$work/inputs.npy" --build-dir "$work/bm" > "$work/verify_grid.log" 2>&1 ||
  { cat "$work/verify_grid.log"; fail "verify of the example with cascade grids"; }
for mode in weight tiling cascade; do
  "$PY" "$here/mutate_project.py" "$work/mut" "$mode" > "$work/mutate.log" || { cat "$work/mutate.log"; fail "mutate $mode"; }
  set +e
  "$AIE4ML" verify "$work/mut" --input "$work/inputs.npy" --build-dir "$work/bm" > "$work/verify_$mode.log" 2>&1
  rc=$?
  set -e
  [ "$rc" -eq 1 ] || { cat "$work/mutate.log" "$work/verify_$mode.log"; fail "verify of a project with a corrupted $mode exited $rc, not 1"; }
  grep -q "^first mismatch: layer " "$work/verify_$mode.log" || { cat "$work/verify_$mode.log"; fail "corrupted $mode: no mismatching layer named"; }
  "$PY" "$here/mutate_project.py" "$work/mut" restore >/dev/null
done
grep -q "^graph: differs from design.json" "$work/verify_cascade.log" || fail "graph check missed the swapped cascade"
grep -q "^graph: differs from design.json" "$work/verify_tiling.log" || fail "graph check missed the tiling change"
echo "PASS (example bit-exact on 1000 samples, also with forced cascade grids; check_host; deterministic; 3 mutations caught)"
