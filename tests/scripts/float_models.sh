#!/usr/bin/env bash
# The float interpreter against ONNX Runtime on every float model in the shared models folder:
# relative error (max |ours - ORT| / max |ORT|) <= 1e-5 on 1000 random inputs per model.
# ONNX Runtime runs the file after tests/oracle/prepare_for_ort.py (tf2onnx's Transpose-BatchNorm-Transpose
# made runnable), one sample at a time (some exports only work for their batch size); aie4ml runs the original file through compile (a
# default precision, needed only for the quantised model.json) and `predict --float-output`.
# Env (set by CTest): AIE4ML, AIE4ML_SHARED_MODELS, AIE4ML_ORACLE, AIE4ML_PYTHON. Exit 77 = skipped.
set -euo pipefail
PY=${AIE4ML_PYTHON:-/usr/bin/python3}
models=${AIE4ML_SHARED_MODELS:-}
oracle=${AIE4ML_ORACLE:?}
if [ -z "$models" ] || [ ! -d "$models" ]; then echo "SKIP: shared models folder not found"; exit 77; fi
if [ ! -d "$oracle/node_modules/onnxruntime-node" ]; then echo "SKIP: ONNX Runtime is not installed"; exit 77; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo '{"Model": {"Precision": "ap_fixed<16,6,AP_RND_CONV,AP_SAT>"}}' > "$work/config.json"

float_models=(three_layer_keras three_layer_pytorch two_layer_keras two_layer_pytorch three_layer_bn_keras
              conv1d_small_keras conv2d_small_keras)
checked=0
for name in "${float_models[@]}"; do
  model=$models/$name.onnx
  [ -f "$model" ] || { echo "missing $model"; exit 1; }
  "$PY" "$oracle/make_inputs.py" "$model" 1000 11 "$work/${name}_x.npy"
  "$PY" "$oracle/prepare_for_ort.py" "$model" "$work/${name}_ort.onnx"
  node "$oracle/run_ort.js" "$work/${name}_ort.onnx" "$work/${name}_x.npy" "$work/${name}_ort.npy" --per-sample
  "$AIE4ML" compile "$model" -c "$work/config.json" -o "$work/$name" --force >/dev/null 2>"$work/$name.log" ||
    { cat "$work/$name.log"; echo "FAIL: compile $name"; exit 1; }
  "$AIE4ML" predict "$work/$name" --input "$work/${name}_x.npy" --float-output "$work/${name}_float.npy" >/dev/null
  "$PY" "$oracle/compare_npy.py" rel 1e-5 "$work/${name}_float.npy" "$work/${name}_ort.npy" "$name float interpreter vs ONNX Runtime"
  checked=$((checked + 1))
done
echo "PASS ($checked models)"
