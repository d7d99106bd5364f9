// Placement: where each layer's rectangle of kernels sits on the compute array.
//
// Reads: Design::layers after partition (cas_length x cas_num of each layer: a rectangle w = cas_length
//   columns by h = cas_num rows), the layers' dataflow (output tensor of one = input tensor of another),
//   Placement overrides (fixed origins) and the partition's band layout (a legal seed).
// Writes: LayerDesign::origin, KernelInstance::tile (kernel (chain c, position p) at origin + (p, c), as
//   published) and Design::placement (method, cost, lower bound, optimal?, nodes, why it stopped).
// Checks: fixed layers inside the array and not overlapping; a legal placement exists (InputError if not).
// Parallel heads (design.h "head") are placed as one unit per op: a rectangle of the heads stacked, head i
// in rows [i cas_num, (i+1) cas_num) of it (PlacementProblem and PlacementSolution::origins are per unit;
// every other layer is a unit of its own).
//
// Objective (the published one): for every edge producer -> consumer,
//   |x_consumer - (x_producer + w_producer)|      horizontal gap between the producer's output column and
//                                                 the consumer's input column (0 when side by side),
//   + lambda * |y_consumer - y_producer|          vertical offset,
// plus mu * (top row) of every layer to keep the design low, next to the memory tiles. Memory-tile hops
// follow the horizontal term: a shared buffer sits between producer and consumer columns.
//
// Neighbour-memory rule: every buffer of a kernel lives in its own tile (allocate_buffers), which a core
// always reaches, so no spare column is needed west of a layer (the published design keeps one because
// its input buffers live in the west neighbour). check_design re-verifies reachability.
//
// Method: depth-first branch and bound over the layers in topological order, children ordered by their
// cost increase. Incumbent: the better of the partition's band layout and a sequential greedy placement,
// each polished by local moves (one layer to its cheapest free spot; swaps of equal-shaped layers).
// Bound = partial cost + sum of mu * (h - 1) of the layers still to place + the larger of two bounds on the
// edges still to cost: dataflow path widths, and an edge-disjoint packing of groups that cannot all be
// cheap: fan-out / fan-in (of the edges leaving one layer for distinct consumers, or entering one layer
// from distinct producers, at most one costs 0) and reconvergent paths (an edge p1 -> b beside a path
// p1 -> .. -> p2 -> b: their gaps add up to at least the widths on the long path). The search stops
// at node_limit (deterministic) or time_limit_s (a safety net; the report then says "time_limit" and the result may
// depend on the machine). The lower bound reported is min(best, bounds of all unexplored subtrees), so
// optimal == (gap is zero).
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "design/design.h"
#include "device/device.h"

namespace aie4ml {

struct PlacementOptions {
  double lambda = 1.0;  // weight of vertical offsets
  double mu = 0.05;     // weight of top rows
  int64_t node_limit = 200000;
  double time_limit_s = 4.0;
};

// Per-unit (layer, or an op's heads) rectangle and connectivity, as the placer sees them.
struct PlacementProblem {
  std::vector<int> width, height;                     // per unit
  std::vector<std::pair<int, int>> edges;             // (producer, consumer) unit indices
  std::vector<std::optional<TileCoord>> fixed, seed;  // per unit
  int columns = 0, rows = 0;
};

struct PlacementSolution {
  std::vector<TileCoord> origins;
  PlacementReport report;
  double seconds = 0;  // wall time of the search (not part of the Design: it is not deterministic)
};

PlacementProblem placement_problem(const Design& design, const std::vector<std::optional<TileCoord>>& fixed,
                                   const std::vector<std::optional<TileCoord>>& seed, const Device& device);
// Cost of a full placement under the objective above.
double placement_cost(const PlacementProblem& p, const std::vector<TileCoord>& origins, const PlacementOptions& o);
PlacementSolution solve_placement(const PlacementProblem& p, const PlacementOptions& o);

// The pass: solve and write origins, kernel tiles and the report into the Design.
PlacementSolution place(Design& design, const std::vector<std::optional<TileCoord>>& fixed,
                        const std::vector<std::optional<TileCoord>>& seed, const Device& device,
                        const PlacementOptions& options = {});

}  // namespace aie4ml
