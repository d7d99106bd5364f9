// The mapping pipeline (see plan_design.h).
#include "passes/plan_design.h"

#include <chrono>

#include <fmt/format.h>

#include "passes/allocate_buffers.h"
#include "passes/check_design.h"
#include "passes/fuse_output_activation.h"
#include "passes/partition.h"
#include "support/error.h"

namespace aie4ml {

namespace {

class Stopwatch {
 public:
  double lap() {
    const auto now = std::chrono::steady_clock::now();
    const double s = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    return s;
  }

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

}  // namespace

Design plan_design(const Model& model, const Config& config, const Device& device, const PlanOptions& options,
                   PlanTimings* timings) {
  PlanTimings t;
  Stopwatch clock;
  const auto default_cost = default_partition_cost(config);
  const PartitionCost& cost = options.cost ? *options.cost : *default_cost;

  Design d;
  d.model = model.name;
  d.device = device.name;
  d.batch = config.batch_size;
  d.columns = device.columns;
  d.compute_rows = device.compute_rows;
  d.memory_tile_rows = device.memory_tile_rows;

  auto parts = partition(model, config, device, cost);
  fuse_output_activation(parts, model, config);  // a final Softmax/Sigmoid/Tanh: the last layer's epilogue
  d.layers = std::move(parts.layers);
  d.host_ops = parts.host_ops;
  t.partition = clock.lap();

  try {
    place(d, parts.fixed, parts.seed, device, options.placement);
  } catch (const InputError&) {
    if (!parts.band_layout_found) throw InputError(parts.no_fit_message);
    throw;
  }
  t.placement = clock.lap();

  plan_transport(d, model, device, options.transport);
  allocate_buffers(d, device);
  t.transport = clock.lap();

  try {
    require_legal(d, device);
  } catch (const CheckFailure& e) {
    throw InputError(e.what());
  }
  t.check = clock.lap();
  if (timings) *timings = t;
  return d;
}

}  // namespace aie4ml
