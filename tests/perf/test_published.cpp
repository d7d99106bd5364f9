// The performance model against the published aiesimulator figures (docs/published-aie4ml.md): every
// published design, built by aie4ml's mapping with the same per-layer overrides (int8, mmul 4x8x8, batch
// 8), timed with the transport the published tool gives those layers (TransportView::PublishedRules,
// perf_model.h), must land within 10% of the published latency (and interval where published), and the
// six jet-tagger designs must rank as published (Spearman >= 0.8).
#include <gtest/gtest.h>

#include "passes/plan_design.h"
#include "perf/perf_fixtures.h"
#include "sim/perf_model.h"

namespace aie4ml {
namespace {

using perf_testing::published_designs;

constexpr double kTolerance = 0.10;

perf::PerfResult predict(const perf_testing::PublishedDesign& p) {
  const Design d =
      plan_design(perf_testing::relu_mlp("m", p.widths), perf_testing::config_for(p), perf_testing::ve2802());
  return perf::simulate(d, perf_testing::ve2802(), {perf::TransportView::PublishedRules});
}

TEST(PublishedDesigns, LatencyWithinTenPercent) {
  for (auto& p : published_designs()) {
    const auto r = predict(p);
    EXPECT_NEAR(r.latency_ns / p.latency_ns, 1.0, kTolerance)
        << p.name << ": predicted " << r.latency_ns << " ns, published " << p.latency_ns << " ns";
  }
}

TEST(PublishedDesigns, IntervalWithinTenPercent) {
  int checked = 0;
  for (auto& p : published_designs()) {
    if (!p.interval_ns) continue;
    const auto r = predict(p);
    EXPECT_NEAR(r.interval_ns / *p.interval_ns, 1.0, kTolerance)
        << p.name << ": predicted " << r.interval_ns << " ns, published " << *p.interval_ns << " ns";
    ++checked;
  }
  EXPECT_EQ(checked, 2);
}

TEST(PublishedDesigns, SameTileCounts) {
  for (auto& p : published_designs()) {
    if (!p.tiles) continue;
    EXPECT_EQ(predict(p).tiles_used, *p.tiles) << p.name;
  }
}

TEST(PublishedDesigns, JetTaggerRankingMatches) {
  std::vector<double> predicted, published;
  for (auto& p : published_designs()) {
    if (p.name.rfind("jet", 0) != 0) continue;
    predicted.push_back(predict(p).latency_ns);
    published.push_back(p.latency_ns);
  }
  ASSERT_EQ(predicted.size(), 6u);
  EXPECT_GE(perf_testing::spearman(predicted, published), 0.8);
}

TEST(PublishedDesigns, SpearmanHelperIsRight) {
  EXPECT_DOUBLE_EQ(perf_testing::spearman({1, 2, 3, 4}, {10, 20, 30, 40}), 1.0);
  EXPECT_DOUBLE_EQ(perf_testing::spearman({1, 2, 3, 4}, {40, 30, 20, 10}), -1.0);
  EXPECT_DOUBLE_EQ(perf_testing::spearman({1, 2, 3}, {1, 3, 2}), 0.5);
}

// The published automatic choice for the tutorial MLP is reconstructed as fc1 1x2 (see the fixture). The
// other reading the published ranking allows, fc1 2x1, has the same latency within 1% but a 1 KB x 2
// cascade chain whose last kernel stores 2 KB per batch; its interval is far from the published one, so
// the figures single out 1x2.
TEST(PublishedDesigns, TutorialAutomaticChoiceIsOneByTwo) {
  auto p = published_designs().front();
  ASSERT_TRUE(p.interval_ns);
  const double one_by_two = predict(p).interval_ns;
  p.layers = {{2, 1}, {1, 1}};
  const double two_by_one = predict(p).interval_ns;
  EXPECT_LT(std::abs(one_by_two / *p.interval_ns - 1), kTolerance);
  EXPECT_GT(std::abs(two_by_one / *p.interval_ns - 1), 3 * kTolerance);
}

}  // namespace
}  // namespace aie4ml
