#!/usr/bin/env bash
# `aie4ml compile` and `aie4ml predict` end to end on the generated models (tests/models/make_qdq_models.py):
# atomic output directories and --force, exit codes for bad input, --raw codes, --threads, --float,
# --labels, --float-output, --calibrate. Checks are made with numpy on the written files.
# Env (set by CTest): AIE4ML, AIE4ML_TEST_DATA, AIE4ML_PYTHON.
set -euo pipefail
PY=${AIE4ML_PYTHON:-/usr/bin/python3}
data=${AIE4ML_TEST_DATA:?}/qdq
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
expect_exit() {  # expect_exit CODE command...: run, check the exit code, keep stderr in $work/err
  local want=$1; shift
  set +e; "$@" >"$work/out" 2>"$work/err"; local got=$?; set -e
  [ "$got" -eq "$want" ] || { cat "$work/out" "$work/err"; fail "'$*' exited $got, expected $want"; }
}

m=$data/qdq8_l2.onnx
x=$data/qdq8_l2_x.npy
"$AIE4ML" compile "$m" -o "$work/p" --device ve2802 --batch 4 >/dev/null 2>&1
[ -f "$work/p/model.json" ] && [ -f "$work/p/float_model.json" ] && [ -f "$work/p/config.json" ] || fail "project files"
"$PY" - "$work/p" <<'PYEOF' || fail "project contents"
import json, sys
d = sys.argv[1]
cfg = json.load(open(d + "/config.json"))
assert cfg["Model"]["Device"] == "ve2802" and cfg["Model"]["BatchSize"] == 4, cfg
m = json.load(open(d + "/model.json"))
weights = [t for t in m["tensors"] if t["constant"]]
assert weights and all("codes" in t and "values" in t for t in weights)
assert all(t["type"].startswith("ap_") for t in m["tensors"]), [t["type"] for t in m["tensors"]]
PYEOF

# An existing directory is replaced only with --force; a failed compile leaves nothing behind.
touch "$work/p/marker"
expect_exit 2 "$AIE4ML" compile "$m" -o "$work/p"
grep -q "already exists" "$work/err" || fail "message for an existing directory"
[ -f "$work/p/marker" ] || fail "the existing directory was touched"
"$AIE4ML" compile "$m" -o "$work/p" --force >/dev/null 2>&1
[ ! -f "$work/p/marker" ] || fail "--force did not replace the directory"
echo '{"Model": {"BatchSize": 0}}' > "$work/bad.json"
expect_exit 2 "$AIE4ML" compile "$m" -c "$work/bad.json" -o "$work/q"
grep -q "Model.BatchSize" "$work/err" || fail "config error should name Model.BatchSize"
[ ! -e "$work/q" ] || fail "a failed compile left $work/q"
ls -a "$work" | grep -q '\.q\.tmp' && fail "a failed compile left a temporary directory"

# predict: values, raw codes, threads, labels, float model.
"$AIE4ML" predict "$work/p" --input "$x" --output "$work/y.npy" >/dev/null
"$AIE4ML" predict "$work/p" --input "$x" --output "$work/y_raw.npy" --raw --threads 3 >/dev/null
"$PY" - "$work" "$work/p" <<'PYEOF' || fail "raw codes"
import json, re, sys
import numpy as np
w, d = sys.argv[1:3]
y, raw = np.load(w + "/y.npy"), np.load(w + "/y_raw.npy")
m = json.load(open(d + "/model.json"))
t = next(t["type"] for t in m["tensors"] if t["name"] == m["outputs"][0])
width, ints = map(int, re.match(r"ap_u?fixed<(\d+),(-?\d+)", t).groups())
assert raw.dtype == (np.int8 if t.startswith("ap_fixed") and width <= 8 else raw.dtype), raw.dtype
assert y.dtype == np.float32 and np.array_equal(raw * 2.0 ** -(width - ints), y.astype(np.float64))
np.save(w + "/labels.npy", np.argmax(y, axis=1).astype(np.int64))
PYEOF
"$AIE4ML" predict "$work/p" --input "$x" --float --labels "$work/labels.npy" > "$work/acc.txt"
grep -q "vs float model: max |error| 0," "$work/acc.txt" || { cat "$work/acc.txt"; fail "QDQ model should equal its float evaluation"; }
grep -q "quantised model accuracy vs labels: 100.0000%" "$work/acc.txt" || { cat "$work/acc.txt"; fail "accuracy vs own labels"; }
"$PY" -c "import numpy as np; np.save('$work/wrong.npy', np.zeros((3, 7), np.float32))"
expect_exit 2 "$AIE4ML" predict "$work/p" --input "$work/wrong.npy"
grep -q "elements per sample" "$work/err" || fail "wrong input shape message"
printf 'not a npy file' > "$work/junk.npy"
expect_exit 2 "$AIE4ML" predict "$work/p" --input "$work/junk.npy"
grep -q "not a valid .npy file" "$work/err" || fail "malformed .npy message"

# Calibration of a float model: chosen types printed; the quantised model stays close to the float one.
"$AIE4ML" compile "$data/float_mlp.onnx" --calibrate "$data/float_mlp_x.npy" --calibrate-width 16 -o "$work/f" > "$work/cal.txt" 2>&1
grep -q "input 'x': ap_fixed<16," "$work/cal.txt" || { cat "$work/cal.txt"; fail "calibrated input type"; }
"$AIE4ML" predict "$work/f" --input "$data/float_mlp_x.npy" --float --float-output "$work/f.npy" > "$work/f.txt"
"$PY" - "$work/f.txt" "$work/f.npy" <<'PYEOF' || { cat "$work/f.txt"; fail "calibrated accuracy"; }
import re, sys
import numpy as np
text = open(sys.argv[1]).read()
agree = float(re.search(r"argmax agreement ([0-9.]+)%", text).group(1))
assert agree >= 98.0, agree
f = np.load(sys.argv[2])
assert f.shape == (1200, 5) and np.allclose(f.sum(axis=1), 1.0)
PYEOF
expect_exit 2 "$AIE4ML" compile "$data/float_mlp.onnx" -o "$work/g"
grep -q "no precision" "$work/err" || fail "a float model without precision should be refused"
echo PASS
