// Analytic cost of one invocation of the memory-tile im2col conv kernel (kernels/conv_memtile.h): the dense
// kernel's mmul schedule over the patch matrix the memory tile streams in (K = taps x channels padded to
// tile_k), its A tiles built from patch rows (TM 128-bit loads per row tile and K block pair, split by two
// shuffles; one load per row tile when K is one block), then conv.h's repack (and fused MaxPool). The
// DMA stream of the patch matrix is not the kernel's: the performance model charges it on the memory-tile
// reader port (its tiling parameters move taps x more bytes than the input). docs/performance-model.md
// ("Memory-tile im2col conv kernel") states the assumptions.
// Reads: ConvKernelDesc (conv_cost.h) and the geometry (conv_direct_cost.h ConvGeometry). Writes: counts
//   and cycles. Checks: the geometry is legal and the kernel takes the tiling.
#pragma once
#include <cstdint>

#include "sim/conv_direct_cost.h"

namespace aie4ml {

struct ConvMemtileKernelCost {
  int64_t chunks = 1, rows_padded = 0;     // as ConvKernelCost
  int64_t k = 0, k_blocks = 0;             // GEMM K (taps x CIp) and its tile_k blocks
  bool paired = false, aligned_rows = false;  // kernels/conv_memtile.h conv_memtile_config
  int64_t a_loads = 0;                     // 128-bit (or A-tile) loads of patch rows, aligned-load units
  int64_t shuffles = 0;                    // filter_even / filter_odd (emulator counter shuffles)
  int64_t lane_inserts = 0;                // partial single-block tiles set lane by lane
  int64_t vector_loads = 0;                // the whole kernel (B, bias, A), as the emulator counts
  int64_t repack_elements = 0, repack_cycles = 0, pool_compares = 0, pool_cycles = 0;
  DenseKernelCost gemm;                    // the dense schedule of one chunk (its A loads replaced)
  int64_t load_penalty = 0;                // cycles per K iteration the A loads add to the mmul issue rate
  int64_t useful_macs = 0;
  int64_t cycles = 0;                      // chunks x (gemm + penalty) + lane inserts + repack + pool
  double efficiency = 0;
};

// `d` as for conv_direct_kernel_cost; InputError when the geometry disagrees or the kernel does not take
// the tiling (tile_k x element bytes 8 or 16, tile_m 2 or 4).
ConvMemtileKernelCost conv_memtile_kernel_cost(const ConvKernelDesc& d, const ConvGeometry& g, const CoreTiming& t = {});

}  // namespace aie4ml
