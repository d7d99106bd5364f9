#!/usr/bin/env bash
# The shared Keras CNNs (conv1d_small_keras: three Conv1D + Flatten + two Dense + Softmax;
# conv2d_small_keras: Conv2D + Transpose/Flatten + Dense + Softmax) compiled for ve2802 with an
# hls4ml-style int8 config (ap_fixed<8,3>) and an int16 one (ap_fixed<16,6,AP_RND_CONV,AP_SAT>): every Conv
# is an array layer running a conv kernel (kernels/conv.h conv_single_rows or kernels/conv_direct.h
# conv_direct_rows, whichever the performance model predicts faster; kernels/conv_memtile.h
# conv_memtile_rows where forced), the Flatten/Transpose
# between the last conv and the Dense is a view (no host op between layers), and `aie4ml verify` proves
# the project bit-exact against the reference interpreter on 1000 random samples, layer by layer.
# report.json has cycles and utilisation for the conv layers.
# Env (set by CTest): AIE4ML, AIE4ML_SHARED_MODELS, AIE4ML_PYTHON. Exit 77 = skipped.
set -euo pipefail
PY=${AIE4ML_PYTHON:-/usr/bin/python3}
models=${AIE4ML_SHARED_MODELS:-}
[ -f "$models/conv1d_small_keras.onnx" ] && [ -f "$models/conv2d_small_keras.onnx" ] ||
  { echo "SKIP: the shared conv models are not in '$models'"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

echo '{"Model": {"Precision": "ap_fixed<8,3>", "ReuseFactor": 1, "Strategy": "Latency", "BatchSize": 8}}' > "$work/int8.json"
echo '{"Model": {"Precision": "ap_fixed<16,6,AP_RND_CONV,AP_SAT>", "ReuseFactor": 1, "BatchSize": 8}}' > "$work/int16.json"
# conv1d_small_keras int16 runs its convs whose im2col the memory tile can do on kernels/conv_memtile.h
# (ConvKernel "memtile_im2col": Conv1D__ 4 and Conv1D__2 2 channels of 2 bytes; Conv1D__1's 3 channels are
# no whole 32-bit DMA words). conv2d_small_keras's one conv has 1 channel (no whole word in int8 or int16).
echo '{"Model": {"Precision": "ap_fixed<16,6,AP_RND_CONV,AP_SAT>", "ReuseFactor": 1, "BatchSize": 8},
 "LayerName": {"Conv1D__": {"ConvKernel": "memtile_im2col"}, "Conv1D__2": {"ConvKernel": "memtile_im2col"}}}' \
  > "$work/int16_memtile.json"

for model in conv1d_small_keras conv2d_small_keras; do
  for prec in int8 int16; do
    prj="$work/${model}_$prec"
    cfg="$work/$prec.json"
    [ "$model/$prec" = conv1d_small_keras/int16 ] && cfg="$work/int16_memtile.json"
    "$AIE4ML" compile "$models/$model.onnx" -c "$cfg" -o "$prj" > "$prj.log" 2>&1 ||
      { cat "$prj.log"; fail "$model $prec: compile"; }
    grep -q "no AIE project written" "$prj.log" && { cat "$prj.log"; fail "$model $prec: no project"; }
    "$PY" - "$prj" "$model" "$prec" <<'PY' || fail "$model $prec: design/report"
import json, sys
prj, model, prec = sys.argv[1], sys.argv[2], sys.argv[3]
d = json.load(open(prj + "/design.json"))
m = json.load(open(prj + "/model.json"))
convs = [l for l in d["layers"] if l["op"] == "Conv"]
want = {"conv1d_small_keras": 3, "conv2d_small_keras": 1}[model]
assert len(convs) == want, [l["op"] for l in d["layers"]]
kinds = {op["name"]: op["kind"] for op in m["ops"]}
for l in convs:
    assert kinds[l["name"]] == "Conv" and len(l["conv"]) == 13 and len(l["kernels"]) == 1, l["name"]
    memtile = model == "conv1d_small_keras" and prec == "int16" and l["name"] in ("Conv1D__", "Conv1D__2")
    variant = l["kernels"][0]["variant"]
    assert (variant == "conv_memtile_im2col") if memtile else variant in ("conv_single", "conv_direct"), (l["name"], variant)
