// Default partition cost (see partition_cost.h for the seam and the formula).
#include "passes/partition_cost.h"

#include <algorithm>

#include <fmt/format.h>

#include "support/error.h"

namespace aie4ml {

AnalyticPartitionCost::AnalyticPartitionCost(std::string objective) {
  if (objective == "latency")
    aggregate_ = CostAggregate::Sum;
  else if (objective == "throughput")
    aggregate_ = CostAggregate::Max;
  else
    throw InputError(fmt::format("config Model.Objective: expected \"latency\" or \"throughput\", got \"{}\"", objective));
}

double AnalyticPartitionCost::layer_cost(const LayerCandidate& c, const Device& device) const {
  const auto macs = device.macs_per_cycle.at(c.layer.type_pair);
  const double mac_cycles = static_cast<double>(c.batch_padded) * c.k_slice * c.n_slice / macs;
  const double in_cycles = static_cast<double>(c.input_bytes) / device.core_stream_bytes_per_cycle;
  const double out_cycles = static_cast<double>(c.output_bytes) / device.core_stream_bytes_per_cycle;
  return std::max({mac_cycles, in_cycles, out_cycles}) + kernel_overhead_cycles +
         cascade_hop_cycles * (c.cas_length - 1) + tile_cost_cycles * c.tiles();
}

std::unique_ptr<PartitionCost> default_partition_cost(const Config& config) {
  return std::make_unique<AnalyticPartitionCost>(config.objective);
}

}  // namespace aie4ml
