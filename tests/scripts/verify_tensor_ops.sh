#!/usr/bin/env bash
# Tensor-op layers on the array (kernels/tensor_ops.h, design/tensor_op_layout.h), end to end in host emulation.
# The residual CNN (tests/models/make_cnn_models.py qdq_resnet: the input read by three convs, residual Add + Relu,
# Concat on channels of operands at different scales, MaxPool, GlobalAveragePool, Flatten, Gemm) with the
# hls4ml-style int8 config of verify_cnn.sh at batch 8 (conv2's kernel runs the batch in chunks of whole samples,
# design.json "conv_chunk", because its whole-batch im2col would not fit the tile): Add, Concat,
# MaxPool and GlobalAveragePool are tensor-op layers (design.json "inputs" / "tensor_op"; Add and Concat
# vectorised, "tensor_vector"), nothing runs on the host, `aie4ml report` times them, and
# `aie4ml verify --samples 1000` is bit-exact on every layer and the output
# against the reference interpreter. Then qdq_cnn1d, whose AveragePool (window 3, pads 1) after a fused MaxPool is
# a tensor-op layer read by the Dense through a channels-first Flatten. Two compiles of qdq_resnet are identical.
# Then qdq_view_cnn1d (tests/models/make_slice_models.py): a channel Split, a Slice of a same-scale Concat and a
# Slice read by the residual Add are channel views (passes/channel_views.h): no Slice or Concat layer, the
# readers and writers carry channel ranges ("row_channels"), and `verify --samples 200` is bit-exact.
# Env (set by CTest): AIE4ML, AIE4ML_TEST_DATA, AIE4ML_PYTHON.
set -euo pipefail
PY=${AIE4ML_PYTHON:-/usr/bin/python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

resnet=${AIE4ML_TEST_DATA:-}/cnn/qdq_resnet.onnx
[ -f "$resnet" ] || fail "qdq_resnet: not generated (testdata target)"
# conv2 keeps the im2col kernel (ConvKernel "im2col"; the automatic choice is the direct kernel, which needs
# no im2col buffer and no chunks), so that the chunked im2col kernel stays covered end to end.
echo '{"Model": {"Precision": "ap_fixed<8,3>", "ReuseFactor": 1, "Strategy": "Latency", "BatchSize": 8},
 "LayerName": {"conv2": {"ConvKernel": "im2col"}}}' > "$work/int8_b8.json"
prj="$work/resnet"
"$AIE4ML" compile "$resnet" -c "$work/int8_b8.json" -o "$prj" > "$prj.log" 2>&1 || { cat "$prj.log"; fail "qdq_resnet: compile"; }
grep -q "no AIE project written" "$prj.log" && { cat "$prj.log"; fail "qdq_resnet: no project"; }
"$PY" - "$prj" <<'PY' || fail "qdq_resnet: design"
import json, sys
d = json.load(open(sys.argv[1] + "/design.json"))
ops = [(l["name"], l["op"]) for l in d["layers"]]
assert ops == [("conv1", "Conv"), ("conv2", "Conv"), ("skip", "Conv"), ("residual", "Add"), ("branch", "Conv"),
               ("cat", "Concat"), ("pool", "MaxPool"), ("gap", "GlobalAveragePool"), ("fc", "Dense")], ops
assert d["host_ops"] == [], d["host_ops"]
layers = {l["name"]: l for l in d["layers"]}
assert layers["residual"]["inputs"] == ["act2_q", "act_skip_q"] and layers["residual"]["output_tensor"] == "act3_q"
assert layers["cat"]["inputs"] == ["act3_q", "act_branch_q"] and layers["cat"]["tensor_op"] == [64, 8, 4]
# Add (cast, Relu, Quantize) and both Concat inputs (cast, Quantize; 32-bit word stores) run as vectors
assert layers["residual"].get("tensor_vector") == [3, 1, 1], layers["residual"].get("tensor_vector")
assert layers["cat"].get("tensor_vector") == [2, 0, 1, 1], layers["cat"].get("tensor_vector")
assert all(l["kernels"][0]["variant"] == "tensor_op" for n, l in layers.items() if "tensor_op" in l)
sb = {b["tensor"]: b for b in d["shared_buffers"]}
assert sb["x"]["consumers"] == ["conv1", "skip", "branch"] and len(sb["x"]["readers"]) == 3, sb["x"]
assert d["batch"] == 8, d["batch"]
chunk = layers["conv2"].get("conv_chunk", 0)
assert 0 < chunk < 8 and 8 % chunk == 0, layers["conv2"]
PY
grep -q "tensor_add<residual_cfg>(in0.data(), in1.data(), out.data())" "$prj"/aie/src/residual.cc || fail "qdq_resnet: Add call"
# Deterministic: compiling again writes byte-identical files (design, sources, data, reports).
"$AIE4ML" compile "$resnet" -c "$work/int8_b8.json" -o "$work/resnet_again" > /dev/null 2>&1 || fail "qdq_resnet: second compile"
diff -r "$prj" "$work/resnet_again" > "$work/resnet.diff" || { head -20 "$work/resnet.diff"; fail "qdq_resnet: two compiles differ"; }
"$AIE4ML" report "$prj" > "$prj.report" 2>&1 || { cat "$prj.report"; fail "qdq_resnet: report"; }
grep -Eq "^residual +Add +512->512 +1x1 +1 +[1-9][0-9]* " "$prj.report" || { cat "$prj.report"; fail "qdq_resnet: no Add row in the report"; }
grep -Eq "^residual +Add +512->512 +1x1 +1 +[1-9][0-9]* .* tensor op$" "$prj.report" && grep -Eq "^conv2 +Conv .* conv im2col$" "$prj.report" &&
  grep -Eq "^conv1 +Conv .* conv direct$" "$prj.report" ||
  { cat "$prj.report"; fail "qdq_resnet: the report should name each layer's kernel (conv2 forced to im2col)"; }
