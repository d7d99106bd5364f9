#!/usr/bin/python3
"""QDQ MLPs with power-of-two scales for the numerics oracles (tests/scripts/ort_qdq.sh) and the
interpreter benchmark (bench/interpreter.cpp, bench/ort_jet_tagger.js).

Writes DIR/qdq/<name>.onnx and DIR/qdq/<name>_x.npy (float32 inputs, >= 1000 samples) for:
  qdq8_l1 .. qdq8_l6   8-bit MLPs with 1 to 6 layers, ReLU between layers, random int8 weights, int32
                       biases, int8 or uint8 activations (zero point 0), MatMul+Add or Gemm(transB=1);
  qdq16_l1 .. qdq16_l3 the same with int16 activations and weights (opset 21, int16 QuantizeLinear);
  qdq8_jet             the jet-tagger topology 16-64-32-32-5, int8, ReLU (the benchmark model);
  float_mlp            a float 16-32-16-5 MLP with ReLU and Softmax (calibration tests).
The inputs mix normal values, exact rounding ties (k + 1/2 steps of the input scale) and values far
outside the input range, so rounding (half to even) and saturation are both exercised.
Deterministic: fixed seeds. onnx 1.12 cannot check opset 21, so those models skip the checker.
Usage: make_qdq_models.py --out DIR
"""
import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SAMPLES = 1200


