#!/usr/bin/python3
"""Writes the committed seed corpus of the fuzz targets: fuzz/corpus/{onnx,config,npy}/.

Seeds are deliberately tiny (libFuzzer mutates small inputs much faster) and each exercises one
feature the reader must handle: Gemm/MatMul/QDQ/QONNX Quant models, hls4ml-style configs with every key
the parser knows, .npy files of every dtype, byte order and header version. The generated test models
(build*/testdata) and the real models (../shared/models) are added to the corpus at run time by
tools/sanitize_and_fuzz.sh; they are not copied here. Deterministic (fixed values, no timestamps).
Usage: /usr/bin/python3 fuzz/make_seeds.py [--out fuzz/corpus]
"""
import argparse
import io
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def vi(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def init(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def weights(shape, seed):
    return np.random.default_rng(seed).uniform(-1, 1, shape).astype(np.float32)


def model(name, nodes, inputs, outputs, inits, opset=13, domains=()):
    graph = helper.make_graph(nodes, name, inputs, outputs, inits)
    opsets = [helper.make_opsetid("", opset)] + [helper.make_opsetid(d, 1) for d in domains]
    m = helper.make_model(graph, opset_imports=opsets, producer_name="aie4ml-fuzz-seeds")
    m.ir_version = 8
    return m


def onnx_seeds():
    qonnx = "qonnx.custom_op.general"
    return {
        # Gemm + Relu: the smallest Dense.
        "gemm_relu": model("gemm_relu", [
            helper.make_node("Gemm", ["x", "W", "b"], ["h"], name="fc1", transB=1),
            helper.make_node("Relu", ["h"], ["y"], name="relu")],
            [vi("x", ["N", 4])], [vi("y", ["N", 3])], [init("W", weights((3, 4), 1)), init("b", weights((3,), 2))]),
        # Keras style MatMul + Add, BatchNormalization, Softmax.
        "matmul_bn_softmax": model("matmul_bn_softmax", [
            helper.make_node("MatMul", ["x", "W"], ["m"], name="dense"),
            helper.make_node("Add", ["m", "b"], ["a"], name="bias"),
            helper.make_node("BatchNormalization", ["a", "s", "o", "mu", "var"], ["n"], name="bn"),
            helper.make_node("Softmax", ["n"], ["y"], name="softmax", axis=-1)],
            [vi("x", [1, 4])], [vi("y", [1, 2])],
            [init("W", weights((4, 2), 3)), init("b", weights((2,), 4)), init("s", np.ones(2, np.float32)),
             init("o", np.zeros(2, np.float32)), init("mu", weights((2,), 5)), init("var", np.ones(2, np.float32))]),
        # QDQ with power-of-two scales on the input and the weights.
        "qdq_dense": model("qdq_dense", [
            helper.make_node("QuantizeLinear", ["x", "sx", "zx"], ["xq"], name="qx"),
            helper.make_node("DequantizeLinear", ["xq", "sx", "zx"], ["xd"], name="dqx"),
            helper.make_node("DequantizeLinear", ["Wq", "sw", "zw"], ["Wd"], name="dqw"),
            helper.make_node("Gemm", ["xd", "Wd"], ["y"], name="fc")],
            [vi("x", ["N", 4])], [vi("y", ["N", 2])],
            [init("sx", np.float32(0.125)), init("zx", np.int8(0)), init("sw", np.float32(0.25)), init("zw", np.int8(0)),
             init("Wq", np.array([[1, -2], [3, -4], [5, 6], [-7, 8]], np.int8))]),
        # QONNX Quant on the weights and the activation, Flatten in front.
        "qonnx_quant": model("qonnx_quant", [
            helper.make_node("Flatten", ["x"], ["f"], name="flatten"),
            helper.make_node("Quant", ["f", "sa", "z", "ba"], ["fq"], domain=qonnx, name="quant_in",
                             signed=1, narrow=0, rounding_mode="ROUND"),
            helper.make_node("Quant", ["W", "sw", "z", "bw"], ["Wq"], domain=qonnx, name="quant_w",
                             signed=1, narrow=1, rounding_mode="ROUND"),
            helper.make_node("MatMul", ["fq", "Wq"], ["y"], name="fc")],
            [vi("x", ["N", 2, 2])], [vi("y", ["N", 3])],
            [init("sa", np.float32(0.0625)), init("z", np.float32(0)), init("ba", np.float32(8)),
             init("W", weights((4, 3), 6)), init("sw", np.float32(0.125)), init("bw", np.float32(4))],
            domains=(qonnx,)),
    }


def config_seeds():
    return {
        "design_example": {"Model": {"Precision": "ap_fixed<8,3>", "BatchSize": 8, "Objective": "latency"},
                           "LayerName": {"fc1": {"Precision": {"weight": "ap_fixed<8,2>", "bias": "ap_fixed<16,6>",
                                                               "result": "ap_fixed<8,4>", "accum": "ap_fixed<32,12>"},
                                                 "CascadeLength": 1, "CascadeNum": 2, "Tiling": [4, 8, 8],
                                                 "Placement": [3, 0]}}},
        "hls4ml_wrapped": {"HLSConfig": {"Model": {"Precision": {"default": "ap_fixed<16,6,AP_RND,AP_SAT>"},
                                                   "ReuseFactor": 1, "Strategy": "Latency"},
                                         "LayerName": {"fc2": {"Precision": "ap_fixed<16,4,AP_TRN,AP_WRAP>"}}},
                           "OutputDir": "prj"},
        "throughput_budget": {"Model": {"Precision": "ap_int<8>", "BatchSize": 16, "Objective": "throughput",
                                        "TileBudget": 6, "Device": "ve2302"},
                              "LayerName": {"fc3": {"Precision": {"result": "ap_ufixed<8,4,AP_RND_CONV,AP_SAT_SYM>"},
                                                    "CascadeNum": 1}}},
        "overrides_16bit": {"Model": {"Precision": "ap_fixed<16,8>", "BatchSize": 4},
                            "LayerName": {"fc1": {"CascadeLength": 2, "CascadeNum": 1},
                                          "fc2": {"CascadeLength": 1, "CascadeNum": 1, "Tiling": [4, 4, 4]},
                                          "fc3": {"Placement": [20, 2]}}},
    }


def npy_seeds():
    seeds = {
        "f4_2d": np.arange(6, dtype="<f4").reshape(2, 3) / 4,
        "f8_1d": np.array([0.5, -1.25, 3.0], dtype="<f8"),
        "i1_2d": np.array([[1, -2], [127, -128]], dtype="i1"),
        "i2_be": np.array([1, -300, 2], dtype=">i2"),
        "i4_3d": np.arange(8, dtype="<i4").reshape(2, 2, 2) - 4,
        "i8_scalar": np.array(7, dtype="<i8"),
        "f4_empty": np.zeros((0, 3), dtype="<f4"),
        "f8_be": np.array([[1.5, -2.0]], dtype=">f8"),
    }
    out = {}
    for name, a in seeds.items():
        buf = io.BytesIO()
        np.lib.format.write_array(buf, a, version=(1, 0))
        out[name] = buf.getvalue()
    # Format version 2.0 (4-byte header length).
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.array([1, 2, 3], dtype="<i2"), version=(2, 0))
    out["i2_v2"] = buf.getvalue()
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus"))
    out = ap.parse_args().out
    for sub in ("onnx", "config", "npy"):
        os.makedirs(os.path.join(out, sub), exist_ok=True)
    for name, m in onnx_seeds().items():
        onnx.checker.check_model(m)
        with open(os.path.join(out, "onnx", name + ".onnx"), "wb") as f:
            f.write(m.SerializeToString())
    for name, c in config_seeds().items():
        with open(os.path.join(out, "config", name + ".json"), "w") as f:
            json.dump(c, f, indent=1, sort_keys=True)
            f.write("\n")
    for name, b in npy_seeds().items():
        with open(os.path.join(out, "npy", name + ".npy"), "wb") as f:
            f.write(b)


if __name__ == "__main__":
    main()
