// Component timing of the performance model (see perf_components.h).
#include "sim/perf_components.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "design/conv_layout.h"
#include "design/tensor_op_layout.h"
#include "sim/attention_cost.h"
#include "sim/conv_direct_cost.h"
#include "sim/conv_memtile_cost.h"
#include "sim/epilogue_cost.h"
#include "support/error.h"

namespace aie4ml::perf {

namespace {

KernelTypePair type_pair(const LayerDesign& l) {
  if (l.type_pair == "int8xint8") return KernelTypePair::Int8xInt8;
  if (l.type_pair == "int16xint8") return KernelTypePair::Int16xInt8;
  if (l.type_pair == "int16xint16") return KernelTypePair::Int16xInt16;
  if (l.type_pair == "bf16xbf16") return KernelTypePair::Bf16xBf16;
  throw InputError(fmt::format("layer '{}': no kernel timing for type pair '{}'", l.name, l.type_pair));
}

cascade_pos position(const KernelInstance& k) {
  if (k.variant == "dense_single" || k.variant == "conv_single" || k.variant == "conv_direct" ||
      k.variant == "conv_memtile_im2col")
    return cascade_pos::single;
  if (k.variant == "dense_first") return cascade_pos::first;
  if (k.variant == "dense_middle") return cascade_pos::middle;
  if (k.variant == "dense_last") return cascade_pos::last;
  throw InputError(fmt::format("kernel '{}': no timing for variant '{}'", k.name, k.variant));
}

}  // namespace

DenseKernelDesc kernel_desc(const LayerDesign& l, const KernelInstance& k) {
  DenseKernelDesc d;
  d.types = type_pair(l);
  d.acc = d.types == KernelTypePair::Bf16xBf16 ? AccKind::AccFloat : l.acc_bits > 32 ? AccKind::Acc64 : AccKind::Acc32;
  d.out_bits = l.output_bytes * 8;
  d.tile_m = l.tile_m;
  d.tile_k = l.tile_k;
  d.tile_n = l.tile_n;
  d.m = static_cast<int>(l.batch_padded);
  d.k = static_cast<int>(k.k_range.size());
  d.n = static_cast<int>(k.n_range.size());
  d.pos = position(k);
  d.shift = 0;  // the Design does not carry shifts; a negative shift costs a few SRS cycles more per tile
  d.relu = l.activation == "relu";
  return d;
}

ConvKernelDesc conv_kernel_timing_desc(const LayerDesign& l, const KernelInstance& k, int64_t batch) {
  if (!l.is_conv() || batch < 1)
    throw InputError(fmt::format("layer '{}': conv kernel timing needs a conv layer and the batch", l.name));
  const auto g = kernel_desc(l, k);
  ConvKernelDesc d;
  d.types = g.types;
  d.acc = g.acc;
  d.out_bits = g.out_bits;
  d.tile_m = g.tile_m, d.tile_k = g.tile_k, d.tile_n = g.tile_n;
  d.batch = static_cast<int>(batch);
  d.chunk = static_cast<int>(l.conv_chunk);  // kernels/conv.h Chunk (0: the whole batch)
  d.channels_in = static_cast<int>(l.conv[conv_layout::CI]);
  d.out_positions = static_cast<int>(conv_layout::positions(l));
  d.taps = static_cast<int>(l.conv[conv_layout::KH] * l.conv[conv_layout::KW]);
  d.n = g.n;
  d.channels_out = static_cast<int>(l.out_features);
  d.relu = g.relu;
  d.pos = g.pos;
  d.k_slice = g.k;
  d.rows_output = true;  // the project writer emits conv_single_rows / conv_direct_rows / conv_memtile_rows
  if (conv_layout::has_pool(l)) {  // a fused MaxPool (conv_pool)
    d.pool_positions = static_cast<int>(conv_layout::out_positions(l));
    d.pool_taps = static_cast<int>(l.pool[conv_layout::PKH] * l.pool[conv_layout::PKW]);
  }
  return d;
}

ConvKernelCost conv_kernel_timing(const LayerDesign& l, const KernelInstance& k, const PerfParams& p, int64_t batch) {
  return conv_kernel_cost(conv_kernel_timing_desc(l, k, batch), p.core);
}

int64_t conv_kernel_cycles(const LayerDesign& l, const KernelInstance& k, const PerfParams& p, int64_t batch) {
  if (k.variant != "conv_direct" && k.variant != "conv_memtile_im2col") return conv_kernel_timing(l, k, p, batch).cycles;
  ConvKernelDesc d = conv_kernel_timing_desc(l, k, batch);
  d.k_slice = 0;  // the direct kernel's K is taps x padded channels, derived from the geometry
  const auto& c = l.conv;
  const ConvGeometry g{c[conv_layout::CI], c[conv_layout::IH], c[conv_layout::IW], c[conv_layout::KH],
                       c[conv_layout::KW], c[conv_layout::SH], c[conv_layout::SW], c[conv_layout::DH],
                       c[conv_layout::DW], c[conv_layout::PH], c[conv_layout::PW], c[conv_layout::OH],
                       c[conv_layout::OW]};
  if (k.variant == "conv_memtile_im2col") return conv_memtile_kernel_cost(d, g, p.core).cycles;
  return conv_direct_kernel_cost(d, g, p.core).cycles;
}

// An attention tensor-op layer's one kernel (src/sim/attention_cost.h): a MatMul runs one GEMM per head
// in one call; Softmax and LayerNorm run over batch x rows rows. The in-place requantisation of fused
// Quantize ops after Softmax / LayerNorm is not counted (one scalar pass, a few percent).
int64_t attention_kernel_cycles(const LayerDesign& l, const PerfParams& p, int64_t batch) {
  namespace to = tensor_op_layout;
  const auto& g = l.tensor_op;
  if (l.op == "MatMul") {
    const bool scores = g[to::MM_FORM] == to::kScores;
    MatMulActKernelDesc d;
    d.types = l.input_bytes == 1 ? KernelTypePair::Int8xInt8 : KernelTypePair::Int16xInt16;
    d.acc = l.input_bytes == 1 ? AccKind::Acc32 : AccKind::Acc64;
    d.out_bits = 8 * l.output_bytes;
    d.tile_m = 4, d.tile_k = to::mmul_k(l), d.tile_n = 4;
    d.batch = static_cast<int>(batch);
    d.m = static_cast<int>(g[to::MM_T]);
    d.k = static_cast<int>(scores ? g[to::MM_DH] : g[to::MM_T]);
    d.n = static_cast<int>(scores ? g[to::MM_T] : g[to::MM_DH]);
    d.scale = g.size() > to::MM_SCALED && g[to::MM_SCALED] != 0;
    const int64_t head = matmul_act_kernel_cost(d, p.core).cycles;
    return g[to::MM_H] * (head - p.core.call_overhead_cycles) + p.core.call_overhead_cycles;
  }
  if (l.op == "Softmax")
    return softmax_rows_kernel_cost({static_cast<int>(batch * g[0]), static_cast<int>(g[1]), 8 * l.input_bytes}, p.core).cycles;
  return layernorm_kernel_cost({static_cast<int>(batch * g[0]), static_cast<int>(g[1])}, {}, p.core).cycles;
}

DenseKernelCost kernel_timing(const LayerDesign& l, const KernelInstance& k, const PerfParams& p, int64_t batch) {
  if (l.is_tensor_op() && tensor_op_layout::is_attention(l)) {
    DenseKernelCost c;
    c.cycles = c.call_cycles = attention_kernel_cycles(l, p, std::max<int64_t>(batch, 1));
    return c;
  }
  if (l.is_tensor_op()) {  // scalar loops, no MACs (design/tensor_op_layout.h kernel_cycles)
    DenseKernelCost c;
    c.cycles = c.call_cycles = tensor_op_layout::kernel_cycles(l, std::max<int64_t>(batch, 1));
    return c;
  }
  DenseKernelCost c = dense_kernel_cost(kernel_desc(l, k), p.core);
  if (l.is_conv()) {  // the gather (im2col) or the in-register tiles (direct) and the repack after the GEMM
    const int64_t extra = conv_kernel_cycles(l, k, p, batch) - c.cycles;
    c.call_cycles += extra;
    c.cycles += extra;
  }
  if (k.writes_output) {  // a fused output activation (Softmax, Sigmoid, Tanh) runs after the product
    const int64_t extra = epilogue_cycles(l);
    c.call_cycles += extra;
    c.cycles += extra;
  }
  return c;
}

int64_t port_bytes(const SharedBufferPort& port, int element_bytes) {
  int64_t elements = 1;
  for (auto t : port.access.tiling_dimension) elements *= t;
  for (auto& step : port.access.tile_traversal) elements *= std::max<int64_t>(1, step.wrap);
  return elements * element_bytes;
}

int64_t port_runs(const SharedBufferPort& port) {
  const auto& a = port.access;
  if (a.tiling_dimension.empty() || a.buffer_dimension.empty()) return 1;
  int64_t elements = 1;
  for (auto t : a.tiling_dimension) elements *= t;
  for (auto& step : a.tile_traversal) elements *= std::max<int64_t>(1, step.wrap);
  const int64_t width = a.tiling_dimension[0];
  if (width >= a.buffer_dimension[0]) return 1;
  return std::max<int64_t>(1, elements / std::max<int64_t>(1, width));
}

double port_transfer_cycles(const SharedBufferPort& port, int element_bytes, double bytes_per_cycle,
                            const PerfParams& p) {
  return port_bytes(port, element_bytes) / bytes_per_cycle + port_runs(port) * p.dma_run_overhead_cycles;
}

double dma_bytes_per_cycle(const Device& d) { return d.memory_tile_dma.bytes_per_cycle; }
double tile_dma_bytes_per_cycle(const Device& d) { return d.tile_dma.bytes_per_cycle; }

double plio_bytes_per_cycle(const PlioPort& port, const Device& d) {
  const double mhz = port.frequency_mhz > 0 ? port.frequency_mhz : d.pl_clock_mhz;
  const double plio = port.width_bits / 8.0 * mhz / d.aie_clock_mhz;
  // A PLIO feeds (drains) one 32-bit stream at the AIE clock, served by a memory-tile DMA channel.
  return std::min({plio, d.core_stream_bytes_per_cycle, d.memory_tile_dma.bytes_per_cycle});
}

GridPoint shim_point(int col) { return {col, 0}; }
GridPoint memtile_point(TileCoord m) { return {m.col, 1 + m.row}; }
GridPoint compute_point(TileCoord t, const Device& d) { return {t.col, 1 + d.memory_tile_rows + t.row}; }

double route_cycles(GridPoint a, GridPoint b, const PerfParams& p) {
  const int switches = std::abs(a.col - b.col) + std::abs(a.row - b.row) + 1;
  return switches * p.stream_hop_cycles;
}

}  // namespace aie4ml::perf
