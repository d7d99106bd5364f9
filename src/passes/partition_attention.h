// The attention ops among the tensor-op layers (partition_tensor_ops.h): MatMul of two activations,
// Softmax over the rows of a mid-graph tensor and LayerNorm, with the ops their kernels absorb.
//
// Reads: the quantised Model, one such op and the names of the ops after it that the tensor-op region
//   fused into its layer (TensorOpRegion::epilogue), in order.
// Writes: nothing; returns what the kernel needs: the tensors it reads, its geometry, the tensors whose
//   types it casts into and the fused scale.
// Checks (InputError naming the op): the patterns the kernels implement, nothing else:
//   MatMul scores:  Q [N,T,H*Dh] -> Reshape [N,T,H,Dh] -> Transpose (0,2,1,3), times
//                   K [N,T,H*Dh] -> Reshape [N,T,H,Dh] -> Transpose (0,2,3,1) (K^T), into [N,H,T,T];
//                   then optionally Quantize, and optionally a Mul by a scalar constant with its Quantize
//                   (the 1/sqrt(Dh) scale; kernels/matmul_act.h fused scale).
//   MatMul context: P [N,H,T,T] (an array tensor), times V [N,T,H*Dh] -> Reshape -> Transpose (0,2,1,3),
//                   into [N,H,T,Dh]; then optionally Quantize, then Transpose (0,2,1,3) and Reshape
//                   [N,T,H*Dh] (the heads merged: the kernel writes that layout).
//   A MatMul's exact product (and the scaled product) is rounded once: an intermediate tensor before a
//   Quantize must hold the exact value (frac = the sum of the operands' fracs, wide enough).
//   Softmax: over the last axis of a tensor of rank >= 3 (rows of a sample; a final [batch, features]
//   Softmax stays the last Dense layer's epilogue or a host op). LayerNorm: over the last axis, gamma /
//   beta constant or absent. Both: then optionally Quantize ops (applied after the kernel, in place).
//   Every tensor 8 or 16 bits, fixed point.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ir/model.h"

namespace aie4ml {

// The Reshape / Transpose ops in front of a MatMul of two activations, which its kernel reads through
// (op names), for the tensor-op region.
std::vector<std::string> head_view_ops(const Model& model, const Op& matmul);

// Softmax over the rows of a tensor of rank >= 3 (the attention weights): a tensor-op layer. Other
// Softmax ops are left to the output-activation and host paths.
bool is_row_softmax(const Model& model, const Op& op);

struct AttentionLayer {
  std::vector<std::string> inputs;   // the tensors the kernel reads (MatMul: before the head-split views)
  std::vector<int64_t> geometry;     // LayerDesign::tensor_op (design/tensor_op_layout.h)
  int64_t rows_per_sample = 1;       // MatMul: the token rows per sample of its tensors (T)
  // MatMul: the GEMM result is cast into the type of `cast`; with a fused scale, times the code of the
  // scalar constant `scale` and cast into the type of `scaled`.
  std::string cast, scale, scaled;
  // Softmax / LayerNorm: the op's own output, then each Quantize op of `requants` in order (in place).
  std::vector<std::string> requants;
};

AttentionLayer attention_layer(const Model& model, const Op& op, const std::vector<std::string>& epilogue);

}  // namespace aie4ml
