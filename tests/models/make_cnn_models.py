#!/usr/bin/python3
"""Small convolutional networks for the CNN numerics oracles (tests/scripts/cnn_numerics.sh).

Writes DIR/cnn/<name>.onnx and DIR/cnn/<name>_x.npy (float32 inputs, 1000 samples) for:
  float models (float interpreter vs ONNX Runtime, relative error <= 1e-5):
    cnn1d_torch     channels-first [N,3,16]: Conv1d (pads), Relu, Conv1d (stride 2, dilation 2, asymmetric pads),
                    MaxPool1d, AveragePool1d (pads, count_include_pad=0), Flatten, Gemm
    cnn2d_torch     channels-first [N,2,9,8]: Conv2d (stride (2,1), dilation (1,2)), BatchNormalization, Relu,
                    MaxPool2d, Conv2d 1x3, AveragePool (pads, count_include_pad=1), GlobalAveragePool, Flatten, Gemm
    cnn2d_keras     channels-last [N,8,8,3] as tf2onnx writes it: Transpose to NCHW, Conv, Relu, MaxPool,
                    Transpose back to NHWC, Flatten (so the Dense reads features in HWC order), MatMul + Add
    resnet_cnn      [N,4,8,8]: Conv-Relu-Conv, residual Add, Relu, a 1x1 Conv branch, Concat on channels,
                    MaxPool, GlobalAveragePool, Flatten, Gemm
  int8 QDQ models (power-of-two scales, zero point 0; integer path bit-exact vs ONNX Runtime):
    qdq_cnn1d, qdq_cnn2d_keras, qdq_resnet   the same topologies with QuantizeLinear/DequantizeLinear around
                    every activation, int8 weights and int32 biases (DequantizeLinear), uint8 after Relu;
                    the residual Add and the Concat read operands at different scales (both requantised).
    qdq_cnn1d_flat, qdq_cnn1d_pool   array-mappable 1-D QDQ CNNs (channels-first Flatten into the Dense;
                    the latter with Conv -> Relu -> MaxPool window 3 stride 2, fused into the conv kernel).
    qdq_cnn1d_lencat  two Conv1D concatenated along the length (axis 2): not mappable (no AIE project).
Scales are chosen from a numpy float run of the fake-quantised network (99.5th percentile, some values saturate);
the numpy run is only used to pick scales, never as an oracle. QDQ inputs contain exact rounding ties and values
far outside the input range. Deterministic: fixed seeds.
Usage: make_cnn_models.py --out DIR
"""
import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SAMPLES = 1000
CALIBRATION = 200  # samples of the numpy run that picks the QDQ scales


