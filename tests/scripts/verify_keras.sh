#!/usr/bin/env bash
# The quantised jet tagger from the shared models (three_layer_keras.onnx, a float Keras model) with an
# hls4ml-style configuration: Model Precision ap_fixed<8,3> plus per-layer precisions with other
# rounding and overflow modes (AP_RND + AP_SAT, AP_RND_CONV + AP_SAT_SYM) and one cascade grid
# override. `aie4ml verify` proves the generated project bit-exact on 1000 samples. The final Softmax
# is not mapped: compile leaves it to the host (design.json host_ops) and the array's output is the
# last Dense layer's, which verify compares; the Softmax itself stays with the reference interpreter
# (`aie4ml predict`).
# Env (set by CTest): AIE4ML, AIE4ML_SHARED_MODELS, AIE4ML_PYTHON. Exit 77 = skipped.
set -euo pipefail
PY=${AIE4ML_PYTHON:-/usr/bin/python3}
model=${AIE4ML_SHARED_MODELS:-}/three_layer_keras.onnx
[ -f "$model" ] || { echo "SKIP: $model not found"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cat > "$work/config.json" <<'JSON'
{"Model": {"Precision": "ap_fixed<8,3>", "ReuseFactor": 1, "Strategy": "Latency", "BatchSize": 8},
 "LayerName": {
   "_class__keras_layers_core_Dense__1": {"Precision": {"weight": "ap_fixed<8,1>", "result": "ap_fixed<8,4,AP_RND,AP_SAT>"},
                                          "CascadeLength": 2, "CascadeNum": 2},
   "_class__keras_layers_core_Dense__3": {"Precision": {"result": "ap_fixed<8,4,AP_RND_CONV,AP_SAT_SYM>"}}}}
JSON
"$PY" -c "import numpy as np; np.save('$work/x.npy', np.random.default_rng(5).normal(0, 1.5, (1000, 16)).astype(np.float32))"
"$AIE4ML" compile "$model" -c "$work/config.json" -o "$work/prj" > "$work/compile.log" 2>&1 || { cat "$work/compile.log"; fail "compile"; }
"$PY" - "$work/prj/design.json" <<'PY' || fail "the Softmax should stay on the host"
import json, sys
d = json.load(open(sys.argv[1]))
assert [h["op"] for h in d["host_ops"]] == ["Softmax"], d["host_ops"]
assert len(d["layers"]) == 4
PY
"$AIE4ML" verify "$work/prj" --input "$work/x.npy" > "$work/verify.log" 2>&1 || { cat "$work/verify.log"; fail "verify"; }
grep -q "^bit-exact: 1000/1000 samples$" "$work/verify.log" || { cat "$work/verify.log"; fail "not 1000/1000"; }
# A model the array cannot run yet (a Conv layer): compile still writes the model files for predict and
# says why there is no project; verify refuses the directory with exit 2.
conv=${AIE4ML_SHARED_MODELS}/conv1d_small_keras.onnx
if [ -f "$conv" ]; then
  echo '{"Model": {"Precision": "ap_fixed<16,6,AP_RND_CONV,AP_SAT>"}}' > "$work/conv.json"
  "$AIE4ML" compile "$conv" -c "$work/conv.json" -o "$work/conv" > "$work/conv.log" 2>&1 || { cat "$work/conv.log"; fail "compile conv1d"; }
  grep -q "warning: no AIE project written" "$work/conv.log" || { cat "$work/conv.log"; fail "conv1d: no warning"; }
  [ -f "$work/conv/model.json" ] && [ ! -e "$work/conv/aie" ] || fail "conv1d: expected model files and no aie/"
  set +e
  "$AIE4ML" verify "$work/conv" > "$work/conv_verify.log" 2>&1
  rc=$?
  set -e
  [ "$rc" -eq 2 ] || { cat "$work/conv_verify.log"; fail "verify of a directory without a project exited $rc, not 2"; }
fi
echo "PASS (three_layer_keras, hls4ml config: bit-exact 1000/1000, Softmax on the host)"
