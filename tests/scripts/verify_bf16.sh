#!/usr/bin/env bash
# The float jet tagger (three_layer_keras.onnx) end to end in bf16 (Model.Precision "bf16", no
# quantisation; docs/numerics.md "bf16"):
# - compile writes a bf16 x bf16 / accfloat project: every layer bfloat16, the final Softmax on the host;
# - `aie4ml verify` runs the project's kernels in the emulator and finds every layer and the output PLIO
#   bit-exact with the bf16 reference interpreter on 1000 samples;
# - `aie4ml predict` (the bf16 interpreter) against ONNX Runtime float32 on the same samples: every
#   element within the propagated bound of tests/oracle/bf16_bound.py; prints the measured error.
# Env (set by CTest): AIE4ML, AIE4ML_SHARED_MODELS, AIE4ML_ORACLE, AIE4ML_PYTHON. Exit 77 = skipped.
set -euo pipefail
PY=${AIE4ML_PYTHON:-/usr/bin/python3}
oracle=${AIE4ML_ORACLE:?}
model=${AIE4ML_SHARED_MODELS:-}/three_layer_keras.onnx
[ -f "$model" ] || { echo "SKIP: $model not found"; exit 77; }
[ -d "$oracle/node_modules/onnxruntime-node" ] || { echo "SKIP: ONNX Runtime is not installed"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

echo '{"Model": {"Precision": "bf16", "BatchSize": 8}}' > "$work/config.json"
"$PY" "$oracle/make_inputs.py" "$model" 1000 23 "$work/x.npy"
"$AIE4ML" compile "$model" -c "$work/config.json" -o "$work/prj" > "$work/compile.log" 2>&1 || { cat "$work/compile.log"; fail "compile"; }
"$PY" - "$work/prj" <<'PY' || fail "the project is not a bf16 one"
import json, sys, glob
d = json.load(open(sys.argv[1] + "/design.json"))
m = json.load(open(sys.argv[1] + "/model.json"))
assert all(t["type"] == "bf16" for t in m["tensors"]), {t["type"] for t in m["tensors"]}
assert [h["op"] for h in d["host_ops"]] == ["Softmax"], d["host_ops"]
assert len(d["layers"]) >= 3 and all(l["type_pair"] == "bf16xbf16" for l in d["layers"]), [l.get("type_pair") for l in d["layers"]]
src = "".join(open(f).read() for f in glob.glob(sys.argv[1] + "/aie/src/*.cc"))
assert "dense_config<bfloat16, bfloat16, bfloat16, accfloat" in src
PY
"$AIE4ML" verify "$work/prj" --input "$work/x.npy" > "$work/verify.log" 2>&1 || { cat "$work/verify.log"; fail "verify"; }
grep -q "^bit-exact: 1000/1000 samples$" "$work/verify.log" || { cat "$work/verify.log"; fail "not 1000/1000"; }
grep "bit-exact" "$work/verify.log"

"$PY" "$oracle/prepare_for_ort.py" "$model" "$work/ort.onnx"
node "$oracle/run_ort.js" "$work/ort.onnx" "$work/x.npy" "$work/ort.npy" --per-sample
"$AIE4ML" predict "$work/prj" --input "$work/x.npy" --output "$work/bf16.npy" > "$work/predict.log"
"$PY" "$oracle/bf16_bound.py" "$work/prj/float_model.json" "$work/x.npy" "$work/ort.npy" "$work/bf16.npy" \
  "three_layer_keras bf16 vs ONNX Runtime" || fail "error above the bound"

# Two more float models of the shared folder (PyTorch Gemm export without Softmax; Keras with
# BatchNorm folded into the Dense layers): the bf16 interpreter against ONNX Runtime within the bound.
for name in three_layer_pytorch three_layer_bn_keras; do
  other=${AIE4ML_SHARED_MODELS}/$name.onnx
  [ -f "$other" ] || fail "missing $other"
  "$PY" "$oracle/make_inputs.py" "$other" 1000 23 "$work/${name}_x.npy"
  "$PY" "$oracle/prepare_for_ort.py" "$other" "$work/${name}_ort.onnx"
  node "$oracle/run_ort.js" "$work/${name}_ort.onnx" "$work/${name}_x.npy" "$work/${name}_ort.npy" --per-sample
  "$AIE4ML" compile "$other" -c "$work/config.json" -o "$work/$name" > "$work/$name.log" 2>&1 || { cat "$work/$name.log"; fail "compile $name"; }
  "$AIE4ML" predict "$work/$name" --input "$work/${name}_x.npy" --output "$work/${name}_bf16.npy" > /dev/null
  "$PY" "$oracle/bf16_bound.py" "$work/$name/float_model.json" "$work/${name}_x.npy" "$work/${name}_ort.npy" \
    "$work/${name}_bf16.npy" "$name bf16 vs ONNX Runtime" || fail "$name: error above the bound"
done
echo PASS
