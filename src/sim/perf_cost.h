// The performance model behind the partition pass's cost seam (passes/partition_cost.h).
//
// Reads: one LayerCandidate (cas_length x cas_num kernels, slices, tiling, batch), the Device and the
//   PerfParams. Writes: that layer's estimated cycles. Checks: nothing beyond kernel_cost's legality.
//
// The estimate uses the same components as the event-driven model (perf_components.h), for one layer
// on its own: the memory-tile read of one K slice, the cascade chain block by block (kernel_cost
// phases, cascade link, lock acquisitions), the write of one N slice back, as
//   latency:    read + chain + write         (objective "latency": layers add up, Sum)
//   throughput: max(read, slowest kernel, write) per batch (objective "throughput": the slowest layer
//               sets the interval, Max)
// plus tile_cost_cycles per tile, so that equal estimates prefer fewer tiles. It ranks candidates for the
// partition's dynamic programme; perf_mapping.h then times whole designs with the full model.
#pragma once
#include <string>

#include "passes/partition_cost.h"
#include "sim/perf_params.h"

namespace aie4ml::perf {

// Cycles of one layer candidate on its own (no tile-cost term).
struct LayerEstimate {
  double read = 0, chain = 0, write = 0;  // first batch: memory tile -> kernels, compute, kernels -> memory tile
  double slowest_kernel = 0;              // busy cycles per batch of the busiest kernel
  double latency() const { return read + chain + write; }
  double interval() const;
};
LayerEstimate estimate_layer(const LayerCandidate& c, const Device& device, const PerfParams& p);

class PerfPartitionCost : public PartitionCost {
 public:
  PerfPartitionCost(std::string objective, PerfParams params);
  double layer_cost(const LayerCandidate& c, const Device& device) const override;
  CostAggregate aggregate() const override { return aggregate_; }
  std::string name() const override { return "performance-model"; }
  // The conv kernel variant's cycles per batch (perf_components.h conv_kernel_cycles) plus the cycles the
  // memory tile takes to stream its input buffer in (candidate input_bytes / stream_bytes_per_cycle: the
  // memory-tile im2col kernel's patch matrix is taps x larger); nullopt when the layer has no kernel timing.
  std::optional<double> conv_kernel_cycles(const ConvKernelQuery& q) const override;

  double tile_cost_cycles = 1;  // prefer fewer tiles when the gain is below this per tile

 private:
  CostAggregate aggregate_;
  PerfParams params_;
};

}  // namespace aie4ml::perf
