// Timing of the performance model's components: kernels (from kernel_cost), DMA transfers, PLIO ports
// and stream routes. Pure functions of the Design, the Device and the PerfParams.
//
// Reads: a Design's layers, ports and coordinates; the Device (AIE clock, DMA bytes per cycle per
//   channel, PLIO width and PL clock); PerfParams. Writes: cycle counts. Checks: kernel descriptions are
//   legal (kernel_cost throws InputError otherwise) and type pairs known.
#pragma once
#include <cstdint>

#include "design/design.h"
#include "device/device.h"
#include "sim/conv_cost.h"
#include "sim/kernel_cost.h"
#include "sim/perf_params.h"

namespace aie4ml::perf {

// The kernel_cost description of one kernel instance of a layer.
DenseKernelDesc kernel_desc(const LayerDesign& layer, const KernelInstance& kernel);
// `batch` (samples per invocation) is needed for conv layers only: their kernels add the im2col gather and
// the output repack (conv_cost.h) to the GEMM's cycles, as call overhead.
DenseKernelCost kernel_timing(const LayerDesign& layer, const KernelInstance& kernel, const PerfParams& p,
                              int64_t batch = 0);
// The conv_cost of a conv layer's kernel (throws InputError for other layers or batch < 1).
ConvKernelCost conv_kernel_timing(const LayerDesign& layer, const KernelInstance& kernel, const PerfParams& p,
                                  int64_t batch);
// The conv_cost description of a conv layer's kernel (the im2col kernel's; conv_kernel_cycles adapts it).
ConvKernelDesc conv_kernel_timing_desc(const LayerDesign& layer, const KernelInstance& kernel, int64_t batch);
// Cycles per invocation of a conv layer's kernel in the variant it runs: conv_cost.h for "conv_single"
// (im2col), conv_direct_cost.h for "conv_direct", conv_memtile_cost.h for "conv_memtile_im2col".
int64_t conv_kernel_cycles(const LayerDesign& layer, const KernelInstance& kernel, const PerfParams& p, int64_t batch);

// Bytes one shared-buffer port moves per batch (its tiling walk).
int64_t port_bytes(const SharedBufferPort& port, int element_bytes);
// Contiguous runs in the memory-tile buffer that the port's walk visits per batch (a tile narrower than
// the buffer row is one run per tile row; a tile as wide as the buffer is contiguous).
int64_t port_runs(const SharedBufferPort& port);
// Cycles a memory-tile DMA channel spends on one port per batch: bytes at `bytes_per_cycle` plus the
// per-run address-generation overhead.
double port_transfer_cycles(const SharedBufferPort& port, int element_bytes, double bytes_per_cycle,
                            const PerfParams& p);

// Streaming rates in bytes per AIE cycle.
double dma_bytes_per_cycle(const Device& d);                         // memory-tile channel
double tile_dma_bytes_per_cycle(const Device& d);                    // compute-tile channel
double plio_bytes_per_cycle(const PlioPort& port, const Device& d);  // PLIO, capped by the stream it feeds

// Stream latency from one tile to another over the switch network, in cycles. Locations are on the
// unified grid of the device: shim row, memory-tile rows, compute rows.
struct GridPoint {
  int col = 0, row = 0;
};
GridPoint shim_point(int col);
GridPoint memtile_point(TileCoord memtile);
GridPoint compute_point(TileCoord tile, const Device& d);
double route_cycles(GridPoint from, GridPoint to, const PerfParams& p);

}  // namespace aie4ml::perf
