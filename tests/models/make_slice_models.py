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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    out = os.path.join(ap.parse_args().out, "cnn")
    os.makedirs(out, exist_ok=True)
    for name, (m, x) in {"slice_cnn1d": slice_cnn1d(520, False), "qdq_slice_cnn1d": slice_cnn1d(521, True)}.items():
        onnx.save(m, os.path.join(out, name + ".onnx"))
        np.save(os.path.join(out, name + "_x.npy"), x)


if __name__ == "__main__":
    main()
