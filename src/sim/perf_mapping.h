// Performance-driven mapping: choose the partition (and hence placement and transport) of a model by
// timing whole designs with the performance model.
//
// Reads: the quantised Model, the Config (Objective "latency" | "throughput", optional TileBudget,
//   per-layer CascadeLength / CascadeNum / Tiling / Placement overrides) and the Device.
// Writes: the chosen legal Design, its PerfResult and a SearchReport (every candidate design tried with
//   its predicted latency, interval and tiles, the choice, and its margin over the next best).
// Checks: what plan_design checks; overrides always win (candidates only vary what the user left free);
//   designs over the TileBudget are not candidates.
//
// Search: (1) plan_design with the model-backed partition cost (perf_cost.h), whose exact band programme
// picks the best combination of per-layer estimates that packs: the seed; (2) when the layers' legal
// candidates combine into at most exhaustive_limit designs, all of them; otherwise the seed, the
// per-layer best estimates together, the fewest tiles per layer, and the seed with one free layer changed
// to another of its best few candidates by estimate, up to max_candidates; (3) every candidate is planned
// (placement with a reduced node limit) and simulated, because what a layer costs depends on its
// neighbours (direct buffers between single kernels, memory-tile hops); the best by the objective
// (latency: latency, then interval, then tiles; throughput: interval, then latency, then tiles) is
// re-planned with the full placement search and simulated again.
// When the model cannot time a layer (a type pair without kernel timing), the default plan_design result
// is returned with the reason in the report.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "design/design.h"
#include "device/device.h"
#include "io/config.h"
#include "ir/model.h"
#include "sim/perf_model.h"

namespace aie4ml::perf {

struct SearchCandidate {
  std::string label;                       // "fc1 1x4, fc2 4x2, ..." (cas_length x cas_num per layer)
  std::vector<std::array<int, 5>> layers;  // cas_length, cas_num, tile_m, tile_k, tile_n
  std::string origin;                      // "partition" | "neighbour" | "per-layer best"
  double latency_ns = 0, interval_ns = 0;
  int tiles = 0;
};

struct SearchReport {
  std::string objective;
  std::optional<int> tile_budget;
  std::vector<SearchCandidate> candidates;  // in the order tried
  bool exhaustive = false;                  // every legal combination was timed
  int chosen = -1;                          // index into candidates
  int next_best = -1;
  double margin = 0;  // (next best - chosen) / chosen, in the objective's figure
  std::string note;   // why the search did not run, when it did not
  // JSON with the `listed` best candidates (best first) and the count of all tried.
  nlohmann::json to_json(int listed = 20) const;
};

struct SearchOptions {
  int exhaustive_limit = 256;  // time every combination when there are at most this many
  int max_candidates = 16;     // otherwise at most this many designs
  int per_layer_alternatives = 3;
  int64_t candidate_placement_nodes = 20000;  // placement node limit while comparing candidates
};

struct PerformanceDesign {
  Design design;
  std::optional<PerfResult> perf;
  SearchReport search;
};

PerformanceDesign plan_for_performance(const Model& model, const Config& config, const Device& device,
                                       const SearchOptions& options = {});

}  // namespace aie4ml::perf
