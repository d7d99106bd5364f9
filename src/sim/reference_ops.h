// Bit-exact reference implementations of single quantised ops on integer codes. The reference
// interpreter executes the Model IR with these; the kernel tests compare the AIE kernels (built against
// emu/) with them. Plain loops on purpose: they are the oracle, not the fast path.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "ir/numeric_type.h"

namespace aie4ml {

struct DenseSpec {
  int batch = 1, in_features = 1, out_features = 1;
  FixedType input, weight, output;
  bool relu = false;
};

// y[b][n] = relu?( cast_output( sum_k x[b][k] * w[k][n] + bias[n] ) ), evaluated exactly. ReLU acts on
// the output codes, as the kernel does after shift-round-saturate (the same as before the cast for every
// rounding and saturating mode; with AP_WRAP only this order matches hls4ml and the hardware).
// x: batch x in_features codes in `input`; w: in_features x out_features codes in `weight` (row-major,
// x @ W orientation); bias: out_features codes at the accumulator scale (input.frac + weight.frac), or
// empty. The cast is requantize(acc, input.frac + weight.frac, output).
std::vector<int64_t> dense_codes(const DenseSpec& spec, std::span<const int64_t> x,
                                 std::span<const int64_t> w, std::span<const int64_t> bias);

}  // namespace aie4ml
