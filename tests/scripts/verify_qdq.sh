#!/usr/bin/env bash
# Generated projects of QDQ MLPs proven bit-exact by `aie4ml verify` on 1200 samples each: 8-bit MLPs of
# 1 to 6 layers (tests/models/make_qdq_models.py), 16-bit MLPs of 1 to 6 layers (make_qdq_models.py and
# make_codegen_models.py), and a wide 8-bit MLP, under configs that force different cascade grids
# (CascadeLength x CascadeNum from 1 x 1 to 8 x 8: single kernels, direct kernel-to-kernel buffers,
# long cascades, many chains) and batch sizes (4, 5, 8, 12, 16: padded batch rows too), besides the
# automatic choice. The samples mix rounding ties and saturating values (see the model scripts). (The
# automatic choice and all-1x1 grids are verified by verify_example.sh and the other scripts too; they
# were dropped here to keep the suite within its time budget.)
# Env (set by CTest): AIE4ML, AIE4ML_TEST_DATA. Exit 77 = skipped.
set -euo pipefail
data=${AIE4ML_TEST_DATA:?}
[ -d "$data/qdq" ] && [ -d "$data/codegen" ] || { echo "SKIP: test models not generated ($data)"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# name  folder  batch  per-layer grids "layer:length x num,..." ("auto": the partitioner's choice)
cases=(
  "qdq8_l1  qdq      8  fc0_node:1x2"
  "qdq8_l2  qdq      5  fc0_node:1x1,fc1_node:2x1"
  "qdq8_l5  qdq     12  fc0_node:1x2,fc1_node:2x1,fc4_node:1x1"
  "qdq8_l6  qdq      8  fc1_node:2x1,fc5_node:1x3"
  "wide8_l2 codegen 16  fc0_node:8x2,fc1_node:5x1"
  "qdq16_l1 qdq      8  fc0_node:1x5"
  "qdq16_l2 qdq      4  fc1_node:3x2"
  "qdq16_l4 codegen  8  fc0_node:8x1,fc1_node:4x3,fc2_node:3x8,fc3_node:2x4"
  "qdq16_l5 codegen  8  fc0_node:2x6,fc1_node:6x1,fc2_node:1x1,fc3_node:4x4,fc4_node:5x2"
  "qdq16_l6 codegen 16  fc0_node:8x1,fc1_node:4x3,fc2_node:3x8,fc3_node:2x4,fc4_node:5x2,fc5_node:1x1"
)

config() {  # batch grids -> config JSON
  local batch=$1 grids=$2 layers="" sep=""
  if [ "$grids" != auto ]; then
    IFS=, read -ra items <<< "$grids"
    for item in "${items[@]}"; do
      local layer=${item%%:*} grid=${item#*:}
      layers+="$sep\"$layer\": {\"CascadeLength\": ${grid%x*}, \"CascadeNum\": ${grid#*x}}"
      sep=", "
    done
  fi
  echo "{\"Model\": {\"BatchSize\": $batch}, \"LayerName\": {$layers}}"
}

for c in "${cases[@]}"; do
  read -r name folder batch grids <<< "$c"
  config "$batch" "$grids" > "$work/$name.json"
  "$AIE4ML" compile "$data/$folder/$name.onnx" -c "$work/$name.json" -o "$work/$name" > "$work/$name.compile.log" 2>&1 ||
    { cat "$work/$name.compile.log"; fail "compile $name ($grids)"; }
  grep -q "^AIE project:" "$work/$name.compile.log" || { cat "$work/$name.compile.log"; fail "$name: no AIE project"; }
  start=$SECONDS
  "$AIE4ML" verify "$work/$name" --input "$data/$folder/${name}_x.npy" > "$work/$name.verify.log" 2>&1 ||
    { cat "$work/$name.verify.log"; fail "verify $name ($grids, batch $batch)"; }
  grep -q "^bit-exact: 1200/1200 samples$" "$work/$name.verify.log" || { cat "$work/$name.verify.log"; fail "$name not 1200/1200"; }
  echo "$name (batch $batch, $grids): $(grep -o '[0-9]* kernels and' "$work/$name.verify.log" | cut -d' ' -f1) kernels," \
       "bit-exact 1200/1200, $((SECONDS - start)) s"
  rm -rf "$work/$name"
done
echo "PASS (${#cases[@]} projects)"
