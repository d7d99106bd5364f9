// Sizes of a tensor-op layer of the Design (LayerDesign::tensor_op set: op Add, Concat, MaxPool,
// AveragePool, GlobalAveragePool, MatMul, Softmax, LayerNorm), shared by partition, transport, buffer
// allocation, check_design, codegen and the performance model so that they agree.
//
// A tensor-op layer is one kernel on one tile (kernels/tensor_ops.h; MatMul kernels/matmul_act.h, Softmax
// kernels/softmax_rows.h, LayerNorm kernels/layernorm.h). It reads every input tensor whole from a
// memory-tile shared buffer and writes its output whole (batch x out_features elements) to one: the batch
// of channels-last rows as conv layers write them, or, for tensors in the model's own row-major layout
// (Dense outputs, graph inputs, token tensors), that layout. Geometry (LayerDesign::tensor_op):
//   Add       [C, positions]                    (elements = C x positions; [elements, 1] for row-major tensors)
//   Concat    [positions, C0, C1, ...]         (axis 1: channels; per position the inputs' channels in order)
//   pools     [C, IH, IW, KH, KW, SH, SW, PH, PW, OH, OW, count_include_pad]
//   MatMul    [form, T, H, Dh, scaled]         attention with H heads of Dh over T tokens, all heads in the one
//             kernel. form 0, scores: inputs Q, K [T, H Dh] (the Dense outputs before the head-split views)
//             -> [H, T, T] (Q x K^T per head; scaled 1: a scalar Mul fused); form 1, context: inputs
//             P [H, T, T], V [T, H Dh] -> [T, H Dh] (P x V per head, the head-merge views fused).
//             A head layer of parallel heads (LayerDesign::head, passes/split_heads.h) has H = 1: it reads
//             its head's channels of Q, K, V and of the weights through input views.
//   Softmax   [rows, cols]                     per sample: rows of cols codes, Softmax over each row
//   LayerNorm [rows, N]                        per sample: rows of N codes, normalised over each row
// Token tensors: a layer with rows_per_sample R > 1 moves each tensor as batch x R rows of
// (per-sample elements / R) (the rows of the token Dense layers on the same edges).
// Reads/writes nothing; pure functions of a LayerDesign.
#pragma once
#include <cstdint>
#include <numeric>
#include <optional>
#include <string>

#include "../../kernels/tensor_ops_plan.h"
#include "design/design.h"