# ---- numpy forward (scale selection only) --------------------------------------------------------------
def conv_nd(x, w, b, strides, pads, dilations):
    """ONNX Conv (group 1) on [N, C, *spatial] with pads = begin..., end..."""
    nd = w.ndim - 2
    pad_width = [(0, 0), (0, 0)] + [(pads[i], pads[i + nd]) for i in range(nd)]
    xp = np.pad(x, pad_width)
    out_sp = [(xp.shape[2 + i] - dilations[i] * (w.shape[2 + i] - 1) - 1) // strides[i] + 1 for i in range(nd)]
    y = np.zeros((x.shape[0], w.shape[0], *out_sp))
    for tap in np.ndindex(*w.shape[2:]):
        sl = tuple(slice(tap[i] * dilations[i], tap[i] * dilations[i] + strides[i] * (out_sp[i] - 1) + 1, strides[i])
                   for i in range(nd))
        patch = xp[(slice(None), slice(None)) + sl]
        y += np.einsum("nc...,mc->nm...", patch, w[(slice(None), slice(None)) + tap])
    return y + b.reshape((1, -1) + (1,) * nd)


def pool_nd(x, kernel, strides, pads, mode, include_pad=0):
    nd = len(kernel)
    fill = -np.inf if mode == "max" else 0.0
    pad_width = [(0, 0), (0, 0)] + [(pads[i], pads[i + nd]) for i in range(nd)]
    xp = np.pad(x, pad_width, constant_values=fill)
    ones = np.pad(np.ones(x.shape[2:]), pad_width[2:])
    out_sp = [(xp.shape[2 + i] - kernel[i]) // strides[i] + 1 for i in range(nd)]
    acc = np.full((*x.shape[:2], *out_sp), fill)
    count = np.zeros(out_sp)
    for tap in np.ndindex(*kernel):
        sl = tuple(slice(tap[i], tap[i] + strides[i] * (out_sp[i] - 1) + 1, strides[i]) for i in range(nd))
        patch = xp[(slice(None), slice(None)) + sl]
        acc = np.maximum(acc, patch) if mode == "max" else acc + patch
        count += ones[sl]
    if mode == "max":
        return acc
    return acc / (np.prod(kernel) if include_pad else count)


def pow2_scale_for(values, qmax):
    p = float(np.percentile(np.abs(values), 99.5)) or 1.0
    return 2.0 ** np.ceil(np.log2(p / qmax))


# ---- graph builder that also runs the network in numpy ------------------------------------------------
class Net:
    """Adds ONNX nodes and evaluates them on calibration samples (`v`: the value of every tensor)."""

    def __init__(self, rng, quantized):
        self.rng, self.quantized = rng, quantized
        self.nodes, self.inits, self.v = [], [], {}
        self.scale = {}  # QDQ: power-of-two scale of every quantised activation

    def const(self, name, array):
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def node(self, op, inputs, output, value, **attrs):
        self.nodes.append(helper.make_node(op, inputs, [output], name=output, **attrs))
        self.v[output] = value
        if op in ("MaxPool", "Flatten", "Transpose") and inputs[0] in self.scale:  # values stay on the grid
            self.scale[output] = self.scale[inputs[0]]
        return output

    def qdq(self, x, name, signed=True):
        """QuantizeLinear/DequantizeLinear at the power-of-two int8/uint8 scale that fits x's values."""
        if not self.quantized:
            return x
        lo, hi = (-128, 127) if signed else (0, 255)
        s = pow2_scale_for(self.v[x], hi)
        dt = np.int8 if signed else np.uint8
        self.const(name + "_scale", np.float32(s))
        self.const(name + "_zp", np.zeros((), dt))
        q = self.node("QuantizeLinear", [x, name + "_scale", name + "_zp"], name + "_q", None)
        y = self.node("DequantizeLinear", [q, name + "_scale", name + "_zp"], name, np.clip(np.round(self.v[x] / s), lo, hi) * s)
        self.scale[y] = s
        return y

    def weights(self, name, shape, fan_in, x, n_out):
        """Float weights, or int8 codes at 2^-7 behind a DequantizeLinear (then the bias is int32 at the
        accumulator scale scale(x) * 2^-7)."""
        w = self.rng.normal(0, 1.0 / np.sqrt(fan_in), shape)
        b = self.rng.normal(0, 0.1, n_out)
        if not self.quantized:
            return self.const(name + "_w", w.astype(np.float32)), self.const(name + "_b", b.astype(np.float32)), w, b
        ws = 2.0 ** -7
        wq = np.clip(np.round(w / ws), -128, 127)
        wq.flat[self.rng.integers(0, wq.size)] = -128  # the most negative code appears
        acc = self.scale[x] * ws
        bq = np.round(b / acc).astype(np.int32)
        self.const(name + "_wq", wq.astype(np.int8))
        self.const(name + "_ws", np.float32(ws))
        self.const(name + "_wz", np.zeros((), np.int8))
        self.const(name + "_bq", bq)
        self.const(name + "_bs", np.float32(acc))
        self.const(name + "_bz", np.zeros((), np.int32))
        wn = self.node("DequantizeLinear", [name + "_wq", name + "_ws", name + "_wz"], name + "_w", None)
        bn = self.node("DequantizeLinear", [name + "_bq", name + "_bs", name + "_bz"], name + "_b", None)
        return wn, bn, wq * ws, bq * acc

    def conv(self, name, x, c_out, kernel, strides=None, pads=None, dilations=None):
        nd = len(kernel)
        strides, dilations = strides or [1] * nd, dilations or [1] * nd
        pads = pads or [0] * (2 * nd)
        c_in = self.v[x].shape[1]
        wn, bn, w, b = self.weights(name, [c_out, c_in, *kernel], c_in * int(np.prod(kernel)), x, c_out)
        y = conv_nd(self.v[x], w, b, strides, pads, dilations)
        return self.node("Conv", [x, wn, bn], name, y, kernel_shape=kernel, strides=strides, pads=pads,
                         dilations=dilations)

    def gemm(self, name, x, n_out):
        k = self.v[x].shape[1]
        wn, bn, w, b = self.weights(name, [n_out, k], k, x, n_out)
        return self.node("Gemm", [x, wn, bn], name, self.v[x] @ w.T + b, transB=1)

    def matmul_add(self, name, x, n_out):
        k = self.v[x].shape[1]
        wn, bn, w, b = self.weights(name, [k, n_out], k, x, n_out)
        mm = self.node("MatMul", [x, wn], name, self.v[x] @ w)
        return self.node("Add", [mm, bn], name + "_add", self.v[mm] + b)

    def relu(self, x):
        return self.node("Relu", [x], x + "_relu", np.maximum(self.v[x], 0))

    def maxpool(self, name, x, kernel, strides, pads=None):
        pads = pads or [0] * (2 * len(kernel))
        return self.node("MaxPool", [x], name, pool_nd(self.v[x], kernel, strides, pads, "max"), kernel_shape=kernel,
                         strides=strides, pads=pads)

    def avgpool(self, name, x, kernel, strides, pads, include_pad):
        y = pool_nd(self.v[x], kernel, strides, pads, "avg", include_pad)
        return self.node("AveragePool", [x], name, y, kernel_shape=kernel, strides=strides, pads=pads,
                         count_include_pad=include_pad)

    def gap(self, name, x):
        y = self.v[x].mean(axis=tuple(range(2, self.v[x].ndim)), keepdims=True)
        return self.node("GlobalAveragePool", [x], name, y)

    def flatten(self, name, x):
        return self.node("Flatten", [x], name, self.v[x].reshape(self.v[x].shape[0], -1), axis=1)

    def transpose(self, name, x, perm):
        return self.node("Transpose", [x], name, self.v[x].transpose(perm), perm=perm)

    def add(self, name, a, b):
        return self.node("Add", [a, b], name, self.v[a] + self.v[b])

    def concat(self, name, parts, axis=1):
        return self.node("Concat", parts, name, np.concatenate([self.v[p] for p in parts], axis=axis), axis=axis)

    def batchnorm(self, name, x):
        c = self.v[x].shape[1]
        g, beta = self.rng.uniform(0.5, 1.5, c), self.rng.normal(0, 0.2, c)
        mean, var = self.rng.normal(0, 0.3, c), self.rng.uniform(0.5, 2.0, c)
        ins = [self.const(name + s, a.astype(np.float32)) for s, a in
               (("_g", g), ("_beta", beta), ("_mean", mean), ("_var", var))]
        sh = (1, c) + (1,) * (self.v[x].ndim - 2)
        y = (self.v[x] - mean.reshape(sh)) / np.sqrt(var.reshape(sh) + 1e-5) * g.reshape(sh) + beta.reshape(sh)
        return self.node("BatchNormalization", [x] + ins, name, y, epsilon=1e-5)

    def model(self, name, x_name, x_shape, y):
        self.nodes[-1].output[0] = "y"
        inp = helper.make_tensor_value_info(x_name, TensorProto.FLOAT, ["N", *x_shape])
        out = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", *self.v[y].shape[1:]])
        graph = helper.make_graph(self.nodes, name, [inp], [out], self.inits)
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="aie4ml-tests")
        m.ir_version = 8
        onnx.checker.check_model(m)
        return m


def make_inputs(rng, shape, quantized, scale=2.0 ** -5):
    x = rng.normal(0, 1, (SAMPLES, *shape))
    if quantized:
        ties = rng.random(x.shape) < 0.15  # exact half steps: round half to even decides
        x[ties] = (rng.integers(-128, 127, ties.sum()) + 0.5) * scale
        far = rng.random(x.shape) < 0.01   # saturate the input quantiser
        x[far] = rng.choice([-1.0, 1.0], far.sum()) * scale * 512
    return x.astype(np.float32)


def start(seed, shape, quantized):
    rng = np.random.default_rng(seed)
    x = make_inputs(rng, shape, quantized)
    net = Net(rng, quantized)
    net.v["x"] = x[:CALIBRATION].astype(np.float64)
    if quantized:  # the input quantiser at a fixed scale (the ties above sit on its half steps)
        s = 2.0 ** -5
        net.const("in_scale", np.float32(s))
        net.const("in_zp", np.zeros((), np.int8))
        q = net.node("QuantizeLinear", ["x", "in_scale", "in_zp"], "in_q", None)
        net.node("DequantizeLinear", [q, "in_scale", "in_zp"], "x_dq", np.clip(np.round(net.v["x"] / s), -128, 127) * s)
        net.scale["x_dq"] = s
        return net, x, "x_dq"
    return net, x, "x"


def cnn1d(seed, quantized):
    net, x, h = start(seed, [3, 16], quantized)
    h = net.qdq(net.relu(net.conv("conv1", h, 6, [3], pads=[1, 1])), "act1", signed=False)
    h = net.qdq(net.conv("conv2", h, 4, [3], strides=[2], pads=[2, 1], dilations=[2]), "act2")
    h = net.maxpool("pool1", h, [2], [2])
    h = net.qdq(net.avgpool("pool2", h, [3], [1], [1, 1], 0), "act3")
    h = net.flatten("flat", h)
    y = net.qdq(net.gemm("fc", h, 5), "out")
    return net.model("qdq_cnn1d" if quantized else "cnn1d_torch", "x", [3, 16], y), x


def cnn1d_flat(seed):
    """Two Conv1D, then a channels-first (PyTorch) Flatten straight into the Dense: maps onto the array."""
    net, x, h = start(seed, [3, 16], True)
    h = net.qdq(net.relu(net.conv("conv1", h, 6, [3], pads=[1, 1])), "act1", signed=False)
    h = net.qdq(net.conv("conv2", h, 4, [3], strides=[2], pads=[2, 1], dilations=[2]), "act2")
    y = net.qdq(net.gemm("fc", net.flatten("flat", h), 5), "out")
    return net.model("qdq_cnn1d_flat", "x", [3, 16], y), x


def cnn1d_pool(seed):
    """Conv1D + Relu, then MaxPool1d (window 3, stride 2: overlapping windows, a trailing position dropped),
    channels-first Flatten into the Dense: the MaxPool is fused into the conv kernel on the array."""
    net, x, h = start(seed, [3, 16], True)
    h = net.qdq(net.relu(net.conv("conv1", h, 6, [3], pads=[1, 1])), "act1", signed=False)
    h = net.maxpool("pool1", h, [3], [2])
    y = net.qdq(net.gemm("fc", net.flatten("flat", h), 5), "out")
    return net.model("qdq_cnn1d_pool", "x", [3, 16], y), x


def cnn2d_torch(seed):
    net, x, h = start(seed, [2, 9, 8], False)
    h = net.conv("conv1", h, 4, [3, 3], strides=[2, 1], pads=[1, 1, 1, 1], dilations=[1, 2])
    h = net.relu(net.batchnorm("bn1", h))
    h = net.maxpool("pool1", h, [2, 2], [2, 2])
    h = net.conv("conv2", h, 6, [1, 3], pads=[0, 1, 0, 1])
    h = net.avgpool("pool2", h, [2, 2], [1, 1], [1, 1, 0, 0], 1)
    h = net.flatten("flat", net.gap("gap", h))
    y = net.gemm("fc", h, 3)
    return net.model("cnn2d_torch", "x", [2, 9, 8], y), x


def cnn2d_keras(seed, quantized):
    net, x, h = start(seed, [8, 8, 3], quantized)
    h = net.transpose("to_nchw", h, [0, 3, 1, 2])
    h = net.qdq(net.relu(net.conv("conv1", h, 4, [3, 3], pads=[1, 1, 1, 1])), "act1", signed=False)
    h = net.maxpool("pool1", h, [2, 2], [2, 2])
    h = net.flatten("flat", net.transpose("to_nhwc", h, [0, 2, 3, 1]))
    y = net.qdq(net.matmul_add("dense", h, 10), "out")
    return net.model("qdq_cnn2d_keras" if quantized else "cnn2d_keras", "x", [8, 8, 3], y), x


def resnet(seed, quantized):
    net, x, h = start(seed, [4, 8, 8], quantized)
    a = net.qdq(net.relu(net.conv("conv1", h, 8, [3, 3], pads=[1, 1, 1, 1])), "act1", signed=False)
    a = net.qdq(net.conv("conv2", a, 8, [3, 3], pads=[1, 1, 1, 1]), "act2")
    a = net.qdq(net.relu(net.add("residual", a, net.qdq(net.conv("skip", h, 8, [1, 1]), "act_skip"))), "act3",
                signed=False)
    b = net.qdq(net.relu(net.conv("branch", h, 4, [1, 1])), "act_branch", signed=False)
    c = net.qdq(net.concat("cat", [a, b]), "act_cat", signed=False)
    c = net.maxpool("pool", c, [2, 2], [2, 2])
    c = net.qdq(net.gap("gap", c), "act_gap", signed=False)
    y = net.qdq(net.gemm("fc", net.flatten("flat", c), 4), "out")
    return net.model("qdq_resnet" if quantized else "resnet_cnn", "x", [4, 8, 8], y), x


def cnn1d_lencat(seed):
    """Two Conv1D of the input concatenated along the length (axis 2): a Concat the array does not map
    (tensor-op layers concatenate channels), so compile writes no AIE project and says which op."""
    net, x, h = start(seed, [3, 16], True)
    a = net.qdq(net.relu(net.conv("conv_a", h, 4, [3], pads=[1, 1])), "act_a", signed=False)
    b = net.qdq(net.relu(net.conv("conv_b", h, 4, [3], pads=[1, 1])), "act_b", signed=False)
    c = net.qdq(net.concat("cat", [a, b], axis=2), "act_cat", signed=False)
    y = net.qdq(net.gemm("fc", net.flatten("flat", c), 5), "out")
    return net.model("qdq_cnn1d_lencat", "x", [3, 16], y), x


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    out = os.path.join(ap.parse_args().out, "cnn")
    os.makedirs(out, exist_ok=True)
    models = {
        "cnn1d_torch": cnn1d(500, False), "cnn2d_torch": cnn2d_torch(501), "cnn2d_keras": cnn2d_keras(502, False),
        "resnet_cnn": resnet(503, False), "qdq_cnn1d": cnn1d(510, True), "qdq_cnn2d_keras": cnn2d_keras(511, True),
        "qdq_resnet": resnet(512, True),
        "qdq_cnn1d_flat": cnn1d_flat(513), "qdq_cnn1d_pool": cnn1d_pool(514), "qdq_cnn1d_lencat": cnn1d_lencat(515),
    }
    for name, (m, x) in models.items():
        onnx.save(m, os.path.join(out, name + ".onnx"))
        np.save(os.path.join(out, name + "_x.npy"), x)


if __name__ == "__main__":
    main()
