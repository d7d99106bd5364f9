#include "sim/kernel_cost.h"

#include <algorithm>

#include <fmt/format.h>

#include "support/error.h"

namespace aie4ml {

namespace {

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

int acc_lane_bits(AccKind a) { return a == AccKind::Acc64 ? 64 : 32; }

}  // namespace

std::string_view to_string(KernelTypePair t) {
  switch (t) {
    case KernelTypePair::Int8xInt8: return "int8xint8";
    case KernelTypePair::Int16xInt8: return "int16xint8";
    case KernelTypePair::Int16xInt16: return "int16xint16";
    case KernelTypePair::Bf16xBf16: return "bf16xbf16";
  }
  return "?";
}

int peak_macs_per_cycle(KernelTypePair t) {
  switch (t) {
    case KernelTypePair::Int8xInt8: return 256;
    case KernelTypePair::Int16xInt8: return 128;
    case KernelTypePair::Int16xInt16: return 64;
    case KernelTypePair::Bf16xBf16: return 128;
  }
  return 0;
}

int a_bits(KernelTypePair t) { return t == KernelTypePair::Int8xInt8 ? 8 : 16; }
int b_bits(KernelTypePair t) {
  return t == KernelTypePair::Int16xInt16 || t == KernelTypePair::Bf16xBf16 ? 16 : 8;
}

DenseKernelCost dense_kernel_cost(const DenseKernelDesc& d, const CoreTiming& t) {
  const kernels::dense_schedule s{static_cast<unsigned>(d.tile_m), static_cast<unsigned>(d.tile_k),
                                  static_cast<unsigned>(d.tile_n), static_cast<unsigned>(d.m),
                                  static_cast<unsigned>(d.k), static_cast<unsigned>(d.n)};
  if (d.tile_m <= 0 || d.tile_k <= 0 || d.tile_n <= 0 || d.m <= 0 || d.k <= 0 || d.n <= 0 || !s.valid())
    throw InputError(fmt::format("dense kernel {}x{}x{} with mmul {}x{}x{} is not legal (M multiple of 2*tile_m, "
                                 "K of tile_k, N of 2*tile_n)",
                                 d.m, d.k, d.n, d.tile_m, d.tile_k, d.tile_n));
  const bool float_acc = d.types == KernelTypePair::Bf16xBf16;
  if (float_acc != (d.acc == AccKind::AccFloat))
    throw InputError("dense kernel: bfloat16 kernels use accfloat, integer kernels acc32 or acc64");

  DenseKernelCost c;
  c.column_iterations = s.column_iterations();
  c.block_iterations = s.block_iterations();
  c.k_iterations = s.k_iterations();
  c.mmul_issues = s.mmul_issues();
  c.macs = c.mmul_issues * s.size_a() * d.tile_n;

  const int64_t a_tile_bits = int64_t{s.size_a()} * a_bits(d.types);
  const int64_t b_tile_bits = int64_t{s.size_b()} * b_bits(d.types);
  const int64_t c_tile_bits = int64_t{s.size_c()} * d.out_bits;
  const int64_t bias_tile_bits = int64_t{s.size_c()} * 32;
  const int64_t words_per_tile = int64_t{s.size_c()} * acc_lane_bits(d.acc) / 512;
  const bool has_bias = kernels::pos_has_bias(d.pos), stores = kernels::pos_stores_output(d.pos);
  const bool reads = kernels::pos_reads_cascade(d.pos), writes = kernels::pos_writes_cascade(d.pos);
  const int64_t tiles = 4 * c.block_iterations;

  // K loop: two A and two B tiles per iteration; per column pair: two bias tiles.
  c.vector_loads = 4 * c.k_iterations + (has_bias ? 2 * c.column_iterations : 0);
  c.load_bits = c.k_iterations * 2 * (a_tile_bits + b_tile_bits) + (has_bias ? c.column_iterations * 2 * bias_tile_bits : 0);
  // Per output tile: SRS (16-lane steps through int32 and acc64 for a negative shift), ReLU, store.
  const int64_t srs_per_tile = (!float_acc && d.shift < 0) ? 2 * ceil_div(s.size_c(), 16) : 1;
  c.srs_ops = stores ? tiles * srs_per_tile : 0;
  c.vector_alu_ops = stores && d.relu ? tiles : 0;
  c.vector_stores = stores ? tiles : 0;
  c.store_bits = stores ? tiles * c_tile_bits : 0;
  // The bias add: at the cascade's input (integer last), or after the sum (bfloat16 single and last).
  const bool bias_add = float_acc ? stores : d.pos == cascade_pos::last;
  c.acc_adds = bias_add ? tiles : 0;
  c.cascade_reads = reads ? tiles * words_per_tile : 0;
  c.cascade_writes = writes ? tiles * words_per_tile : 0;

  // Timing. Steady-state K loop: bounded by the mmul issue slot and the two load ports.
  const int64_t mmul_cycles = ceil_div(4, t.mmul_issues_per_cycle);
  const int64_t load_cycles = ceil_div(2 * (a_tile_bits + b_tile_bits), t.load_bits_per_cycle);
  c.inner_loop_ii = static_cast<int>(std::max(mmul_cycles, load_cycles));
  // One K-loop entry: k_tiles iterations at II, plus fill and drain of one iteration's latency (loads,
  // four mmuls issued one per cycle, the last one's result).
  const int mac_latency = float_acc ? t.bf16_mac_latency : t.mac_latency;
  const int64_t iteration_latency = t.load_latency + (mmul_cycles - 1) + mac_latency;
  const bool pipelined = static_cast<int>(s.k_tiles()) >= t.min_pipelined_iterations;
  const int64_t k_loop_entry = pipelined ? int64_t{s.k_tiles()} * c.inner_loop_ii +
                                               std::max<int64_t>(0, iteration_latency - c.inner_loop_ii)
                                         : int64_t{s.k_tiles()} * std::max<int64_t>(iteration_latency, c.inner_loop_ii);
  c.inner_loop_cycles = c.block_iterations * k_loop_entry;

  // Per block: accumulator initialisation and the four tiles leaving.
  int64_t init = 0;
  if (reads) init = t.cascade_read_latency + ceil_div(4 * words_per_tile, t.cascade_words_per_cycle) - 1;
  if (d.pos == cascade_pos::last && !float_acc) init += 4;  // bias additions, one vector op each
  int64_t leave = 0;
  if (stores) {
    const int64_t store_cycles_per_tile = std::max<int64_t>(1, ceil_div(c_tile_bits, t.store_bits_per_cycle));
    leave = t.srs_latency + (d.relu ? 1 : 0) + 4 * store_cycles_per_tile + (srs_per_tile - 1) * 4;
    if (float_acc) leave += 4;  // bfloat16: the bias additions after the sum, one vector op each
  }
  if (writes) leave += ceil_div(4 * words_per_tile, t.cascade_words_per_cycle);
  const int64_t per_block = k_loop_entry + init + leave + t.loop_setup_cycles;
  // Per column pair: the two bias tiles (latency exposed before the first accumulator needs them).
  const int64_t per_column =
      t.loop_setup_cycles + (has_bias ? ceil_div(2 * bias_tile_bits, t.load_bits_per_cycle) + t.load_latency : 0);
  // Overlap between consecutive blocks (CoreTiming::block_overlap): `hidden` cycles per block boundary.
  const int64_t exposed = (pipelined ? std::max<int64_t>(0, iteration_latency - c.inner_loop_ii) : 0) + init + leave;
  const int64_t hidden = std::min<int64_t>(static_cast<int64_t>(std::clamp(t.block_overlap, 0.0, 1.0) * exposed),
                                           k_loop_entry + t.loop_setup_cycles);
  c.cycles = t.call_overhead_cycles + c.column_iterations * per_column + c.block_iterations * per_block -
             (c.block_iterations - 1) * hidden;
  c.call_cycles = t.call_overhead_cycles + hidden;
  c.column_cycles = per_column;
  c.block_init_cycles = init;
  c.block_loop_cycles = k_loop_entry + t.loop_setup_cycles - hidden;
  c.block_leave_cycles = leave;

  c.peak_macs_per_cycle = peak_macs_per_cycle(d.types);
  const double macs_per_iteration = 4.0 * s.size_a() * d.tile_n;
  c.inner_loop_efficiency = macs_per_iteration / c.inner_loop_ii / c.peak_macs_per_cycle;
  c.efficiency = static_cast<double>(c.macs) / static_cast<double>(c.cycles) / c.peak_macs_per_cycle;
  return c;
}

}  // namespace aie4ml
