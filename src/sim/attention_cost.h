// Analytic cost of one invocation of the attention kernels: kernels/matmul_act.h (one head of Q x K^T or
// attention x V), kernels/softmax_rows.h (row Softmax) and kernels/layernorm.h (integer LayerNorm).
// Reads: a kernel description. Writes: counts and cycles. Checks: the description is a legal kernel
// (InputError otherwise).
// Assumptions (estimates from the kernels' operation counts, not calibrated against hardware):
//  - MatMul: per sample, the scalar gathers of A and B into the dense layouts and the scatter of the
//    real M x N block cost one element per cycle plus a loop setup per innermost loop (as conv.h's
//    im2col in conv_cost.h); the GEMM is the dense kernel's schedule over the padded operands
//    (dense_kernel_cost, its call overhead charged once per invocation, not per sample); the fused
//    scale is one vector load, multiply, SRS and store per 16 lanes, pipelined at one vector per cycle
//    plus the MAC and SRS latencies once per sample.
//  - Softmax rows: the Softmax epilogue's per-element and per-row figures (perf::EpilogueCycleParams,
//    src/sim/epilogue_cost.h) plus the input copy at one 256-bit vector per cycle.
//  - LayerNorm: scalar code on the 32-bit scalar unit, 64-bit arithmetic as register pairs:
//    LayerNormCycleParams below (statistics pass per element, 31-32 restoring-division steps, 17
//    square-root steps, output pass per element: two 64-bit products, shift, add, rounding, overflow).
#pragma once
#include <cstdint>

#include "sim/kernel_cost.h"

namespace aie4ml {

struct MatMulActKernelDesc {
  KernelTypePair types = KernelTypePair::Int8xInt8;
  AccKind acc = AccKind::Acc32;
  int out_bits = 8;
  int tile_m = 4, tile_k = 8, tile_n = 4;
  int batch = 1;        // samples per invocation
  int m = 8, k = 8, n = 8;  // the real per-sample GEMM of this head
  bool scale = false;   // the fused scalar scale
};

struct MatMulActKernelCost {
  int64_t m_padded = 0, k_padded = 0, n_padded = 0;
  int64_t gather_elements = 0, gather_cycles = 0;    // A and B, all samples
  DenseKernelCost gemm;                              // one sample's GEMM (dense schedule)
  int64_t gemm_cycles = 0;                           // all samples, without the per-call overhead
  int64_t scale_vectors = 0, scale_cycles = 0;       // 16-lane vectors, all samples
  int64_t scatter_elements = 0, scatter_cycles = 0;  // all samples
  int64_t useful_macs = 0;                           // batch x m x k x n
  int64_t cycles = 0;
  double efficiency = 0;                             // useful MACs per cycle / peak
};

MatMulActKernelCost matmul_act_kernel_cost(const MatMulActKernelDesc& d, const CoreTiming& t = {});

struct SoftmaxRowsKernelDesc {
  int rows = 1, cols = 8;
  int elem_bits = 8;
};

struct SoftmaxRowsKernelCost {
  int64_t copy_vectors = 0, copy_cycles = 0;
  int64_t softmax_cycles = 0;
  int64_t cycles = 0;
};

SoftmaxRowsKernelCost softmax_rows_kernel_cost(const SoftmaxRowsKernelDesc& d, const CoreTiming& t = {});

struct LayerNormCycleParams {
  double stats_element = 3;     // load, 32-bit square, two 64-bit adds
  double division_step = 6;     // 64-bit shift, compare, subtract, quotient shift/or
  int division_steps = 32;      // at most (kernels/layernorm.h ln_recip_square)
  double sqrt_step = 5;         // 34-bit square of the candidate, compare, select
  int sqrt_steps = 17;
  double output_element = 16;   // c (32-bit), c * r and * gamma (64-bit), beta shift, add, round, clamp, store
  double row_overhead = 24;     // bit length of V (six halving steps), R, frac and shifts, V = max(., 1)
};

struct LayerNormKernelDesc {
  int rows = 1, n = 16;
};

struct LayerNormKernelCost {
  int64_t per_row_cycles = 0;
  int64_t cycles = 0;
};

LayerNormKernelCost layernorm_kernel_cost(const LayerNormKernelDesc& d, const LayerNormCycleParams& p = {},
                                          const CoreTiming& t = {});

}  // namespace aie4ml
