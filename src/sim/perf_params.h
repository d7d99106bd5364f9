// Timing constants of the performance model (perf_model.h), one set per AIE architecture.
//
// Reads: devices/performance/<architecture>.json (shipped data; the file documents every constant with
//   its source: a fact from docs/aie-ml-facts.md, or "fitted" to the published aiesimulator figures of
//   docs/published-aie4ml.md), then an optional "performance" object in the device file itself, whose keys
//   override the architecture's. Writes: PerfParams. Checks: every constant present, finite and >= 0
//   (InputError naming the file and key).
// Clocks, DMA rates, channel counts and PLIO widths are not here: they come from the Device.
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "device/device.h"
#include "sim/kernel_cost.h"

namespace aie4ml::perf {

struct PerfParams {
  // Kernel cycles: kernel_cost's CoreTiming, with its "assumed" knobs set from the file.
  CoreTiming core;
  // ADF run-time work around every kernel invocation that kernel_cost does not count: acquiring and
  // releasing the lock of each input/output buffer and swapping ping-pong pointers.
  double kernel_iteration_cycles = 0;
  double lock_acquire_cycles = 4;  // per buffer lock a core acquires
  // DMA: from a channel acquiring its buffer's lock to its first word on the stream (BD fetch, lock).
  double dma_setup_cycles = 0;
  // Memory-tile DMA: extra cycles per contiguous run its access pattern visits (address generation
  // between short bursts, e.g. the 8-byte rows of a [tile_k, tile_m] int8 tile).
  double dma_run_overhead_cycles = 0;
  // Stream switch latency per switch crossed; a route crosses |dcol| + |drow| + 1 switches.
  double stream_hop_cycles = 2;
  // PL <-> AIE interface crossing of a PLIO word (shim tile, clock-domain crossing), each direction.
  double plio_latency_cycles = 0;
  // From a cascade producer's write to the consumer's read starting (the link itself).
  double cascade_link_cycles = 0;
  // Batches simulated to measure the steady-state interval.
  int interval_batches = 16;

  nlohmann::json sources;      // key -> where the value comes from
  std::filesystem::path file;  // where it was read from
  std::string architecture;

  static PerfParams from_json(const nlohmann::json& j, const std::string& where);
};

// The shipped constants for `device` (its architecture's file, then the device's own overrides).
PerfParams params_for(const Device& device);

}  // namespace aie4ml::perf
