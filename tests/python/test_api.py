"""The Python API (aie4ml.convert / predict / trace / write / report / config_from_onnx / errors) against
independent oracles: the `aie4ml` CLI on the same model (compile, predict, inspect, report), ONNX Runtime
on the ONNX file, and numpy on the ONNX initialisers."""
import json
import os

import numpy as np
import onnx
from onnx import numpy_helper
import pytest

import aie4ml

DESIGN_REPORT_KEYS = {"device", "tiles_used", "tiles_total", "layers", "latency_ns", "interval_ns",
                      "throughput_samples_per_s", "gops", "bottleneck"}
DESIGN_LAYER_KEYS = {"name", "op", "in_features", "out_features", "cas_length", "cas_num", "tiling", "tiles",
                     "kernel_cycles"}


def cli_error(result):
    """The message of a CLI InputError (exit 2): stderr's `aie4ml: error: MESSAGE`."""
    assert result.returncode == 2, result.stderr
    line = [l for l in result.stderr.splitlines() if l.startswith("aie4ml: error: ")]
    assert line, result.stderr
    return line[-1][len("aie4ml: error: "):]


def test_predict_is_the_cli_predict_and_onnxruntime(qdq_jet, cli, ort, tmp_path):
    model, xpath = qdq_jet
    x = np.load(xpath)
    assert len(x) >= 1000
    m = aie4ml.convert(model)
    y = m.predict(x)
    cli("compile", model, "-o", tmp_path / "prj")
    cli("predict", tmp_path / "prj", "--input", xpath, "--output", tmp_path / "y.npy")
    cli("predict", tmp_path / "prj", "--input", xpath, "--output", tmp_path / "raw.npy", "--raw")
    y_cli, raw_cli = np.load(tmp_path / "y.npy"), np.load(tmp_path / "raw.npy")
    assert y.dtype == y_cli.dtype and y.shape == y_cli.shape
    assert np.array_equal(y, y_cli)
    raw = m.predict(x, raw=True)
    assert raw.dtype == raw_cli.dtype and np.array_equal(raw, raw_cli)
    y_ort = ort(model, x, tmp_path)
    assert y.shape == y_ort.shape
    assert np.array_equal(y.astype(np.float64), y_ort.astype(np.float64)), "not bit-exact with ONNX Runtime"


def test_trace_layers_and_float_values(qdq_jet, cli, ort, tmp_path):
    model, xpath = qdq_jet
    x = np.load(xpath)[:200]
    m = aie4ml.convert(model)
    t = m.trace(x)
    inspect = json.loads(cli("inspect", model, "--json").stdout)
    names = [op["name"] for op in inspect["ops"]]
    assert set(t) <= set(names) and len(t) > 0
    dense = [op["name"] for op in inspect["ops"] if op["kind"] == "Dense"]
    assert set(dense) <= set(t), "every Dense layer is traced"
    last = list(t)[-1]
    assert np.array_equal(t[last]["quantised"], m.predict(x).astype(np.float64))
    # The float model of a QDQ file is its QDQ semantics: ONNX Runtime computes the same output.
    assert t[last]["float"] is not None
    assert np.allclose(t[last]["float"], ort(model, x, tmp_path), rtol=0, atol=1e-6)
    for layer in t.values():
        assert layer["quantised"].shape[0] == len(x)


def test_config_from_onnx_names_layers_as_inspect(tutorial_model, cli, tmp_path):
    model = str(tutorial_model / "jet_tagger_float.onnx")
    cfg = aie4ml.config_from_onnx(model, default_precision="ap_fixed<8,3>")
    inspect = json.loads(cli("inspect", model, "--json").stdout)
    assert list(cfg["LayerName"]) == [op["name"] for op in inspect["ops"]]
    assert cfg["Model"]["Precision"] == "ap_fixed<8,3>"
    weighted = [op["name"] for op in inspect["ops"] if op["kind"] == "Dense"]
    assert weighted == ["fc1", "fc2", "fc3", "fc4"]
    for name in weighted:
        assert cfg["LayerName"][name]["Precision"] == {"weight": "ap_fixed<8,3>", "bias": "ap_fixed<8,3>",
                                                      "result": "ap_fixed<8,3>"}
    # The config means the same to the CLI and to Python: identical model.json.
    cfg["LayerName"]["fc2"]["Precision"]["weight"] = "ap_fixed<8,1>"
    (tmp_path / "cfg.json").write_text(json.dumps(cfg))
    cli("compile", model, "-c", tmp_path / "cfg.json", "-o", tmp_path / "cli")
    aie4ml.convert(model, cfg).write(tmp_path / "py")
    assert (tmp_path / "py" / "model.json").read_bytes() == (tmp_path / "cli" / "model.json").read_bytes()
    types = {t["name"]: t["type"] for t in json.loads((tmp_path / "py" / "model.json").read_text())["tensors"]}
    assert types["fc2.weight"] == "ap_fixed<8,1>" and types["fc1.weight"] == "ap_fixed<8,3>"
    with pytest.raises(aie4ml.InputError):
        aie4ml.config_from_onnx(model, default_precision="ap_fixed<8")


