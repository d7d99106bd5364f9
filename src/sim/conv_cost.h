// Analytic cost of one invocation of the convolution kernel (kernels/conv.h): its scalar im2col gather
// into the tile-local A buffer, then the dense kernel's mmul schedule over that buffer
// (dense_kernel_cost). docs/performance-model.md ("Convolution kernels") states the assumptions.
// Reads: a convolution kernel description. Writes: counts and cycles. Checks: the geometry is legal and
//   matches the GEMM slice it describes.
#pragma once
#include <cstdint>

#include "passes/conv_gemm.h"
#include "sim/kernel_cost.h"

namespace aie4ml {

struct ConvKernelDesc {
  KernelTypePair types = KernelTypePair::Int8xInt8;
  AccKind acc = AccKind::Acc32;
  int out_bits = 8;
  int tile_m = 4, tile_k = 8, tile_n = 8;
  int batch = 1;                       // samples per invocation
  int chunk = 0;                       // samples per chunk (kernels/conv.h Chunk, a divisor of batch); 0: batch
  int channels_in = 1, out_positions = 1;  // per sample: OH x OW output positions
  int taps = 1;                        // KH x KW
  int n = 16;                          // output channels of this kernel (a multiple of 2 * tile_n)
  int channels_out = 0;                // of them real (the rest pad N); 0: all n
  int shift = 0;
  bool relu = false;
  cascade_pos pos = cascade_pos::single;  // conv_single / conv_first / conv_middle / conv_last
  int k_begin = 0, k_slice = 0;        // this kernel's GEMM columns (a cascade splits the window); 0: all
  bool rows_output = false;            // conv_single_rows: repack the tiled result into channels-last rows
  // A MaxPool fused into the repack (conv_pool; needs rows_output): pooled positions per sample and the
  // window's taps PKH x PKW. 0 taps: no pool.
  int pool_positions = 0, pool_taps = 0;
};

struct ConvKernelCost {
  int64_t rows = 0;                       // GEMM rows: batch x output positions
  int64_t chunks = 1;                     // gather + GEMM (+ repack) rounds: batch / chunk
  int64_t rows_padded = 0;                // one chunk's rows (chunk x positions) padded to 2 * tile_m
  int64_t window = 0, window_padded = 0;  // GEMM K: taps x input channels; this kernel's columns (padded)
  int64_t im2col_elements = 0;            // A-buffer elements written (chunks x rows_padded x window_padded)
  int64_t im2col_cycles = 0;
  int64_t repack_elements = 0, repack_cycles = 0;  // conv_single_rows: real rows x real channels, scalar
                                                   // (with a pool: pooled rows x real channels)
  int64_t pool_compares = 0, pool_cycles = 0;      // a fused MaxPool: (taps - 1) compares per written element
  DenseKernelCost gemm;                   // the dense schedule over the A buffer (one chunk)
  int64_t useful_macs = 0;                // real rows x real columns of this kernel x real channels
  int64_t cycles = 0;                     // whole invocation: chunks x (im2col + gemm) (+ repack + pool)
  double efficiency = 0;                  // useful MACs per cycle / peak
};

// Throws InputError if the description is not a legal kernel.
ConvKernelCost conv_kernel_cost(const ConvKernelDesc& d, const CoreTiming& t = {});

// How a conv layer would be split over tiles: cas_length kernels along the window (cascade) x cas_num
// chains along the output channels, each tile holding its input (ping-pong), its im2col buffer, its
// weight slice (one memory bank), the bias and (last kernels) its output (ping-pong).
struct ConvTileLimits {
  int64_t data_memory_bytes = 65536;  // per tile (AM020)
  int64_t weight_bank_bytes = 16384;  // weights in one bank
  int64_t stack_bytes = 1024;         // assumed
  int max_cas_length = 8, max_cas_num = 8;
};

struct ConvLayerPlan {
  int cas_length = 1, cas_num = 1;
  int64_t k_slice = 0, n_slice = 0;   // GEMM columns per kernel, output channels per chain (padded)
  int64_t tile_bytes = 0;             // the fullest tile's data memory
  int64_t weight_bytes = 0;           // per kernel
  ConvKernelCost last;                // the chain's last (or single) kernel
  int64_t cycles = 0;                 // the slowest kernel's cycles per invocation (first or last): the
                                      // layer's interval when its kernels run as a pipeline
};

// The split with the fewest cycles per invocation that fits the limits (ties: fewer tiles). Throws
// InputError naming the layer when none fits.
ConvLayerPlan plan_conv_layer(const ConvGemm& g, const ConvKernelDesc& types_and_tiling, int input_bytes,
                              int weight_bytes, int output_bytes, const ConvTileLimits& limits = {},
                              const CoreTiming& t = {});

}  // namespace aie4ml
