#!/usr/bin/python3
"""Exact integer evaluation of a QDQ ONNX model with power-of-two scales (numpy int64).

Usage: qdq_exact.py MODEL.onnx X.npy Y.npy

The oracle for the 16-bit QDQ tests, where ONNX Runtime's float32 arithmetic is not exact. Written from
the ONNX operator definitions, independent of aie4ml: every tensor is held as integer codes c with a
power-of-two scale (value = c * 2^-frac), so MatMul, Gemm, Add and Relu are exact integer operations and
QuantizeLinear rounds the exact value half to even, then saturates to its integer type. Supports
QuantizeLinear, DequantizeLinear, MatMul, Gemm (alpha = beta = 1, transA = 0), Add, Relu; anything else
(or a scale that is not a power of two) is an error.
"""
import sys

import numpy as np
import onnx
from onnx import numpy_helper

INT_RANGES = {np.dtype(t): (np.iinfo(t).min, np.iinfo(t).max) for t in (np.int8, np.uint8, np.int16, np.uint16, np.int32)}


def pow2_frac(scale):
    s = float(np.asarray(scale).reshape(-1)[0])
    m, e = np.frexp(s)
    if m != 0.5 or np.asarray(scale).size != 1:
        raise ValueError(f"scale {s} is not a single power of two")
    return 1 - int(e)  # s = 2^(e-1) = 2^-frac


def round_half_even_shift(c, k):
    """c / 2^k rounded half to even, for int64 arrays and k >= 0."""
    if k <= 0:
        return c << -k
    q = c >> k
    r = c - (q << k)
    half = np.int64(1) << (k - 1)
    return q + ((r > half) | ((r == half) & ((q & 1) == 1))).astype(np.int64)


class Exact:
    """Integer codes with value codes * 2^-frac."""

    def __init__(self, codes, frac):
        self.codes = np.asarray(codes, dtype=np.int64)
        self.frac = frac

    def at(self, frac):
        assert frac >= self.frac
        return self.codes << (frac - self.frac)


def quantize(x, scale, zp):
    fs = pow2_frac(scale)
    lo, hi = INT_RANGES[zp.dtype]
    if isinstance(x, Exact):
        q = round_half_even_shift(x.codes, x.frac - fs)
    else:  # a float graph input: x / scale is exact in float64, np.round rounds half to even
        q = np.round(x.astype(np.float64) * 2.0 ** fs).astype(np.int64)
    return ("codes", np.clip(q + int(zp), lo, hi), fs, int(zp))


def evaluate(model, x):
    g = model.graph
    env = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    env[g.input[0].name] = x
    for n in g.node:
        ins = [env[i] if i else None for i in n.input]
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in n.attribute}
        if n.op_type == "QuantizeLinear":
            out = quantize(ins[0], ins[1], ins[2])
        elif n.op_type == "DequantizeLinear":
            v = ins[0]
            if isinstance(v, tuple):
                _, codes, fs, zp = v
            else:
                codes, fs, zp = v.astype(np.int64), pow2_frac(ins[1]), int(ins[2])
            if pow2_frac(ins[1]) != fs:
                raise ValueError(f"{n.name}: DequantizeLinear scale differs from its QuantizeLinear")
            out = Exact(codes - zp, fs)
        elif n.op_type in ("MatMul", "Gemm"):
            a, b = ins[0], ins[1]
            if n.op_type == "Gemm":
                if attrs.get("alpha", 1.0) != 1.0 or attrs.get("beta", 1.0) != 1.0 or attrs.get("transA", 0):
                    raise ValueError(f"{n.name}: only plain Gemm is supported")
                bcodes = b.codes.T if attrs.get("transB", 0) else b.codes
            else:
                bcodes = b.codes
            out = Exact(a.codes @ bcodes, a.frac + b.frac)
            if n.op_type == "Gemm" and len(ins) > 2 and ins[2] is not None:
                c = ins[2]
                f = max(out.frac, c.frac)
                out = Exact(out.at(f) + c.at(f), f)
        elif n.op_type == "Add":
            a, b = ins
            f = max(a.frac, b.frac)
            out = Exact(a.at(f) + b.at(f), f)
        elif n.op_type == "Relu":
            out = Exact(np.maximum(ins[0].codes, 0), ins[0].frac)
        else:
            raise ValueError(f"unsupported op {n.op_type} ({n.name})")
        env[n.output[0]] = out
    y = env[g.output[0].name]
    return y.codes.astype(np.float64) * 2.0 ** -y.frac


def main():
    model, x_path, y_path = sys.argv[1:4]
    y = evaluate(onnx.load(model), np.load(x_path))
    np.save(y_path, y)


if __name__ == "__main__":
    main()
