#!/usr/bin/python3
"""Direct numpy (float64) evaluation of a QONNX model: the oracle of tests/scripts/qonnx_models.sh.

Usage: qonnx_eval.py MODEL.onnx X.npy Y.npy

Written from the QONNX operator definitions, independent of aie4ml:
  Quant(x, scale, zeropt, bitwidth; signed, narrow, rounding_mode):
      y = scale * (clip(round(x / scale + zeropt), lo, hi) - zeropt), with [lo, hi] the (narrow) signed or
      unsigned range of `bitwidth` bits and ROUND = half to even;
  BipolarQuant(x, scale): y = scale where x >= 0, else -scale;
plus the standard ops these models use (Shape, Gather, Unsqueeze, Concat, Reshape, Transpose, MatMul,
Gemm, BatchNormalization, Relu, Add, Sub, Mul, Div, Pow), all evaluated in float64.
"""
import sys

import numpy as np
import onnx
from onnx import numpy_helper

ROUNDING = {
    "ROUND": np.round,  # half to even
    "HALF_EVEN": np.round,
    "FLOOR": np.floor,
    "CEIL": np.ceil,
    "ROUND_TO_ZERO": np.trunc,
    "DOWN": np.trunc,
}


def quant(x, scale, zeropt, bitwidth, signed=1, narrow=0, rounding_mode="ROUND"):
    bits = int(np.asarray(bitwidth).reshape(-1)[0])
    if signed:
        lo, hi = -(2 ** (bits - 1)) + (1 if narrow else 0), 2 ** (bits - 1) - 1
    else:
        lo, hi = 0, 2 ** bits - 1 - (1 if narrow else 0)
    rnd = ROUNDING[rounding_mode.decode() if isinstance(rounding_mode, bytes) else rounding_mode]
    q = np.clip(rnd(x / scale + zeropt), lo, hi)
    return scale * (q - zeropt)


def batchnorm(x, scale, b, mean, var, epsilon=1e-5, **_):
    shape = [1, -1] + [1] * (x.ndim - 2)
    r = lambda v: np.reshape(v, shape)
    return (x - r(mean)) / np.sqrt(r(var) + epsilon) * r(scale) + r(b)


def reshape(x, shape):
    shape = [x.shape[i] if int(d) == 0 else int(d) for i, d in enumerate(shape)]
    return np.reshape(x, shape)


def gemm(a, b, c=None, alpha=1.0, beta=1.0, transA=0, transB=0):
    a = a.T if transA else a
    b = b.T if transB else b
    y = alpha * (a @ b)
    return y if c is None else y + beta * c


def unsqueeze(x, axes=None, ax=None):
    axes = [int(v) for v in (axes if axes is not None else ax)]
    for a in sorted(a % (x.ndim + len(axes)) for a in axes):
        x = np.expand_dims(x, a)
    return x


def evaluate(model, x):
    g = model.graph
    env = {t.name: numpy_helper.to_array(t).astype(np.float64) if numpy_helper.to_array(t).dtype.kind == "f"
           else numpy_helper.to_array(t) for t in g.initializer}
    inits = set(env)
    env[next(i.name for i in g.input if i.name not in inits)] = x.astype(np.float64)
    for n in g.node:
        ins = [env[i] if i else None for i in n.input]
        a = {at.name: onnx.helper.get_attribute_value(at) for at in n.attribute}
        op = n.op_type
        if op == "Constant":
            y = numpy_helper.to_array(a["value"])
        elif op == "Quant":
            y = quant(ins[0], ins[1], ins[2], ins[3], a.get("signed", 1), a.get("narrow", 0), a.get("rounding_mode", "ROUND"))
        elif op == "BipolarQuant":
            y = np.where(ins[0] >= 0, ins[1], -ins[1])
        elif op == "Shape":
            y = np.array(ins[0].shape, dtype=np.int64)
        elif op == "Gather":
            y = np.take(ins[0], ins[1].astype(np.int64), axis=a.get("axis", 0))
        elif op == "Unsqueeze":
            y = unsqueeze(ins[0], a.get("axes"), ins[1] if len(ins) > 1 else None)
        elif op == "Concat":
            y = np.concatenate([np.atleast_1d(v) for v in ins], axis=a["axis"])
        elif op == "Reshape":
            y = reshape(ins[0], ins[1])
        elif op == "Transpose":
            y = np.transpose(ins[0], a.get("perm"))
        elif op == "MatMul":
            y = ins[0] @ ins[1]
        elif op == "Gemm":
            y = gemm(*ins, **a)
        elif op == "BatchNormalization":
            y = batchnorm(*ins, epsilon=a.get("epsilon", 1e-5))
        elif op == "Relu":
            y = np.maximum(ins[0], 0)
        elif op in ("Add", "Sub", "Mul", "Div", "Pow"):
            f = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Div": np.divide, "Pow": np.power}[op]
            y = f(ins[0], ins[1])
        else:
            raise ValueError(f"unsupported op {op} ({n.name})")
        env[n.output[0]] = y
    return np.asarray(env[g.output[0].name], dtype=np.float64)


def main():
    model, x_path, y_path = sys.argv[1:4]
    np.save(y_path, evaluate(onnx.load(model), np.load(x_path)))


if __name__ == "__main__":
    main()
