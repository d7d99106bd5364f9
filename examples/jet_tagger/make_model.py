#!/usr/bin/env python3
"""Make the shipped example: the hls4ml jet-tagger topology 16-64-32-32-5 (ReLU on the hidden layers)
as a float ONNX model and as an 8-bit QDQ model with power-of-two scales, plus sample inputs.

Weights are random with a fixed seed (the topology, not a trained tagger, is what the example shows), so
the files are the same on every machine. Run with Debian's python3 (python3-onnx, python3-numpy):
    /usr/bin/python3 examples/jet_tagger/make_model.py --out DIR
"""
import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

LAYERS = [16, 64, 32, 32, 5]
SEED = 2026


def dense_weights(rng):
    params = []
    for i, (k, n) in enumerate(zip(LAYERS[:-1], LAYERS[1:])):
        w = rng.normal(0.0, 1.0 / np.sqrt(k), size=(k, n)).astype(np.float32)
        b = rng.normal(0.0, 0.1, size=(n,)).astype(np.float32)
        params.append((f"fc{i + 1}", w, b))
    return params


def float_model(params):
    nodes, inits = [], []
    x = "input"
    for i, (name, w, b) in enumerate(params):
        inits += [numpy_helper.from_array(w, f"{name}.weight"), numpy_helper.from_array(b, f"{name}.bias")]
        out = f"{name}_out"
        nodes.append(helper.make_node("Gemm", [x, f"{name}.weight", f"{name}.bias"], [out], name=name))
        x = out
        if i + 1 < len(params):
            nodes.append(helper.make_node("Relu", [x], [f"{name}_relu"], name=f"{name}_relu"))
            x = f"{name}_relu"
    nodes.append(helper.make_node("Softmax", [x], ["output"], name="softmax", axis=1))
    graph = helper.make_graph(
        nodes, "jet_tagger",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", LAYERS[0]])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["N", LAYERS[-1]])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="aie4ml-example")


def pow2_scale(max_abs, bits):
    """Smallest power-of-two scale whose signed `bits` range covers max_abs."""
    return 2.0 ** np.ceil(np.log2(max(max_abs, 1e-8) / (2 ** (bits - 1) - 1)))


def qdq(name, x, scale, nodes, inits):
    inits += [numpy_helper.from_array(np.array(scale, np.float32), f"{name}.scale"),
              numpy_helper.from_array(np.array(0, np.int8), f"{name}.zp")]
    nodes.append(helper.make_node("QuantizeLinear", [x, f"{name}.scale", f"{name}.zp"], [f"{name}.q"], name=f"{name}_q"))
    nodes.append(helper.make_node("DequantizeLinear", [f"{name}.q", f"{name}.scale", f"{name}.zp"], [f"{name}.dq"],
                                  name=f"{name}_dq"))
    return f"{name}.dq"


def qdq_model(params, x_sample):
    """8-bit QDQ: weights and activations int8 with power-of-two scales, bias int32 at scale s_x * s_w."""
    nodes, inits = [], []
    act_scale = pow2_scale(np.abs(x_sample).max(), 8)
    x = qdq("input", "input", act_scale, nodes, inits)
    h = x_sample
    for i, (name, w, b) in enumerate(params):
        w_scale = pow2_scale(np.abs(w).max(), 8)
        w_q = np.clip(np.round(w / w_scale), -128, 127).astype(np.int8)
        b_scale = act_scale * w_scale
        b_q = np.round(b / b_scale).astype(np.int32)
        inits += [numpy_helper.from_array(w_q, f"{name}.wq"), numpy_helper.from_array(np.array(w_scale, np.float32), f"{name}.ws"),
                  numpy_helper.from_array(np.array(0, np.int8), f"{name}.wz"), numpy_helper.from_array(b_q, f"{name}.bq"),
                  numpy_helper.from_array(np.array(b_scale, np.float32), f"{name}.bs"),
                  numpy_helper.from_array(np.array(0, np.int32), f"{name}.bz")]
        nodes.append(helper.make_node("DequantizeLinear", [f"{name}.wq", f"{name}.ws", f"{name}.wz"], [f"{name}.w"], name=f"{name}_wdq"))
        nodes.append(helper.make_node("DequantizeLinear", [f"{name}.bq", f"{name}.bs", f"{name}.bz"], [f"{name}.b"], name=f"{name}_bdq"))
        nodes.append(helper.make_node("MatMul", [x, f"{name}.w"], [f"{name}.mm"], name=name))
        nodes.append(helper.make_node("Add", [f"{name}.mm", f"{name}.b"], [f"{name}.y"], name=f"{name}_bias"))
        y = f"{name}.y"
        h = h @ (w_q * w_scale) + b_q * b_scale
        if i + 1 < len(params):
            nodes.append(helper.make_node("Relu", [y], [f"{name}.relu"], name=f"{name}_relu"))
            y = f"{name}.relu"
            h = np.maximum(h, 0)
        act_scale = pow2_scale(np.abs(h).max(), 8)
        x = qdq(f"{name}_out", y, act_scale, nodes, inits)
    nodes.append(helper.make_node("Identity", [x], ["output"], name="output"))
    graph = helper.make_graph(
        nodes, "jet_tagger_int8",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", LAYERS[0]])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["N", LAYERS[-1]])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="aie4ml-example")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--samples", type=int, default=1000)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(SEED)
    params = dense_weights(rng)
    x = rng.normal(0.0, 1.0, size=(args.samples, LAYERS[0])).astype(np.float32)
    for model, name in ((float_model(params), "jet_tagger_float.onnx"), (qdq_model(params, x), "jet_tagger_int8.onnx")):
        onnx.checker.check_model(model)
        onnx.save(model, os.path.join(args.out, name))
    np.save(os.path.join(args.out, "inputs.npy"), x)
    print(f"wrote jet_tagger_float.onnx, jet_tagger_int8.onnx and inputs.npy ({args.samples} samples) to {args.out}")


if __name__ == "__main__":
    main()
