#!/usr/bin/python3
"""Small 1-D CNNs with ONNX Slice and Split (opset 13) for tests/scripts/slice_numerics.sh.

Writes DIR/cnn/<name>.onnx and DIR/cnn/<name>_x.npy (float32 inputs, 1000 samples) for:
  slice_cnn1d       float [N,3,8]: Conv1d (8 channels) -> Slice channels [0,5) -> Relu; Slice channels
                    [-3, INT64_MAX) (negative start, clamped end); Split channels [3,5] (split as a constant
                    input); Add(relu part, split part 1); Concat on channels with the other two parts;
                    Split on the length axis into two equal parts (no split input); a Slice with step -2 on
                    the length (start -1, end below -length: clamped); Add, Concat, Flatten, Gemm.
  qdq_slice_cnn1d   the same topology with int8 QDQ around every computed activation (power-of-two scales,
                    zero point 0); Slice and Split outputs keep their input's scale (no QDQ after them).
  qdq_view_cnn1d    int8 QDQ [N,3,16], mappable with channel views (tests/scripts/verify_tensor_ops.sh):
                    Conv1d (8 channels) + Relu -> Split channels [3, 5] -> two Conv1d (4 channels each,
                    QDQ at one common scale) -> Concat on channels (no QDQ: a same-scale Concat) -> Slice
                    channels [2, 8) -> Conv1d + Relu; a Slice of channels [0, 4) of the first conv's output;
                    residual Add of the two (different scales: requantised) -> Flatten -> Gemm.
  qdq_concat_cnn1d  int8 QDQ [N,3,16]: Conv1d + Relu read by two Conv1d at one common scale, their
                    same-scale Concat -> Conv1d -> Flatten -> Gemm (no Slice: maps with or without views).
The graph builder and the scale selection come from make_cnn_models.py (its numpy run only picks scales,
never serves as an oracle; ONNX Runtime is the oracle). Deterministic: fixed seeds.
Usage: make_slice_models.py --out DIR
"""
import argparse
import os
import sys

import numpy as np
import onnx
from onnx import helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_cnn_models as cnn  # noqa: E402

INT64_MAX = np.iinfo(np.int64).max


def onnx_slice_ranges(dim, start, end, step):
    """Python's slice() clamps exactly as ONNX Slice does for these indices."""
    return slice(start, None if end >= dim and step > 0 else (None if end < -dim and step < 0 else end), step)


def slice_node(net, name, x, starts, ends, axes, steps=None):
    ins = [x, net.const(name + "_starts", np.array(starts, np.int64)), net.const(name + "_ends", np.array(ends, np.int64)),
           net.const(name + "_axes", np.array(axes, np.int64))]
    if steps is not None:
        ins.append(net.const(name + "_steps", np.array(steps, np.int64)))
    v = net.v[x]
    index = [slice(None)] * v.ndim
    for i, a in enumerate(axes):
        index[a] = onnx_slice_ranges(v.shape[a], starts[i], ends[i], 1 if steps is None else steps[i])
    y = net.node("Slice", ins, name, v[tuple(index)])
    if x in net.scale:
        net.scale[y] = net.scale[x]  # a slice copies values: they stay on the input's grid
    return y


