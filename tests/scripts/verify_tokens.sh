#!/usr/bin/env bash
# Dense layers over token sequences on the array (tests/models/make_transformer_models.py):
# qdq8_token_mlp / qdq16_token_mlp (input [N, 8 tokens, 16 features] -> MatMul + Add 16-32, Relu -> 16) and
# qdq8_q_proj (the encoder's Q projection alone) compile for ve2802 with every Dense on the array as the same
# GEMM over batch x 8 rows: design.json has rows_per_sample 8, batch_padded = batch x 8 (padded) and PLIO rows
# batch x 8; `aie4ml verify --samples 1000` is bit-exact layer by layer for the MLPs (int8 and int16); report.json counts
# the MACs of 8 token rows per sample; `aie4ml predict` of the int8 MLP equals ONNX Runtime bit for bit
# (its float32 QDQ evaluation is exact for these int8 sums); and the one-block encoders on the array (below).
# Env (set by CTest): AIE4ML, AIE4ML_TEST_DATA, AIE4ML_PYTHON, AIE4ML_ORACLE. Exit 77 = skipped.
set -euo pipefail
PY=${AIE4ML_PYTHON:-/usr/bin/python3}
[ -n "${AIE4ML_TEST_DATA:-}" ] || { echo "SKIP: AIE4ML_TEST_DATA is not set"; exit 77; }
data=$AIE4ML_TEST_DATA/transformer
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# name, batch, layers (comma-separated), MACs per sample
for spec in "qdq8_token_mlp 4 fc1,fc2 8192" "qdq16_token_mlp 3 fc1,fc2 8192" "qdq8_q_proj 2 q_proj 2048"; do
  read -r name batch layers macs <<< "$spec"
  [ -f "$data/$name.onnx" ] || fail "$name: not generated (testdata target)"
  prj="$work/$name"
  "$AIE4ML" compile "$data/$name.onnx" --batch "$batch" -o "$prj" > "$prj.log" 2>&1 || { cat "$prj.log"; fail "$name: compile"; }
  grep -q "no AIE project written" "$prj.log" && { cat "$prj.log"; fail "$name: no project"; }
  "$PY" - "$prj" "$batch" "$layers" "$macs" <<'PY' || fail "$name: design/report"
import json, sys
prj, batch, layers, macs = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(","), int(sys.argv[4])
d = json.load(open(prj + "/design.json"))
assert [l["name"] for l in d["layers"]] == layers and all(l["op"] == "Dense" for l in d["layers"]), d["layers"]
assert all(h["stage"] == "before" for h in d["host_ops"]), d["host_ops"]  # nothing between or after the layers
rows = batch * 8
for l in d["layers"]:
    m = 2 * l["tiling"][0]
    assert l["rows_per_sample"] == 8, l
    assert l["batch_padded"] == (rows + m - 1) // m * m, (l["name"], l["batch_padded"], rows)
for p in d["plio"]:
    assert p["rows"] == rows and p["rows_per_sample"] == 8 and p["feature_range"][1] - p["feature_range"][0] == 16, p
r = json.load(open(prj + "/report.json"))
perf = r["performance"]
assert perf["macs_per_sample"] == macs, (perf["macs_per_sample"], macs)
assert perf["latency_cycles"] > 0 and perf["interval_cycles"] > 0, perf
print(f"{prj.split('/')[-1]}: batch {batch} ({rows} rows), latency {r['latency_ns']} ns, interval {r['interval_ns']} ns")
PY
  "$AIE4ML" report "$prj" > "$prj.report" 2>&1 || { cat "$prj.report"; fail "$name: report"; }
  [ "$name" = qdq8_q_proj ] && { echo "ok: $name mapped (same kernels as fc2; not verified again to keep the test short)"; continue; }
  "$AIE4ML" verify "$prj" --samples 1000 > "$prj.verify" 2>&1 || { cat "$prj.verify"; fail "$name: verify"; }
  grep -q "^bit-exact: 1000/1000 samples$" "$prj.verify" && grep -q "^layers bit-exact: ${layers//,/, }$" "$prj.verify" ||
    { cat "$prj.verify"; fail "$name: not bit-exact"; }
  echo "ok: $name bit-exact 1000/1000 (layers $layers)"
done

