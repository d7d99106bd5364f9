#!/usr/bin/python3
"""One-block transformer encoders for the attention numerics oracles (tests/scripts/transformer_numerics.sh,
tests/numerics/transformer_test.cpp).

Writes DIR/transformer/<name>.onnx and DIR/transformer/<name>_x.npy (float32 inputs [1000, 8, 16]) for:
  encoder_float   input [N, 8 tokens, 16 features]; Q/K/V projections (MatMul + Add bias); 2 heads of 8
                  (Reshape [N,8,2,8] + Transpose; K transposed straight to [N,2,8,8] = K^T); Q x K^T (MatMul of
                  two activations); Mul by 1/sqrt(8); Softmax over the keys; attention x V; heads merged
                  (Transpose + Reshape); output projection; residual Add; LayerNormalization (opset 17, axis -1);
                  MLP 16 -> 32 (Relu) -> 16; residual Add; LayerNormalization.
  qdq8_encoder    the same with QuantizeLinear/DequantizeLinear (power-of-two scales, zero point 0) on every
                  activation, int8 weights at 2^-7, int32 biases at the accumulator scale, the 1/sqrt(8) scale
                  and LayerNorm's gamma / beta as DequantizeLinear'd int8 constants; uint8 after Softmax and Relu.
  qdq16_encoder   the same in 16 bits (int16 / uint16, opset 21; onnx 1.12 cannot check it).
  bad_ln_batch_axis, bad_ln_gamma_size  LayerNormalization nodes the importer refuses (no _x.npy).
  qdq8_token_mlp, qdq16_token_mlp  Dense layers over tokens only (tests/scripts/verify_tokens.sh): input [N, 8, 16],
                  MatMul + Add 16 -> 32, Relu (uint after it), MatMul + Add 32 -> 16, QDQ as in the encoders.
  qdq8_q_proj     the encoder's Q projection alone (MatMul + Add 16 -> 16 over the tokens), int8.
  qdq8_mlp_block, qdq16_mlp_block  the encoder's MLP half on the input: LayerNorm(x + fc2(Relu(fc1(x)))), QDQ as in
                  the encoders (tests/scripts/verify_tokens.sh: residual Add and LayerNorm on the array).
  qdq8_attention  the attention core without Softmax or LayerNorm, int8, where ONNX Runtime's float32 QDQ evaluation
                  is exact: projections, Q x K^T, scale, a standalone Clip, attention x V, heads merged, a standalone
                  LeakyRelu (alpha 1/8), output projection. The integer path must equal ONNX Runtime bit for bit.
Scales come from a numpy float run of the fake-quantised network (99.5th percentile, some values saturate); that
run only picks scales and is never an oracle. QDQ inputs contain exact rounding ties and far-out values.
Deterministic: fixed seeds.
Usage: make_transformer_models.py --out DIR
"""
import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SAMPLES = 1000
CALIBRATION = 200
TOKENS, FEATURES, HEADS = 8, 16, 2
HEAD_DIM = FEATURES // HEADS
HIDDEN = 32
EPS = 1e-5