def split_node(net, name, x, axis, sizes=None, parts=2):
    ins = [x] + ([net.const(name + "_sizes", np.array(sizes, np.int64))] if sizes is not None else [])
    v = net.v[x]
    sizes = sizes or [v.shape[axis] // parts] * parts
    outs = [f"{name}_{i}" for i in range(len(sizes))]
    net.nodes.append(helper.make_node("Split", ins, outs, name=name, axis=axis))
    bounds = np.cumsum([0] + sizes)
    for i, o in enumerate(outs):
        net.v[o] = np.take(v, np.arange(bounds[i], bounds[i + 1]), axis=axis)
        if x in net.scale:
            net.scale[o] = net.scale[x]
    return outs


def slice_cnn1d(seed, quantized):
    net, x, h = cnn.start(seed, [3, 8], quantized)
    c = net.qdq(net.conv("conv1", h, 8, [3], pads=[1, 1]), "act1")
    head = net.qdq(net.relu(slice_node(net, "head", c, [0], [5], [1])), "act_head", signed=False)
    tail = slice_node(net, "tail", c, [-3], [INT64_MAX], [1])
    lo, hi = split_node(net, "split_ch", c, 1, sizes=[3, 5])
    s = net.qdq(net.add("sum", head, hi), "act_sum")
    cat = net.qdq(net.concat("cat", [s, tail, lo], axis=1), "act_cat")
    first, second = split_node(net, "split_len", cat, 2, parts=2)
    rev = slice_node(net, "rev", cat, [-1], [-100], [2], steps=[-2])
    mix = net.qdq(net.add("mix", first, rev), "act_mix")
    both = net.qdq(net.concat("cat2", [mix, second], axis=1), "act_cat2")
    y = net.qdq(net.gemm("fc", net.flatten("flat", both), 5), "out")
    return net.model("qdq_slice_cnn1d" if quantized else "slice_cnn1d", "x", [3, 8], y), x


def qdq_at(net, x, name, scale):
    """QuantizeLinear/DequantizeLinear (int8) at a given power-of-two scale (operands that must share one)."""
    net.const(name + "_scale", np.float32(scale))
    net.const(name + "_zp", np.zeros((), np.int8))
    q = net.node("QuantizeLinear", [x, name + "_scale", name + "_zp"], name + "_q", None)
    y = net.node("DequantizeLinear", [q, name + "_scale", name + "_zp"], name,
                 np.clip(np.round(net.v[x] / scale), -128, 127) * scale)
    net.scale[y] = scale
    return y


def same_scale_concat(net, name, parts):
    """Concat of operands QDQ'd at one common scale (the coarsest one that fits them all): no requantisation."""
    s = max(cnn.pow2_scale_for(net.v[p], 127) for p in parts)
    qs = [qdq_at(net, p, f"act_{p}", s) for p in parts]
    y = net.concat(name, qs, axis=1)
    net.scale[y] = s
    return y


def view_cnn1d(seed):
    net, x, h = cnn.start(seed, [3, 16], True)
    a1 = net.qdq(net.relu(net.conv("conv1", h, 8, [3], pads=[1, 1])), "act1", signed=False)
    lo, hi = split_node(net, "split", a1, 1, sizes=[3, 5])
    cat = same_scale_concat(net, "cat", [net.conv("conv_a", lo, 4, [3], pads=[1, 1]), net.conv("conv_b", hi, 4, [1])])
    mid = slice_node(net, "mid", cat, [2], [8], [1])
    c = net.qdq(net.relu(net.conv("conv_c", mid, 4, [3], pads=[1, 1])), "act_c", signed=False)
    head = slice_node(net, "head", a1, [0], [4], [1])
    r = net.qdq(net.add("residual", c, head), "act_r")
    y = net.qdq(net.gemm("fc", net.flatten("flat", r), 5), "out")
    return net.model("qdq_view_cnn1d", "x", [3, 16], y), x


def concat_cnn1d(seed):
    net, x, h = cnn.start(seed, [3, 16], True)
    a1 = net.qdq(net.relu(net.conv("conv1", h, 8, [3], pads=[1, 1])), "act1", signed=False)
    cat = same_scale_concat(net, "cat", [net.conv("conv_a", a1, 4, [3], pads=[1, 1]), net.conv("conv_b", a1, 4, [1])])
    c = net.qdq(net.conv("conv_c", cat, 4, [3], pads=[1, 1]), "act_c")
    y = net.qdq(net.gemm("fc", net.flatten("flat", c), 5), "out")
    return net.model("qdq_concat_cnn1d", "x", [3, 16], y), x


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    out = os.path.join(ap.parse_args().out, "cnn")
    os.makedirs(out, exist_ok=True)
    models = {"slice_cnn1d": slice_cnn1d(520, False), "qdq_slice_cnn1d": slice_cnn1d(521, True),
              "qdq_view_cnn1d": view_cnn1d(522), "qdq_concat_cnn1d": concat_cnn1d(523)}
    for name, (m, x) in models.items():
        onnx.save(m, os.path.join(out, name + ".onnx"))
        np.save(os.path.join(out, name + "_x.npy"), x)


if __name__ == "__main__":
    main()
