#!/usr/bin/python3
"""Random float32 inputs for a model's (first) graph input: shape [N, per-sample dims...].

Usage: make_inputs.py MODEL.onnx N SEED OUT.npy
The first dimension of the ONNX input (a fixed export batch or a symbolic one) becomes N; values are
standard normal (deterministic for a seed).
"""
import sys

import numpy as np
import onnx


def main():
    model, n, seed, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    g = onnx.load(model).graph
    inits = {t.name for t in g.initializer}
    x = next(i for i in g.input if i.name not in inits)
    dims = [d.dim_value for d in x.type.tensor_type.shape.dim][1:]
    if any(d <= 0 for d in dims):
        raise SystemExit(f"{model}: input {x.name} has a dynamic per-sample dimension")
    np.save(out, np.random.default_rng(seed).standard_normal([n] + dims).astype(np.float32))


if __name__ == "__main__":
    main()
