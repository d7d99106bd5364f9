// Placement and whole-mapping time: the >296-tile MLP on ve2802 (goal: < 5 s) and MLPs of growing depth.
// Counters: tiles used, placement cost, lower bound, optimal (1/0), search nodes.
// Run: build-*/bench/bench_placement [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include "../tests/mapping/mapping_fixtures.h"  // hand-built quantised MLPs (header-only helpers)
#include "passes/partition.h"
#include "passes/place.h"
#include "passes/plan_design.h"

namespace {

using namespace aie4ml;

// 512 -> 5 x 1024 -> 200 int8: needs 302 of the 304 tiles at 16 KB of weights per tile.
Model big_mlp() { return testing::mlp("big", {512, 1024, 1024, 1024, 1024, 1024, 200}); }

// n layers with widths cycling through 64..512 (deterministic).
Model growing_mlp(int layers) {
  std::vector<int64_t> widths{256};
  for (int i = 0; i < layers; ++i) widths.push_back(64 * (1 + (i * 5 + 3) % 8));
  return testing::mlp("grow", widths);
}

void report(benchmark::State& state, const Design& d) {
  state.counters["tiles"] = d.tiles_used();
  state.counters["cost"] = d.placement.cost;
  state.counters["lower_bound"] = d.placement.lower_bound;
  state.counters["optimal"] = d.placement.optimal ? 1 : 0;
  state.counters["nodes"] = static_cast<double>(d.placement.nodes);
}

void BM_BigMlpPlanDesign(benchmark::State& state) {
  const Model m = big_mlp();
  Design d;
  for (auto _ : state) d = plan_design(m, Config{}, testing::ve2802());
  report(state, d);
}
BENCHMARK(BM_BigMlpPlanDesign)->Unit(benchmark::kMillisecond);

// Placement alone, without the partition's band seed: the search has to find the packing itself.
void BM_BigMlpPlacementUnseeded(benchmark::State& state) {
  const Model m = big_mlp();
  const Device& dev = testing::ve2802();
  const auto default_cost = default_partition_cost(Config{});
  auto parts = partition(m, Config{}, dev, *default_cost);
  Design d;
  d.layers = parts.layers;
  const auto problem = placement_problem(d, parts.fixed, {}, dev);
  PlacementSolution sol;
  for (auto _ : state) sol = solve_placement(problem, {});
  state.counters["cost"] = sol.report.cost;
  state.counters["lower_bound"] = sol.report.lower_bound;
  state.counters["optimal"] = sol.report.optimal ? 1 : 0;
  state.counters["nodes"] = static_cast<double>(sol.report.nodes);
}
BENCHMARK(BM_BigMlpPlacementUnseeded)->Unit(benchmark::kMillisecond);

void BM_GrowingMlpPlanDesign(benchmark::State& state) {
  const Model m = growing_mlp(static_cast<int>(state.range(0)));
  Design d;
  for (auto _ : state) d = plan_design(m, Config{}, testing::ve2802());
  report(state, d);
}
BENCHMARK(BM_GrowingMlpPlanDesign)->RangeMultiplier(2)->Range(2, 32)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
