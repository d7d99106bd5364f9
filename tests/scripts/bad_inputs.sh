#!/usr/bin/env bash
# The bad-input catalogue of `aie4ml compile` (issue 11): for each kind of bad input, exit code 2, a
# message that names the element at fault, and nothing half-written (neither the output directory nor a
# temporary directory beside it). Entries covered elsewhere are not repeated here: the library-level
# messages (tests/frontend/import_errors_test.cpp, tests/numerics/config_test.cpp, tests/mapping/
# test_partition.cpp), `inspect` on bad models (cli_inspect.sh) and malformed .npy inputs
# (cli_numerics.sh). An existing output directory without --force is checked here too (and with --force
# in cli_numerics.sh): exit 2, the directory untouched, no temporary directory left beside it.
# Weights that overflow the chosen type are not an error: exit 0 and a warning with the count, which is
# checked against a count made with numpy from the model file.
# Env (set by CTest): AIE4ML, AIE4ML_TEST_DATA, AIE4ML_PYTHON.
set -u
cli=${AIE4ML:?AIE4ML must point to the aie4ml executable}
data=${AIE4ML_TEST_DATA:?}
python=${AIE4ML_PYTHON:-/usr/bin/python3}
rel=$data/reliability
front=$data/frontend
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0

# refused NAME SUBSTRING... -- COMPILE_ARGS...: `compile ARGS -o $work/out/NAME` (or -o $output when set)
# must exit 2, print every substring, and leave $work/out empty.
output=
refused() {
  local name=$1
  shift
  local needles=()
  while [ "$1" != "--" ]; do needles+=("$1"); shift; done
  shift
  mkdir -p "$work/out"
  "$cli" compile "$@" -o "${output:-$work/out/$name}" >"$work/log" 2>&1
  local rc=$? ok=1
  [ "$rc" -eq 2 ] || { echo "FAIL $name: exit code $rc, expected 2"; ok=0; }
  for n in "${needles[@]}"; do
    grep -qF -- "$n" "$work/log" || { echo "FAIL $name: message lacks '$n'"; ok=0; }
  done
  if grep -q "internal error" "$work/log"; then echo "FAIL $name: reported as an internal error"; ok=0; fi
  local left
  left=$(ls -A "$work/out")
  [ -z "$left" ] || { echo "FAIL $name: left behind: $left"; ok=0; rm -rf "${work:?}/out"/* "$work"/out/.[!.]*; }
  if [ $ok -eq 1 ]; then passed=$((passed + 1)); echo "ok   $name: $(head -1 "$work/log")"
  else failed=$((failed + 1)); sed 's/^/    | /' "$work/log"; fi
}

config() {  # config NAME JSON: writes $work/NAME.json
  printf '%s\n' "$2" >"$work/$1.json"
}

# ---- the model file ----
refused malformed "not a valid ONNX model" "malformed.onnx" -- "$front/malformed.onnx"
refused truncated "truncated" -- "$front/truncated.onnx"
refused empty "empty" -- "$front/empty.onnx"
refused opset "opset 22" "supports opsets" -- "$front/opset22.onnx"
refused unknown_op "Hardmax" "my_hardmax" -- "$front/unsupported_op.onnx"
refused dynamic_dim "'x'" "dynamic dimension" -- "$front/dynamic_feature.onnx"
refused missing_model "does not exist" "does_not_exist.onnx" -- "$work/does_not_exist.onnx"
refused nan_weights "initializer 'W'" "2 NaN" -- "$rel/nan_weights.onnx"
refused inf_weights "initializer 'W'" "3 infinite" -- "$rel/inf_weights.onnx"

# ---- the configuration ----
config bad_precision '{"Model": {"Precision": "ap_fixd<8,3>"}}'
refused invalid_precision "Model.Precision" "ap_fixd<8,3>" -- "$rel/mlp_det.onnx" -c "$work/bad_precision.json"
config bad_layer_precision '{"Model": {"Precision": "ap_fixed<8,3>"}, "LayerName": {"fc2": {"Precision": {"weight": "ap_fixed<0,0>"}}}}'
refused invalid_layer_precision "LayerName.fc2.Precision.weight" "width" -- "$rel/mlp_det.onnx" -c "$work/bad_layer_precision.json"
config bad_rounding '{"Model": {"Precision": "ap_fixed<8,3,AP_ROUND>"}}'
refused invalid_rounding "Model.Precision" "AP_ROUND" -- "$rel/mlp_det.onnx" -c "$work/bad_rounding.json"
printf '{"Model": {"Precision": "ap_fixed<8,3>",}' >"$work/not_json.json"
refused config_not_json "not_json.json" "not valid JSON" -- "$rel/mlp_det.onnx" -c "$work/not_json.json"
config huge_number '{"Model": {"Precision": "ap_fixed<8,3>", "BatchSize": 1e999}}'
refused config_number_overflow "huge_number.json" "not valid JSON" -- "$rel/mlp_det.onnx" -c "$work/huge_number.json"

# ---- the device and the mapping ----
config p8 '{"Model": {"Precision": "ap_fixed<8,3>"}}'
refused unknown_device "unknown device 'vek999'" "ve2802" -- "$rel/mlp_det.onnx" -c "$work/p8.json" --device vek999
config too_many_rows '{"Model": {"Precision": "ap_fixed<8,3>"}, "LayerName": {"fc2": {"CascadeNum": 9}}}'
refused cascade_beyond_rows "layer 'fc2'" "CascadeNum 9" "8 compute rows" -- "$rel/mlp_det.onnx" -c "$work/too_many_rows.json"
config off_array '{"Model": {"Precision": "ap_fixed<8,3>"}, "LayerName": {"fc1": {"Placement": [37, 0], "CascadeLength": 2}}}'
refused placement_off_array "layer 'fc1'" "Placement [37,0]" "outside" -- "$rel/mlp_det.onnx" -c "$work/off_array.json"
config bad_tiling '{"Model": {"Precision": "ap_fixed<8,3>"}, "LayerName": {"fc3": {"Tiling": [3, 3, 3]}}}'
refused unsupported_tiling "layer 'fc3'" "Tiling [3,3,3]" -- "$rel/mlp_det.onnx" -c "$work/bad_tiling.json"
config no_such_layer '{"Model": {"Precision": "ap_fixed<8,3>"}, "LayerName": {"dense_7": {"CascadeLength": 2}}}'
refused override_unknown_layer "LayerName.dense_7" "fc1" -- "$rel/mlp_det.onnx" -c "$work/no_such_layer.json"
refused too_large "does not fit on ve2302" "37 compute tiles" "34 tiles" -- "$rel/too_large.onnx" -c "$work/p8.json" --device ve2302

# ---- the output directory ----
touch "$work/a_file"
output=$work/a_file/p
refused output_under_a_file "output directory '$output'" "Not a directory" -- "$rel/mlp_det.onnx" -c "$work/p8.json"
output=/proc/aie4ml_out
refused output_unwritable "output directory '/proc/aie4ml_out'" -- "$rel/mlp_det.onnx" -c "$work/p8.json"
output=
if ls -A /proc | grep -q aie4ml_out; then echo "FAIL output_unwritable: left something in /proc"; failed=$((failed + 1)); fi

# ---- an output directory that exists, without --force: refused, left exactly as it was ----
mkdir -p "$work/keep/existing"
echo mine >"$work/keep/existing/marker"
"$cli" compile "$rel/mlp_det.onnx" -c "$work/p8.json" -o "$work/keep/existing" >"$work/log" 2>&1
rc=$?
if [ "$rc" -eq 2 ] && grep -qF "'$work/keep/existing' already exists" "$work/log" && grep -qF -- "--force" "$work/log" \
   && [ "$(ls -A "$work/keep/existing")" = marker ] && [ "$(cat "$work/keep/existing/marker")" = mine ] \
   && [ "$(ls -A "$work/keep")" = existing ]; then
  passed=$((passed + 1)); echo "ok   existing_output: $(head -1 "$work/log")"
else
  failed=$((failed + 1)); echo "FAIL existing_output: exit $rc; now holds: $(ls -A "$work/keep" "$work/keep/existing" | tr '\n' ' ')"
  sed 's/^/    | /' "$work/log"
fi

# ---- weights that overflow the chosen type: a warning with the count, a complete project ----
"$cli" compile "$rel/overflow_weights.onnx" -c <(echo '{"Model": {"Precision": "ap_fixed<8,1>"}}') \
  -o "$work/overflow" >"$work/log" 2>&1
rc=$?
expected=$("$python" -c '
import sys, onnx
from onnx import numpy_helper
m = onnx.load(sys.argv[1])
w = next(numpy_helper.to_array(t) for t in m.graph.initializer if t.name == "W")
# ap_fixed<8,1> (AP_TRN): codes floor(w * 128) must lie in [-128, 127], i.e. -1 <= w < 1
print(int(((w < -1) | (w >= 1)).sum()), w.size)' "$rel/overflow_weights.onnx")
read -r count total <<<"$expected"
if [ "$rc" -eq 0 ] && grep -qF "layer 'fc': $count of $total weight values of 'W' do not fit ap_fixed<8,1>" "$work/log" \
   && [ -f "$work/overflow/model.json" ]; then
  passed=$((passed + 1)); echo "ok   overflow_weights: $(grep warning "$work/log" | head -1)"
else
  failed=$((failed + 1)); echo "FAIL overflow_weights: exit $rc, expected a warning counting $count of $total"; sed 's/^/    | /' "$work/log"
fi

echo "bad_inputs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
