#!/usr/bin/env bash
# The main job on the shipped example (called by `./x demo`): make the jet-tagger example model,
# inspect it, compile it for the VEK280 (ve2802), and run the compiled design on sample inputs.
# Usage: examples/demo.sh PATH/TO/aie4ml [OUTPUT_DIR]
set -euo pipefail
AIE4ML=${1:?usage: demo.sh PATH/TO/aie4ml [OUTPUT_DIR]}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${2:-$HERE/../out/demo}
mkdir -p "$OUT"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "make the example models (examples/jet_tagger/make_model.py)"
/usr/bin/python3 "$HERE/jet_tagger/make_model.py" --out "$OUT"

step "aie4ml inspect jet_tagger_int8.onnx"
"$AIE4ML" inspect "$OUT/jet_tagger_int8.onnx"

step "aie4ml compile jet_tagger_int8.onnx --device ve2802"
"$AIE4ML" compile "$OUT/jet_tagger_int8.onnx" -c "$HERE/jet_tagger/config.json" --device ve2802 \
  -o "$OUT/jet_tagger_prj" --force

step "aie4ml predict (bit-exact emulation of the compiled design) on 1000 samples"
"$AIE4ML" predict "$OUT/jet_tagger_prj" --input "$OUT/inputs.npy" --output "$OUT/outputs.npy"

printf '\nDone. Project: %s\n' "$OUT/jet_tagger_prj"
