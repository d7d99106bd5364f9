#!/usr/bin/python3
"""Step 0 of the tutorial: a trained float model with the hls4ml jet-tagger topology (16-64-32-32-5, ReLU,
Softmax), exported to ONNX, plus test and calibration samples.

The data are synthetic (five Gaussian classes in 16 features that overlap, standing in for the jet
substructure features of the hls4ml tutorial, which are not shipped here); the network is trained with
plain numpy (Adam, cross-entropy) from a fixed seed, so the script needs only Debian's python3-numpy and
python3-onnx and gives the same model every time on a given machine.
    /usr/bin/python3 examples/tutorial/make_model.py --out DIR
Writes DIR/jet_tagger_float.onnx, DIR/x_test.npy (float32 [2000,16]), DIR/y_test.npy (int64 [2000]) and
DIR/x_calib.npy (float32 [500,16], training samples for calibration and profiling).
"""
import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

LAYERS = [16, 64, 32, 32, 5]
SEED = 8


def make_data(rng, n):
    """Five classes with their own mean and scale per feature; features standardised to ~N(0,1)."""
    data_rng = np.random.default_rng(SEED)  # the classes are the same for every split
    means = data_rng.normal(0.0, 0.5, size=(5, 16))
    scales = data_rng.uniform(0.6, 1.4, size=(5, 16))
    y = rng.integers(0, 5, size=n)
    x = means[y] + scales[y] * rng.normal(size=(n, 16))
    return (x / 1.2).astype(np.float64), y.astype(np.int64)


def init(rng):
    return [(rng.normal(0, np.sqrt(2.0 / k), size=(k, n)), np.zeros(n)) for k, n in zip(LAYERS[:-1], LAYERS[1:])]


def forward(params, x):
    acts = [x]
    for i, (w, b) in enumerate(params):
        z = acts[-1] @ w + b
        acts.append(np.maximum(z, 0) if i + 1 < len(params) else z)
    logits = acts[-1]
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    return acts, p / p.sum(axis=1, keepdims=True)


def train(params, x, y, epochs=30, batch=128, lr=3e-3, rng=None):
    m = [np.zeros_like(a) for wb in params for a in wb]
    v = [np.zeros_like(a) for wb in params for a in wb]
    step = 0
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for s in range(0, len(x), batch):
            idx = order[s:s + batch]
            acts, p = forward(params, x[idx])
            grad = p.copy()
            grad[np.arange(len(idx)), y[idx]] -= 1
            grad /= len(idx)
            grads = []
            for i in reversed(range(len(params))):
                w, _ = params[i]
                grads.append((acts[i].T @ grad, grad.sum(axis=0)))
                grad = (grad @ w.T) * (acts[i] > 0) if i > 0 else None
            grads = [a for gw_gb in reversed(grads) for a in gw_gb]
            step += 1
            flat = [a for wb in params for a in wb]
            for j, (a, g) in enumerate(zip(flat, grads)):
                m[j] = 0.9 * m[j] + 0.1 * g
                v[j] = 0.999 * v[j] + 0.001 * g * g
                a -= lr * (m[j] / (1 - 0.9 ** step)) / (np.sqrt(v[j] / (1 - 0.999 ** step)) + 1e-8)
    return params


def to_onnx(params, path):
    nodes, inits = [], []
    x = "input"
    for i, (w, b) in enumerate(params):
        name = f"fc{i + 1}"
        inits += [numpy_helper.from_array(w.astype(np.float32), f"{name}.weight"),
                  numpy_helper.from_array(b.astype(np.float32), f"{name}.bias")]
        nodes.append(helper.make_node("Gemm", [x, f"{name}.weight", f"{name}.bias"], [f"{name}_out"], name=name))
        x = f"{name}_out"
        if i + 1 < len(params):
            nodes.append(helper.make_node("Relu", [x], [f"{name}_relu"], name=f"{name}_relu"))
            x = f"{name}_relu"
    nodes.append(helper.make_node("Softmax", [x], ["output"], name="softmax", axis=1))
    graph = helper.make_graph(nodes, "jet_tagger", [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 16])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["N", 5])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="aie4ml tutorial")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(SEED + 1)
    x_train, y_train = make_data(rng, 8000)
    x_test, y_test = make_data(rng, 2000)
    params = train(init(rng), x_train, y_train, rng=rng)
    accuracy = (forward(params, x_test)[1].argmax(axis=1) == y_test).mean()
    to_onnx(params, os.path.join(args.out, "jet_tagger_float.onnx"))
    np.save(os.path.join(args.out, "x_test.npy"), x_test.astype(np.float32))
    np.save(os.path.join(args.out, "y_test.npy"), y_test)
    np.save(os.path.join(args.out, "x_calib.npy"), x_train[:500].astype(np.float32))
    print(f"trained jet_tagger_float.onnx (16-64-32-32-5): test accuracy {accuracy:.4f} (numpy, float64)")


if __name__ == "__main__":
    main()
