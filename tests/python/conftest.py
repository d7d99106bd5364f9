"""Shared fixtures of the Python API tests (run by ctest as python.test_*, with PYTHONPATH=<build>/python
and the environment script tests get: AIE4ML (the CLI), AIE4ML_TEST_DATA, AIE4ML_ORACLE, ...).

The oracles are independent of the Python module: the `aie4ml` CLI (predict, inspect, report), ONNX
Runtime (node, tests/oracle/run_ort.js) and numpy computations on the ONNX initialisers."""
import os
import shutil
import subprocess

import numpy as np
import pytest


def env(name):
    value = os.environ.get(name)
    if not value:
        pytest.skip(f"{name} is not set (run through ctest)")
    return value


@pytest.fixture(scope="session")
def cli():
    path = env("AIE4ML")

    def run(*args, check=True):
        r = subprocess.run([path, *map(str, args)], capture_output=True, text=True)
        if check and r.returncode != 0:
            raise AssertionError(f"aie4ml {' '.join(map(str, args))} exited {r.returncode}:\n{r.stdout}\n{r.stderr}")
        return r
    return run


@pytest.fixture(scope="session")
def ort():
    oracle = env("AIE4ML_ORACLE")
    if not os.path.isdir(os.path.join(oracle, "node_modules", "onnxruntime-node")) or not shutil.which("node"):
        pytest.skip("ONNX Runtime oracle not installed (./x deps)")

    def run(model, x, tmp_path):
        xin, yout = tmp_path / "ort_x.npy", tmp_path / "ort_y.npy"
        np.save(xin, np.asarray(x, dtype=np.float32))
        subprocess.run(["node", os.path.join(oracle, "run_ort.js"), str(model), str(xin), str(yout)], check=True,
                       capture_output=True)
        return np.load(yout)
    return run


@pytest.fixture(scope="session")
def qdq_jet():
    """The 8-bit QDQ jet tagger of tests/models/make_qdq_models.py and its samples."""
    data = os.path.join(env("AIE4ML_TEST_DATA"), "qdq")
    model, x = os.path.join(data, "qdq8_jet.onnx"), os.path.join(data, "qdq8_jet_x.npy")
    assert os.path.exists(model), f"{model} missing: the build's testdata target makes it"
    return model, x


@pytest.fixture(scope="session")
def tutorial_model(tmp_path_factory):
    """The tutorial's trained float model (examples/tutorial/make_model.py) with its samples."""
    out = tmp_path_factory.mktemp("tutorial_model")
    script = os.path.join(env("AIE4ML_SOURCE_ROOT"), "examples", "tutorial", "make_model.py")
    subprocess.run([env("AIE4ML_PYTHON"), script, "--out", str(out)], check=True, capture_output=True)
    return out
