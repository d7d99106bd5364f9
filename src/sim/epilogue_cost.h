// Cycles of the output-activation epilogues (kernels/softmax.h, kernels/activation_table.h) that a
// layer's output kernel runs after its matrix product, for the performance model.
// Reads: a LayerDesign (activation, batch_padded, n_slice, out_features). Writes: nothing.
// The epilogues are scalar loops; the per-element figures below are estimates from their operation
// counts (loads, compares, two table loads and a 64-bit product for the exp value, a 64-bit multiply and
// the remainder correction per Softmax element; one software 64-bit division per Softmax row), not
// calibrated against hardware. Memory: the Softmax's exp tables are at most 4268 bytes
// (codegen::SoftmaxKernelTable::kMaxEntries uint32 values), a constant array of the output kernel.
#pragma once
#include <cstdint>

#include "design/design.h"

namespace aie4ml::perf {

struct EpilogueCycleParams {
  double softmax_element = 30;   // max pass, index + two table loads, 64-bit product, rounding + sum,
                                 // quotient + correction + rounding + store
  double softmax_row = 120;      // the reciprocal: one software 64-bit division, loop overheads
  double table_element = 6;      // index rounding, table load, store (also LeakyReLU / Clip: compares,
                                 // a multiply, the rounding shift and saturation)
  double padding_element = 1;    // zero store per padding column
};

// Epilogue cycles per invocation of an output-writing kernel of `l` (0 for linear / relu layers).
int64_t epilogue_cycles(const LayerDesign& l, const EpilogueCycleParams& p = {});

}  // namespace aie4ml::perf
