#!/usr/bin/python3
"""Hand-built ONNX graphs for the frontend tests (tests/frontend, tests/scripts/cli_inspect.sh).

One small model per supported op or pattern, plus bad inputs (malformed bytes, a truncated model, an
unsupported op, an unknown domain, out-of-range opsets, a dynamic feature dimension). Deterministic:
fixed seeds, no timestamps. Usage: make_frontend_models.py --out DIR  (writes DIR/frontend/*.onnx).
"""
import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

FLOAT = TensorProto.FLOAT
QONNX = "qonnx.custom_op.general"
FINN = "finn.custom_op.general"
BREVITAS = "onnx.brevitas"


def rng(seed):
    return np.random.default_rng(seed)


def weights(seed, shape, scale=0.5):
    return (rng(seed).standard_normal(shape) * scale).astype(np.float32)


def init(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def vi(name, shape, elem=FLOAT):
    return helper.make_tensor_value_info(name, elem, shape)


def model(name, nodes, inputs, outputs, inits, opset=13, domains=(), ir_version=None):
    graph = helper.make_graph(nodes, name, inputs, outputs, inits)
    opsets = [helper.make_opsetid("", opset)] + [helper.make_opsetid(d, 1) for d in domains]
    m = helper.make_model(graph, opset_imports=opsets, producer_name="aie4ml-tests")
    m.ir_version = ir_version or (10 if opset > 17 else 8 if opset >= 13 else 7 if opset >= 12 else 6)
    return m


def float_models():
    out = {}
    # Gemm with transB, alpha and beta: Dense with W = alpha * B^T, b = beta * C.
    out["gemm_alpha_beta"] = model(
        "gemm_alpha_beta",
        [helper.make_node("Gemm", ["x", "B", "C"], ["y"], name="fc", transB=1, alpha=0.5, beta=2.0)],
        [vi("x", ["N", 6])], [vi("y", ["N", 4])],
        [init("B", weights(1, (4, 6))), init("C", weights(2, (4,)))], opset=13)
    # Gemm without bias, unnamed node (deterministic name from the output tensor), batch 789444 style.
    out["gemm_unnamed"] = model(
        "gemm_unnamed",
        [helper.make_node("Gemm", ["x", "B"], ["out7"])],
        [vi("x", [789444, 5])], [vi("out7", [789444, 3])],
        [init("B", weights(3, (5, 3)))], opset=11)
    # MatMul + Add (bias first operand) + Relu, then MatMul + Add + Softmax: Keras style.
    out["matmul_add"] = model(
        "matmul_add",
        [helper.make_node("MatMul", ["x", "W1"], ["h1"], name="dense1"),
         helper.make_node("Add", ["b1", "h1"], ["h2"], name="bias1"),
         helper.make_node("Relu", ["h2"], ["h3"], name="relu1"),
         helper.make_node("MatMul", ["h3", "W2"], ["h4"], name="dense2"),
         helper.make_node("Add", ["h4", "b2"], ["h5"], name="bias2"),
         helper.make_node("Softmax", ["h5"], ["y"], name="softmax", axis=-1)],
        [vi("x", [1, 8])], [vi("y", [1, 3])],
        [init("W1", weights(4, (8, 16))), init("b1", weights(5, (16,))),
         init("W2", weights(6, (16, 3))), init("b2", weights(7, (1, 3)))], opset=13)
    # MatMul of two activations.
    out["matmul_two_inputs"] = model(
        "matmul_two_inputs",
        [helper.make_node("MatMul", ["a", "b"], ["y"], name="attn")],
        [vi("a", ["N", 4, 8]), vi("b", ["N", 8, 3])], [vi("y", ["N", 4, 3])], [], opset=13)
    # Every activation, Clip in both forms (attributes before opset 11 are covered by clip_opset9).
    out["activations"] = model(
        "activations",
        [helper.make_node("Gemm", ["x", "W", "b"], ["g"], name="fc"),
         helper.make_node("LeakyRelu", ["g"], ["l"], name="leaky", alpha=0.2),
         helper.make_node("Sigmoid", ["l"], ["s"], name="sig"),
         helper.make_node("Tanh", ["s"], ["t"], name="tanh"),
         helper.make_node("Clip", ["t", "lo", "hi"], ["c"], name="clip"),
         helper.make_node("Relu", ["c"], ["r"], name="relu"),
         helper.make_node("Softmax", ["r"], ["y"], name="softmax")],
        [vi("x", ["N", 6])], [vi("y", ["N", 5])],
        [init("W", weights(8, (6, 5))), init("b", weights(9, (5,))),
         init("lo", np.array(0.6, np.float32)), init("hi", np.array(0.7, np.float32))], opset=13)
    out["clip_opset9"] = model(
        "clip_opset9",
        [helper.make_node("Clip", ["x"], ["y"], name="clip", min=-0.5, max=0.25)],
        [vi("x", [1, 4])], [vi("y", [1, 4])], [], opset=9)
    # BatchNormalization after Gemm (folded) and after Conv (folded), and on a graph input (kept).
    bn = lambda p, c: [init(p + "_s", rng(20).uniform(0.5, 1.5, c).astype(np.float32)),
                       init(p + "_b", weights(21, (c,))), init(p + "_m", weights(22, (c,))),
                       init(p + "_v", rng(23).uniform(0.2, 2.0, c).astype(np.float32))]
    out["bn_dense"] = model(
        "bn_dense",
        [helper.make_node("Gemm", ["x", "W", "b"], ["g"], name="fc1", transB=1),
         helper.make_node("BatchNormalization", ["g", "bn_s", "bn_b", "bn_m", "bn_v"], ["n"], name="bn1", epsilon=1e-3),
         helper.make_node("Relu", ["n"], ["y"], name="relu1")],
        [vi("x", ["N", 7])], [vi("y", ["N", 6])],
        [init("W", weights(10, (6, 7))), init("b", weights(11, (6,)))] + bn("bn", 6), opset=14)
    # tf2onnx's Transpose -> BatchNormalization -> Transpose around a [N, F] tensor (opset 7, IR 3).
    out["bn_transposed"] = model(
        "bn_transposed",
        [helper.make_node("Gemm", ["x", "W", "b"], ["g"], name="", alpha=1.0, beta=1.0),
         helper.make_node("Transpose", ["g"], ["gt"], name="Transpose"),
         helper.make_node("BatchNormalization", ["gt", "bn_s", "bn_b", "bn_m", "bn_v"], ["n"], name="BatchNorm",
                          epsilon=1e-3, spatial=1),
         helper.make_node("Transpose", ["n"], ["y"], name="Transpose1")],
        [vi("x", [1, 5])], [vi("y", [1, 6])],
        [init("W", weights(12, (5, 6))), init("b", weights(13, (6,)))] + bn("bn", 6), opset=7, ir_version=3)
    out["bn_input"] = model(
        "bn_input",
        [helper.make_node("BatchNormalization", ["x", "bn_s", "bn_b", "bn_m", "bn_v"], ["y"], name="bn0")],
        [vi("x", ["N", 3, 4])], [vi("y", ["N", 3, 4])], bn("bn", 3), opset=15)
    out["bn_conv"] = model(
        "bn_conv",
        [helper.make_node("Conv", ["x", "W", "b"], ["c"], name="conv", pads=[1, 1, 1, 1]),
         helper.make_node("BatchNormalization", ["c", "bn_s", "bn_b", "bn_m", "bn_v"], ["y"], name="bn")],
        [vi("x", ["N", 2, 5, 5])], [vi("y", ["N", 3, 5, 5])],
        [init("W", weights(14, (3, 2, 3, 3))), init("b", weights(15, (3,)))] + bn("bn", 3), opset=13)
    # Flatten, constant Reshape, and a Reshape whose target is a shape sub-graph (PyTorch / Brevitas).
    out["reshape_flatten"] = model(
        "reshape_flatten",
        [helper.make_node("Shape", ["x"], ["shape"], name="Shape_0"),
         helper.make_node("Gather", ["shape", "zero"], ["batch"], name="Gather_1", axis=0),
         helper.make_node("Unsqueeze", ["batch", "axes0"], ["batch1"], name="Unsqueeze_2"),
         helper.make_node("Concat", ["batch1", "minus1"], ["target"], name="Concat_3", axis=0),
         helper.make_node("Reshape", ["x", "target"], ["flat"], name="Reshape_4"),
         helper.make_node("Reshape", ["flat", "shape_2x12"], ["r2"], name="Reshape_5"),
         helper.make_node("Flatten", ["r2"], ["f"], name="Flatten_6", axis=1),
         helper.make_node("MatMul", ["f", "W"], ["y"], name="MatMul_7")],
        [vi("x", ["batch", 2, 3, 4])], [vi("y", ["batch", 3])],
        [init("zero", np.array(0, np.int64)), init("axes0", np.array([0], np.int64)),
         init("minus1", np.array([-1], np.int64)), init("shape_2x12", np.array([0, 2, 12], np.int64)),
         init("W", weights(16, (24, 3)))], opset=13)
    # Identity, Dropout and no-op Transposes disappear; a Transpose pair that cancels too.
    out["noops"] = model(
        "noops",
        [helper.make_node("Identity", ["x"], ["i"], name="identity"),
         helper.make_node("Dropout", ["i"], ["d"], name="dropout"),
         helper.make_node("Transpose", ["d"], ["t0"], name="keep_batch", perm=[0, 1]),
         helper.make_node("Reshape", ["t0", "s3"], ["r"], name="to3d"),
         helper.make_node("Transpose", ["r"], ["t1"], name="swap", perm=[0, 2, 1]),
         helper.make_node("Transpose", ["t1"], ["t2"], name="swap_back", perm=[0, 2, 1]),
         helper.make_node("Flatten", ["t2"], ["f"], name="flatten"),
         helper.make_node("Gemm", ["f", "W"], ["g"], name="fc"),
         helper.make_node("Identity", ["g"], ["y"], name="out_identity")],
        [vi("x", ["N", 6])], [vi("y", ["N", 2])],
        [init("s3", np.array([-1, 2, 3], np.int64)), init("W", weights(17, (6, 2)))], opset=13)
    # Elementwise arithmetic with constants: input scaling (x - m) / s folded into the first Dense,
    # a scaling after it folded too, Pow on constants folded, a residual Add of two activations kept,
    # and a per-sample Mul by a constant that cannot fold (no Dense next to it).
    out["elementwise"] = model(
        "elementwise",
        [helper.make_node("Sub", ["x", "mean"], ["xs"], name="center"),
         helper.make_node("Pow", ["var", "half"], ["std"], name="sqrt_var"),
         helper.make_node("Div", ["xs", "std"], ["xn"], name="normalise"),
         helper.make_node("MatMul", ["xn", "W"], ["h"], name="dense"),
         helper.make_node("Mul", ["h", "gain"], ["hg"], name="gain"),
         helper.make_node("Add", ["hg", "bias"], ["hb"], name="bias"),
         helper.make_node("Relu", ["hb"], ["a"], name="relu"),
         helper.make_node("Add", ["a", "hb"], ["res"], name="residual"),
         helper.make_node("Mul", ["res", "three"], ["y"], name="triple")],
        [vi("x", ["N", 4])], [vi("y", ["N", 3])],
        [init("mean", weights(30, (4,))), init("var", rng(31).uniform(0.5, 2, 4).astype(np.float32)),
         init("half", np.array(0.5, np.float32)), init("W", weights(32, (4, 3))),
         init("gain", rng(33).uniform(0.5, 2, 3).astype(np.float32)), init("bias", weights(34, (3,))),
         init("three", np.array([3.0], np.float32))], opset=13)
    # Convolutions and pooling.
    out["conv_pool"] = model(
        "conv_pool",
        [helper.make_node("Conv", ["x", "W1", "b1"], ["c1"], name="conv1", strides=[2, 1], pads=[1, 0, 1, 2],
                          dilations=[1, 2], kernel_shape=[3, 2]),
         helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
         helper.make_node("Conv", ["r1", "W2"], ["c2"], name="conv_grouped", group=2, auto_pad="SAME_UPPER"),
         helper.make_node("MaxPool", ["c2"], ["p1"], name="maxpool", kernel_shape=[2, 2], strides=[2, 2],
                          ceil_mode=1),
         helper.make_node("AveragePool", ["p1"], ["p2"], name="avgpool", kernel_shape=[2, 2], pads=[1, 1, 0, 0],
                          count_include_pad=1),
         helper.make_node("GlobalAveragePool", ["p2"], ["gp"], name="gap"),
         helper.make_node("Flatten", ["gp"], ["y"], name="flatten")],
        [vi("x", ["N", 2, 9, 8])], [vi("y", ["N", 4])],
        [init("W1", weights(40, (4, 2, 3, 2))), init("b1", weights(41, (4,))),
         init("W2", weights(42, (4, 2, 3, 3)))], opset=13)
    out["conv1d"] = model(
        "conv1d",
        [helper.make_node("Transpose", ["x"], ["xt"], name="to_ncw", perm=[0, 2, 1]),
         helper.make_node("Conv", ["xt", "W", "b"], ["c"], name="conv1d", pads=[1, 2], kernel_shape=[4]),
         helper.make_node("Relu", ["c"], ["r"], name="relu"),
         helper.make_node("MaxPool", ["r"], ["p"], name="pool", kernel_shape=[2], strides=[2]),
         helper.make_node("Flatten", ["p"], ["y"], name="flatten")],
        [vi("x", ["N", 10, 4])], [vi("y", ["N", 15])],
        [init("W", weights(43, (3, 4, 4))), init("b", weights(44, (3,)))], opset=13)
    return out


def q_init(name, value):
    return init(name, np.array(value, np.float32))


def quant_models():
    out = {}
    # QDQ int8 (opset 13): activation Q/DQ with a power-of-two scale, int8 weights and an int32 bias
    # through DequantizeLinear, Q->DQ on float weights, and an output Q/DQ.
    w_codes = rng(50).integers(-127, 128, (6, 4)).astype(np.int8)
    w2 = (rng(51).integers(-100, 100, (4, 3)) / 32.0).astype(np.float32)
    bias_codes = rng(52).integers(-500, 500, (4,)).astype(np.int32)
    out["qdq_int8"] = model(
        "qdq_int8",
        [helper.make_node("QuantizeLinear", ["x", "s_x", "z8"], ["xq"], name="quant_in"),
         helper.make_node("DequantizeLinear", ["xq", "s_x", "z8"], ["xd"], name="dequant_in"),
         helper.make_node("DequantizeLinear", ["Wq", "s_w", "z8"], ["W"], name="dequant_w"),
         helper.make_node("DequantizeLinear", ["bq", "s_b"], ["b"], name="dequant_b"),
         helper.make_node("MatMul", ["xd", "W"], ["h"], name="fc1"),
         helper.make_node("Add", ["h", "b"], ["hb"], name="fc1_bias"),
         helper.make_node("Relu", ["hb"], ["hr"], name="fc1_relu"),
         helper.make_node("QuantizeLinear", ["hr", "s_h", "zu8"], ["hq"], name="quant_h"),
         helper.make_node("DequantizeLinear", ["hq", "s_h", "zu8"], ["hd"], name="dequant_h"),
         helper.make_node("QuantizeLinear", ["W2f", "s_w2", "z8"], ["W2q"], name="quant_w2"),
         helper.make_node("DequantizeLinear", ["W2q", "s_w2", "z8"], ["W2"], name="dequant_w2"),
         helper.make_node("MatMul", ["hd", "W2"], ["y"], name="fc2")],
        [vi("x", ["N", 6])], [vi("y", ["N", 3])],
        [q_init("s_x", 2.0 ** -4), init("z8", np.array(0, np.int8)), init("zu8", np.array(0, np.uint8)),
         init("Wq", w_codes), q_init("s_w", 2.0 ** -6), init("bq", bias_codes), q_init("s_b", 2.0 ** -10),
         q_init("s_h", 2.0 ** -3), init("W2f", w2), q_init("s_w2", 2.0 ** -5)], opset=13)
    # Non-power-of-two scale and a non-zero zero point: represented exactly with attributes.
    out["qdq_uint8_affine"] = model(
        "qdq_uint8_affine",
        [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q"], name="quant"),
         helper.make_node("DequantizeLinear", ["q", "s", "z"], ["y"], name="dequant")],
        [vi("x", ["N", 5])], [vi("y", ["N", 5])],
        [q_init("s", 0.05), init("z", np.array(10, np.uint8))], opset=13)
    # int16 QDQ needs opset 21.
    out["qdq_int16"] = model(
        "qdq_int16",
        [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q"], name="quant16"),
         helper.make_node("DequantizeLinear", ["q", "s", "z"], ["y"], name="dequant16")],
        [vi("x", ["N", 5])], [vi("y", ["N", 5])],
        [q_init("s", 2.0 ** -10), init("z", np.array(0, np.int16))], opset=21)
    # QONNX: Quant on the input (4-bit signed narrow, power-of-two), Quant on weights (3-bit, folded),
    # per-channel Quant on the second weights (folded to exact float values), a non-power-of-two
    # activation Quant (attributes), a Trunc (finn domain) and BipolarQuant (brevitas domain).
    w1 = weights(60, (5, 6))
    w2 = weights(61, (6, 4))
    out["qonnx_mlp"] = model(
        "qonnx_mlp",
        [helper.make_node("Quant", ["x", "s_in", "zero", "bw4"], ["xq"], name="quant_in", domain=QONNX,
                          signed=1, narrow=1, rounding_mode="ROUND"),
         helper.make_node("Quant", ["W1", "s_w", "zero", "bw3"], ["W1q"], name="quant_w1", domain=QONNX,
                          signed=1, narrow=0, rounding_mode="ROUND"),
         helper.make_node("MatMul", ["xq", "W1q"], ["h"], name="fc1"),
         helper.make_node("Relu", ["h"], ["hr"], name="relu1"),
         helper.make_node("Quant", ["hr", "s_h", "zero", "bw8"], ["hq"], name="quant_h", domain=QONNX,
                          signed=0, narrow=0, rounding_mode="ROUND"),
         helper.make_node("Trunc", ["hq", "s_h", "zero", "bw8", "bw4"], ["ht"], name="trunc_h", domain=FINN,
                          rounding_mode="FLOOR"),
         helper.make_node("Quant", ["W2", "s_w2", "zero", "bw4"], ["W2q"], name="quant_w2", domain=FINN,
                          signed=1, narrow=1, rounding_mode="ROUND"),
         helper.make_node("MatMul", ["ht", "W2q"], ["o"], name="fc2"),
         helper.make_node("Quant", ["o", "s_o", "zero", "bw8"], ["oq"], name="quant_o", domain=QONNX,
                          signed=1, narrow=0, rounding_mode="ROUND"),
         helper.make_node("BipolarQuant", ["oq", "one"], ["y"], name="sign_out", domain=BREVITAS)],
        [vi("x", ["N", 5])], [vi("y", ["N", 4])],
        [q_init("s_in", 2.0 ** -2), q_init("zero", 0.0), q_init("bw4", 4.0), q_init("bw3", 3.0),
         q_init("bw8", 8.0), init("W1", w1), q_init("s_w", 2.0 ** -2), q_init("s_h", 2.0 ** -5),
         init("W2", w2), init("s_w2", rng(62).uniform(0.05, 0.2, (1, 4)).astype(np.float32)),
         q_init("s_o", 0.037), q_init("one", 1.0)],
        opset=11, domains=(QONNX, FINN, BREVITAS))
    # Quantisers that have no exact FixedType: unsigned narrow range, CEIL rounding, a Trunc whose input
    # is not on its scale's grid. They import as Quantize ops with attributes.
    out["qonnx_general"] = model(
        "qonnx_general",
        [helper.make_node("Quant", ["x", "s4", "zero", "bw4"], ["a"], name="unsigned_narrow", domain=QONNX,
                          signed=0, narrow=1, rounding_mode="ROUND"),
         helper.make_node("Quant", ["a", "s8", "zero", "bw8"], ["b"], name="ceil_quant", domain=QONNX,
                          signed=1, narrow=0, rounding_mode="CEIL"),
         helper.make_node("Trunc", ["x", "s8", "zero", "bw8", "bw4"], ["c"], name="trunc_float", domain=QONNX,
                          rounding_mode="FLOOR", signed=1),
         helper.make_node("Add", ["b", "c"], ["y"], name="sum")],
        [vi("x", ["N", 6])], [vi("y", ["N", 6])],
        [q_init("s4", 2.0 ** -2), q_init("s8", 2.0 ** -3), q_init("zero", 0.0), q_init("bw4", 4.0),
         q_init("bw8", 8.0)], opset=13, domains=(QONNX,))
    return out


def bad_models():
    out = {}
    gemm = lambda: ([init("W", weights(70, (3, 2)))], [vi("x", ["N", 3])])
    inits, ins = gemm()
    out["unsupported_op"] = model(
        "unsupported_op",
        [helper.make_node("Gemm", ["x", "W"], ["g"], name="fc"),
         helper.make_node("Hardmax", ["g"], ["y"], name="my_hardmax")],
        ins, [vi("y", ["N", 2])], inits, opset=13)
    out["unknown_domain"] = model(
        "unknown_domain",
        [helper.make_node("Quant", ["x", "s", "z", "b"], ["y"], name="custom_quant", domain="com.example.quant")],
        [vi("x", ["N", 3])], [vi("y", ["N", 3])],
        [q_init("s", 1.0), q_init("z", 0.0), q_init("b", 4.0)], opset=13, domains=("com.example.quant",))
    for opset in (6, 22):
        out[f"opset{opset}"] = model(
            f"opset{opset}", [helper.make_node("Relu", ["x"], ["y"], name="relu")],
            [vi("x", ["N", 3])], [vi("y", ["N", 3])], [], opset=opset, ir_version=10)
    out["dynamic_feature"] = model(
        "dynamic_feature", [helper.make_node("Relu", ["x"], ["y"], name="relu")],
        [vi("x", ["N", "features"])], [vi("y", ["N", "features"])], [], opset=13)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True)
    folder = os.path.join(parser.parse_args().out, "frontend")
    os.makedirs(folder, exist_ok=True)
    models = {**float_models(), **quant_models(), **bad_models()}
    for name, m in models.items():
        with open(os.path.join(folder, name + ".onnx"), "wb") as f:
            f.write(m.SerializeToString())
    # Bad bytes: not protobuf at all, and a valid model cut in the middle of its weights.
    with open(os.path.join(folder, "malformed.onnx"), "wb") as f:
        f.write(b"\x08\x07\x12\xffthis is not an ONNX model\xff\xff\xff\x00garbage" * 3)
    full = models["matmul_add"].SerializeToString()
    with open(os.path.join(folder, "truncated.onnx"), "wb") as f:
        f.write(full[: len(full) * 3 // 5])
    with open(os.path.join(folder, "empty.onnx"), "wb"):
        pass


if __name__ == "__main__":
    main()
