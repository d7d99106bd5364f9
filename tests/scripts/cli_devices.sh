#!/usr/bin/env bash
# CLI end to end for `aie4ml devices [--json]`: the shipped catalog (figures from docs/aie-ml-facts.md),
# a device added as a file only (via AIE4ML_HOME), and a bad device file (exit 2 naming file and key).
# Environment (set by CTest): AIE4ML (cli), AIE4ML_SOURCE_ROOT, AIE4ML_PYTHON.
set -u
cli=${AIE4ML:?AIE4ML must point to the aie4ml executable}
root=${AIE4ML_SOURCE_ROOT:?}
python=${AIE4ML_PYTHON:-/usr/bin/python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0

check() {  # check NAME EXPECTED_RC SUBSTRING... -- ARGS...   (env from the caller)
  local name=$1 want=$2
  shift 2
  local needles=()
  while [ "$1" != "--" ]; do needles+=("$1"); shift; done
  shift
  "$cli" "$@" >"$work/out" 2>&1
  local rc=$?
  local ok=1
  [ "$rc" -eq "$want" ] || { echo "FAIL $name: exit code $rc, expected $want"; ok=0; }
  for n in "${needles[@]}"; do
    grep -qF -- "$n" "$work/out" || { echo "FAIL $name: output lacks '$n'"; ok=0; }
  done
  if [ $ok -eq 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); sed 's/^/    | /' "$work/out"; fi
}

# The table: VEK280 = 38 x 8 = 304 tiles, 76 memory tiles, 1250 MHz, 194.6 int8 TOPS (aie-ml-facts.md).
check table 0 "NAME" "ve2802" "VEK280" "38x8" "304" "76" "1250 MHz" "194.6" "vek280" "ve2302" "ve2602" "2ve3858" -- devices
check help 0 "--json" -- devices --help

# --json is a parseable array with the same figures.
"$cli" devices --json >"$work/devices.json" 2>&1
if "$python" - "$work/devices.json" <<'PY'
import json, sys
devs = {d["name"]: d for d in json.load(open(sys.argv[1]))}
v = devs["ve2802"]
assert v["columns"] == 38 and v["compute_rows"] == 8 and v["compute_tiles"] == 304, v
assert v["memory_tiles"] == 76 and v["memory_tile_bytes"] == 512 * 1024, v
assert abs(v["peak_int8_tops"] - 194.56) < 0.01, v["peak_int8_tops"]
assert "vek280" in v["aliases"], v["aliases"]
assert devs["2ve3858"]["compute_tiles"] == 144 and devs["ve2302"]["compute_tiles"] == 34
PY
then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL json"; cat "$work/devices.json"; fi

# A device added as a file only: copy the shipped catalog plus one new file under a private data root.
mkdir -p "$work/home/devices"
cp "$root"/devices/*.json "$work/home/devices/"
"$python" - "$root/devices/ve2802.json" "$work/home/devices/toy.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["name"], d["aliases"], d["board"] = "toy", ["toyboard"], "Toy board"
d["array"]["columns"], d["array"]["compute_rows"] = 4, 2
d["shim"]["noc_columns"] = [2]
json.dump(d, open(sys.argv[2], "w"))
PY
AIE4ML_HOME="$work/home" check user_device 0 "toy" "Toy board" "4x2" "toyboard" "ve2802" -- devices

# A bad device file: exit 2, the message names the file and the key.
"$python" - "$root/devices/ve2802.json" "$work/home/devices/toy.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["name"], d["aliases"] = "toy", []
del d["memory_tile"]["bytes"]
json.dump(d, open(sys.argv[2], "w"))
PY
AIE4ML_HOME="$work/home" check bad_device 2 "toy.json" "memory_tile.bytes" "missing" -- devices

echo "cli_devices: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
