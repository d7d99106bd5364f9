// The memory-tile im2col conv kernel's cost (see conv_memtile_cost.h).
#include "sim/conv_memtile_cost.h"

#include <algorithm>

#include <fmt/format.h>

#include "support/error.h"

namespace aie4ml {

namespace {

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

}  // namespace

ConvMemtileKernelCost conv_memtile_kernel_cost(const ConvKernelDesc& d, const ConvGeometry& g, const CoreTiming& t) {
  // The direct kernel's cost checks the description against the geometry and gives the repack and pool.
  const ConvDirectKernelCost direct = conv_direct_kernel_cost(d, g, t);
  const int64_t a_bytes = a_bits(d.types) / 8;
  const int64_t piece = int64_t{d.tile_k} * a_bytes;
  if (piece != 8 && piece != 16)
    throw InputError(fmt::format("memory-tile im2col conv kernel: tile_k {} x {} bytes is not 8 or 16", d.tile_k, a_bytes));
  if (d.tile_m != 2 && d.tile_m != 4)
    throw InputError(fmt::format("memory-tile im2col conv kernel: tile_m {} is not 2 or 4", d.tile_m));
  ConvMemtileKernelCost c;
  c.chunks = direct.chunks;
  c.rows_padded = direct.rows_padded;
  c.k = direct.k;
  c.k_blocks = c.k / d.tile_k;
  c.paired = piece == 8 && c.k_blocks > 1;
  c.aligned_rows = c.k * a_bytes % 16 == 0;
  c.gemm = direct.gemm;
  c.repack_elements = direct.repack_elements, c.repack_cycles = direct.repack_cycles;
  c.pool_compares = direct.pool_compares, c.pool_cycles = direct.pool_cycles;

  // A loads of one chunk, per column pair: every row tile, its real rows only (rows past them are zeros).
  const int64_t chunk_rows = int64_t{d.chunk > 0 ? d.chunk : d.batch} * d.out_positions;
  const int64_t per_load = c.aligned_rows ? 1 : 2;  // an unaligned load is two aligned ones
  const int64_t groups = c.paired ? ceil_div(c.k_blocks, 2) : c.k_blocks;  // loads per row and row tile
  int64_t loads = 0, shuffles = 0, lanes = 0;
  for (int64_t r0 = 0; r0 < c.rows_padded; r0 += d.tile_m) {
    const int64_t real = std::clamp<int64_t>(chunk_rows - r0, 0, d.tile_m);
    if (c.k_blocks == 1) {  // the A tile is TM consecutive rows: one load, or lane by lane when partial
      if (real == d.tile_m) loads += c.chunks == 1 || chunk_rows * c.k % (int64_t{d.tile_m} * d.tile_k) == 0 ? 1 : 2;
      else lanes += real * c.k;
      continue;
    }
    loads += real * groups * per_load;
    if (c.paired) shuffles += c.k_blocks;  // two per pair, one for an odd last block
  }
  const int64_t repeats = c.chunks * c.gemm.column_iterations;
  c.a_loads = repeats * loads;
  c.shuffles = repeats * shuffles;
  c.lane_inserts = repeats * lanes;
  c.vector_loads = c.chunks * (c.gemm.vector_loads - 2 * c.gemm.k_iterations) + c.a_loads;

  // Steady state per K iteration (one block of two row tiles): the two B loads and the A loads it needs
  // share the two load slots; the mmul issue rate bounds it from below. The shuffles run in their own slot
  // (at most two per K iteration, below the four mmuls).
  const int64_t a_slots = c.k_blocks == 1 ? 2 : 2 * d.tile_m * per_load;  // per K iteration (pair: two)
  const int64_t a_per_iteration = c.paired ? ceil_div(a_slots, 2) : a_slots;
  const int64_t ii = std::max<int64_t>(ceil_div(4, t.mmul_issues_per_cycle), ceil_div(a_per_iteration + 2, 2));
  c.load_penalty = std::max<int64_t>(0, ii - c.gemm.inner_loop_ii);

  c.useful_macs = direct.useful_macs;
  c.cycles = c.chunks * (c.gemm.cycles + c.load_penalty * c.gemm.k_iterations) + c.lane_inserts + c.repack_cycles +
             c.pool_cycles;
  c.efficiency = static_cast<double>(c.useful_macs) / (static_cast<double>(c.cycles) * peak_macs_per_cycle(d.types));
  return c;
}

}  // namespace aie4ml
