#!/usr/bin/env bash
# Determinism of what users get: the same model + config + device give byte-identical project
# directories (every file, across runs, output locations and model paths given relative or absolute),
# and `predict` gives byte-identical .npy files (values, --raw codes, --float-output) whatever --threads.
# Models: tests/models/make_reliability_models.py (a 3-layer MLP with per-layer precisions and a cascade
# override, 257 samples: not a multiple of any thread count), generated QDQ, CNN and encoder models, and a
# real model (fixed point and bf16) when ../shared/models is present.
# Env (set by CTest): AIE4ML, AIE4ML_TEST_DATA, AIE4ML_SHARED_MODELS.
set -euo pipefail
cli=$(realpath "${AIE4ML:?AIE4ML must point to the aie4ml executable}")
data=$(realpath "${AIE4ML_TEST_DATA:?}")
shared=${AIE4ML_SHARED_MODELS:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

# same_project NAME MODEL [compile args...]: compiles twice (different output folders, the second from
# another working directory with the model given by a relative path) and compares every byte.
same_project() {
  local name=$1 model=$2
  shift 2
  mkdir -p "$work/a" "$work/b/sub"
  "$cli" compile "$model" -o "$work/a/$name" "$@" >/dev/null 2>"$work/a/$name.err" || { cat "$work/a/$name.err"; fail "$name: compile"; return; }
  local rel
  rel=$(realpath --relative-to="$work/b/sub" "$model")
  (cd "$work/b/sub" && "$cli" compile "$rel" -o "../$name" "$@" >/dev/null 2>&1) || { fail "$name: second compile"; return; }
  if diff -r "$work/a/$name" "$work/b/$name" >"$work/diff.txt"; then
    echo "ok   $name: $(find "$work/a/$name" -type f | wc -l) files byte-identical across two compiles"
  else
    fail "$name: the two projects differ"; head -20 "$work/diff.txt"
  fi
}

rel=$data/reliability
same_project mlp_det "$rel/mlp_det.onnx" -c "$rel/mlp_det_config.json"
same_project qdq8_jet "$data/qdq/qdq8_jet.onnx" --batch 4
same_project calibrated "$data/qdq/float_mlp.onnx" --calibrate "$data/qdq/float_mlp_x.npy"
# Conv layers on the array (channels-first Flatten into a Dense) and the integer encoder (attention,
# LayerNorm and the MLP on the array: its AIE project must be there).
same_project qdq_cnn1d_flat "$data/cnn/qdq_cnn1d_flat.onnx" --batch 3
same_project qdq8_encoder "$data/transformer/qdq8_encoder.onnx"
[ -f "$work/a/qdq8_encoder/aie/graph.cpp" ] || fail "qdq8_encoder: no AIE project"
if [ -n "$shared" ] && [ -f "$shared/three_layer_keras.onnx" ]; then
  echo '{"Model": {"Precision": "ap_fixed<16,6>"}}' >"$work/p16.json"
  same_project three_layer_keras "$shared/three_layer_keras.onnx" -c "$work/p16.json" --device ve2602
  echo '{"Model": {"Precision": "bf16"}}' >"$work/bf16.json"
  same_project three_layer_keras_bf16 "$shared/three_layer_keras.onnx" -c "$work/bf16.json"
else
  echo "shared models not present: real-model check skipped"
fi

# predict: --threads 1 is the reference; 2, 3 and 8 threads must give the same bytes.
x=$rel/mlp_det_x.npy
for t in 1 2 3 8; do
  "$cli" predict "$work/a/mlp_det" --input "$x" --output "$work/y$t.npy" --threads "$t" >/dev/null
  "$cli" predict "$work/a/mlp_det" --input "$x" --output "$work/raw$t.npy" --raw --threads "$t" >/dev/null
  "$cli" predict "$work/a/mlp_det" --input "$x" --float-output "$work/f$t.npy" --threads "$t" >/dev/null
done
for kind in y raw f; do
  for t in 2 3 8; do
    cmp -s "$work/${kind}1.npy" "$work/$kind$t.npy" || fail "predict $kind: --threads $t differs from --threads 1"
  done
done
[ "$failed" -eq 0 ] && echo "ok   predict: values, raw codes and float outputs byte-identical for 1, 2, 3 and 8 threads"

echo "determinism: $failed failed"
[ "$failed" -eq 0 ]