# The one-block encoders (issue 10): attention with 2 heads (Q x K^T with the 1/sqrt(8) scale, row Softmax,
# attention x V with the heads merged), residual Adds, LayerNorms and the MLP, every op on the array (nothing
# on the host after the input cast), the heads in parallel (passes/split_heads.h): scores, probs and context
# one layer per head ("<op>_h<i>"), each one kernel on its own tile reading / writing its head's channels of
# the token rows; `aie4ml verify --samples 200` bit-exact on every layer (each head against its part of the
# interpreter's tensor), int8 and int16. (Two compiles byte-identical: tests/scripts/determinism.sh qdq8_encoder.)
enc_layers="q_proj, k_proj, v_proj, scores_h0, scores_h1, probs_h0, probs_h1, context_h0, context_h1, out_proj, residual1, ln1, fc1, fc2, residual2, ln2"
for name in qdq8_encoder qdq16_encoder; do
  prj="$work/$name"
  "$AIE4ML" compile "$data/$name.onnx" --batch 4 -o "$prj" > "$prj.log" 2>&1 || { cat "$prj.log"; fail "$name: compile"; }
  grep -q "no AIE project written" "$prj.log" && { cat "$prj.log"; fail "$name: no project"; }
  "$PY" - "$prj" "$enc_layers" <<'PY' || fail "$name: design/report"
import json, sys
prj, layers = sys.argv[1], sys.argv[2].split(", ")
d = json.load(open(prj + "/design.json"))
assert [l["name"] for l in d["layers"]] == layers, [l["name"] for l in d["layers"]]
assert all(h["stage"] == "before" for h in d["host_ops"]), d["host_ops"]
ops = {l["name"]: l["op"] for l in d["layers"]}
assert (ops["scores_h0"], ops["probs_h0"], ops["context_h1"], ops["ln1"], ops["residual1"]) == ("MatMul", "Softmax", "MatMul", "LayerNorm", "Add"), ops
tiles = [tuple(k["tile"]) for l in d["layers"] for k in l["kernels"]]
assert len(set(tiles)) == len(tiles), tiles  # every kernel, so every head, on a tile of its own
T, H, Dh = 8, 2, 8
for l in d["layers"]:
    if "head" not in l:
        continue
    op, h = l["head"]["op"], l["head"]["index"]
    assert l["name"] == f"{op}_h{h}" and l["head"]["count"] == H and len(l["kernels"]) == 1, l["name"]
    width = Dh if op == "context" else T  # the context's channels of H x Dh; a T x T block of H x T
    assert l["output_view"]["channels"] == [h * width, (h + 1) * width] and l["output_view"]["row_channels"] == H * width, l
    assert l["output_view"]["tensor"] == l["output_tensor"], l
assert sorted(l["name"] for l in d["layers"] if "head" in l) == sorted(f"{o}_h{h}" for o in ("scores", "probs", "context") for h in range(H))
r = json.load(open(prj + "/report.json"))
names = [l["name"] for l in r["layers"]]
assert names == layers and all(l["kernel_cycles"] > 0 for l in r["layers"]), r["layers"]
print(f"{prj.split('/')[-1]}: {r['tiles_used']} tiles, latency {r['latency_ns']} ns, interval {r['interval_ns']} ns, "
      f"bottleneck {r['bottleneck']['layer']}")
PY
  "$AIE4ML" verify "$prj" --samples 200 > "$prj.verify" 2>&1 || { cat "$prj.verify"; fail "$name: verify"; }
  grep -q "^bit-exact: 200/200 samples$" "$prj.verify" && grep -q "^layers bit-exact: $enc_layers$" "$prj.verify" ||
    { cat "$prj.verify"; fail "$name: not bit-exact"; }
  echo "ok: $name bit-exact 200/200 (every layer)"
done

# The reference the verify compares with, against an independent oracle: predict == ONNX Runtime (int8).
oracle=${AIE4ML_ORACLE:-}
if [ -d "$oracle/node_modules/onnxruntime-node" ]; then
  "$AIE4ML" predict "$work/qdq8_token_mlp" --input "$data/qdq8_token_mlp_x.npy" --output "$work/ours.npy" > /dev/null
  node "$oracle/run_ort.js" "$data/qdq8_token_mlp.onnx" "$data/qdq8_token_mlp_x.npy" "$work/ort.npy"
  "$PY" "$oracle/compare_npy.py" exact "$work/ours.npy" "$work/ort.npy" "qdq8_token_mlp predict vs ONNX Runtime"
else
  echo "note: ONNX Runtime not installed; predict vs ORT skipped"
fi
echo "PASS (token Dense layers on ve2802: rows = batch x 8, bit-exact 1000/1000 in int8 and int16; the encoders bit-exact 200/200)"
