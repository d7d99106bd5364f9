// Performance-driven mapping (sim/perf_mapping.h) and the model-backed partition cost (sim/perf_cost.h):
// the chosen design is the best candidate by the objective, overrides and the tile budget are honoured,
// the report's margin is against the next best, and the automatic jet-tagger design beats the best
// published one (727.2 ns, docs/published-aie4ml.md).
#include <gtest/gtest.h>

#include "passes/partition.h"
#include "passes/plan_design.h"
#include "perf/perf_fixtures.h"
#include "sim/perf_cost.h"
#include "sim/perf_mapping.h"
#include "support/error.h"

namespace aie4ml {
namespace {

using perf_testing::relu_mlp;
using perf_testing::ve2802;

Model jet() { return relu_mlp("jet", {16, 64, 32, 32, 8}); }

Config batch8(const std::string& objective = "latency") {
  Config c;
  c.batch_size = 8;
  c.objective = objective;
  return c;
}

constexpr double kBestPublishedJetLatencyNs = 727.2;  // published-aie4ml.md: jet tagger 1x4, 4x2, 2x2, 2x1

TEST(Search, AutomaticJetTaggerBeatsTheBestPublishedDesign) {
  const auto r = perf::plan_for_performance(jet(), batch8(), ve2802());
  ASSERT_TRUE(r.perf);
  EXPECT_LT(r.perf->latency_ns, kBestPublishedJetLatencyNs);
  EXPECT_TRUE(r.search.exhaustive);  // 3 x 6 x 4 x 2 legal combinations
  EXPECT_EQ(r.search.candidates.size(), 3u * 6 * 4 * 2);
}

void expect_chosen_is_best(const perf::PerformanceDesign& r, bool by_interval) {
  ASSERT_GE(r.search.chosen, 0);
  const auto& best = r.search.candidates[r.search.chosen];
  for (auto& c : r.search.candidates)
    EXPECT_LE(by_interval ? best.interval_ns : best.latency_ns, by_interval ? c.interval_ns : c.latency_ns) << c.label;
  EXPECT_DOUBLE_EQ(best.latency_ns, r.perf->latency_ns);
  EXPECT_DOUBLE_EQ(best.interval_ns, r.perf->interval_ns);
  EXPECT_EQ(best.tiles, r.design.tiles_used());
}

TEST(Search, LatencyObjectivePicksTheLowestLatency) {
  expect_chosen_is_best(perf::plan_for_performance(jet(), batch8("latency"), ve2802()), false);
}

TEST(Search, ThroughputObjectivePicksTheShortestInterval) {
  const auto fast = perf::plan_for_performance(jet(), batch8("throughput"), ve2802());
  expect_chosen_is_best(fast, true);
  const auto quick = perf::plan_for_performance(jet(), batch8("latency"), ve2802());
  EXPECT_LT(fast.perf->interval_ns, quick.perf->interval_ns);
}

TEST(Search, MarginIsAgainstTheNextBest) {
  const auto r = perf::plan_for_performance(jet(), batch8(), ve2802());
  ASSERT_GE(r.search.next_best, 0);
  const double a = r.search.candidates[r.search.chosen].latency_ns;
  const double b = r.search.candidates[r.search.next_best].latency_ns;
  EXPECT_NEAR(r.search.margin, (b - a) / a, 1e-12);
  for (size_t i = 0; i < r.search.candidates.size(); ++i) {
    if (static_cast<int>(i) != r.search.chosen) {
      EXPECT_LE(b, r.search.candidates[i].latency_ns);
    }
  }
  const auto j = r.search.to_json(5);
  EXPECT_EQ(j["candidates_tried"], r.search.candidates.size());
  EXPECT_EQ(j["candidates"].size(), 5u);
  EXPECT_EQ(j["candidates"][0]["label"], j["chosen"]);
}

TEST(Search, PerLayerOverridesWin) {
  Config c = batch8();
  c.layers["fc2"].cascade_length = 2;
  c.layers["fc2"].cascade_num = 1;
  const auto r = perf::plan_for_performance(jet(), c, ve2802());
  EXPECT_EQ(r.design.layers[1].cas_length, 2);
  EXPECT_EQ(r.design.layers[1].cas_num, 1);
  for (auto& cand : r.search.candidates) {
    EXPECT_EQ(cand.layers[1][0], 2) << cand.label;
    EXPECT_EQ(cand.layers[1][1], 1) << cand.label;
  }
}

TEST(Search, TileBudgetIsRespected) {
  Config c = batch8("throughput");
  c.tile_budget = 6;
  const auto r = perf::plan_for_performance(jet(), c, ve2802());
  EXPECT_LE(r.design.tiles_used(), 6);
  for (auto& cand : r.search.candidates) EXPECT_LE(cand.tiles, 6) << cand.label;
}

TEST(Search, LargeModelsUseTheNeighbourhood) {
  perf::SearchOptions o;
  o.exhaustive_limit = 10;
  o.max_candidates = 5;
  const auto r = perf::plan_for_performance(jet(), batch8(), ve2802(), o);
  EXPECT_FALSE(r.search.exhaustive);
  EXPECT_LE(r.search.candidates.size(), 5u);
  EXPECT_EQ(r.search.candidates.front().origin, "partition");
}

TEST(Search, Deterministic) {
  const auto a = perf::plan_for_performance(jet(), batch8(), ve2802());
  const auto b = perf::plan_for_performance(jet(), batch8(), ve2802());
  EXPECT_EQ(a.design.dump(), b.design.dump());
  EXPECT_EQ(a.search.to_json().dump(), b.search.to_json().dump());
}

TEST(PerfCost, ObjectiveSetsTheAggregate) {
  const auto p = perf::params_for(ve2802());
  EXPECT_EQ(perf::PerfPartitionCost("latency", p).aggregate(), CostAggregate::Sum);
  EXPECT_EQ(perf::PerfPartitionCost("throughput", p).aggregate(), CostAggregate::Max);
  EXPECT_THROW(perf::PerfPartitionCost("speed", p), InputError);
}

// A 16 KB weight bank split over more chains shortens each kernel: the estimate must follow.
TEST(PerfCost, MoreChainsShortenTheLayer) {
  const Model m = relu_mlp("one", {128, 128});
  const auto shape = layer_shape(m, m.ops[0], batch8(), ve2802());
  const auto p = perf::params_for(ve2802());
  const auto one = perf::estimate_layer(make_candidate(shape, 1, 1, {4, 8, 8}, ve2802()), ve2802(), p);
  const auto four = perf::estimate_layer(make_candidate(shape, 1, 4, {4, 8, 8}, ve2802()), ve2802(), p);
  EXPECT_LT(four.chain, one.chain);
  EXPECT_LT(four.interval(), one.interval());
  EXPECT_LT(four.write, one.write);  // 32 features per chain instead of 128
}

}  // namespace
}  // namespace aie4ml
