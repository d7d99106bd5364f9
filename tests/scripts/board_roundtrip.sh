#!/usr/bin/env bash
# The board flow's PL data movers on the host, bit for bit, for the shipped example (jet_tagger, int8)
# and two test models (codegen/qdq16_l4: int16; codegen/wide8_l2: int8 with a padded output row):
# - `make check_movers` (EMU_PCH=1: the emulation headers precompiled once for all three projects)
#   builds pl/*.cpp with g++ against emu/hls and runs DDR image -> mm2s -> PLIO
#   words -> the emulated graph (`make host`) -> PLIO words -> s2mm -> DDR image; its own comparison
#   with data/golden_*.txt must pass;
# - independently of the generated code, python reads the DDR images it wrote and checks that the input
#   image holds exactly the samples of data/<in>.txt (padding dropped, samples x features) and that the
#   output image holds exactly the reference interpreter's golden values (compared as raw element bits);
# - the .npy input path the board program uses (host/ports.h): 20 samples of codes saved by numpy
#   (3 graph iterations, the last one padded) go through the movers and the graph, and the first 20
#   output samples equal the golden ones (int8 and int16 models);
# - the XRT program compiles and links against emu/xrt (`make host_stub`), prints its ports with --help
#   and, having no device, fails with exit 2 and a message;
# - `make -n` of hw_link / package / hw_emu runs v++ on every mover with system.cfg (system_tgen.cfg);
# - a mover that packs lanes in the wrong order is caught (check_movers fails).
# Env (set by CTest): AIE4ML, AIE4ML_SOURCE_ROOT, AIE4ML_TEST_DATA, AIE4ML_PYTHON.
set -euo pipefail
PY=${AIE4ML_PYTHON:-/usr/bin/python3}
root=${AIE4ML_SOURCE_ROOT:?}
data=${AIE4ML_TEST_DATA:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
[ -f "$data/codegen/qdq16_l4.onnx" ] || { echo "SKIP: test models not generated in $data"; exit 77; }
command -v make >/dev/null && command -v g++ >/dev/null || { echo "SKIP: needs make and g++"; exit 77; }

"$PY" "$root/examples/jet_tagger/make_model.py" --out "$work" >/dev/null
emu_cache="$work/emu_cache"

# compile NAME MODEL [CONFIG]
compile() {
  local cfg=()
  [ $# -ge 3 ] && cfg=(-c "$3")
  "$AIE4ML" compile "$2" "${cfg[@]}" -o "$work/$1" > "$work/$1.compile.log" 2>&1 || { cat "$work/$1.compile.log"; fail "compile $1"; }
  [ -f "$work/$1/system.cfg" ] || fail "$1: no system.cfg"
}

# check_movers NAME: the generated harness, then the independent python check of its DDR images.
check_movers() {
  local prj="$work/$1" b="$work/$1.build"
  make -s -j2 -C "$prj" check_movers HOST_DIR="$b" HOST_CXXFLAGS="-std=c++20 -O0" AIE4ML_EMU="$root/emu" EMU_BUILD_DIR="$emu_cache" EMU_PCH=1 MOVER_CHECK_DIR="$b/movers" \
    > "$work/$1.movers.log" 2>&1 || { tail -30 "$work/$1.movers.log"; return 1; }
  grep -q "DDR output matches data/golden_" "$work/$1.movers.log" || { cat "$work/$1.movers.log"; return 1; }
  "$PY" - "$prj" "$b/movers" <<'PY' || return 1
import json, sys, numpy as np
prj, work = sys.argv[1], sys.argv[2]
design = json.load(open(f"{prj}/design.json"))
model = json.load(open(f"{prj}/model.json"))
def values(path):
    out = []
    for line in open(path):
        s = line.strip()
        if s and s[0] not in "T#":
            out += [int(v) for v in s.split()]
    return np.array(out, dtype=np.int64)
checked = 0
for p in design["plio"]:
    bits, rows, row = p["element_bits"], p["rows"], p["row_elements"]
    first, end = p["feature_range"]
    text = values(f"{prj}/data/{p['name']}.txt" if p["direction"] == "in" else f"{prj}/data/golden_{p['name']}.txt")
    samples = len(text) // row
    padded = text[: samples * row].reshape(samples, row)
    raw = np.fromfile(f"{work}/ddr_{'in' if p['direction'] == 'in' else 'out'}/{p['name']}.bin", dtype=f"<u{bits // 8}")
    if raw.size % samples:
        sys.exit(f"{p['name']}: DDR image of {raw.size} elements is not {samples} samples")
    ddr = raw.reshape(samples, raw.size // samples).astype(np.int64)
    want = padded[:, : end - first] & ((1 << bits) - 1)
    if not np.array_equal(ddr[:, first:end], want):
        s, f = np.argwhere(ddr[:, first:end] != want)[0]
        sys.exit(f"{p['name']}: DDR sample {s} feature {first + f} is {ddr[s, first + f]}, expected {want[s, f]} (raw bits)")
    if p["direction"] == "in" and np.any(padded[:, end - first:] != 0):
        sys.exit(f"{p['name']}: data file padding not zero")
    checked += 1
print(f"python: {checked} DDR images bit-exact")
PY
}

compile jet "$work/jet_tagger_int8.onnx" "$root/examples/jet_tagger/config.json"
compile q16 "$data/codegen/qdq16_l4.onnx"
compile w8 "$data/codegen/wide8_l2.onnx"

for p in jet q16 w8; do
  check_movers "$p" || fail "$p: mover round trip"
  echo "$p: mover round trip bit-exact ($(grep -c 'matches' "$work/$p.movers.log") outputs)"
done

# npy_inputs NAME: the first 20 samples of data/'s input as an .npy of codes, through the movers.
npy_inputs() {
  local prj="$work/$1" b="$work/$1.build"
  local in_port
  in_port=$("$PY" -c "import json,sys; print([p['name'] for p in json.load(open(sys.argv[1]))['plio'] if p['direction']=='in'][0])" "$prj/design.json")
  "$PY" - "$prj" "$in_port" "$work/$1.x20.npy" <<'PY' || return 1
import json, sys, numpy as np
prj, name, out = sys.argv[1:]
p = [p for p in json.load(open(f"{prj}/design.json"))["plio"] if p["name"] == name][0]
v = [int(x) for line in open(f"{prj}/data/{name}.txt") if line.strip() and line.strip()[0] not in "T#" for x in line.split()]
first, end = p["feature_range"]
rows = np.array(v).reshape(-1, p["row_elements"])[:20, : end - first]
np.save(out, rows.astype({8: np.int8, 16: np.int16, 32: np.int32}[p["element_bits"]]))
PY
  make -s -C "$prj" check_movers HOST_DIR="$b" HOST_CXXFLAGS="-std=c++20 -O0" AIE4ML_EMU="$root/emu" EMU_BUILD_DIR="$emu_cache" EMU_PCH=1 MOVER_CHECK_DIR="$b/npy" \
    MOVER_INPUTS="--input $in_port=$work/$1.x20.npy" > "$work/$1.npy.log" 2>&1 || { tail -30 "$work/$1.npy.log"; return 1; }
  "$PY" - "$prj" "$b/npy" <<'PY' || return 1
import json, sys, numpy as np
prj, work = sys.argv[1:]
for p in json.load(open(f"{prj}/design.json"))["plio"]:
    if p["direction"] != "out":
        continue
    bits, first, end = p["element_bits"], *p["feature_range"]
    v = [int(x) for line in open(f"{prj}/data/golden_{p['name']}.txt") if line.strip() and line.strip()[0] not in "T#" for x in line.split()]
    golden = np.array(v).reshape(-1, p["row_elements"])[:20, : end - first] & ((1 << bits) - 1)
    samples = -(-20 // p["rows"]) * p["rows"]  # whole graph iterations
    raw = np.fromfile(f"{work}/ddr_out/{p['name']}.bin", dtype=f"<u{bits // 8}").astype(np.int64)
    if raw.size % samples:
        sys.exit(f"{p['name']}: {raw.size} elements are not {samples} samples")
    ddr = raw.reshape(samples, -1)[:20, first:end]
    if not np.array_equal(ddr, golden):
        sys.exit(f"{p['name']}: outputs of the .npy samples differ from golden")
print("python: .npy inputs give the golden outputs")
PY
}

for p in jet q16; do
  npy_inputs "$p" || fail "$p: .npy input path"
  echo "$p: .npy inputs (20 samples) give the golden outputs"
done

# The XRT program against the stand-in: compiles, links, knows its ports, refuses to pretend.
make -s -C "$work/jet" host_stub HOST_DIR="$work/jet.build" AIE4ML_EMU="$root/emu" > "$work/stub.log" 2>&1 ||
  { cat "$work/stub.log"; fail "host_stub does not build"; }
"$work/jet.build/aie4ml_xrt_stub" --help > "$work/help.log" || fail "--help"
grep -q "in_input (in, tensor input)" "$work/help.log" || { cat "$work/help.log"; fail "--help lists no ports"; }
set +e
(cd "$work/jet" && "$work/jet.build/aie4ml_xrt_stub" --iterations 2 > "$work/run.log" 2>&1)
rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "stand-in" "$work/run.log" || { cat "$work/run.log"; fail "stub run exited $rc without the stand-in message"; }

# The board targets as make would run them (dry run: no AMD tools here): every mover is compiled and
# linked with system.cfg (traffic generators with system_tgen.cfg), the package defers the graph's start.
dry() { make -n -C "$work/jet" "$@" PLATFORM=/opt/platform.xpfm COMMON_IMAGE=/opt/common 2>&1; }
dry hw_link > "$work/dry_link.log" || { cat "$work/dry_link.log"; fail "make -n hw_link"; }
for k in mm2s_in_input s2mm_out_output; do
  grep -q -- "--kernel $k .*pl/$k.cpp" "$work/dry_link.log" || { cat "$work/dry_link.log"; fail "hw_link does not compile $k"; }
done
grep -q -- "v++ --link .*--config system.cfg .*mm2s_in_input.xo .*s2mm_out_output.xo libadf.a" "$work/dry_link.log" ||
  { cat "$work/dry_link.log"; fail "hw_link does not link the movers with system.cfg"; }
dry hw_link LINK_CFG=system_tgen.cfg > "$work/dry_tgen.log" || true
grep -q -- "--config system_tgen.cfg .*tgen_in_input.xo .*s2mm_out_output.xo" "$work/dry_tgen.log" ||
  { cat "$work/dry_tgen.log"; fail "hw_link with system_tgen.cfg does not link the traffic generator"; }
dry package > "$work/dry_package.log" || true
tr -d '\\\n' < "$work/dry_package.log" | grep -q -- "v++ --package .*--package.defer_aie_run .*--package.sd_dir data" ||
  { cat "$work/dry_package.log"; fail "make -n package"; }
dry hw_emu > "$work/dry_emu.log" || true
grep -q "launch_hw_emu.sh" "$work/dry_emu.log" && grep -q -- "v++ --link --target hw_emu" "$work/dry_emu.log" ||
  { cat "$work/dry_emu.log"; fail "make -n hw_emu"; }

# A mover that packs the lanes of a word in reverse order must be caught.
sed -i 's/static_cast<\(u\?int[0-9]*_t\)>(row\[w \* kLanes + k\])/static_cast<\1>(row[w * kLanes + (kLanes - 1 - k)])/' "$work/jet"/pl/mm2s_*.cpp
grep -q "kLanes - 1 - k" "$work/jet"/pl/mm2s_*.cpp || fail "mutation not applied"
if check_movers jet > "$work/mutant.log" 2>&1; then cat "$work/mutant.log"; fail "reversed lane order not caught"; fi
echo "PASS (3 models: mm2s -> emulated graph -> s2mm bit-exact, DDR images checked independently; XRT program builds; lane-order mutation caught)"