# Nothing runs on the host between layers: input layout ops before the first conv, at most the final
# Softmax after the last layer (when the kernels cannot take it as an epilogue).
for h in d["host_ops"]:
    assert (h["stage"], h["op"]) in (("before", "Transpose"), ("before", "Reshape"), ("after", "Softmax")), h
# The dense after the convs reads the last conv's output tensor (the Flatten is a view).
dense = [l for l in d["layers"] if l["op"] == "Dense"][0]
assert dense["input_tensor"] == convs[-1]["output_tensor"], (dense["input_tensor"], convs[-1]["output_tensor"])
r = json.load(open(prj + "/report.json"))
for l in convs:
    rl = [x for x in r["layers"] if x["name"] == l["name"]][0]
    assert rl["op"] == "Conv" and rl["kernel_cycles"] > 0 and 0 < rl["utilisation"] <= 1, rl
PY
    grep -Eq "conv_(single|direct|memtile)_rows" "$prj"/aie/src/*.cc || fail "$model $prec: no conv kernel in aie/src"
    "$AIE4ML" report "$prj" > "$prj.report" 2>&1 || { cat "$prj.report"; fail "$model $prec: report"; }
    grep -Eq "^Conv[0-9A-Za-z_]* +Conv +[0-9]+->[0-9]+ +1x1 +1 +[1-9][0-9]* " "$prj.report" ||
      { cat "$prj.report"; fail "$model $prec: no conv row with cycles in aie4ml report"; }
    "$AIE4ML" verify "$prj" --samples 1000 > "$prj.verify" 2>&1 || { cat "$prj.verify"; fail "$model $prec: verify"; }
    grep -q "^bit-exact: 1000/1000 samples$" "$prj.verify" || { cat "$prj.verify"; fail "$model $prec: not 1000/1000"; }
    "$PY" - "$prj" "$prj.verify" <<'PY' || { cat "$prj.verify"; fail "$model $prec: conv layers not bit-exact"; }
import json, sys
d = json.load(open(sys.argv[1] + "/design.json"))
line = [l for l in open(sys.argv[2]) if l.startswith("layers bit-exact:")][0]
exact = {n.strip() for n in line.split(":", 1)[1].split(",")}
assert all(l["name"] in exact for l in d["layers"]), (line, [l["name"] for l in d["layers"]])
PY
    echo "ok: $model $prec bit-exact 1000/1000"
  done
done
# A channels-first (PyTorch-style) QDQ CNN whose Flatten feeds the Dense directly, with batch 3 (GEMM rows
# 3 x 16 and 3 x 8, padded to the mmul shape): the Dense reads the conv output through input_order.
flat=${AIE4ML_TEST_DATA:-}/cnn/qdq_cnn1d_flat.onnx
if [ -f "$flat" ]; then
  prj="$work/flat"
  "$AIE4ML" compile "$flat" --batch 3 -o "$prj" > "$prj.log" 2>&1 || { cat "$prj.log"; fail "qdq_cnn1d_flat: compile"; }
  "$PY" - "$prj" <<'PY' || fail "qdq_cnn1d_flat: design"
import json, sys
d = json.load(open(sys.argv[1] + "/design.json"))
assert [l["op"] for l in d["layers"]] == ["Conv", "Conv", "Dense"], d["layers"]
fc = d["layers"][2]
# array feature p * 4 + c (8 positions, 4 channels) is the model's NCW feature c * 8 + p
assert fc["input_order"] == [c * 8 + p for p in range(8) for c in range(4)], fc.get("input_order")
assert d["host_ops"] == [], d["host_ops"]
PY
  "$AIE4ML" verify "$prj" --input "${flat%.onnx}_x.npy" > "$prj.verify" 2>&1 || { cat "$prj.verify"; fail "qdq_cnn1d_flat: verify"; }
  grep -q "^layers bit-exact: conv1, conv2, fc$" "$prj.verify" && grep -Eq "^bit-exact: ([0-9]+)/\1 samples$" "$prj.verify" ||
    { cat "$prj.verify"; fail "qdq_cnn1d_flat: not bit-exact"; }
  echo "ok: qdq_cnn1d_flat (channels-first Flatten) bit-exact"
fi
# Conv -> Relu -> MaxPool, the MaxPool fused into the conv kernel (LayerDesign "pool"; the kernel writes the
# pooled positions): qdq_cnn2d_keras (3x3 conv on 8x8x3, MaxPool 2x2 stride 2 -> 4x4, Transpose/Flatten into
# the Dense) and qdq_cnn1d_pool (Conv1D on 16 positions, MaxPool window 3 stride 2 -> 7, channels-first Flatten).
# Each: design keys, the kernel call, and `verify --samples 200` bit-exact layer by layer.
for spec in "qdq_cnn2d_keras:2, 2, 2, 2:dense:64" "qdq_cnn1d_pool:1, 3, 1, 2:fc:42"; do
  IFS=: read -r name pool dense features <<< "$spec"
  onnx=${AIE4ML_TEST_DATA:-}/cnn/$name.onnx
  [ -f "$onnx" ] || fail "$name: not generated (testdata target)"
  prj="$work/$name"
  "$AIE4ML" compile "$onnx" --batch 4 -o "$prj" > "$prj.log" 2>&1 || { cat "$prj.log"; fail "$name: compile"; }
  "$PY" - "$prj" "[$pool]" "$features" <<'PY' || fail "$name: design"
import json, sys
d = json.load(open(sys.argv[1] + "/design.json"))
assert [l["op"] for l in d["layers"]] == ["Conv", "Dense"], d["layers"]
conv, dense = d["layers"]
assert conv["pool"] == json.loads(sys.argv[2]), conv.get("pool")
assert conv["output_tensor"] == dense["input_tensor"] == "pool1", (conv["output_tensor"], dense["input_tensor"])
assert dense["in_features"] == int(sys.argv[3]), dense["in_features"]
assert all(h["op"] != "MaxPool" for h in d["host_ops"]), d["host_ops"]
PY
  grep -q "conv_pool<$pool>" "$prj"/aie/src/*.cc || fail "$name: no fused pool in aie/src"
  "$AIE4ML" verify "$prj" --samples 200 > "$prj.verify" 2>&1 || { cat "$prj.verify"; fail "$name: verify"; }
  grep -q "^bit-exact: 200/200 samples$" "$prj.verify" && grep -q "^layers bit-exact: conv1, $dense$" "$prj.verify" ||
    { cat "$prj.verify"; fail "$name: not bit-exact"; }
  echo "ok: $name (Conv -> Relu -> MaxPool fused) bit-exact 200/200"
done
# The direct conv kernel forced (LayerName.<conv>.ConvKernel "direct") on every conv of qdq_resnet (batch 2:
# 3x3 convs of 4 and 8 channels, 1x1 convs; the 8-channel conv loads most A tiles as vectors): design.json
# says conv_direct and has no im2col buffer, the sources call conv_direct_rows, verify is bit-exact.
resnet=${AIE4ML_TEST_DATA:-}/cnn/qdq_resnet.onnx
[ -f "$resnet" ] || fail "qdq_resnet: not generated (testdata target)"
echo '{"Model": {"BatchSize": 2}, "LayerName": {"conv1": {"ConvKernel": "direct"}, "conv2": {"ConvKernel": "direct"},
 "skip": {"ConvKernel": "direct"}, "branch": {"ConvKernel": "direct"}}}' > "$work/direct.json"
prj="$work/resnet_direct"
"$AIE4ML" compile "$resnet" -c "$work/direct.json" -o "$prj" > "$prj.log" 2>&1 || { cat "$prj.log"; fail "qdq_resnet direct: compile"; }
"$PY" - "$prj" <<'PY' || fail "qdq_resnet direct: design"
import json, sys
d = json.load(open(sys.argv[1] + "/design.json"))
convs = [l for l in d["layers"] if l["op"] == "Conv"]
assert sorted(l["name"] for l in convs) == ["branch", "conv1", "conv2", "skip"], [l["name"] for l in convs]
for l in convs:
    k = l["kernels"][0]
    assert k["variant"] == "conv_direct" and all(b["role"] != "im2col" for b in k["buffers"]), (l["name"], k)
PY
grep -q "conv_direct_rows" "$prj"/aie/src/conv2.cc || fail "qdq_resnet direct: conv2 does not call conv_direct_rows"
"$AIE4ML" verify "$prj" --samples 200 > "$prj.verify" 2>&1 || { cat "$prj.verify"; fail "qdq_resnet direct: verify"; }
grep -q "^bit-exact: 200/200 samples$" "$prj.verify" || { cat "$prj.verify"; fail "qdq_resnet direct: not 200/200"; }
"$PY" - "$prj" "$prj.verify" <<'PY' || { cat "$prj.verify"; fail "qdq_resnet direct: layers not bit-exact"; }
import json, sys
d = json.load(open(sys.argv[1] + "/design.json"))
line = [l for l in open(sys.argv[2]) if l.startswith("layers bit-exact:")][0]
exact = {n.strip() for n in line.split(":", 1)[1].split(",")}
assert all(l["name"] in exact for l in d["layers"]), (line, [l["name"] for l in d["layers"]])
PY
echo "ok: qdq_resnet with every conv on the direct kernel bit-exact 200/200"
# The memory-tile im2col forced where the memory tile can walk the patches (conv2: 3x3 'same' on 8 channels;
# the 1x1 skip and branch on 4 channels padded to 8); conv1 (3x3 'same' on 4 channels padded to 8) would need
# 6 DMA address loops and is refused, so it stays on its automatic choice. The graph carries the patch walk
# (offset -1 / -1, boundary_dimension) and verify executes it in the emulator, zero padding included.
echo '{"Model": {"BatchSize": 2}, "LayerName": {"conv2": {"ConvKernel": "memtile_im2col"},
 "skip": {"ConvKernel": "memtile_im2col"}, "branch": {"ConvKernel": "memtile_im2col"}}}' > "$work/memtile.json"
prj="$work/resnet_memtile"
"$AIE4ML" compile "$resnet" -c "$work/memtile.json" -o "$prj" > "$prj.log" 2>&1 || { cat "$prj.log"; fail "qdq_resnet memtile: compile"; }
"$PY" - "$prj" <<'PY' || fail "qdq_resnet memtile: design"
import json, sys
d = json.load(open(sys.argv[1] + "/design.json"))
convs = {l["name"]: l for l in d["layers"] if l["op"] == "Conv"}
for name in ("conv2", "skip", "branch"):
    k = convs[name]["kernels"][0]
    assert k["variant"] == "conv_memtile_im2col" and all(b["role"] != "im2col" for b in k["buffers"]), (name, k)
assert convs["conv1"]["kernels"][0]["variant"] != "conv_memtile_im2col"
walks = [r["access"] for sb in d["shared_buffers"] for r in sb["readers"]
         if any(e.get("kernel") == convs["conv2"]["kernels"][0]["name"] for e in r["destinations"])]
assert walks == [{"buffer_dimension": [8, 8, 8, 2], "tiling_dimension": [8, 3, 3, 1], "offset": [0, -1, -1, 0],
                  "tile_traversal": [{"dimension": 1, "stride": 1, "wrap": 8}, {"dimension": 2, "stride": 1, "wrap": 8},
                                     {"dimension": 3, "stride": 1, "wrap": 2}],
                  "boundary_dimension": [8, 8, 8, 2]}], walks
PY
grep -q "conv_memtile_rows" "$prj"/aie/src/conv2.cc || fail "qdq_resnet memtile: conv2 does not call conv_memtile_rows"
grep -q "\.offset = {0, -1, -1, 0}" "$prj"/aie/graph.h || fail "qdq_resnet memtile: the graph has no padded patch walk"
"$AIE4ML" verify "$prj" --samples 200 > "$prj.verify" 2>&1 || { cat "$prj.verify"; fail "qdq_resnet memtile: verify"; }
grep -q "^bit-exact: 200/200 samples$" "$prj.verify" || { cat "$prj.verify"; fail "qdq_resnet memtile: not 200/200"; }
grep -q "^layers bit-exact: .*conv2" "$prj.verify" || { cat "$prj.verify"; fail "qdq_resnet memtile: conv2 not bit-exact"; }
echo "ok: qdq_resnet with conv2, skip and branch on the memory-tile im2col bit-exact 200/200"
echo "PASS (conv1d/conv2d_small_keras x int8/int16 on ve2802: conv layers on the array, bit-exact 1000/1000; fused MaxPools 200/200; direct and memory-tile im2col conv kernels 200/200)"