"$AIE4ML" verify "$prj" --samples 1000 > "$prj.verify" 2>&1 || { cat "$prj.verify"; fail "qdq_resnet: verify"; }
grep -q "^bit-exact: 1000/1000 samples$" "$prj.verify" &&
  grep -q "^layers bit-exact: conv1, conv2, skip, residual, branch, cat, pool, gap, fc$" "$prj.verify" ||
  { cat "$prj.verify"; fail "qdq_resnet: not bit-exact"; }
echo "ok: qdq_resnet (fanout, residual Add, Concat, MaxPool, GlobalAveragePool on the array) bit-exact 1000/1000"
cnn1d=${AIE4ML_TEST_DATA:-}/cnn/qdq_cnn1d.onnx
prj="$work/cnn1d"
"$AIE4ML" compile "$cnn1d" --batch 2 -o "$prj" > "$prj.log" 2>&1 || { cat "$prj.log"; fail "qdq_cnn1d: compile"; }
"$AIE4ML" verify "$prj" --samples 200 > "$prj.verify" 2>&1 || { cat "$prj.verify"; fail "qdq_cnn1d: verify"; }
grep -q "^bit-exact: 200/200 samples$" "$prj.verify" && grep -q "^layers bit-exact: conv1, conv2, pool2, fc$" "$prj.verify" ||
  { cat "$prj.verify"; fail "qdq_cnn1d: not bit-exact"; }
echo "ok: qdq_cnn1d (AveragePool with padding as a tensor-op layer) bit-exact 200/200"
views=${AIE4ML_TEST_DATA:-}/cnn/qdq_view_cnn1d.onnx
prj="$work/views"
"$AIE4ML" compile "$views" --batch 4 -o "$prj" > "$prj.log" 2>&1 || { cat "$prj.log"; fail "qdq_view_cnn1d: compile"; }
"$PY" - "$prj" <<'PY' || fail "qdq_view_cnn1d: design"
import json, sys
d = json.load(open(sys.argv[1] + "/design.json"))
ops = [(l["name"], l["op"]) for l in d["layers"]]
assert ops == [("conv1", "Conv"), ("conv_a", "Conv"), ("conv_b", "Conv"), ("conv_c", "Conv"), ("residual", "Add"),
               ("fc", "Dense")], ops
layers = {l["name"]: l for l in d["layers"]}
views = {n: [(v["model_tensor"], v["channels"], v["row_channels"]) for v in l.get("input_views", [])] for n, l in layers.items()}
assert views["conv_a"] == [("split_0", [0, 3], 8)] and views["conv_b"] == [("split_1", [3, 8], 8)], views
assert views["conv_c"] == [("mid", [2, 8], 8)] and views["residual"] == [("head", [0, 4], 8)], views
assert layers["conv_a"]["output_view"] == {"tensor": "cat", "channels": [0, 4], "row_channels": 8}
assert layers["conv_b"]["output_view"] == {"tensor": "cat", "channels": [4, 8], "row_channels": 8}
sb = {b["tensor"]: b for b in d["shared_buffers"]}
assert [(w["feature_range"], w["row_channels"]) for w in sb["cat"]["writers"]] == [([0, 4], 8), ([4, 8], 8)], sb["cat"]
assert sorted(r["feature_range"] for r in sb["act1_q"]["readers"]) == [[0, 3], [0, 4], [3, 8]], sb["act1_q"]
PY
"$AIE4ML" verify "$prj" --samples 200 > "$prj.verify" 2>&1 || { cat "$prj.verify"; fail "qdq_view_cnn1d: verify"; }
grep -q "^bit-exact: 200/200 samples$" "$prj.verify" &&
  grep -q "^layers bit-exact: conv1, conv_a, conv_b, conv_c, residual, fc$" "$prj.verify" ||
  { cat "$prj.verify"; fail "qdq_view_cnn1d: not bit-exact"; }
echo "ok: qdq_view_cnn1d (Split, Slice and Concat as channel views) bit-exact 200/200"
echo "PASS (qdq_resnet 1000/1000, qdq_cnn1d 200/200 and qdq_view_cnn1d 200/200 bit-exact)"
