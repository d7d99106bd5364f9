// Per-layer estimates of the performance model for the partition pass (see perf_cost.h).
#include "sim/perf_cost.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "design/conv_layout.h"
#include "sim/kernel_cost.h"
#include "sim/perf_components.h"
#include "support/error.h"

namespace aie4ml::perf {

namespace {

KernelTypePair type_pair(const std::string& name) {
  if (name == "int8xint8") return KernelTypePair::Int8xInt8;
  if (name == "int16xint8") return KernelTypePair::Int16xInt8;
  if (name == "int16xint16") return KernelTypePair::Int16xInt16;
  if (name == "bf16xbf16") return KernelTypePair::Bf16xBf16;
  throw InputError(fmt::format("no kernel timing for type pair '{}'", name));
}

DenseKernelCost candidate_kernel(const LayerCandidate& c, cascade_pos pos, const PerfParams& p) {
  DenseKernelDesc d;
  d.types = type_pair(c.layer.type_pair);
  d.acc = d.types == KernelTypePair::Bf16xBf16 ? AccKind::AccFloat
          : c.layer.acc_bits > 32              ? AccKind::Acc64
                                               : AccKind::Acc32;
  d.out_bits = c.layer.output_bytes * 8;
  d.tile_m = c.tiling[0];
  d.tile_k = c.tiling[1];
  d.tile_n = c.tiling[2];
  d.m = static_cast<int>(c.batch_padded);
  d.k = static_cast<int>(c.k_slice);
  d.n = static_cast<int>(c.n_slice);
  d.pos = pos;
  return dense_kernel_cost(d, p.core);
}

cascade_pos position(int p, int length) {
  if (length == 1) return cascade_pos::single;
  return p == 0 ? cascade_pos::first : p + 1 == length ? cascade_pos::last : cascade_pos::middle;
}

// Finish time of the chain's last kernel when all start at 0: block j of kernel p starts once its own
// block j-1 is done and kernel p-1's block j has been written (plus the cascade link).
double chain_cycles(const LayerCandidate& c, const PerfParams& p, double* slowest) {
  std::vector<double> prev_blocks;  // end of each block of the previous kernel (its cascade write point)
  double end = 0;
  *slowest = 0;
  for (int pos = 0; pos < c.cas_length; ++pos) {
    const auto k = candidate_kernel(c, position(pos, c.cas_length), p);
    const bool writes = pos_stores_output(position(pos, c.cas_length));
    const double runtime = p.kernel_iteration_cycles + p.lock_acquire_cycles * (writes ? 2 : 1);
    *slowest = std::max(*slowest, runtime + static_cast<double>(k.cycles));
    std::vector<double> blocks;
    double t = runtime + static_cast<double>(k.call_cycles);
    const int64_t per_column = k.column_iterations ? k.block_iterations / k.column_iterations : 0;
    for (int64_t col = 0, j = 0; col < k.column_iterations; ++col) {
      t += static_cast<double>(k.column_cycles);
      for (int64_t r = 0; r < per_column; ++r, ++j) {
        if (pos > 0) t = std::max(t, prev_blocks[j] + p.cascade_link_cycles);
        t += static_cast<double>(k.block_init_cycles + k.block_loop_cycles);
        blocks.push_back(t);
        t += static_cast<double>(k.block_leave_cycles);
      }
    }
    prev_blocks = std::move(blocks);
    end = t;
  }
  return end;
}

// One memory-tile port walking [width x rows] tiles of a slice of `features` x `rows`.
double port_cycles(int64_t features, int64_t rows, int bytes, int64_t tile_width, bool full_rows, const Device& d,
                   const PerfParams& p) {
  const double runs = full_rows ? 1.0 : static_cast<double>(features / std::max<int64_t>(1, tile_width) * rows);
  return p.dma_setup_cycles + static_cast<double>(features * rows * bytes) / dma_bytes_per_cycle(d) +
         runs * p.dma_run_overhead_cycles + 2 * (3 * p.stream_hop_cycles);  // a few switches each way
}

}  // namespace

double LayerEstimate::interval() const { return std::max({read, slowest_kernel, write}); }

LayerEstimate estimate_layer(const LayerCandidate& c, const Device& device, const PerfParams& p) {
  LayerEstimate e;
  e.read = port_cycles(c.k_slice, c.batch_padded, c.layer.input_bytes, c.tiling[1], c.cas_length == 1, device, p);
  e.chain = chain_cycles(c, p, &e.slowest_kernel);
  e.write = port_cycles(c.n_slice, c.batch_padded, c.layer.output_bytes, c.tiling[2], c.cas_num == 1, device, p);
  return e;
}

PerfPartitionCost::PerfPartitionCost(std::string objective, PerfParams params) : params_(std::move(params)) {
  if (objective == "latency")
    aggregate_ = CostAggregate::Sum;
  else if (objective == "throughput")
    aggregate_ = CostAggregate::Max;
  else
    throw InputError(
        fmt::format("config Model.Objective: expected \"latency\" or \"throughput\", got \"{}\"", objective));
}

double PerfPartitionCost::layer_cost(const LayerCandidate& c, const Device& device) const {
  LayerEstimate e;
  try {
    e = estimate_layer(c, device, params_);
  } catch (const InputError&) {
    // No kernel timing for this layer (e.g. a type pair the kernels do not have): the simple estimate.
    return AnalyticPartitionCost(aggregate_ == CostAggregate::Sum ? "latency" : "throughput").layer_cost(c, device);
  }
  const double cycles = aggregate_ == CostAggregate::Sum ? e.latency() : e.interval();
  return cycles + tile_cost_cycles * c.tiles();
}

std::optional<double> PerfPartitionCost::conv_kernel_cycles(const ConvKernelQuery& q) const {
  const LayerCandidate& c = q.candidate;
  if (q.conv.size() != conv_layout::kGeometrySize) return std::nullopt;
  LayerDesign l;  // what the conv kernel timing reads of a layer
  l.name = c.layer.name;
  l.type_pair = c.layer.type_pair;
  l.acc_bits = c.layer.acc_bits;
  l.output_bytes = c.layer.output_bytes;
  l.out_features = c.layer.out_features;
  l.tile_m = c.tiling[0], l.tile_k = c.tiling[1], l.tile_n = c.tiling[2];
  l.batch_padded = c.batch_padded;
  l.conv_chunk = c.conv_chunk;
  l.conv = q.conv;
  l.pool = q.pool;
  KernelInstance k;
  k.variant = c.conv_memtile ? "conv_memtile_im2col" : c.conv_direct ? "conv_direct" : "conv_single";
  k.k_range = {0, c.k_slice};
  k.n_range = {0, c.n_slice};
  const int64_t positions = q.conv[conv_layout::OH] * q.conv[conv_layout::OW];
  try {
    const double stream = q.stream_bytes_per_cycle > 0 ? static_cast<double>(c.input_bytes) / q.stream_bytes_per_cycle : 0;
    return static_cast<double>(perf::conv_kernel_cycles(l, k, params_, c.layer.batch / positions)) + stream;
  } catch (const InputError&) {
    return std::nullopt;
  }
}

}  // namespace aie4ml::perf
