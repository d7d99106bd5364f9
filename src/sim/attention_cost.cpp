// Cost of the attention kernels (see attention_cost.h for the assumptions).
#include "sim/attention_cost.h"

#include <cmath>

#include <fmt/format.h>

#include "sim/epilogue_cost.h"
#include "support/error.h"

namespace aie4ml {

namespace {

int64_t round_up(int64_t v, int64_t m) { return (v + m - 1) / m * m; }

}  // namespace

MatMulActKernelCost matmul_act_kernel_cost(const MatMulActKernelDesc& d, const CoreTiming& t) {
  if (d.batch < 1 || d.m < 1 || d.k < 1 || d.n < 1 || d.tile_m < 1 || d.tile_k < 1 || d.tile_n < 1)
    throw InputError(fmt::format("matmul_act kernel: sizes must be positive (batch {}, {}x{}x{})", d.batch, d.m, d.k, d.n));
  if (d.types == KernelTypePair::Bf16xBf16)
    throw InputError("matmul_act kernel: integer operands only");
  MatMulActKernelCost c;
  c.m_padded = round_up(d.m, 2 * d.tile_m);
  c.k_padded = round_up(d.k, d.tile_k);
  c.n_padded = round_up(d.n, 2 * d.tile_n);
  DenseKernelDesc g;
  g.types = d.types;
  g.acc = d.acc;
  g.out_bits = d.out_bits;
  g.tile_m = d.tile_m, g.tile_k = d.tile_k, g.tile_n = d.tile_n;
  g.m = static_cast<int>(c.m_padded), g.k = static_cast<int>(c.k_padded), g.n = static_cast<int>(c.n_padded);
  g.pos = cascade_pos::single;
  c.gemm = dense_kernel_cost(g, t);
  const int64_t B = d.batch;
  // Gathers: every padded element written once; innermost loops: one per A row and one per B row.
  c.gather_elements = B * (c.m_padded * c.k_padded + c.k_padded * c.n_padded);
  c.gather_cycles = c.gather_elements + B * (c.m_padded + c.k_padded) * t.loop_setup_cycles;
  c.gemm_cycles = B * (c.gemm.cycles - t.call_overhead_cycles);
  if (d.scale) {
    const int64_t per_sample = c.m_padded * c.n_padded / 16;
    c.scale_vectors = B * per_sample;
    c.scale_cycles = B * (per_sample + t.load_latency + t.mac_latency + t.srs_latency + t.loop_setup_cycles);
  }
  c.scatter_elements = B * d.m * d.n;
  c.scatter_cycles = c.scatter_elements + B * d.m * t.loop_setup_cycles;
  c.useful_macs = B * d.m * d.k * d.n;
  c.cycles = t.call_overhead_cycles + c.gather_cycles + c.gemm_cycles + c.scale_cycles + c.scatter_cycles;
  c.efficiency = static_cast<double>(c.useful_macs) / (static_cast<double>(c.cycles) * peak_macs_per_cycle(d.types));
  return c;
}

SoftmaxRowsKernelCost softmax_rows_kernel_cost(const SoftmaxRowsKernelDesc& d, const CoreTiming& t) {
  if (d.rows < 1 || d.cols < 1 || d.cols > 128 || (d.elem_bits != 8 && d.elem_bits != 16))
    throw InputError(fmt::format("softmax_rows kernel: {} rows of {} columns of {} bits is not a legal kernel", d.rows,
                                 d.cols, d.elem_bits));
  SoftmaxRowsKernelCost c;
  const perf::EpilogueCycleParams p;
  const int64_t elems = int64_t{d.rows} * d.cols;
  c.copy_vectors = elems * d.elem_bits / 256;
  c.copy_cycles = c.copy_vectors + (elems - c.copy_vectors * 256 / d.elem_bits) + t.loop_setup_cycles;
  c.softmax_cycles = static_cast<int64_t>(std::ceil(elems * p.softmax_element + d.rows * p.softmax_row));
  c.cycles = t.call_overhead_cycles + c.copy_cycles + c.softmax_cycles;
  return c;
}

LayerNormKernelCost layernorm_kernel_cost(const LayerNormKernelDesc& d, const LayerNormCycleParams& p,
                                          const CoreTiming& t) {
  if (d.rows < 1 || d.n < 1)
    throw InputError(fmt::format("layernorm kernel: {} rows of {} elements is not a legal kernel", d.rows, d.n));
  LayerNormKernelCost c;
  const double row = p.row_overhead + d.n * (p.stats_element + p.output_element) + p.division_steps * p.division_step +
                     p.sqrt_steps * p.sqrt_step + 4.0 * t.loop_setup_cycles;
  c.per_row_cycles = static_cast<int64_t>(std::ceil(row));
  c.cycles = t.call_overhead_cycles + d.rows * c.per_row_cycles;
  return c;
}

}  // namespace aie4ml