def qrange(bits, signed):
    return (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if signed else (0, 2 ** bits - 1)


def np_dtype(bits, signed):
    return {(8, True): np.int8, (8, False): np.uint8, (16, True): np.int16, (16, False): np.uint16}[(bits, signed)]


def pow2_scale_for(values, qmax):
    p = float(np.percentile(np.abs(values), 99.5)) or 1.0
    return 2.0 ** np.ceil(np.log2(p / qmax))


def softmax(v):
    e = np.exp(v - v.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def layernorm(v, g, b):
    mean = v.mean(axis=-1, keepdims=True)
    var = ((v - mean) ** 2).mean(axis=-1, keepdims=True)
    return (v - mean) / np.sqrt(var + EPS) * g + b


class Net:
    """Adds ONNX nodes and evaluates them on calibration samples (`v`: the value of every tensor).
    bits = 0: float model; 8 or 16: QDQ model of that width."""

    def __init__(self, rng, bits):
        self.rng, self.bits = rng, bits
        self.nodes, self.inits, self.v = [], [], {}
        self.scale = {}  # QDQ: power-of-two scale of every quantised activation

    def const(self, name, array):
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def node(self, op, inputs, output, value, **attrs):
        self.nodes.append(helper.make_node(op, inputs, [output], name=output, **attrs))
        self.v[output] = value
        if op in ("Reshape", "Transpose") and inputs[0] in self.scale:  # values stay on the grid
            self.scale[output] = self.scale[inputs[0]]
        return output

    def qdq(self, x, name, signed=True, scale=None):
        if not self.bits:
            return x
        lo, hi = qrange(self.bits, signed)
        s = scale or pow2_scale_for(self.v[x], hi)
        self.const(name + "_scale", np.float32(s))
        self.const(name + "_zp", np.zeros((), np_dtype(self.bits, signed)))
        q = self.node("QuantizeLinear", [x, name + "_scale", name + "_zp"], name + "_q", None)
        y = self.node("DequantizeLinear", [q, name + "_scale", name + "_zp"], name,
                      np.clip(np.round(self.v[x] / s), lo, hi) * s)
        self.scale[y] = s
        return y

    def constant(self, name, values, scale):
        """A float constant, or its signed codes at `scale` behind a DequantizeLinear; returns (name, value)."""
        if not self.bits:
            return self.const(name, np.asarray(values, np.float32)), np.asarray(values, np.float64)
        lo, hi = qrange(self.bits, True)
        q = np.clip(np.round(np.asarray(values) / scale), lo, hi)
        dt = np_dtype(self.bits, True)
        self.const(name + "_q", q.astype(dt))
        self.const(name + "_s", np.float32(scale))
        self.const(name + "_z", np.zeros((), dt))
        return self.node("DequantizeLinear", [name + "_q", name + "_s", name + "_z"], name, None), q * scale

    def linear(self, name, x, n_out, act_scale):
        """MatMul with constant weights + Add bias (int32 at the accumulator scale in QDQ models)."""
        k = self.v[x].shape[-1]
        w = self.rng.normal(0, 1.0 / np.sqrt(k), (k, n_out))
        b = self.rng.normal(0, 0.1, n_out)
        w_scale = 2.0 ** -7 if self.bits == 8 else 2.0 ** -14
        wn, wv = self.constant(name + "_w", w, w_scale)
        if self.bits:
            acc = act_scale * w_scale
            bq = np.round(b / acc).astype(np.int32)
            self.const(name + "_bq", bq)
            self.const(name + "_bs", np.float32(acc))
            self.const(name + "_bz", np.zeros((), np.int32))
            bn = self.node("DequantizeLinear", [name + "_bq", name + "_bs", name + "_bz"], name + "_b", None)
            bv = bq * acc
        else:
            bn, bv = self.const(name + "_b", b.astype(np.float32)), b
        mm = self.node("MatMul", [x, wn], name, self.v[x] @ wv)
        return self.node("Add", [mm, bn], name + "_add", self.v[mm] + bv)

    def split_heads(self, name, x, perm):
        shape = self.const(name + "_shape", np.array([-1, TOKENS, HEADS, HEAD_DIM], np.int64))
        r = self.node("Reshape", [x, shape], name + "_split", self.v[x].reshape(-1, TOKENS, HEADS, HEAD_DIM))
        return self.node("Transpose", [r], name, self.v[r].transpose(perm), perm=perm)

    def merge_heads(self, name, x):
        t = self.node("Transpose", [x], name + "_t", self.v[x].transpose(0, 2, 1, 3), perm=[0, 2, 1, 3])
        shape = self.const(name + "_shape", np.array([-1, TOKENS, FEATURES], np.int64))
        return self.node("Reshape", [t, shape], name, self.v[t].reshape(-1, TOKENS, FEATURES))

    def matmul(self, name, a, b):
        return self.node("MatMul", [a, b], name, self.v[a] @ self.v[b])

    def add(self, name, a, b):
        return self.node("Add", [a, b], name, self.v[a] + self.v[b])

    def layernorm(self, name, x):
        g = self.rng.uniform(0.5, 1.5, FEATURES)
        b = self.rng.normal(0, 0.2, FEATURES)
        gn, gv = self.constant(name + "_gamma", g, 2.0 ** -6 if self.bits == 8 else 2.0 ** -14)
        bn, bv = self.constant(name + "_beta", b, 2.0 ** -7 if self.bits == 8 else 2.0 ** -14)
        return self.node("LayerNormalization", [x, gn, bn], name, layernorm(self.v[x], gv, bv), axis=-1, epsilon=EPS)

    def model(self, name, y, opset):
        self.nodes[-1].output[0] = "y"
        inp = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", TOKENS, FEATURES])
        out = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", *self.v[y].shape[1:]])
        graph = helper.make_graph(self.nodes, name, [inp], [out], self.inits)
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="aie4ml-tests")
        m.ir_version = 10 if opset >= 21 else 8
        if opset < 21:
            onnx.checker.check_model(m)
        return m


def make_inputs(rng, bits, scale):
    x = rng.normal(0, 1, (SAMPLES, TOKENS, FEATURES))
    if bits:
        lo, hi = qrange(bits, True)
        ties = rng.random(x.shape) < 0.15  # exact half steps: round half to even decides
        x[ties] = (rng.integers(lo, hi, ties.sum()) + 0.5) * scale
        far = rng.random(x.shape) < 0.01   # saturate the input quantiser
        x[far] = rng.choice([-1.0, 1.0], far.sum()) * scale * (hi + 1) * 4
    return x.astype(np.float32)


def start(seed, bits):
    rng = np.random.default_rng(seed)
    in_scale = 2.0 ** -5 if bits == 8 else 2.0 ** -12
    x = make_inputs(rng, bits, in_scale)
    net = Net(rng, bits)
    net.v["x"] = x[:CALIBRATION].astype(np.float64)
    return net, x, net.qdq("x", "x_dq", scale=in_scale), in_scale


def attention(net, h, h_scale, core_only):
    """Multi-head self-attention on h [N, T, D]; returns the output projection (before the residual)."""
    q = net.qdq(net.linear("q_proj", h, FEATURES, h_scale), "q")
    k = net.qdq(net.linear("k_proj", h, FEATURES, h_scale), "k")
    v = net.qdq(net.linear("v_proj", h, FEATURES, h_scale), "v")
    qh = net.split_heads("q_heads", q, [0, 2, 1, 3])   # [N, H, T, dh]
    kt = net.split_heads("k_heads_t", k, [0, 2, 3, 1])  # [N, H, dh, T] = K^T
    vh = net.split_heads("v_heads", v, [0, 2, 1, 3])
    scores = net.qdq(net.matmul("scores", qh, kt), "scores_q")
    c, cv = net.constant("inv_sqrt_dh", np.float64(1.0 / np.sqrt(HEAD_DIM)), 2.0 ** -7 if net.bits != 16 else 2.0 ** -15)
    scaled = net.qdq(net.node("Mul", [scores, c], "scaled", net.v[scores] * cv), "scaled_q")
    if core_only:
        lo, hi = -2.0, 1.75
        bounds = [net.const("clip_lo", np.float32(lo)), net.const("clip_hi", np.float32(hi))]
        probs = net.node("Clip", [scaled] + bounds, "clipped", np.clip(net.v[scaled], lo, hi))
    else:
        probs = net.qdq(net.node("Softmax", [scaled], "probs", softmax(net.v[scaled]), axis=-1), "probs_q",
                        signed=False, scale=2.0 ** -net.bits if net.bits else None)
    ctx = net.qdq(net.matmul("context", probs, vh), "context_q")
    merged = net.merge_heads("merged", ctx)
    if core_only:
        merged = net.qdq(net.node("LeakyRelu", [merged], "leaky", np.where(net.v[merged] > 0, net.v[merged],
                                                                             0.125 * net.v[merged]), alpha=0.125),
                         "leaky_q")
    m_scale = net.scale.get(merged)
    return net.qdq(net.linear("out_proj", merged, FEATURES, m_scale), "attn_out")


def encoder(seed, bits):
    net, x, h, in_scale = start(seed, bits)
    a = attention(net, h, in_scale, core_only=False)
    r1 = net.qdq(net.add("residual1", h, a), "residual1_q")
    ln1 = net.qdq(net.layernorm("ln1", r1), "ln1_q")
    ln1_scale = net.scale.get(ln1)
    f1 = net.qdq(net.node("Relu", [net.linear("fc1", ln1, HIDDEN, ln1_scale)], "fc1_relu",
                          np.maximum(net.v["fc1_add"], 0)), "fc1_q", signed=False)
    f1_scale = net.scale.get(f1)
    f2 = net.qdq(net.linear("fc2", f1, FEATURES, f1_scale), "fc2_q")
    r2 = net.qdq(net.add("residual2", ln1, f2), "residual2_q")
    y = net.qdq(net.layernorm("ln2", r2), "y_q")
    name = {0: "encoder_float", 8: "qdq8_encoder", 16: "qdq16_encoder"}[bits]
    return net.model(name, y, 21 if bits == 16 else 17), x


def token_mlp(seed, bits):
    """Per-token MLP [N, T, 16] -> 32 (Relu) -> 16: a chain of Dense layers over a token sequence."""
    net, x, h, in_scale = start(seed, bits)
    f1 = net.qdq(net.node("Relu", [net.linear("fc1", h, HIDDEN, in_scale)], "fc1_relu",
                          np.maximum(net.v["fc1_add"], 0)), "fc1_q", signed=False)
    y = net.qdq(net.linear("fc2", f1, FEATURES, net.scale.get(f1)), "y_q")
    return net.model("qdq%d_token_mlp" % bits, y, 21 if bits == 16 else 17), x


def mlp_block(seed, bits):
    """The encoder's MLP half on the input: LayerNorm(x + fc2(Relu(fc1(x)))): a residual Add of the graph input
    and a Dense output over tokens, and a LayerNorm writing the graph output."""
    net, x, h, in_scale = start(seed, bits)
    f1 = net.qdq(net.node("Relu", [net.linear("fc1", h, HIDDEN, in_scale)], "fc1_relu",
                          np.maximum(net.v["fc1_add"], 0)), "fc1_q", signed=False)
    f2 = net.qdq(net.linear("fc2", f1, FEATURES, net.scale.get(f1)), "fc2_q")
    r = net.qdq(net.add("residual", h, f2), "residual_q")
    y = net.qdq(net.layernorm("ln", r), "y_q")
    return net.model("qdq%d_mlp_block" % bits, y, 21 if bits == 16 else 17), x


def q_projection(seed):
    net, x, h, in_scale = start(seed, 8)
    y = net.qdq(net.linear("q_proj", h, FEATURES, in_scale), "q")
    return net.model("qdq8_q_proj", y, 17), x


def attention_core(seed):
    net, x, h, in_scale = start(seed, 8)
    y = attention(net, h, in_scale, core_only=True)
    return net.model("qdq8_attention", y, 17), x


def bad_layernorm(name, axis, gamma_size):
    """A LayerNormalization the importer must refuse, naming the node (batch axis, or a gamma of the wrong size)."""
    g = numpy_helper.from_array(np.ones(gamma_size, np.float32), "gamma")
    node = helper.make_node("LayerNormalization", ["x", "gamma"], ["y"], name="bad_ln", axis=axis)
    graph = helper.make_graph([node], name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", TOKENS, FEATURES])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", TOKENS, FEATURES])], [g])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="aie4ml-tests")
    m.ir_version = 8
    onnx.checker.check_model(m)
    return m


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    out = os.path.join(ap.parse_args().out, "transformer")
    os.makedirs(out, exist_ok=True)
    models = {"encoder_float": encoder(700, 0), "qdq8_encoder": encoder(701, 8), "qdq16_encoder": encoder(702, 16),
              "qdq8_attention": attention_core(703), "qdq8_token_mlp": token_mlp(704, 8),
              "qdq16_token_mlp": token_mlp(705, 16), "qdq8_q_proj": q_projection(706),
              "qdq8_mlp_block": mlp_block(707, 8), "qdq16_mlp_block": mlp_block(708, 16)}
    for name, (m, x) in models.items():
        onnx.save(m, os.path.join(out, name + ".onnx"))
        np.save(os.path.join(out, name + "_x.npy"), x)
    onnx.save(bad_layernorm("bad_ln_batch_axis", 0, TOKENS * FEATURES), os.path.join(out, "bad_ln_batch_axis.onnx"))
    onnx.save(bad_layernorm("bad_ln_gamma_size", -1, 7), os.path.join(out, "bad_ln_gamma_size.onnx"))


if __name__ == "__main__":
    main()
