// Analytic cost of one invocation of the direct convolution kernel (kernels/conv_direct.h): the dense
// kernel's mmul schedule over K = taps x channels padded to tile_k, with every A tile either one unaligned
// vector load (two aligned loads) or built lane by lane in a register (no im2col buffer, no gather pass),
// then conv.h's repack (and fused MaxPool). docs/performance-model.md ("Direct convolution kernel")
// states the assumptions.
// Reads: a convolution kernel description (ConvKernelDesc of conv_cost.h plus the geometry the tile
//   classification needs). Writes: counts and cycles. Checks: the geometry is legal.
#pragma once
#include <cstdint>

#include "sim/conv_cost.h"

namespace aie4ml {

struct ConvGeometry {  // conv_layout's order: CI, IH, IW, KH, KW, SH, SW, DH, DW, PH, PW, OH, OW
  int64_t ci = 1, ih = 1, iw = 1, kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1, ph = 0, pw = 0, oh = 1, ow = 1;
};

struct ConvDirectKernelCost {
  int64_t chunks = 1, rows_padded = 0;     // as ConvKernelCost
  int64_t k = 0;                           // GEMM K: taps x channels padded to tile_k
  // A tiles per invocation (every chunk, every column pair): loaded as one vector / gathered lane by lane.
  int64_t vector_tiles = 0, gathered_tiles = 0;
  int64_t lane_inserts = 0;                // elements the gathered tiles set (emulator counter lane_inserts)
  int64_t gather_cycles = 0;
  int64_t vector_loads = 0, load_bits = 0; // the whole kernel (B, bias and the vector A tiles)
  int64_t repack_elements = 0, repack_cycles = 0, pool_compares = 0, pool_cycles = 0;  // as ConvKernelCost
  DenseKernelCost gemm;                    // the dense schedule of one chunk (its A loads replaced, see above)
  int64_t useful_macs = 0;
  int64_t cycles = 0;                      // chunks x (gemm + gather) + repack + pool
  double efficiency = 0;
};

// `d` as for conv_kernel_cost (single position, rows_output; k_begin / k_slice unused) and the layer's
// geometry (d.channels_in, d.out_positions and d.taps must agree with it). Throws InputError otherwise.
ConvDirectKernelCost conv_direct_kernel_cost(const ConvKernelDesc& d, const ConvGeometry& g, const CoreTiming& t = {});

}  // namespace aie4ml
