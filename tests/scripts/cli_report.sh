#!/usr/bin/env bash
# CLI end to end for `aie4ml report DIR [--json]` on the jet tagger from the shared models (hls4ml's
# three_layer_keras.onnx, 16-64-32-32-5): compile writes the timing keys of DESIGN.md into report.json,
# `report` prints the table, `report --json` prints the same numbers as report.json, a Placement-free
# compile is deterministic, and a directory without design.json is refused (exit 2).
# Environment (set by CTest): AIE4ML (cli), AIE4ML_SHARED_MODELS, AIE4ML_PYTHON. Skips (77) without models.
set -u
cli=${AIE4ML:?AIE4ML must point to the aie4ml executable}
models=${AIE4ML_SHARED_MODELS:-}
python=${AIE4ML_PYTHON:-/usr/bin/python3}
model="$models/three_layer_keras.onnx"
[ -f "$model" ] || { echo "skipped: $model not found (shared models absent)"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
echo '{"Model": {"Precision": "ap_fixed<8,3>", "BatchSize": 8, "Objective": "latency"}}' >"$work/config.json"

"$cli" compile "$model" -c "$work/config.json" -o "$work/jet" >"$work/compile.out" 2>&1 || { echo "FAIL compile"; cat "$work/compile.out"; exit 1; }
"$cli" report "$work/jet" >"$work/table.out" 2>&1 || { echo "FAIL report exit code"; fail=1; }
for needle in "latency" "interval" "bottleneck" "where the first batch's latency goes" "mapping search (objective latency)"; do
  grep -qF -- "$needle" "$work/table.out" || { echo "FAIL table lacks '$needle'"; fail=1; }
done
"$cli" report "$work/jet" --json >"$work/report.out" 2>&1 || { echo "FAIL report --json exit code"; fail=1; }

"$python" - "$work/jet/report.json" "$work/report.out" <<'PY' || fail=1
import json, sys
saved = json.load(open(sys.argv[1]))
printed = json.load(open(sys.argv[2]))
keys = ["device", "tiles_used", "tiles_total", "layers", "latency_ns", "latency_last_ns", "interval_ns",
        "throughput_samples_per_s", "gops", "bottleneck"]
for k in keys:
    assert k in saved, f"report.json lacks {k}"
    assert saved[k] == printed[k], f"{k}: report.json {saved[k]} != report --json {printed[k]}"
for layer in saved["layers"]:
    for k in ["name", "op", "in_features", "out_features", "cas_length", "cas_num", "tiling", "tiles", "kernel_cycles"]:
        assert k in layer, f"layer {layer.get('name')} lacks {k}"
assert saved["device"] == "ve2802" and saved["tiles_total"] == 304
assert 0 < saved["latency_ns"] < saved["latency_last_ns"]
# DESIGN.md: throughput = batch / interval; GOP/s = 2 x MACs per sample x samples/s.
assert abs(saved["throughput_samples_per_s"] - 8 / (saved["interval_ns"] * 1e-9)) / saved["throughput_samples_per_s"] < 1e-3
macs = sum(l["in_features"] * l["out_features"] for l in saved["layers"])
assert abs(saved["gops"] - 2 * macs * saved["throughput_samples_per_s"] / 1e9) < 1e-2 * saved["gops"]
assert saved["search"]["objective"] == "latency" and saved["search"]["chosen"]
print("report.json and report --json agree")
PY

"$cli" compile "$model" -c "$work/config.json" -o "$work/jet2" >/dev/null 2>&1
cmp -s "$work/jet/report.json" "$work/jet2/report.json" || { echo "FAIL report.json differs between two compiles"; fail=1; }

mkdir -p "$work/empty"
"$cli" report "$work/empty" >"$work/empty.out" 2>&1
rc=$?
[ $rc -eq 2 ] || { echo "FAIL report on an empty directory: exit $rc, expected 2"; fail=1; }
grep -qF "design.json" "$work/empty.out" || { echo "FAIL message does not name design.json"; fail=1; }
[ $fail -eq 0 ] && echo "cli_report: all checks passed"
exit $fail
