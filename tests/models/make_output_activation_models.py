#!/usr/bin/python3
"""Float MLPs whose outputs end in Softmax, Sigmoid and Tanh, for the output-activation epilogues on the
array (tests/scripts/verify_output_activations.sh; kernels/softmax.h, kernels/activation_table.h).

Writes DIR/output_activation/heads.onnx: x[N,12] -> Gemm+Relu (24) -> three heads on the hidden layer:
  Gemm (6) -> Softmax  (output "probs"),  Gemm (3) -> Sigmoid ("flags"),  Gemm (4) -> Tanh ("angles").
and DIR/output_activation/hidden.onnx, activations between layers (Dense epilogues on the array):
  x[N,16] -> Gemm (40) -> Tanh -> Gemm (24) -> Sigmoid -> Gemm (20) -> LeakyRelu(0.1) -> Gemm (12)
  -> Clip [0, 1.5] -> Gemm (5) -> Clip [-1, 1] -> y
and DIR/output_activation/standalone.onnx, activations that cannot be fused (their input has two readers):
  h1 = Gemm(x) (32); a1 = LeakyRelu(h1); h2 = Gemm(a1) (32); a2 = Clip(h2, -1, 1.5); s = h1 + (h2 + a2);
  r = Relu(s); y = s + Gemm(r) (32)
Weights are scaled so the heads' logits span several units (the tables' interesting range).
Deterministic: fixed seed. Usage: make_output_activation_models.py --out DIR
"""
import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def gemm(nodes, inits, name, x, k, n, rng, scale):
    w = (rng.standard_normal((k, n)) * scale / np.sqrt(k)).astype(np.float32)
    b = (rng.standard_normal(n) * 0.3).astype(np.float32)
    inits += [numpy_helper.from_array(w, name + "_W"), numpy_helper.from_array(b, name + "_b")]
    nodes.append(helper.make_node("Gemm", [x, name + "_W", name + "_b"], [name + "_out"], name=name))
    return name + "_out"


def heads_model():
    rng = np.random.default_rng(1234)
    nodes, inits = [], []
    h = gemm(nodes, inits, "hidden", "x", 12, 24, rng, 1.5)
    nodes.append(helper.make_node("Relu", [h], ["h"], name="hidden_relu"))
    outputs = []
    for name, n, op, out in (("cls", 6, "Softmax", "probs"), ("flag", 3, "Sigmoid", "flags"), ("angle", 4, "Tanh", "angles")):
        logits = gemm(nodes, inits, name, "h", 24, n, rng, 2.5)
        attrs = {"axis": -1} if op == "Softmax" else {}
        nodes.append(helper.make_node(op, [logits], [out], name=name + "_" + op.lower(), **attrs))
        outputs.append(helper.make_tensor_value_info(out, TensorProto.FLOAT, ["N", n]))
    graph = helper.make_graph(nodes, "heads", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 12])],
                              outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="aie4ml-tests")
    onnx.checker.check_model(model)
    return model


def hidden_model():
    rng = np.random.default_rng(4321)
    nodes, inits = [], []
    t = gemm(nodes, inits, "fc1", "x", 16, 40, rng, 2.0)
    nodes.append(helper.make_node("Tanh", [t], ["t1"], name="tanh1"))
    s = gemm(nodes, inits, "fc2", "t1", 40, 24, rng, 3.0)
    nodes.append(helper.make_node("Sigmoid", [s], ["s2"], name="sigmoid2"))
    l3 = gemm(nodes, inits, "fc3", "s2", 24, 20, rng, 3.0)
    nodes.append(helper.make_node("LeakyRelu", [l3], ["l3"], name="leaky3", alpha=0.1))
    c4 = gemm(nodes, inits, "fc4", "l3", 20, 12, rng, 3.0)
    inits += [numpy_helper.from_array(np.array(v, np.float32), n) for n, v in (("lo4", 0.0), ("hi4", 1.5), ("lo5", -1.0), ("hi5", 1.0))]
    nodes.append(helper.make_node("Clip", [c4, "lo4", "hi4"], ["c4"], name="clip4"))
    y = gemm(nodes, inits, "fc5", "c4", 12, 5, rng, 2.0)
    nodes.append(helper.make_node("Clip", [y, "lo5", "hi5"], ["y"], name="clip5"))
    graph = helper.make_graph(nodes, "hidden", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 16])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 5])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="aie4ml-tests")
    onnx.checker.check_model(model)
    return model


def standalone_model():
    rng = np.random.default_rng(2468)
    nodes, inits = [], []
    h1 = gemm(nodes, inits, "fc1", "x", 16, 32, rng, 2.0)
    nodes.append(helper.make_node("LeakyRelu", [h1], ["a1"], name="act1", alpha=0.2))
    h2 = gemm(nodes, inits, "fc2", "a1", 32, 32, rng, 2.0)
    inits += [numpy_helper.from_array(np.array(v, np.float32), n) for n, v in (("lo2", -1.0), ("hi2", 1.5))]
    nodes.append(helper.make_node("Clip", [h2, "lo2", "hi2"], ["a2"], name="act2"))
    nodes.append(helper.make_node("Add", [h2, "a2"], ["t"], name="res0"))
    nodes.append(helper.make_node("Add", [h1, "t"], ["s"], name="res1"))
    nodes.append(helper.make_node("Relu", ["s"], ["r"], name="act3"))
    h3 = gemm(nodes, inits, "fc3", "r", 32, 32, rng, 1.0)
    nodes.append(helper.make_node("Add", ["s", h3], ["y"], name="res2"))
    graph = helper.make_graph(nodes, "standalone", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 16])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 32])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="aie4ml-tests")
    onnx.checker.check_model(model)
    return model


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    out = os.path.join(ap.parse_args().out, "output_activation")
    os.makedirs(out, exist_ok=True)
    onnx.save(heads_model(), os.path.join(out, "heads.onnx"))
    onnx.save(hidden_model(), os.path.join(out, "hidden.onnx"))
    onnx.save(standalone_model(), os.path.join(out, "standalone.onnx"))


if __name__ == "__main__":
    main()
