#!/usr/bin/env bash
# The quantised jet tagger from the shared models (three_layer_keras.onnx, a float Keras model) with an
# hls4ml-style configuration: Model Precision ap_fixed<8,3> plus per-layer precisions with other
# rounding and overflow modes (AP_RND + AP_SAT, AP_RND_CONV + AP_SAT_SYM) and one cascade grid
# override. `aie4ml verify` proves the generated project bit-exact on 1000 samples. The final Softmax
# runs on the array as the epilogue of the last Dense layer (kernels/softmax.h): design.json has no
# host_ops, the last layer has activation "softmax" and writes the Softmax's output, which verify
# compares code by code with the reference interpreter. With LayerName.<softmax>.Target = "host" the
# Softmax stays on the host (host_ops) and the array's output is the last Dense layer's.
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
"$PY" - "$work/prj" <<'PY' || fail "the Softmax should run on the array"
import json, sys
d = json.load(open(sys.argv[1] + "/design.json"))
m = json.load(open(sys.argv[1] + "/model.json"))
assert d["host_ops"] == [], d["host_ops"]
assert len(d["layers"]) == 4
last = d["layers"][-1]
softmax = [op for op in m["ops"] if op["kind"] == "Softmax"]
assert len(softmax) == 1, [op["kind"] for op in m["ops"]]
assert last["activation"] == "softmax", last["activation"]
assert last["output_tensor"] == softmax[0]["outputs"][0] and last["output_tensor"] in m["outputs"]
assert last["output_type"].startswith("ap_ufixed<8,0"), last["output_type"]
assert [p["tensor"] for p in d["plio"] if p["direction"] == "out"] == [last["output_tensor"]]
open(sys.argv[1] + "/../softmax_name", "w").write(softmax[0]["name"])
PY
grep -q "softmax_rows_inplace\|dense_softmax_" "$work/prj/aie/src/"*.cc || fail "no softmax epilogue in the kernel sources"
"$AIE4ML" verify "$work/prj" --input "$work/x.npy" > "$work/verify.log" 2>&1 || { cat "$work/verify.log"; fail "verify"; }
grep -q "^bit-exact: 1000/1000 samples$" "$work/verify.log" || { cat "$work/verify.log"; fail "not 1000/1000"; }
# The same model with the Softmax kept on the host by the config: the array ends with the last Dense.
"$PY" - "$work/config.json" "$(cat "$work/softmax_name")" > "$work/config_host.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["LayerName"][sys.argv[2]] = {"Target": "host"}
print(json.dumps(c))
PY
"$AIE4ML" compile "$model" -c "$work/config_host.json" -o "$work/prj_host" > "$work/compile_host.log" 2>&1 || { cat "$work/compile_host.log"; fail "compile (Softmax on the host)"; }
"$PY" - "$work/prj_host/design.json" <<'PY' || fail "Target host should keep the Softmax on the host"
import json, sys
d = json.load(open(sys.argv[1]))
assert [h["op"] for h in d["host_ops"]] == ["Softmax"], d["host_ops"]
assert d["layers"][-1]["activation"] == "linear"
PY
# A model the array cannot run (a Concat along the length of two conv outputs; tensor-op layers concatenate
# channels; the shared conv models, pools, Add and channel Concat map and are verified by verify_cnn.sh and
# verify_tensor_ops.sh): compile still writes the model files for predict and says why there is no project;
# verify refuses the directory with exit 2.
pooled=${AIE4ML_TEST_DATA:-}/cnn/qdq_cnn1d_lencat.onnx
if [ -f "$pooled" ]; then
  "$AIE4ML" compile "$pooled" -o "$work/pool" > "$work/pool.log" 2>&1 || { cat "$work/pool.log"; fail "compile qdq_cnn1d_lencat"; }
  grep -q "warning: no AIE project written.*'cat' (Concat).*axis 2" "$work/pool.log" || { cat "$work/pool.log"; fail "Concat axis 2: no warning"; }
  [ -f "$work/pool/model.json" ] && [ ! -e "$work/pool/aie" ] || fail "Concat axis 2 model: expected model files and no aie/"
  set +e
  "$AIE4ML" verify "$work/pool" > "$work/pool_verify.log" 2>&1
  rc=$?
  set -e
  [ "$rc" -eq 2 ] || { cat "$work/pool_verify.log"; fail "verify of a directory without a project exited $rc, not 2"; }
fi
echo "PASS (three_layer_keras, hls4ml config: bit-exact 1000/1000 with the Softmax on the array; Target host keeps it on the host)"
