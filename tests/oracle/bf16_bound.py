#!/usr/bin/python3
"""Check a bf16 run against ONNX Runtime with the error bound of docs/numerics.md "bf16".

Usage: bf16_bound.py FLOAT_MODEL.json X.npy ORT.npy OURS.npy [LABEL]
  FLOAT_MODEL.json  the float model `aie4ml compile` writes (its weights and op sequence; only Dense
                    with linear/relu, Relu, Flatten, Reshape and a last-axis Softmax are understood)
  X.npy             the inputs; ORT.npy ONNX Runtime's float32 outputs; OURS.npy aie4ml's bf16 outputs.
Per sample and element, a first-order bound in u = 2^-9 (the bf16 unit roundoff) and g = (K + 1) 2^-24
(binary32 summation over K products and the bias), evaluated in float64 along the float model's own
values (numpy, independent of aie4ml's interpreters):
  local error of Dense layer l's pre-activation z_l:  r_l = (2u + 2g) S_l,  S_l = |W_l|^T |y_(l-1)| + |b_l|
      (weights and bias rounded to bf16: u S_l; float32 sum: g S_l; the result rounded to bf16: u |z_l|;
      the factor 2 on g covers the bias add and second-order terms)
  the input rounded to bf16: r_in = u |x|
  logits: E = sum_l |dz_L/dz_l| r_l + |dz_L/dx| r_in, with the Jacobians of the float model at this sample
      (ReLU masks of the float model; the absolute value is taken of the Jacobian, not of each factor,
      so cancellations inside the network count, while every rounding error has its worst sign)
  Softmax (p = softmax(z)): |dp_i| <= p_i (E_i + sum_j p_j E_j) + u p_i (the host result rounded to bf16)
The check is |OURS - ORT| <= 2 * bound + 1e-6 for every element: the factor 2 covers the terms of second
order (products of rounding errors, a ReLU whose input is within the error of 0), 1e-6 ONNX Runtime's
own float32 error. Prints the measured max absolute error, the max relative error (|OURS - ORT| / max
|ORT| of the sample) and how much of the bound was used. Exit 1 when an element exceeds its bound.
"""
import json
import sys

import numpy as np

U = 2.0 ** -9
ORT_SLACK = 1e-6


def load_model(path):
    m = json.load(open(path))
    tensors = {t["name"]: t for t in m["tensors"]}
    return m, tensors


def weights(tensors, name):
    t = tensors[name]
    return np.array(t["values"], dtype=np.float64).reshape(t["shape"])


def forward(model, tensors, x):
    """Float64 values of the model; per Dense layer (W, pre-activation z, input y, relu?); the Softmax flag."""
    name = model["inputs"][0]
    vals = {name: x.reshape(x.shape[0], -1).astype(np.float64)}
    layers, softmax, last_dense_out = [], False, None
    for op in model["ops"]:
        kind, ins, out = op["kind"], op["inputs"], op["outputs"][0]
        yi = vals[ins[0]]
        if kind == "Dense":
            w = weights(tensors, ins[1])
            b = weights(tensors, ins[2]) if len(ins) > 2 and ins[2] else np.zeros(w.shape[1])
            z = yi @ w + b
            relu = op["attrs"].get("activation", "linear") == "relu"
            layers.append((w, b, z, yi, relu))
            vals[out] = np.maximum(z, 0) if relu else z
            last_dense_out = out
        elif kind == "Relu":
            if not layers or layers[-1][4] or ins[0] != last_dense_out:
                raise SystemExit("bf16_bound.py: a standalone Relu must directly follow a linear Dense")
            w, b, z, yi, _ = layers[-1]
            layers[-1] = (w, b, z, yi, True)
            vals[out] = np.maximum(z, 0)
        elif kind in ("Flatten", "Reshape"):
            vals[out] = yi
        elif kind == "Softmax" and op is model["ops"][-1]:
            softmax = True
        else:
            raise SystemExit(f"bf16_bound.py: op {kind} ('{op['name']}') is not understood")
    return layers, softmax


def logit_bound(layers, x):
    """First-order bound E of |z_L(bf16) - z_L(float)| per sample and logit (see the module comment)."""
    n_out = layers[-1][0].shape[1]
    a = np.broadcast_to(np.eye(n_out), (x.shape[0], n_out, n_out))  # dz_L/dz_l
    e = np.zeros((x.shape[0], n_out))
    for i in range(len(layers) - 1, -1, -1):
        w, b, z, y_prev, relu = layers[i]
        g = (w.shape[0] + 1) * 2.0 ** -24
        s = np.abs(y_prev) @ np.abs(w) + np.abs(b)
        e += np.einsum("sok,sk->so", np.abs(a), (2 * U + 2 * g) * s)
        a = np.einsum("sok,jk->soj", a, w)  # dz_L/dy_(l-1)
        if i > 0 and layers[i - 1][4]:
            a = a * (layers[i - 1][2] > 0)[:, None, :]  # through the previous layer's ReLU
    return e + np.einsum("sok,sk->so", np.abs(a), U * np.abs(x))


def propagate(model, tensors, x):
    """The float model's output and the first-order error bound of the bf16 run."""
    x = x.reshape(x.shape[0], -1)
    layers, softmax = forward(model, tensors, x)
    z = layers[-1][2]
    e = logit_bound(layers, x)
    if not softmax:
        return z, e + U * np.abs(z)
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    return p, p * (e + (p * e).sum(axis=1, keepdims=True)) + U * p


def main():
    model_path, x_path, ort_path, ours_path = sys.argv[1:5]
    label = sys.argv[5] if len(sys.argv) > 5 else ours_path
    model, tensors = load_model(model_path)
    x = np.load(x_path).astype(np.float64)
    ort = np.load(ort_path).astype(np.float64).reshape(x.shape[0], -1)
    ours = np.load(ours_path).astype(np.float64).reshape(x.shape[0], -1)
    y, bound = propagate(model, tensors, x)
    if np.max(np.abs(y - ort)) > 1e-4:
        raise SystemExit(f"{label}: the float model in {model_path} does not reproduce ONNX Runtime "
                         f"(max |diff| {np.max(np.abs(y - ort)):.3g})")
    err = np.abs(ours - ort)
    rel = err / np.maximum(np.abs(ort).max(axis=1, keepdims=True), 1e-30)
    bound = 2 * bound
    used = err / (bound + ORT_SLACK)
    print(f"{label}: {x.shape[0]} samples x {ours.shape[1]} outputs: max |bf16 - ORT| {err.max():.4g}, "
          f"max relative (to the sample's max |ORT|) {rel.max():.4g}, mean |bf16 - ORT| {err.mean():.4g}; "
          f"bound: max {bound.max():.4g}, median {np.median(bound):.4g}; largest fraction of the bound used "
          f"{used.max():.3f}; argmax agreement {np.mean(ours.argmax(1) == ort.argmax(1)) * 100:.2f}%")
    bad = np.argwhere(err > bound + ORT_SLACK)
    if len(bad):
        s, i = bad[0]
        print(f"{label}: {len(bad)} elements exceed the bound; first: sample {s} element {i}: bf16 {ours[s, i]!r} "
              f"ORT {ort[s, i]!r} |diff| {err[s, i]:.4g} > bound {bound[s, i]:.4g}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
