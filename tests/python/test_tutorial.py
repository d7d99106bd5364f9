"""examples/tutorial/tutorial.py end to end, as a new user runs it (README): every step's result checked
against an independent oracle: the trained float model against ONNX Runtime, the Python predictions
against `aie4ml predict` on the written project, the verification result, the report against
`aie4ml report --json`, and report.html on disk."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest


@pytest.fixture(scope="module")
def tutorial(tmp_path_factory):
    root = os.environ.get("AIE4ML_SOURCE_ROOT")
    if not root:
        pytest.skip("AIE4ML_SOURCE_ROOT is not set (run through ctest)")
    out = tmp_path_factory.mktemp("tutorial")
    script = os.path.join(root, "examples", "tutorial", "tutorial.py")
    r = subprocess.run([os.environ.get("AIE4ML_PYTHON", sys.executable), script, "--out", str(out),
                        "--verify-samples", "100"], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    summary = json.loads((out / "tutorial_summary.json").read_text())
    return out, summary, r.stdout


def test_step1_float_model_runs_in_onnxruntime(tutorial, ort, tmp_path):
    out, summary, _ = tutorial
    x, labels = np.load(out / "x_test.npy"), np.load(out / "y_test.npy")
    y = ort(summary["model"], x, tmp_path)
    accuracy = float((y.argmax(axis=1) == labels).mean())
    assert accuracy > 0.6, "the trained model learned something"
    # The float model's accuracy the tutorial printed (aie4ml's float interpreter) is ONNX Runtime's.
    assert abs(accuracy - summary["predict"]["accuracy_float"]) <= 1 / len(x)


def test_steps2_to_4_predictions_are_the_cli_predictions(tutorial, cli):
    out, summary, stdout = tutorial
    assert "== step 4" in stdout
    cli("predict", summary["project"], "--input", out / "x_test.npy", "--output", out / "y_cli.npy")
    y_py, y_cli = np.load(out / "y_quantised.npy"), np.load(out / "y_cli.npy")
    assert y_py.dtype == y_cli.dtype and np.array_equal(y_py, y_cli)
    p = summary["predict"]
    assert p["accuracy_quantised"] > 0.6 and p["argmax_agreement"] > 0.8
    assert set(p["max_abs_error_per_layer"]) >= {"fc1", "fc2", "fc3", "fc4", "softmax"}


def test_step5_and_6_project_written_and_verified(tutorial):
    out, summary, _ = tutorial
    prj = summary["project"]
    for name in ("model.json", "design.json", "report.json", "placement.svg", "report.html", "Makefile"):
        assert os.path.exists(os.path.join(prj, name)), name
    v = summary["verify"]
    assert v["passed"] and v["samples"] == 100 and v["exact_samples"] == 100
    assert set(v["layers_exact"]) == {"fc1", "fc2", "fc3", "fc4"}


def test_step7_report_is_the_cli_report(tutorial, cli):
    out, summary, _ = tutorial
    r = json.loads(cli("report", summary["project"], "--json").stdout)
    assert r["latency_ns"] == summary["latency_ns"] and r["interval_ns"] == summary["interval_ns"]
    assert summary["report_html"] == os.path.join(summary["project"], "report.html")
    assert "the samples given to write()" in open(summary["report_html"]).read()


def test_readme_points_at_the_tutorial():
    root = os.environ.get("AIE4ML_SOURCE_ROOT")
    if not root:
        pytest.skip("AIE4ML_SOURCE_ROOT is not set")
    readme = open(os.path.join(root, "README.md")).read()
    assert "examples/tutorial" in readme
    tutorial_readme = open(os.path.join(root, "examples", "tutorial", "README.md")).read()
    for step in ("make_model.py", "config_from_onnx", "aie4ml.convert", "predict", "write", "verify", "report"):
        assert step in tutorial_readme, step