namespace aie4ml::tensor_op_layout {

enum PoolGeometry { C, IH, IW, KH, KW, SH, SW, PH, PW, OH, OW, INCLUDE_PAD, kPoolGeometrySize };

inline bool is_pool(const LayerDesign& l) {
  return l.op == "MaxPool" || l.op == "AveragePool" || l.op == "GlobalAveragePool";
}

enum MatMulGeometry { MM_FORM, MM_T, MM_H, MM_DH, MM_SCALED };
enum MatMulForm { kScores = 0, kContext = 1 };

// Ops in the model's row-major layout (no channels-last reordering of their tensors).
inline bool is_attention(const LayerDesign& l) { return l.op == "MatMul" || l.op == "Softmax" || l.op == "LayerNorm"; }

// ReLU / LeakyReLU / Clip that could not be fused: elementwise, the Add's geometry [C, positions].
inline bool is_unary(const LayerDesign& l) { return l.op == "Relu" || l.op == "LeakyRelu" || l.op == "Clip"; }

// Per-sample elements of input `i` of the layer.
inline int64_t input_elements(const LayerDesign& l, size_t i) {
  if (l.op == "Concat") return l.tensor_op.at(0) * l.tensor_op.at(i + 1);
  if (l.op == "MatMul" && l.tensor_op.at(MM_FORM) == kContext)  // P [H, T, T], V [T, H Dh]
    return l.tensor_op.at(MM_H) * l.tensor_op.at(MM_T) * (i == 0 ? l.tensor_op.at(MM_T) : l.tensor_op.at(MM_DH));
  return l.in_features;
}

// Channels of the output (the channels-last row width per position) and positions per sample.
inline int64_t out_channels(const LayerDesign& l) {
  if (is_attention(l)) return l.out_features;  // row-major: one "position" of every element
  if (l.op == "Add" || is_unary(l)) return l.tensor_op.at(0);
  if (l.op == "Concat") return std::accumulate(l.tensor_op.begin() + 1, l.tensor_op.end(), int64_t{0});
  return l.tensor_op.at(C);
}
inline int64_t out_positions(const LayerDesign& l) { return l.out_features / out_channels(l); }

// Window taps per output element (1 for Add / Concat).
inline int64_t taps(const LayerDesign& l) { return is_pool(l) ? l.tensor_op.at(KH) * l.tensor_op.at(KW) : 1; }

// Estimated cycles of one kernel call for a batch (docs/performance-model.md "Tensor-op layers"): 40
// cycles of call overhead, then per output element of the scalar loops 2 cycles per input code read
// (load, add / compare) and 4 for the cast and the fused epilogue (shift, round, saturate, store); an Add
// or Concat input with a vectorised chain (tensor_vector) runs whole 32-lane vectors at the cycles of
// kernels/tensor_ops_plan.h tensor_vector_ops and only its last partial vector in the scalar loop.
inline int64_t reads_per_output(const LayerDesign& l) {
  if (l.op == "Add") return 2;
  if (l.op == "Concat" || is_unary(l)) return 1;
  return taps(l);
}
// MatMul, Softmax and LayerNorm (partition cost only; the performance model counts them with
// src/sim/attention_cost.h): per head a GEMM at 16 MACs per cycle plus 2 cycles per gathered or scattered
// element; Softmax 10 cycles per element; LayerNorm 20 per element and 300 per row (division, square root).
inline int64_t attention_cycles(const LayerDesign& l, int64_t batch) {
  const auto& g = l.tensor_op;
  if (l.op == "MatMul") {
    const int64_t m = g[MM_T], k = g[MM_FORM] == kScores ? g[MM_DH] : g[MM_T], n = g[MM_FORM] == kScores ? g[MM_T] : g[MM_DH];
    return 40 + batch * g[MM_H] * (m * k * n / 16 + 2 * (m * k + k * n + m * n));
  }
  if (l.op == "Softmax") return 40 + batch * l.out_features * 10;
  return 40 + batch * (l.out_features * 20 + g[0] * 300);
}
// The per-vector operations of the vectorised part of input i (Add: i = 0, both inputs), from
// LayerDesign::tensor_vector; nullopt: scalar loops.
inline std::optional<kernels::tensor_vector_ops> vector_ops(const LayerDesign& l, size_t i) {
  const auto& v = l.tensor_vector;
  if (v.size() < 2 + i + 1 || v[2 + i] == 0) return std::nullopt;
  const auto steps = static_cast<unsigned>(v[0]), relus = static_cast<unsigned>(v[1]);
  const auto in = static_cast<unsigned>(l.input_bytes), out = static_cast<unsigned>(l.output_bytes);
  if (l.op == "Add") return kernels::add_vector_ops(in, in, out, steps, relus);
  const auto& g = l.tensor_op;
  const int64_t offset = std::accumulate(g.begin() + 1, g.begin() + 1 + static_cast<std::ptrdiff_t>(i), int64_t{0});
  const auto store = kernels::concat_store_kind(static_cast<unsigned>(g.at(i + 1)), static_cast<unsigned>(offset),
                                                static_cast<unsigned>(out_channels(l)), out);
  return kernels::concat_vector_ops(in, out, store, steps, relus);
}

// Cycles of `elements` codes of one chain: whole vectors when vectorised, the rest scalar.
inline int64_t chain_cycles(const std::optional<kernels::tensor_vector_ops>& ops, int64_t elements, int64_t reads) {
  const int64_t vectors = ops ? elements / kernels::tensor_vector_lanes : 0;
  return vectors * (ops ? ops->cycles() : 0) +
         (elements - vectors * kernels::tensor_vector_lanes) * kernels::scalar_cycles_per_element(static_cast<unsigned>(reads));
}

inline int64_t kernel_cycles(const LayerDesign& l, int64_t batch) {
  if (is_attention(l)) return attention_cycles(l, batch);
  if (l.op == "Concat") {
    int64_t c = 40;
    for (size_t i = 0; i + 1 < l.tensor_op.size(); ++i) c += chain_cycles(vector_ops(l, i), batch * input_elements(l, i), 1);
    return c;
  }
  if (l.op == "Add") return 40 + chain_cycles(vector_ops(l, 0), batch * l.out_features, 2);
  return 40 + batch * l.out_features * kernels::scalar_cycles_per_element(static_cast<unsigned>(reads_per_output(l)));
}

// One copy of the buffer of input i / of the output (the whole batch).
inline int64_t input_bytes(const LayerDesign& l, size_t i, int64_t batch) { return batch * input_elements(l, i) * l.input_bytes; }
inline int64_t output_bytes(const LayerDesign& l, int64_t batch) { return batch * l.out_features * l.output_bytes; }

// Elements per row of a tensor of `per_sample` elements the layer moves as batch x rows_per_sample rows.
inline int64_t row_elements(const LayerDesign& l, int64_t per_sample) { return per_sample / l.rows_per_sample; }

// The aie::mmul shape of a MatMul layer's GEMMs (kernels/matmul_act.h): 4 x 8 x 4 for 8-bit, 4 x 4 x 4 for
// 16-bit operands.
inline int mmul_k(const LayerDesign& l) { return l.input_bytes == 1 ? 8 : 4; }

// Bytes of a MatMul kernel's per-head scratch on the stack (kernels/matmul_act.h scratch_bytes: the
// gathered operands, the C tiles, a zero bias and the scaled tiles), with the padding of the mmul shape.
inline int64_t matmul_scratch_bytes(const LayerDesign& l) {
  if (l.op != "MatMul") return 0;
  const auto& g = l.tensor_op;
  auto up = [](int64_t v, int64_t m) { return (v + m - 1) / m * m; };
  const int64_t tm = 4, tk = mmul_k(l), tn = 4;
  const int64_t m = up(g[MM_T], 2 * tm), k = up(g[MM_FORM] == kScores ? g[MM_DH] : g[MM_T], tk),
                n = up(g[MM_FORM] == kScores ? g[MM_T] : g[MM_DH], 2 * tn);
  const int64_t c_bytes = l.input_bytes;  // the cast type is the output container (8 or 16 bits)
  return m * k * l.input_bytes + k * n * l.input_bytes + m * n * c_bytes + n * tm * 4 + m * n * l.output_bytes;
}

// Constant data a kernel keeps in its tile's data memory: the Softmax exp tables (at most 1067 uint32
// entries, kernels/softmax.h; the bound, as the table's size depends on the input type) and LayerNorm's
// gamma and beta (N codes each, 16-bit at most).
inline int64_t constant_bytes(const LayerDesign& l) {
  if (l.op == "Softmax") return 1067 * 4;
  if (l.op == "LayerNorm") return 2 * l.tensor_op.at(1) * 2;
  return 0;
}

// Role of input i's buffer in the kernel's data memory: "input", "input1", "input2", ...
inline std::string input_role(size_t i) { return i == 0 ? "input" : "input" + std::to_string(i); }

}  // namespace aie4ml::tensor_op_layout
