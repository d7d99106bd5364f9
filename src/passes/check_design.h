// Legality checker: re-derives every device rule from the Design alone and reports what is broken.
//
// Reads: a Design (as built by plan_design, loaded from design.json, or edited by hand) and its Device.
// Writes: nothing. Checks (rule ids in brackets; one Violation per finding):
//   [array-bounds]      every kernel on a compute tile of the array
//   [tile-occupancy]    at most one kernel per tile
//   [layer-shape]       cas_length x cas_num kernels, one per (chain, position); mmul tiling supported for
//                       the type pair; batch padded to 2 x tile_m; a head layer of parallel heads (design.h
//                       "head") a MatMul or Softmax of one head writing its part of its output tensor
//   [slices]            K/N slices aligned (2 x tile, 16-byte lanes, 4-byte words), contiguous, covering the
//                       real features with no empty kernel
//   [weights-bank]      weights of each kernel (k_slice x n_slice) in one bank, within the bank size
//   [buffer-size]       input/output ping-pong, bias, stack and heap present and big enough
//   [bank-bounds]       every buffer copy inside one bank of its home tile's data memory
//   [memory-overlap]    no two allocations of a tile overlap
//   [memory-budget]     the bytes homed in a tile fit its data memory
//   [neighbour-access]  every buffer of a kernel lives in a memory its core reaches (own, and the
//                       neighbours the device allows; never a memory tile)
//   [tile-dma]          per tile, DMA channels used at most once, within the S2MM/MM2S counts, and a
//                       DMA-filled buffer lives in the DMA's own tile
//   [cascade]           every cascade link joins consecutive positions of a chain, west to east, on
//                       horizontally adjacent tiles; every chain is linked
//   [shared-buffer]     writers/readers within the per-buffer port limits, num_buffers 2, tiling ranks
//                       (a memory-tile im2col conv's reader views the buffer as {CI, IW, IH, rows})
//   [conv-memtile]      a memory-tile im2col conv (variant conv_memtile_im2col) has dilation 1 and input
//                       channels of whole 32-bit DMA words
//   [dma-dimensions]    its reader's patch walk needs at most 5 memory-tile DMA address loops after merging
//                       contiguous ones (4-D addressing + iteration) and pads dimensions 0-2 only
//   [memtile-location]  shared buffers on existing memory tiles
//   [memtile-capacity]  the shared buffers of a memory tile fit its memory
//   [memtile-dma]       memory-tile DMA channels used at most once, within counts, and from the home tile
//                       or an east/west neighbour through a neighbour-capable channel
//   [plio]              PLIO widths, clock, columns with a PL interface, interface channels per column
//   [dataflow]          every kernel input slice and every graph output is delivered exactly once
//   [data-layout]       simulating every port's tiling parameters moves each real element from the
//                       producer's layout to exactly where the consumer's layout expects it; a
//                       channel-view port (row_channels) moves a layer's whole samples as its view's
//                       channels of every row, and must name the same channels as the layer's view;
//                       a memory-tile im2col conv's reader delivers its patch matrix, padding taps zero
#pragma once
#include <string>
#include <vector>

#include "design/design.h"
#include "device/device.h"

namespace aie4ml {

struct Violation {
  std::string rule;
  std::string message;
};

std::vector<Violation> check_design(const Design& design, const Device& device);

// Throws CheckFailure listing the violations (at most `max_listed` of them) when there are any.
void require_legal(const Design& design, const Device& device, size_t max_listed = 20);

}  // namespace aie4ml
