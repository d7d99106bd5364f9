#!/usr/bin/env bash
# Output activations on the array (kernels/softmax.h, kernels/activation_table.h): a float MLP with three
# heads ending in Softmax, Sigmoid and Tanh (tests/models/make_output_activation_models.py), quantised to
# 16 bits (ap_fixed<16,6>: frac 10 > 7, so the tables are indexed at 2^-7 through a rounding shift),
# with the heads on single kernels and on cascades (the single and last variants of the epilogues),
# compiles with all three ops as epilogues of their heads' last Dense (design.json: no host_ops,
# activations softmax / sigmoid / tanh) and `aie4ml verify` proves the project bit-exact on 500 random
# samples, the three activation outputs included.
# Activations between layers (hidden.onnx: Dense -> Tanh -> Dense -> Sigmoid -> Dense -> LeakyRelu -> Dense
# -> Clip -> Dense -> Clip): each becomes the epilogue of the Dense before it (tables for Tanh/Sigmoid, the
# piecewise-linear epilogue for LeakyRelu/Clip, the final Clip too), on one chain; in 16 bits
# `verify --samples 200` is bit-exact on every layer. A forced CascadeNum 2 on such a layer is refused
# naming it (exit 2).
# Activations that cannot be fused (standalone.onnx: LeakyRelu, Clip and Relu whose inputs have two readers)
# are tensor-op layers of their own (kernels/tensor_ops.h tensor_unary) and verify bit-exact in 8 bits.
# Env (set by CTest): AIE4ML, AIE4ML_TEST_DATA, AIE4ML_PYTHON. Exit 77 = skipped.
set -euo pipefail
PY=${AIE4ML_PYTHON:-/usr/bin/python3}
model=${AIE4ML_TEST_DATA:?}/output_activation/heads.onnx
[ -f "$model" ] || { echo "SKIP: $model not generated"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# Batch 5 (padded to 8 rows); the Softmax and Sigmoid heads on two-kernel cascades (dense_*_last
# variants), the Tanh head on one kernel (dense_table_single).
cat > "$work/config.json" <<'JSON'
{"Model": {"Precision": "ap_fixed<16,6,AP_RND_CONV,AP_SAT>", "BatchSize": 5},
 "LayerName": {"cls": {"CascadeLength": 2}, "flag": {"CascadeLength": 2}, "angle": {"CascadeLength": 1}}}
JSON
"$AIE4ML" compile "$model" -c "$work/config.json" -o "$work/prj" > "$work/compile.log" 2>&1 || { cat "$work/compile.log"; fail "compile"; }
"$PY" - "$work/prj/design.json" <<'PY' || fail "the output activations should run on the array"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["host_ops"] == [], d["host_ops"]
acts = {l["name"]: (l["activation"], l["output_tensor"]) for l in d["layers"]}
assert acts["cls"] == ("softmax", "probs") and acts["flag"] == ("sigmoid", "flags") and acts["angle"] == ("tanh", "angles"), acts
assert sorted(p["tensor"] for p in d["plio"] if p["direction"] == "out") == ["angles", "flags", "probs"]
grid = {l["name"]: l["cas_length"] for l in d["layers"]}
assert grid["cls"] == 2 and grid["flag"] == 2 and grid["angle"] == 1, grid
PY
"$AIE4ML" verify "$work/prj" --samples 500 > "$work/verify.log" 2>&1 || { cat "$work/verify.log"; fail "verify"; }
grep -q "^bit-exact: 500/500 samples$" "$work/verify.log" || { cat "$work/verify.log"; fail "not 500/500"; }
# The check can fail: the Tanh table with every lowest bit flipped in the generated source is caught.
"$PY" - "$work/prj/aie/src/angle.cc" <<'PY'
import re, sys
src = open(sys.argv[1]).read()
head, rest = src.split("angle_act_table[", 1)
size, body = rest.split("{", 1)
values, tail = body.split("}", 1)
values = ",".join(str(int(v) ^ 1) if v.strip() else v for v in values.split(","))  # flip the lowest bit
open(sys.argv[1], "w").write(head + "angle_act_table[" + size + "{" + values + "}" + tail)
PY
set +e
"$AIE4ML" verify "$work/prj" --samples 100 > "$work/mutant.log" 2>&1
rc=$?
set -e
[ "$rc" -eq 1 ] && grep -q "first mismatch: layer angle" "$work/mutant.log" || { cat "$work/mutant.log"; fail "a corrupted Tanh table was not caught (exit $rc)"; }
hidden=${AIE4ML_TEST_DATA}/output_activation/hidden.onnx
for prec in "ap_fixed<16,6>"; do  # 8-bit piecewise: standalone.onnx below; both: PiecewiseKernel.* in test_kernels
  echo "{\"Model\": {\"Precision\": \"$prec\", \"BatchSize\": 8}}" > "$work/hidden.json"
  rm -rf "$work/hidden"
  "$AIE4ML" compile "$hidden" -c "$work/hidden.json" -o "$work/hidden" > "$work/hidden.log" 2>&1 || { cat "$work/hidden.log"; fail "hidden $prec: compile"; }
  "$PY" - "$work/hidden/design.json" <<'PY' || fail "hidden $prec: the hidden activations should be Dense epilogues"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["host_ops"] == [], d["host_ops"]
got = {l["name"]: (l["activation"], l["output_tensor"], l["cas_num"]) for l in d["layers"]}
want = {"fc1": ("tanh", "t1", 1), "fc2": ("sigmoid", "s2", 1), "fc3": ("leaky_relu", "l3", 1), "fc4": ("clip", "c4", 1),
        "fc5": ("clip", "y", 1)}
assert got == want, got
assert [l["input_tensor"] for l in d["layers"]] == ["x", "t1", "s2", "l3", "c4"]
# The table epilogues reserve their table in the output kernel's tile; the piecewise ones have none.
# 16-bit frac-10 inputs index the 12-bit table at 2^-7: all 4096 entries of 2 bytes.
tables = {l["name"]: [b["bytes"] for k in l["kernels"] for b in k["buffers"] if b["role"] == "constants"] for l in d["layers"]}
layers = {l["name"]: l for l in d["layers"]}
for name in ("fc1", "fc2"):
    assert layers[name]["epilogue_table_bytes"] == 4096 * 2 and tables[name] == [4096 * 2], (name, tables[name])
for name in ("fc3", "fc4", "fc5"):
    assert "epilogue_table_bytes" not in layers[name] and tables[name] == [], (name, tables[name])
PY
  "$AIE4ML" verify "$work/hidden" --samples 200 > "$work/hidden.verify" 2>&1 || { cat "$work/hidden.verify"; fail "hidden $prec: verify"; }
  grep -q "^bit-exact: 200/200 samples$" "$work/hidden.verify" && grep -q "^layers bit-exact: fc1, fc2, fc3, fc4, fc5$" "$work/hidden.verify" ||
    { cat "$work/hidden.verify"; fail "hidden $prec: not bit-exact"; }
done
echo '{"Model": {"Precision": "ap_fixed<8,3>", "BatchSize": 8}, "LayerName": {"fc1": {"CascadeNum": 2}}}' > "$work/hidden.json"
set +e
"$AIE4ML" compile "$hidden" -c "$work/hidden.json" -o "$work/hidden_bad" > "$work/hidden_bad.log" 2>&1
rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "layer 'fc1': CascadeNum 2: its activation epilogue" "$work/hidden_bad.log" && [ ! -e "$work/hidden_bad" ] ||
  { cat "$work/hidden_bad.log"; fail "a forced CascadeNum 2 under a hidden Tanh should be refused (exit $rc)"; }
echo '{"Model": {"Precision": "ap_fixed<8,3>", "BatchSize": 8}}' > "$work/standalone.json"
"$AIE4ML" compile "${AIE4ML_TEST_DATA}/output_activation/standalone.onnx" -c "$work/standalone.json" -o "$work/standalone" \
  > "$work/standalone.log" 2>&1 || { cat "$work/standalone.log"; fail "standalone: compile"; }
"$PY" - "$work/standalone/design.json" <<'PY' || fail "standalone: the activations should be tensor-op layers"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["host_ops"] == [], d["host_ops"]
ops = {l["name"]: (l["op"], l["kernels"][0]["variant"]) for l in d["layers"]}
for name, op in (("act1", "LeakyRelu"), ("act2", "Clip"), ("act3", "Relu")):
    assert ops[name] == (op, "tensor_op"), ops
PY
"$AIE4ML" verify "$work/standalone" --samples 200 > "$work/standalone.verify" 2>&1 || { cat "$work/standalone.verify"; fail "standalone: verify"; }
grep -q "^bit-exact: 200/200 samples$" "$work/standalone.verify" &&
  grep -q "^layers bit-exact: fc1, act1, fc2, act2, res0, res1, act3, fc3, res2$" "$work/standalone.verify" ||
  { cat "$work/standalone.verify"; fail "standalone: not bit-exact"; }
echo "PASS (Softmax, Sigmoid, Tanh heads in 16 bits on the array: bit-exact 500/500; corrupted table caught;" \
     "Tanh/Sigmoid/LeakyRelu/Clip epilogues between layers bit-exact 200/200 in 16 bits;" \
     "standalone LeakyRelu/Clip/Relu layers bit-exact 200/200)"