def qrange(bits, signed):
    return (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if signed else (0, 2 ** bits - 1)


def elem_type(bits, signed):
    return {(8, True): TensorProto.INT8, (8, False): TensorProto.UINT8,
            (16, True): TensorProto.INT16, (16, False): TensorProto.UINT16}[(bits, signed)]


def np_dtype(bits, signed):
    return {(8, True): np.int8, (8, False): np.uint8, (16, True): np.int16, (16, False): np.uint16}[(bits, signed)]


class Graph:
    def __init__(self):
        self.nodes, self.inits = [], []

    def const(self, name, array):
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def node(self, op, inputs, output, **attrs):
        self.nodes.append(helper.make_node(op, inputs, [output], name=output + "_node", **attrs))
        return output

    def qdq(self, x, name, scale, bits, signed):
        """QuantizeLinear -> DequantizeLinear pair with zero point 0 of the given integer type."""
        s = self.const(name + "_scale", np.float32(scale))
        z = self.const(name + "_zp", np.zeros((), np_dtype(bits, signed)))
        q = self.node("QuantizeLinear", [x, s, z], name + "_q")
        return self.node("DequantizeLinear", [q, s, z], name + "_dq")


def float_forward(x, layers):
    """Float reference used only to pick output scales that keep most values in range."""
    h = x
    outs = []
    for i, (w, b) in enumerate(layers):
        h = h @ w + b
        if i + 1 < len(layers):
            h = np.maximum(h, 0)
        outs.append(h)
    return outs


def pow2_scale_for(values, qmax):
    """Power-of-two scale so that the 99.5th percentile of |values| maps near qmax (some saturate)."""
    p = float(np.percentile(np.abs(values), 99.5)) or 1.0
    return 2.0 ** np.ceil(np.log2(p / qmax))


def make_inputs(rng, k, scale, bits):
    lo, hi = qrange(bits, True)
    x = rng.normal(0, 1, (SAMPLES, k)) * scale * hi * 0.4
    ties = rng.random((SAMPLES, k)) < 0.15          # exact half-steps: round half to even decides
    x[ties] = (rng.integers(lo, hi, ties.sum()) + 0.5) * scale
    far = rng.random((SAMPLES, k)) < 0.01            # saturate the input quantiser
    x[far] = rng.choice([-1.0, 1.0], far.sum()) * scale * (hi + 1) * 4
    return x.astype(np.float32)


def mlp(name, dims, bits, seed, relu_unsigned=False, opset=13, use_gemm=None):
    rng = np.random.default_rng(seed)
    g = Graph()
    in_scale = 2.0 ** -int(rng.integers(3, 6)) if bits == 8 else 2.0 ** -int(rng.integers(9, 12))
    w_scale = 2.0 ** -7 if bits == 8 else 2.0 ** -14
    x = make_inputs(rng, dims[0], in_scale, bits)
    lo_w, hi_w = qrange(bits, True)

    # Weight and bias codes first, then output scales from a float run of the fake-quantised net.
    codes, layers = [], []
    for i in range(len(dims) - 1):
        wq = np.clip(np.round(rng.normal(0, hi_w / 3, (dims[i], dims[i + 1]))), lo_w, hi_w).astype(np.int64)
        wq.flat[rng.integers(0, wq.size)] = lo_w     # the most negative code appears at least once
        codes.append(wq)
    scales = [in_scale]
    h = np.clip(np.round(x / in_scale), *qrange(bits, True)) * in_scale
    for i, wq in enumerate(codes):
        acc_scale = scales[-1] * w_scale
        bq = rng.integers(-2 ** (bits + 4), 2 ** (bits + 4), dims[i + 1]).astype(np.int64)
        layers.append((wq * w_scale, bq * acc_scale))
        y = float_forward(h, [layers[-1]])[0]
        last = i + 1 == len(codes)
        signed = last or not relu_unsigned
        y = y if last else np.maximum(y, 0)
        s = pow2_scale_for(y, qrange(bits, signed)[1])
        lo, hi = qrange(bits, signed)
        h = np.clip(np.round(y / s), lo, hi) * s
        scales.append(s)

    inp = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", dims[0]])
    cur = g.qdq("x", "in", in_scale, bits, True)
    for i, wq in enumerate(codes):
        last = i + 1 == len(codes)
        signed = last or not relu_unsigned
        acc_scale = scales[i] * w_scale
        bq = np.round(layers[i][1] / acc_scale).astype(np.int32)
        gemm = use_gemm if use_gemm is not None else i % 2 == 1
        wname = f"fc{i}_w"
        wt = np_dtype(bits, True)
        if gemm:  # Gemm with transB: the weight initializer is stored [N, K]
            g.const(wname, wq.T.astype(wt))
        else:
            g.const(wname, wq.astype(wt))
        g.const(wname + "_scale", np.float32(w_scale))
        g.const(wname + "_zp", np.zeros((), wt))
        wf = g.node("DequantizeLinear", [wname, wname + "_scale", wname + "_zp"], wname + "_dq")
        g.const(f"fc{i}_b", bq)
        g.const(f"fc{i}_b_scale", np.float32(acc_scale))
        g.const(f"fc{i}_b_zp", np.zeros((), np.int32))
        bf = g.node("DequantizeLinear", [f"fc{i}_b", f"fc{i}_b_scale", f"fc{i}_b_zp"], f"fc{i}_b_dq")
        if gemm:
            y = g.node("Gemm", [cur, wf, bf], f"fc{i}", transB=1)
        else:
            mm = g.node("MatMul", [cur, wf], f"fc{i}")
            y = g.node("Add", [mm, bf], f"fc{i}_add")
        if not last:
            y = g.node("Relu", [y], f"fc{i}_relu")
        cur = g.qdq(y, f"act{i}", scales[i + 1], bits, signed)
    g.nodes[-1].output[0] = "y"
    out = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", dims[-1]])
    graph = helper.make_graph(g.nodes, name, [inp], [out], g.inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="aie4ml-tests")
    m.ir_version = 10 if opset >= 21 else 8
    if opset < 21:
        onnx.checker.check_model(m)
    return m, x


def float_mlp(seed):
    rng = np.random.default_rng(seed)
    dims = [16, 32, 16, 5]
    g = Graph()
    cur = "x"
    for i in range(3):
        w = g.const(f"w{i}", (rng.normal(0, 1, (dims[i], dims[i + 1])) / np.sqrt(dims[i])).astype(np.float32))
        b = g.const(f"b{i}", rng.normal(0, 0.1, dims[i + 1]).astype(np.float32))
        cur = g.node("Add", [g.node("MatMul", [cur, w], f"fc{i}"), b], f"fc{i}_add")
        cur = g.node("Relu", [cur], f"relu{i}") if i < 2 else g.node("Softmax", [cur], "y", axis=-1)
    graph = helper.make_graph(g.nodes, "float_mlp", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 16])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 5])], g.inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="aie4ml-tests")
    m.ir_version = 8
    onnx.checker.check_model(m)
    return m, rng.normal(0, 1.5, (SAMPLES, 16)).astype(np.float32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    out = os.path.join(ap.parse_args().out, "qdq")
    os.makedirs(out, exist_ok=True)
    specs = []
    widths = np.random.default_rng(2024).integers(4, 41, 16)
    for n in range(1, 7):
        dims = [int(widths[0]) + 4] + [int(w) for w in widths[1:n + 1]]
        specs.append((f"qdq8_l{n}", dims, 8, 100 + n, dict(relu_unsigned=n in (3, 5))))
    for n in range(1, 4):
        dims = [12] + [int(w) for w in widths[8:8 + n]]
        specs.append((f"qdq16_l{n}", dims, 16, 200 + n, dict(opset=21, relu_unsigned=n == 2)))
    specs.append(("qdq8_jet", [16, 64, 32, 32, 5], 8, 300, dict(use_gemm=False)))
    for name, dims, bits, seed, kw in specs:
        m, x = mlp(name, dims, bits, seed, **kw)
        onnx.save(m, os.path.join(out, name + ".onnx"))
        np.save(os.path.join(out, name + "_x.npy"), x)
    m, x = float_mlp(400)
    onnx.save(m, os.path.join(out, "float_mlp.onnx"))
    np.save(os.path.join(out, "float_mlp_x.npy"), x)


if __name__ == "__main__":
    main()