def test_float_trace_is_onnxruntime(tutorial_model, ort, tmp_path):
    model = str(tutorial_model / "jet_tagger_float.onnx")
    x = np.load(tutorial_model / "x_test.npy")[:300]
    m = aie4ml.convert(model, aie4ml.config_from_onnx(model, default_precision="ap_fixed<16,6>"))
    t = m.trace(x)
    assert np.allclose(t["softmax"]["float"], ort(model, x, tmp_path), rtol=0, atol=2e-6)
    # The weights as ONNX holds them, quantised to ap_fixed<16,6> by numpy: fc1's bit-exact output follows.
    init = {i.name: numpy_helper.to_array(i).astype(np.float64) for i in onnx.load(model).graph.initializer}
    # ap_fixed<16,6> = AP_TRN (floor), AP_WRAP: no value here is near the range limits.
    q = lambda v, frac: np.floor(v * 2.0 ** frac) / 2.0 ** frac
    xq = q(x.astype(np.float64), 10)
    # The exact sum is representable in double; the output is floored into ap_fixed<16,6> too.
    acc = xq @ q(init["fc1.weight"], 10) + q(init["fc1.bias"], 10)
    expected = np.floor(acc * 2 ** 10) / 2 ** 10
    fc1 = t["fc1"]["quantised"]
    assert np.abs(expected).max() < 32, "ap_fixed<16,6> holds fc1's outputs (no wrap)"
    assert np.array_equal(fc1, np.maximum(expected, 0)), "fc1 (Gemm + fused Relu) differs from numpy"


def test_write_is_the_cli_compile(tutorial_model, cli, tmp_path):
    model = str(tutorial_model / "jet_tagger_float.onnx")
    cfg = aie4ml.config_from_onnx(model, default_precision="ap_fixed<8,3>")
    (tmp_path / "cfg.json").write_text(json.dumps(cfg))
    c = cli("compile", model, "-c", tmp_path / "cfg.json", "--device", "ve2802", "-o", tmp_path / "cli")
    # Progress on stderr, the summary on stdout (its last lines: what was compiled, inputs, outputs).
    assert "timing candidate designs" in c.stderr and "design search (latency)" in c.stderr
    assert c.stdout.splitlines()[-3].startswith("compiled 'jet_tagger_float.onnx'")
    m = aie4ml.convert(model, str(tmp_path / "cfg.json"), device="ve2802")
    assert m.write(tmp_path / "py") == str(tmp_path / "py")

    def files(root):
        return sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs)
    assert files(tmp_path / "py") == files(tmp_path / "cli")
    for rel in files(tmp_path / "cli"):
        assert (tmp_path / "py" / rel).read_bytes() == (tmp_path / "cli" / rel).read_bytes(), rel
    for name in ("report.html", "placement.svg", "report.json", "design.json"):
        assert name in files(tmp_path / "py")
    r = m.report()
    assert DESIGN_REPORT_KEYS <= set(r)
    assert all(DESIGN_LAYER_KEYS <= set(layer) for layer in r["layers"])
    cli_report = json.loads(cli("report", tmp_path / "cli", "--json").stdout)
    last = cli("report", tmp_path / "cli").stdout.splitlines()[-1]
    assert last.startswith(f"summary: {cli_report['latency_ns']:.1f} ns latency") and "report.html" in last
    for key in ("latency_ns", "interval_ns", "tiles_used", "tiles_total", "throughput_samples_per_s", "device"):
        assert r[key] == cli_report[key], key
    assert [l["name"] for l in r["layers"]] == ["fc1", "fc2", "fc3", "fc4"]


def test_report_without_write_uses_a_temporary_project(qdq_jet):
    m = aie4ml.convert(qdq_jet[0], batch=4)
    r = m.report()
    assert r["device"] == "ve2802" and r["tiles_used"] >= 4
    assert os.path.exists(m.report_html())
    assert m.config["Model"]["BatchSize"] == 4


def test_errors_carry_the_cli_messages(qdq_jet, cli, tmp_path):
    model, xpath = qdq_jet
    assert issubclass(aie4ml.InputError, ValueError)
    # A bad precision in the config.
    bad = {"Model": {"Precision": "ap_fixed<8,3,AP_NOPE>"}}
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    expected = cli_error(cli("compile", model, "-c", tmp_path / "bad.json", "-o", tmp_path / "p1", check=False))
    with pytest.raises(aie4ml.InputError) as e:
        aie4ml.convert(model, str(tmp_path / "bad.json"))
    assert str(e.value) == expected
    # An unknown device.
    expected = cli_error(cli("compile", model, "--device", "nope", "-o", tmp_path / "p2", check=False))
    with pytest.raises(aie4ml.InputError) as e:
        aie4ml.convert(model, device="nope")
    assert str(e.value) == expected
    # An existing project directory without force.
    m = aie4ml.convert(model)
    m.write(tmp_path / "p3")
    expected = cli_error(cli("compile", model, "-o", tmp_path / "p3", check=False))
    with pytest.raises(aie4ml.InputError) as e:
        m.write(tmp_path / "p3")
    assert str(e.value) == expected
    m.write(tmp_path / "p3", force=True)
    # Samples of the wrong width.
    with pytest.raises(ValueError, match="16 elements per sample"):
        m.predict(np.zeros((3, 7), dtype=np.float32))
    with pytest.raises(aie4ml.InputError, match="config must be a dict"):
        aie4ml.convert(model, 42)


def test_calibration_is_the_cli_calibration(tutorial_model, cli, tmp_path):
    model = str(tutorial_model / "jet_tagger_float.onnx")
    calib = tutorial_model / "x_calib.npy"
    r = cli("compile", model, "--calibrate", calib, "--calibrate-width", 16, "-o", tmp_path / "cli")
    assert "calibrating on 500 samples" in r.stderr  # progress on stderr
    m = aie4ml.convert(model, calibration=np.load(calib), calibration_width=16)
    m.write(tmp_path / "py", profile_inputs=np.load(calib))
    assert (tmp_path / "py" / "model.json").read_bytes() == (tmp_path / "cli" / "model.json").read_bytes()
    assert m.input_types["input"].startswith("ap_fixed<16,")
