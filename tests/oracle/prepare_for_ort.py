#!/usr/bin/python3
"""Rewrite an ONNX model so that ONNX Runtime can run it, keeping what it computes.

Usage: prepare_for_ort.py IN.onnx OUT.onnx

The frontend tests compare aie4ml's imported model with ONNX Runtime. Some real files cannot be run by
ONNX Runtime as they are; this script makes the minimal, semantics-preserving changes, written from the
ONNX and QONNX operator definitions (not from aie4ml's code):
  1. Dimension 0 of every graph input (initializers excepted) and output becomes symbolic, so files that bake the export batch
     size (e.g. 789444) run on any batch. Stale value_info is dropped.
  2. tf2onnx's Transpose -> BatchNormalization -> Transpose around a 2-D tensor: ONNX Runtime rejects it
     (the transposed tensor's channel axis is the batch). The two Transposes become Unsqueeze / Squeeze
     on a trailing unit axis, so BatchNormalization normalises the features, as the Keras layer does.
  3. QONNX Quant, BipolarQuant and Trunc are expanded into standard ops (opset raised to 11 when lower,
     for Round):  Quant: y = s * (clip(round(x / s + z), lo, hi) - z);  BipolarQuant: y = x >= 0 ? s : -s;
     Trunc: y = s*2^k * (clip(rnd(round(x / s + z) / 2^k), lo, hi) - z / 2^k), k = in_bits - out_bits.
"""
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

QONNX_DOMAINS = {"onnx.brevitas", "finn.custom_op.general", "qonnx.custom_op.general"}


class Builder:
    def __init__(self, graph):
        self.graph = graph
        self.count = 0

    def name(self, base):
        self.count += 1
        return f"__ort_{base}_{self.count}"

    def const(self, value, dtype=np.float32):
        n = self.name("c")
        self.graph.initializer.append(numpy_helper.from_array(np.array(value, dtype=dtype), n))
        return n

    def node(self, op, inputs, output=None, **attrs):
        out = output or self.name(op.lower())
        return helper.make_node(op, inputs, [out], name=self.name(op), **attrs), out


def initializer_value(graph, name):
    for t in graph.initializer:
        if t.name == name:
            return numpy_helper.to_array(t)
    for n in graph.node:
        if n.op_type == "Constant" and n.output[0] == name:
            return numpy_helper.to_array(n.attribute[0].t)
    raise ValueError(f"{name} is not a constant")


def int_bounds(signed, narrow, bits):
    if signed:
        return -(2 ** (bits - 1)) + (1 if narrow else 0), 2 ** (bits - 1) - 1
    return 0, 2 ** bits - 1 - (1 if narrow else 0)


def rounding_op(mode):
    return {"ROUND": "Round", "FLOOR": "Floor", "CEIL": "Ceil"}[mode.upper()]


def attr(node, key, default):
    for a in node.attribute:
        if a.name == key:
            v = helper.get_attribute_value(a)
            return v.decode() if isinstance(v, bytes) else v
    return default


def expand_quant(b, g, n):
    x, s, z, bw = n.input[:4]
    bits = int(initializer_value(g, bw))
    lo, hi = int_bounds(attr(n, "signed", 1), attr(n, "narrow", 0), bits)
    nodes = []
    for op, ins in (("Div", [x, s]), ("Add", [None, z]), (rounding_op(attr(n, "rounding_mode", "ROUND")), [None]),
                    ("Clip", [None, b.const(lo), b.const(hi)]), ("Sub", [None, z]), ("Mul", [None, s])):
        ins = [nodes[-1].output[0] if i is None else i for i in ins]
        node, _ = b.node(op, ins, n.output[0] if op == "Mul" else None)
        nodes.append(node)
    return nodes


def expand_bipolar(b, g, n):
    x, s = n.input[:2]
    less, lt = b.node("Less", [x, b.const(0.0)])
    neg, ns = b.node("Neg", [s])
    where, _ = b.node("Where", [lt, ns, s], n.output[0])
    return [less, neg, where]


def expand_trunc(b, g, n):
    x, s, z, in_bw = n.input[:4]
    in_bits = int(initializer_value(g, in_bw))
    out_bits = int(initializer_value(g, n.input[-1]))
    k = 2.0 ** (in_bits - out_bits)
    if len(n.input) != 5:
        raise ValueError("only 5-input Trunc is expanded")
    lo, hi = int_bounds(attr(n, "signed", 1), attr(n, "narrow", 0), out_bits)
    zk = float(initializer_value(g, z)) / k
    out_scale = float(initializer_value(g, s)) * k
    nodes = []
    steps = (("Div", [x, s]), ("Add", [None, z]), ("Round", [None]), ("Div", [None, b.const(k)]),
             (rounding_op(attr(n, "rounding_mode", "FLOOR")), [None]), ("Clip", [None, b.const(lo), b.const(hi)]),
             ("Sub", [None, b.const(zk)]), ("Mul", [None, b.const(out_scale)]))
    for i, (op, ins) in enumerate(steps):
        ins = [nodes[-1].output[0] if v is None else v for v in ins]
        node, _ = b.node(op, ins, n.output[0] if i == len(steps) - 1 else None)
        nodes.append(node)
    return nodes


def default_opset(m):
    for o in m.opset_import:
        if o.domain in ("", "ai.onnx"):
            return o
    raise ValueError("no default opset")


def fix_transposed_batchnorm(b, g, opset):
    producers = {o: n for n in g.node for o in n.output}
    consumers = {}
    for n in g.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    replace = {}
    for n in g.node:
        if n.op_type != "BatchNormalization":
            continue
        before = producers.get(n.input[0])
        after = consumers.get(n.output[0], [])
        if not before or before.op_type != "Transpose" or len(after) != 1 or after[0].op_type != "Transpose":
            continue
        for t, op in ((before, "Unsqueeze"), (after[0], "Squeeze")):
            if opset >= 13:
                node, _ = b.node(op, [t.input[0], b.const([2], np.int64)], t.output[0])
            else:
                node, _ = b.node(op, [t.input[0]], t.output[0], axes=[2])
            replace[id(t)] = node
    return [replace.get(id(n), n) for n in g.node]


def main():
    src, dst = sys.argv[1:3]
    m = onnx.load(src)
    g = m.graph
    b = Builder(g)
    opset = default_opset(m)
    initialized = {t.name for t in g.initializer}
    for v in [i for i in g.input if i.name not in initialized] + list(g.output):
        dims = v.type.tensor_type.shape.dim
        if len(dims) > 0:
            dims[0].Clear()
            dims[0].dim_param = "N"
    del g.value_info[:]
    nodes = fix_transposed_batchnorm(b, g, opset.version)
    if any(n.domain in QONNX_DOMAINS for n in nodes):
        if opset.version < 11:
            opset.version = 11
        expanded = []
        for n in nodes:
            if n.domain in QONNX_DOMAINS:
                fn = {"Quant": expand_quant, "BipolarQuant": expand_bipolar, "Trunc": expand_trunc}[n.op_type]
                expanded.extend(fn(b, g, n))
            else:
                expanded.append(n)
        nodes = expanded
        keep = [o for o in m.opset_import if o.domain not in QONNX_DOMAINS]
        del m.opset_import[:]
        m.opset_import.extend(keep)
    del g.node[:]
    g.node.extend(nodes)
    onnx.save(m, dst)


if __name__ == "__main__":
    main()
