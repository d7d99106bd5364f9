#!/usr/bin/python3
"""Models for the bad-input catalogue and the determinism checks (tests/scripts/bad_inputs.sh,
tests/scripts/determinism.sh, tests/reliability).

- nan_weights.onnx / inf_weights.onnx: a Gemm whose weight initializer 'W' holds NaN (2 values) or
  +-inf (3 values); everything else finite.
- overflow_weights.onnx: a Gemm ('fc') whose weights lie in [-0.9, 0.9] except a few set to +-3; the test
  counts the values outside a type's range from the file itself.
- too_large.onnx: a float MLP 256 -> 9 x 256 -> 16 (593,920 weights): at 8 bits per weight every layer
  fits the 34 compute tiles of ve2302 alone, all of them together do not.
- mlp_det.onnx: a float MLP 24 -> 40 -> 40 -> 6 with a per-layer config (mlp_det_config.json) and inputs
  (mlp_det_x.npy, 257 samples: not a multiple of any thread count) for the determinism checks.
Deterministic (fixed seeds). Usage: make_reliability_models.py --out DIR (writes DIR/reliability/).
"""
import argparse
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def gemm_model(name, weights, bias):
    graph = helper.make_graph(
        [helper.make_node("Gemm", ["x", "W", "b"], ["y"], name="fc")], name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", weights.shape[0]])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", weights.shape[1]])],
        [numpy_helper.from_array(weights, "W"), numpy_helper.from_array(bias, "b")])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="aie4ml-tests")
    m.ir_version = 8
    return m


def mlp_model(name, widths, seed):
    rng = np.random.default_rng(seed)
    nodes, inits = [], []
    prev = "x"
    for i in range(len(widths) - 1):
        w = rng.uniform(-1, 1, (widths[i], widths[i + 1])).astype(np.float32) / np.sqrt(widths[i])
        b = rng.uniform(-0.1, 0.1, widths[i + 1]).astype(np.float32)
        inits += [numpy_helper.from_array(w, f"W{i + 1}"), numpy_helper.from_array(b, f"b{i + 1}")]
        out = "y" if i == len(widths) - 2 else f"h{i + 1}"
        gemm_out = out if out == "y" else f"g{i + 1}"
        nodes.append(helper.make_node("Gemm", [prev, f"W{i + 1}", f"b{i + 1}"], [gemm_out], name=f"fc{i + 1}"))
        if out != "y":
            nodes.append(helper.make_node("Relu", [gemm_out], [out], name=f"relu{i + 1}"))
        prev = out
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", widths[0]])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", widths[-1]])], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="aie4ml-tests")
    m.ir_version = 8
    return m


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    out = os.path.join(ap.parse_args().out, "reliability")
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(11)
    w = rng.uniform(-0.9, 0.9, (16, 8)).astype(np.float32)
    b = np.zeros(8, np.float32)

    nan = w.copy()
    nan[2, 3] = nan[5, 1] = np.nan
    onnx.save(gemm_model("nan_weights", nan, b), os.path.join(out, "nan_weights.onnx"))
    inf = w.copy()
    inf[0, 0] = np.inf
    inf[1, 1] = inf[7, 2] = -np.inf
    onnx.save(gemm_model("inf_weights", inf, b), os.path.join(out, "inf_weights.onnx"))
    big = w.copy()
    big[3, :5] = 3.0
    big[9, 6:] = -3.0
    onnx.save(gemm_model("overflow_weights", big, b), os.path.join(out, "overflow_weights.onnx"))

    onnx.save(mlp_model("too_large", [256] * 10 + [16], 12), os.path.join(out, "too_large.onnx"))

    onnx.save(mlp_model("mlp_det", [24, 40, 40, 6], 13), os.path.join(out, "mlp_det.onnx"))
    config = {"Model": {"Precision": "ap_fixed<16,6>", "BatchSize": 4},
              "LayerName": {"fc1": {"Precision": {"weight": "ap_fixed<8,2>", "result": "ap_fixed<16,5,AP_RND,AP_SAT>"}},
                            "fc2": {"CascadeLength": 2}}}
    with open(os.path.join(out, "mlp_det_config.json"), "w") as f:
        json.dump(config, f, indent=1, sort_keys=True)
    np.save(os.path.join(out, "mlp_det_x.npy"), np.random.default_rng(14).uniform(-2, 2, (257, 24)).astype(np.float32))


if __name__ == "__main__":
    main()
