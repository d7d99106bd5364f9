// Transport: how every activation tensor moves between layers, and in and out of the array.
//
// Reads: a placed Design (layers, kernel tiles), the Model (graph inputs/outputs, tensor types) and the
//   Device (DMA channels, memory-tile size and port limits, PLIO widths, clock and channels per column).
// Writes: Design::cascades (west -> east inside every chain), Design::direct_buffers,
//   Design::shared_buffers (memory-tile buffers with ADF write/read tiling parameters, DMA channels and
//   endpoints) and Design::plio, plus the compute-tile DMA channels each endpoint uses.
// Checks: that every edge finds a memory tile with capacity and free DMA channels, and PLIO a column with
//   free interface channels (InputError naming the tensor otherwise). The independent re-check of all
//   limits is check_design's job.
//
// Layouts (the contract with kernels/ and codegen, following the published design): a kernel's input
// buffer holds its K slice for the padded batch M as tile_m x tile_k blocks, block row (M) outer, block
// column (K) inner, each block row-major; its output buffer holds tile_m x tile_n blocks the same way.
// Shared buffers are [features, batch] (features fastest: batch-major rows). PLIO streams carry whole
// sample rows of the tensor's features, each row padded with zeros to whole PLIO words. A token tensor
// [batch, T, F] between Dense layers with rows_per_sample T travels as batch x T rows of F features (PLIO
// rows = batch x T); every layer on an edge must agree on its rows per sample (InputError otherwise).
//
// Rules:
// - A direct buffer joins a single producer kernel (cas_num 1) and a single consumer kernel (1 x 1) when
//   their layouts match (same padded width, tile_n == tile_k, same M, same element size) and nothing else
//   reads the tensor: "shared_memory" when the consumer's core reaches the producer's tile (east, north or
//   south neighbour per the device's access rules), else "dma" (tile DMA to tile DMA).
// - Otherwise a double-buffered memory-tile shared buffer: one writer port per producer chain (tiling
//   [tile_n, tile_m] walking its N slice), one reader port per consumer cascade position (tiling
//   [tile_k, tile_m] walking its K slice, boundary = the tensor's real features x real batch so padding
//   reads as zero), broadcast to every chain of that column. Tensors entering the array (graph inputs,
//   or outputs of host ops before the layers) and leaving it (graph outputs, or inputs of host ops after
//   the layers) are written/read by PLIO ports through such buffers.
// - Channel views (passes/channel_views.h; LayerDesign input_views / output_view): a layer reading a Slice's
//   output gets a reader port on the sliced tensor's buffer that reads its channels [b, e) of every row
//   (tiling [e - b, 1], offset [b, 0], traversal dimension 0 stride = row channels, wrap = positions, then
//   the samples); the producers of a Concat view each get a writer port on the Concat output's buffer that
//   writes their channels the same way. Such ports carry row_channels and a channel feature_range; a buffer
//   with them is never sharded (InputError when it would need to be).
// - More than shared_buffer_max_writers/readers ports: the feature axis is cut into shards (cuts aligned
//   to every tile width involved), one shared buffer each; a port spanning a cut gets one port per shard.
// - Memory tile: the one nearest (column distance, then the row next to the compute array) to the median
//   column of the buffer's kernels, with room for both copies and free DMA channels: its own first (the
//   channels that cannot reach neighbours first), then the east/west neighbours' neighbour-capable
//   channels.
#pragma once
#include "design/design.h"
#include "device/device.h"
#include "ir/model.h"

namespace aie4ml {

struct TransportOptions {
  int plio_width_bits = 0;   // 0: the device default
  double pl_clock_mhz = 0;   // 0: the device default
};

void plan_transport(Design& design, const Model& model, const Device& device, const TransportOptions& options = {});

}  // namespace aie4ml
