// Partition: how many kernels each Dense layer becomes, and which features each kernel handles.
//
// Reads: the quantised Model (Dense ops in topological order, tensor shapes and types; a Dense over a token
//   sequence [batch, T, F] is the same GEMM with batch x T rows, dense_rows_per_sample), the Config
//   (BatchSize, Objective, TileBudget, per-layer CascadeLength / CascadeNum / Tiling / Placement), the
//   Device, and a PartitionCost (partition_cost.h).
// Writes: Design::layers: per layer cas_length x cas_num, mmul tiling, aligned K/N slices, padded sizes,
//   types and one KernelInstance per (chain, position) with its variant and K/N ranges (tiles are set by
//   place()). Also a band layout (one legal arrangement of the chosen rectangles) that seeds placement.
// Checks: every per-tile limit for every candidate (weights in one data-memory bank; weights, ping-pong
//   input and output, bias, stack and heap in the tile's banks; slices aligned to lcm(2 x tile, 16-byte
//   lanes, 4-byte stream words) with no empty kernel; cas_length/cas_num within the automatic limit and
//   the array); overrides that break a limit fail with an InputError naming the layer and the limit; a
//   model that cannot fit fails with the tiles and bytes it would need.
//
// The choice: candidates are enumerated per layer (cas_length 1..max_cascade_length, cas_num
// 1..max_cascade_num, overrides fix their part), each scored by the PartitionCost. One candidate per layer
// is then picked by an exact dynamic programme over "bands": consecutive layers stacked bottom-up in a
// column band whose width is the widest of them, bands side by side left to right. The programme
// minimises the aggregate cost subject to the bands fitting the array's columns, so whatever it returns
// can be placed (when no band layout fits, the fewest-tile candidates are taken and placement searches
// for any packing). Layers with a Placement override are left out of the bands and their columns are
// considered taken. A TileBudget is met by adding a per-tile penalty found by bisection.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "design/design.h"
#include "device/device.h"
#include "io/config.h"
#include "ir/model.h"
#include "passes/partition_cost.h"

namespace aie4ml {

// What runs where: the Dense and Conv layers go to the array (Conv: partition_conv.h; Reshape / Flatten /
// Transpose between a Conv and a Dense are views, in no list); input preparation before them (Reshape, Flatten,
// Transpose, Quantize, Clip and elementwise ops with constants, reading only graph inputs) and any non-weighted op after them (reading only layer
// or host outputs, read by no layer: a final Softmax or Sigmoid) run on the host. An Add, Concat or pool
// that reads a layer's output is a tensor-op layer (one kernel on one tile, partition_tensor_ops.h) with
// the Relu / Quantize ops after it fused, so the layers form a DAG (fanout and joins), not only a chain.
// A channel Slice/Split and a same-typed channel Concat are views (channel_views.h, in no list; partition
// sets the layers' input_views / output_view); any other Slice is an InputError naming it and why.
// A multi-head attention chain (scores MatMul, row Softmax, context MatMul; split_heads.h) is one band
// candidate of a column of H tiles per op, lowered to H head layers ("<op>_h<i>", LayerDesign::head) whose
// seeds are that column's tiles, head i in its row i; config LayerName.<op>.ParallelHeads false keeps the
// chain in one kernel per op.
// Anything else between two layers is an InputError naming it.
struct ArrayRegion {
  std::vector<const Op*> layers;
  std::vector<HostOp> host_ops;
};
ArrayRegion array_region(const Model& model);

struct PartitionResult {
  std::vector<LayerDesign> layers;               // topological order; kernels without tiles
  std::vector<HostOp> host_ops;                  // from array_region()
  std::vector<std::optional<TileCoord>> fixed;   // Placement overrides, per layer
  std::vector<std::optional<TileCoord>> seed;    // band layout origins (all set, or all empty)
  double aggregate_cost = 0;
  double tile_penalty = 0;                       // per-tile penalty used to meet TileBudget
  // false: no band layout fits, the fewest-tile candidates were taken and placement must find a
  // packing; if it cannot, no_fit_message says what the model needs.
  bool band_layout_found = true;
  std::string no_fit_message;
};

// Legal candidates for one layer under its overrides (possibly empty). Exposed for tests and the
// performance model.
std::vector<LayerCandidate> enumerate_candidates(const LayerShape& shape, const LayerConfig* overrides,
                                                 const Device& device);
// Why a candidate is illegal on the device (first limit broken), or nullopt when it is legal.
std::optional<std::string> candidate_violation(const LayerCandidate& c, const Device& device);
// The candidate for explicit (cas_length, cas_num, tiling), legal or not (for messages and tests).
LayerCandidate make_candidate(const LayerShape& shape, int cas_length, int cas_num, const MmulShape& tiling,
                              const Device& device);
// GEMM rows per sample of a Dense op: 1 for a [batch, features] input; T = the product of the middle axes
// for a [batch, T..., features] token sequence (the same GEMM over the last axis with batch x T rows).
// InputError naming the layer for a rank-1 input or a middle axis without a fixed size.
int64_t dense_rows_per_sample(const Model& model, const Op& op);
// What partition needs to know about a Dense op of the model.
LayerShape layer_shape(const Model& model, const Op& op, const Config& config, const Device& device);

PartitionResult partition(const Model& model, const Config& config, const Device& device, const PartitionCost& cost);

}  // namespace aie4ml
