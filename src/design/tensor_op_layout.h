// Sizes of a tensor-op layer of the Design (LayerDesign::tensor_op set: op Add, Concat, MaxPool,
// AveragePool, GlobalAveragePool), shared by partition, transport, buffer allocation, check_design,
// codegen and the performance model so that they agree.
//
// A tensor-op layer is one kernels/tensor_ops.h kernel on one tile. It reads every input tensor whole (the
// batch of channels-last rows, as conv layers write them) from a memory-tile shared buffer and writes its
// output whole (batch x out_features elements, channels-last) to one. Geometry (LayerDesign::tensor_op):
//   Add     [C, positions]                      (elements = C x positions; positions 1 for [N, F] tensors)
//   Concat  [positions, C0, C1, ...]           (axis 1: channels; per position the inputs' channels in order)
//   pools   [C, IH, IW, KH, KW, SH, SW, PH, PW, OH, OW, count_include_pad]
// Reads/writes nothing; pure functions of a LayerDesign.
#pragma once
#include <cstdint>
#include <numeric>
#include <string>

#include "design/design.h"

namespace aie4ml::tensor_op_layout {

enum PoolGeometry { C, IH, IW, KH, KW, SH, SW, PH, PW, OH, OW, INCLUDE_PAD, kPoolGeometrySize };

inline bool is_pool(const LayerDesign& l) {
  return l.op == "MaxPool" || l.op == "AveragePool" || l.op == "GlobalAveragePool";
}

// Per-sample elements of input `i` of the layer.
inline int64_t input_elements(const LayerDesign& l, size_t i) {
  if (l.op == "Concat") return l.tensor_op.at(0) * l.tensor_op.at(i + 1);
  return l.in_features;
}

// Channels of the output (the channels-last row width per position) and positions per sample.
inline int64_t out_channels(const LayerDesign& l) {
  if (l.op == "Add") return l.tensor_op.at(0);
  if (l.op == "Concat") return std::accumulate(l.tensor_op.begin() + 1, l.tensor_op.end(), int64_t{0});
  return l.tensor_op.at(C);
}
inline int64_t out_positions(const LayerDesign& l) { return l.out_features / out_channels(l); }

// Window taps per output element (1 for Add / Concat).
inline int64_t taps(const LayerDesign& l) { return is_pool(l) ? l.tensor_op.at(KH) * l.tensor_op.at(KW) : 1; }

// Estimated cycles of one kernel call for a batch (docs/performance-model.md "Tensor-op layers"): the
// kernels are scalar loops; per output element 2 cycles per input code read (load, add / compare) and 4
// for the cast and the fused epilogue (shift, round, saturate, store), plus 40 cycles of call overhead.
inline int64_t reads_per_output(const LayerDesign& l) {
  if (l.op == "Add") return 2;
  if (l.op == "Concat") return 1;
  return taps(l);
}
inline int64_t kernel_cycles(const LayerDesign& l, int64_t batch) {
  return 40 + batch * l.out_features * (2 * reads_per_output(l) + 4);
}

// One copy of the buffer of input i / of the output (the whole batch).
inline int64_t input_bytes(const LayerDesign& l, size_t i, int64_t batch) { return batch * input_elements(l, i) * l.input_bytes; }
inline int64_t output_bytes(const LayerDesign& l, int64_t batch) { return batch * l.out_features * l.output_bytes; }

// Role of input i's buffer in the kernel's data memory: "input", "input1", "input2", ...
inline std::string input_role(size_t i) { return i == 0 ? "input" : "input" + std::to_string(i); }

}  // namespace aie4ml::tensor_op_layout
