// The convolution kernel's cost (see conv_cost.h).
#include "sim/conv_cost.h"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "support/error.h"

namespace aie4ml {

namespace {

int64_t round_up(int64_t v, int64_t m) { return (v + m - 1) / m * m; }

}  // namespace

ConvKernelCost conv_kernel_cost(const ConvKernelDesc& d, const CoreTiming& t) {
  if (d.batch < 1 || d.channels_in < 1 || d.out_positions < 1 || d.taps < 1 || d.tile_m < 1 || d.tile_k < 1)
    throw InputError(fmt::format("conv kernel: batch {}, {} input channels, {} output positions and {} taps must all "
                                 "be positive", d.batch, d.channels_in, d.out_positions, d.taps));
  const int chunk = d.chunk > 0 ? d.chunk : d.batch;
  if (d.chunk < 0 || d.batch % chunk != 0)
    throw InputError(fmt::format("conv kernel: chunks of {} samples do not divide the batch of {}", d.chunk, d.batch));
  ConvKernelCost c;
  c.rows = int64_t{d.batch} * d.out_positions;
  c.chunks = d.batch / chunk;
  c.rows_padded = round_up(int64_t{chunk} * d.out_positions, 2 * d.tile_m);
  c.window = int64_t{d.taps} * d.channels_in;
  c.window_padded = d.k_slice > 0 ? d.k_slice : round_up(c.window, d.tile_k);
  if (d.k_begin < 0 || d.k_begin >= c.window || d.k_begin % d.tile_k != 0 || c.window_padded % d.tile_k != 0)
    throw InputError(fmt::format("conv kernel: columns [{}, +{}) of a {}-column window are not a tile_k ({}) aligned "
                                 "slice", d.k_begin, c.window_padded, c.window, d.tile_k));
  DenseKernelDesc g;
  g.types = d.types;
  g.acc = d.acc;
  g.out_bits = d.out_bits;
  g.tile_m = d.tile_m, g.tile_k = d.tile_k, g.tile_n = d.tile_n;
  g.m = static_cast<int>(c.rows_padded), g.k = static_cast<int>(c.window_padded), g.n = d.n;
  g.pos = d.pos;
  g.shift = d.shift;
  g.relu = d.relu;
  c.gemm = dense_kernel_cost(g, t);
  // The gather writes every A element once, one scalar load + store per element (one per cycle), and
  // enters its innermost loop once per (row tile, K tile, row): a loop setup each time.
  // Chunked, every chunk gathers its own rows and runs the schedule over them (its call overheads included).
  c.im2col_elements = c.chunks * c.rows_padded * c.window_padded;
  const int64_t inner_loops = c.chunks * c.rows_padded * (c.window_padded / d.tile_k);
  c.im2col_cycles = c.im2col_elements + inner_loops * t.loop_setup_cycles;
  const int64_t real_columns = std::min<int64_t>(c.window, d.k_begin + c.window_padded) - d.k_begin;
  c.useful_macs = c.rows * real_columns * (d.channels_out > 0 ? d.channels_out : d.n);
  if (d.pool_taps > 0 && (!d.rows_output || d.pool_positions < 1 || d.pool_positions > d.out_positions))
    throw InputError(fmt::format("conv kernel: a fused pool needs the row output and 1..{} pooled positions (got {})",
                                 d.out_positions, d.pool_positions));
  if (d.rows_output) {  // conv_single_rows: one scalar load + store per real output element, a loop per row
    const int64_t rows_written = d.pool_taps > 0 ? int64_t{d.batch} * d.pool_positions : c.rows;
    c.repack_elements = rows_written * (d.channels_out > 0 ? d.channels_out : d.n);
    c.repack_cycles = c.repack_elements + rows_written * t.loop_setup_cycles;
    // A fused MaxPool: every further tap of the window is one scalar load + compare (one per cycle).
    c.pool_compares = d.pool_taps > 0 ? c.repack_elements * (d.pool_taps - 1) : 0;
    c.pool_cycles = c.pool_compares;
  }
  c.cycles = c.im2col_cycles + c.chunks * c.gemm.cycles + c.repack_cycles + c.pool_cycles;
  c.efficiency = static_cast<double>(c.useful_macs) / (static_cast<double>(c.cycles) * peak_macs_per_cycle(d.types));
  return c;
}

ConvLayerPlan plan_conv_layer(const ConvGemm& g, const ConvKernelDesc& base, int input_bytes, int weight_bytes,
                              int output_bytes, const ConvTileLimits& limits, const CoreTiming& t) {
  std::optional<ConvLayerPlan> best;
  const int64_t window = g.window(), rows = int64_t{base.batch} * g.positions();
  const int64_t m = round_up(rows, 2 * base.tile_m);
  const int64_t input = int64_t{base.batch} * g.in_h * g.in_w * g.channels_in * input_bytes;
  for (int len = 1; len <= limits.max_cas_length; ++len)
    for (int num = 1; num <= limits.max_cas_num; ++num) {
      ConvLayerPlan p;
      p.cas_length = len, p.cas_num = num;
      p.k_slice = round_up((window + len - 1) / len, base.tile_k);
      p.n_slice = round_up((g.channels_out + num - 1) / num, 2 * base.tile_n);
      if ((len - 1) * p.k_slice >= window) continue;  // a kernel would hold only padding
      p.weight_bytes = p.k_slice * p.n_slice * weight_bytes;
      const int64_t bias = p.n_slice * base.tile_m * 4, output = 2 * m * p.n_slice * output_bytes;
      p.tile_bytes = 2 * input + m * p.k_slice * input_bytes + p.weight_bytes + bias + output + limits.stack_bytes;
      if (p.weight_bytes > limits.weight_bank_bytes || p.tile_bytes > limits.data_memory_bytes) continue;
      ConvKernelDesc d = base;
      d.channels_in = static_cast<int>(g.channels_in);
      d.out_positions = static_cast<int>(g.positions());
      d.taps = static_cast<int>(g.kernel_h * g.kernel_w);
      d.n = static_cast<int>(p.n_slice);
      d.channels_out = static_cast<int>(std::min<int64_t>(p.n_slice, g.channels_out));
      d.pos = len == 1 ? cascade_pos::single : cascade_pos::last;
      d.k_begin = static_cast<int>((len - 1) * p.k_slice);
      d.k_slice = static_cast<int>(p.k_slice);
      p.last = conv_kernel_cost(d, t);
      p.cycles = p.last.cycles;
      if (len > 1) {  // the first kernel gathers as many columns and writes the cascade
        d.pos = cascade_pos::first, d.k_begin = 0;
        p.cycles = std::max(p.cycles, conv_kernel_cost(d, t).cycles);
      }
      const auto tiles = [](const ConvLayerPlan& q) { return q.cas_length * q.cas_num; };
      if (!best || p.cycles < best->cycles || (p.cycles == best->cycles && tiles(p) < tiles(*best))) best = p;
    }
  if (!best)
    throw InputError(fmt::format("conv '{}': no split into at most {} x {} kernels fits a tile ({} bytes of data "
                                 "memory, {}-byte weight bank)", g.layer, limits.max_cas_length, limits.max_cas_num,
                                 limits.data_memory_bytes, limits.weight_bank_bytes));
  return *best;
}

}  // namespace aie4ml
