#!/usr/bin/env bash
# CLI end to end for `aie4ml inspect`: the table, --raw and --json on generated models and on the real
# models, and the exit code 2 with a clear message for every kind of bad input (missing file, malformed
# bytes, truncated file, unsupported op, unknown domain, opset out of range, dynamic feature dimension).
# Expected figures are worked out by hand from tests/models/make_frontend_models.py.
# Environment (set by CTest): AIE4ML (cli), AIE4ML_TEST_DATA, AIE4ML_SHARED_MODELS, AIE4ML_PYTHON.
set -u
cli=${AIE4ML:?AIE4ML must point to the aie4ml executable}
data=${AIE4ML_TEST_DATA:?}/frontend
shared=${AIE4ML_SHARED_MODELS:-}
python=${AIE4ML_PYTHON:-/usr/bin/python3}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
passed=0 failed=0

check() {  # check NAME EXPECTED_RC SUBSTRING... -- ARGS...
  local name=$1 want=$2
  shift 2
  local needles=()
  while [ "$1" != "--" ]; do needles+=("$1"); shift; done
  shift
  "$cli" "$@" >"$out" 2>&1
  local rc=$?
  local ok=1
  [ "$rc" -eq "$want" ] || { echo "FAIL $name: exit code $rc, expected $want"; ok=0; }
  for n in "${needles[@]}"; do
    grep -qF -- "$n" "$out" || { echo "FAIL $name: output lacks '$n'"; ok=0; }
  done
  if [ $ok -eq 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); sed 's/^/    | /' "$out"; fi
}

# A generated MLP: dense1 8->16 (144 params), dense2 16->3 (51), MACs 8*16 + 16*3.
check table 0 "dense1" "dense2" "Dense" "[N,8]" "[N,16]" "activation=relu" "parameters: 195" "MACs per sample: 176" \
  -- inspect "$data/matmul_add.onnx"
check raw 0 "as imported" "bias1" "Add" -- inspect --raw "$data/matmul_add.onnx"
check help 0 "--json" "--raw" -- inspect --help

# --json is the IR structure: valid JSON, three ops, no weight values.
"$cli" inspect --json "$data/matmul_add.onnx" >"$out" 2>&1
if "$python" -c '
import json, sys
m = json.load(open(sys.argv[1]))
assert [o["kind"] for o in m["ops"]] == ["Dense", "Dense", "Softmax"], m["ops"]
assert m["ops"][0]["name"] == "dense1"
assert all("values" not in t for t in m["tensors"])
' "$out"; then passed=$((passed + 1)); else echo "FAIL json"; failed=$((failed + 1)); fi

# Quantised generated model: fixed-point types are shown.
check quantised 0 "ap_fixed<8,4,AP_RND_CONV,AP_SAT>" "Quantize" -- inspect "$data/qdq_int8.onnx"

# Bad input: exit code 2 and a message naming what is wrong.
check missing 2 "no such file" "does_not_exist.onnx" -- inspect "$data/does_not_exist.onnx"
check malformed 2 "not a valid ONNX model" -- inspect "$data/malformed.onnx"
check truncated 2 "truncated" -- inspect "$data/truncated.onnx"
check empty 2 "empty" -- inspect "$data/empty.onnx"
check unsupported 2 "Hardmax" "my_hardmax" -- inspect "$data/unsupported_op.onnx"
check domain 2 "com.example.quant" "custom_quant" -- inspect "$data/unknown_domain.onnx"
check opset 2 "opset 22" -- inspect "$data/opset22.onnx"
check dynamic 2 "'x'" "features" -- inspect "$data/dynamic_feature.onnx"
check no_argument 2 "model" -- inspect

# Real models (skipped when ../shared/models is absent).
if [ -n "$shared" ] && [ -d "$shared" ]; then
  for f in "$shared"/*.onnx; do
    check "real:$(basename "$f")" 0 "parameters:" "MACs per sample:" -- inspect "$f"
    check "real-json:$(basename "$f")" 0 '"ops"' -- inspect --json "$f"
  done
  check bn_folded 0 "Gemm_biased_tensor_name3" -- inspect "$shared/three_layer_bn_keras.onnx"
  if grep -q BatchNorm "$out"; then echo "FAIL bn_folded: a BatchNorm is left"; failed=$((failed + 1)); fi
  check tfc 0 "ap_fixed<2,2,AP_RND_CONV,AP_SAT_SYM>" "MatMul_56" "[N,784]" -- inspect "$shared/tfc_2w2a_mnist.onnx"
else
  echo "shared models not present: real-model checks skipped"
fi

echo "cli_inspect: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
