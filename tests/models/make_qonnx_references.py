#!/usr/bin/python3
"""Reference outputs of the shared QONNX models, for tests/numerics/qonnx_models_test.cpp.

For each QONNX model in ../shared/models (beside the repository): random inputs (fixed seeds) and the
outputs of a direct numpy evaluation of the QONNX semantics (tests/oracle/qonnx_eval.py), written to
DIR/qonnx/<model>_x.npy and <model>_ref.npy. Nothing is written when the shared folder is absent (the
test then skips). Usage: make_qonnx_references.py --out DIR
"""
import argparse
import os
import sys

import numpy as np
import onnx

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "oracle"))
import qonnx_eval  # noqa: E402

SHARED = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "models"))
SAMPLES = 1000


def inputs(name, rng):
    if name == "tfc_2w2a_mnist":  # MNIST-like pixels in [0, 1]
        return rng.random((SAMPLES, 1, 28, 28)).astype(np.float32)
    return rng.standard_normal((SAMPLES, 600)).astype(np.float32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    out = os.path.join(ap.parse_args().out, "qonnx")
    os.makedirs(out, exist_ok=True)
    for seed, name in enumerate(["tfc_2w2a_mnist", "unsw_nb15_mlp_w2a2"]):
        path = os.path.join(SHARED, name + ".onnx")
        if not os.path.exists(path):
            continue
        x = inputs(name, np.random.default_rng(100 + seed))
        np.save(os.path.join(out, name + "_x.npy"), x)
        np.save(os.path.join(out, name + "_ref.npy"), qonnx_eval.evaluate(onnx.load(path), x))


if __name__ == "__main__":
    main()
