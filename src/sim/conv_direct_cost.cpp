// The direct convolution kernel's cost (see conv_direct_cost.h).
#include "sim/conv_direct_cost.h"

#include <algorithm>

#include <fmt/format.h>

#include "../../kernels/conv_direct_schedule.h"
#include "support/error.h"

namespace aie4ml {

namespace {

int64_t round_up(int64_t v, int64_t m) { return (v + m - 1) / m * m; }
int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

void check(const ConvKernelDesc& d, const ConvGeometry& g) {
  if (d.batch < 1 || d.tile_m < 1 || d.tile_k < 1 || g.ci < 1 || g.ih < 1 || g.iw < 1 || g.kh < 1 || g.kw < 1 ||
      g.sh < 1 || g.sw < 1 || g.dh < 1 || g.dw < 1 || g.ph < 0 || g.pw < 0 || g.oh < 1 || g.ow < 1)
    throw InputError("direct conv kernel: batch, tiling and geometry must be positive (pads >= 0)");
  if (d.channels_in != g.ci || d.out_positions != g.oh * g.ow || d.taps != g.kh * g.kw)
    throw InputError(fmt::format("direct conv kernel: the description ({} channels, {} positions, {} taps) does not "
                                 "match the geometry ({}, {} x {}, {} x {})",
                                 d.channels_in, d.out_positions, d.taps, g.ci, g.oh, g.ow, g.kh, g.kw));
  const int chunk = d.chunk > 0 ? d.chunk : d.batch;
  if (d.chunk < 0 || d.batch % chunk != 0)
    throw InputError(fmt::format("direct conv kernel: chunks of {} samples do not divide the batch of {}", d.chunk, d.batch));
  if (d.pos != cascade_pos::single) throw InputError("direct conv kernel: single position only (no cascade variant)");
}

}  // namespace

ConvDirectKernelCost conv_direct_kernel_cost(const ConvKernelDesc& d, const ConvGeometry& g, const CoreTiming& t) {
  check(d, g);
  ConvDirectKernelCost c;
  const int chunk = d.chunk > 0 ? d.chunk : d.batch;
  c.chunks = d.batch / chunk;
  c.rows_padded = round_up(int64_t{chunk} * d.out_positions, 2 * d.tile_m);
  const kernels::conv_direct_shape s{
      static_cast<unsigned>(g.ci), static_cast<unsigned>(g.ih), static_cast<unsigned>(g.iw), static_cast<unsigned>(g.kh),
      static_cast<unsigned>(g.kw), static_cast<unsigned>(g.sh), static_cast<unsigned>(g.sw), static_cast<unsigned>(g.dh),
      static_cast<unsigned>(g.dw), static_cast<unsigned>(g.ph), static_cast<unsigned>(g.pw), static_cast<unsigned>(g.oh),
      static_cast<unsigned>(g.ow), static_cast<unsigned>(d.tile_m), static_cast<unsigned>(d.tile_k),
      static_cast<unsigned>(int64_t{chunk} * d.out_positions)};
  c.k = int64_t{s.taps()} * s.channels_padded();

  DenseKernelDesc gd;
  gd.types = d.types, gd.acc = d.acc, gd.out_bits = d.out_bits;
  gd.tile_m = d.tile_m, gd.tile_k = d.tile_k, gd.tile_n = d.tile_n;
  gd.m = static_cast<int>(c.rows_padded), gd.k = static_cast<int>(c.k), gd.n = d.n;
  gd.shift = d.shift, gd.relu = d.relu;
  c.gemm = dense_kernel_cost(gd, t);

  // Classify every A tile of one chunk (row tiles x taps x channel blocks); every column pair redoes them.
  int64_t vector_tiles = 0, gathered_tiles = 0, lanes = 0;
  for (unsigned r0 = 0; r0 < c.rows_padded; r0 += s.tile_m)
    for (unsigned tap = 0; tap < s.taps(); ++tap) {
      if (s.vector_tile(r0, tap)) {
        vector_tiles += s.channel_blocks();  // contiguous_rows(): one block
        continue;
      }
      for (unsigned block = 0; block < s.channel_blocks(); ++block) {
        ++gathered_tiles;
        lanes += s.gathered_elements(r0, tap, block);
      }
    }
  const int64_t repeats = c.chunks * c.gemm.column_iterations;
  c.vector_tiles = repeats * vector_tiles;
  c.gathered_tiles = repeats * gathered_tiles;
  c.lane_inserts = repeats * lanes;

  // Loads: the dense schedule's, without its A tile loads, plus two aligned loads per vector A tile.
  const int64_t a_tile_bits = int64_t{d.tile_m} * d.tile_k * a_bits(d.types);
  const int64_t b_tile_bits = int64_t{d.tile_k} * d.tile_n * b_bits(d.types);
  c.vector_loads = c.chunks * (c.gemm.vector_loads - 2 * c.gemm.k_iterations) + 2 * c.vector_tiles;
  c.load_bits = c.chunks * (c.gemm.load_bits - 2 * c.gemm.k_iterations * a_tile_bits) + 2 * c.vector_tiles * a_tile_bits;

  // Gathered tiles: one cycle per lane set (a scalar load and an insert) and a loop setup per tile row,
  // serial with the mmuls. Vector tiles: if their two loads each push a K iteration past the mmul issue
  // rate, the difference per K iteration (0 for every AIE-ML shape the kernels use).
  c.gather_cycles = c.lane_inserts + c.gathered_tiles * d.tile_m * t.loop_setup_cycles;
  const int64_t vector_ii = std::max<int64_t>(ceil_div(4, t.mmul_issues_per_cycle),
                                              ceil_div(2 * (2 * a_tile_bits + b_tile_bits), t.load_bits_per_cycle));
  const int64_t load_penalty = c.vector_tiles > 0 ? std::max<int64_t>(0, vector_ii - c.gemm.inner_loop_ii) : 0;

  // Repack and fused pool exactly as the im2col kernel's (conv.h conv_untile).
  ConvKernelDesc rd = d;
  rd.rows_output = true;
  rd.k_begin = 0, rd.k_slice = 0;
  const ConvKernelCost im2col = conv_kernel_cost(rd, t);
  c.repack_elements = im2col.repack_elements, c.repack_cycles = im2col.repack_cycles;
  c.pool_compares = im2col.pool_compares, c.pool_cycles = im2col.pool_cycles;

  c.useful_macs = int64_t{d.batch} * d.out_positions * int64_t{d.taps} * d.channels_in *
                  (d.channels_out > 0 ? d.channels_out : d.n);
  c.cycles = c.chunks * (c.gemm.cycles + load_penalty * c.gemm.k_iterations) + c.gather_cycles + c.repack_cycles +
             c.pool_cycles;
  c.efficiency = static_cast<double>(c.useful_macs) / (static_cast<double>(c.cycles) * peak_macs_per_cycle(d.types));
  return c;
}

}  // namespace aie4ml
