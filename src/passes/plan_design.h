// The mapping pipeline for `aie4ml compile`: Model + Config + Device -> a legal Design.
// Reads: a quantised, canonicalised Model (Dense layers), the Config and the Device.
// Writes: the Design, after partition -> place -> plan_transport -> allocate_buffers.
// Checks: runs check_design on the result; any violation is an InputError listing them (the inputs asked
//   for something the device cannot hold), so a Design returned from here is always legal.
#pragma once
#include "design/design.h"
#include "device/device.h"
#include "io/config.h"
#include "ir/model.h"
#include "passes/partition_cost.h"
#include "passes/place.h"
#include "passes/plan_transport.h"

namespace aie4ml {

struct PlanOptions {
  PlacementOptions placement;
  TransportOptions transport;
  const PartitionCost* cost = nullptr;  // nullptr: default_partition_cost(config)
};

// Wall time per stage (seconds); not part of the Design because it is not deterministic.
struct PlanTimings {
  double partition = 0, placement = 0, transport = 0, check = 0;
  double total() const { return partition + placement + transport + check; }
};

Design plan_design(const Model& model, const Config& config, const Device& device, const PlanOptions& options = {},
                   PlanTimings* timings = nullptr);

}  // namespace aie4ml
