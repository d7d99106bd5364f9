// Big models: the placement search stops at its time limit, soon after it, and plan_design still returns
// a legal design (the timings themselves are in bench/compile_scale.cpp). Models are hand-built quantised MLPs
// (tests/mapping/mapping_fixtures.h); legality is re-checked here with check_design, independently of
// plan_design's own check.
#include <gtest/gtest.h>

#include "mapping/mapping_fixtures.h"
#include "passes/check_design.h"
#include "passes/plan_design.h"

namespace aie4ml {
namespace {

// `layers` Dense layers of 64 x 64 int8 (one tile each at the least).
Model deep_mlp(int layers) { return testing::mlp("deep", std::vector<int64_t>(static_cast<size_t>(layers) + 1, 64)); }

void expect_legal_and_complete(const Design& d, size_t layers) {
  EXPECT_TRUE(check_design(d, testing::ve2802()).empty());
  ASSERT_EQ(d.layers.size(), layers);
  for (auto& l : d.layers)
    for (auto& k : l.kernels) {
      EXPECT_GE(k.tile.col, 0) << l.name;
      EXPECT_GE(k.tile.row, 0) << l.name;
    }
}

TEST(PlacementTimeLimit, ExpiredAtOnceStillGivesALegalDesign) {
  const Model m = deep_mlp(60);
  PlanOptions o;
  o.placement.time_limit_s = 0;  // the first budget check stops the search
  o.placement.node_limit = int64_t{1} << 40;
  const Design d = plan_design(m, testing::config_with({}), testing::ve2802(), o);
  EXPECT_EQ(d.placement.stopped_by, "time_limit");
  EXPECT_FALSE(d.placement.optimal);
  EXPECT_LE(d.placement.lower_bound, d.placement.cost);
  expect_legal_and_complete(d, 60);
}

// The limit bounds the whole placement, the incumbent's local improvement included (on 300 layers that
// alone took seconds once); a node or an improvement step costs milliseconds at most, and the greedy
// incumbent (not interruptible) tens of milliseconds, hence the margin. The unoptimised ASan + UBSan
// build of tools/sanitize_and_fuzz.sh runs that code ~30x slower: a wider margin there.
#if defined(__SANITIZE_ADDRESS__)
constexpr double kPlacementMargin = 6.0;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr double kPlacementMargin = 6.0;
#else
constexpr double kPlacementMargin = 2.0;
#endif
#else
constexpr double kPlacementMargin = 2.0;
#endif

TEST(PlacementTimeLimit, BoundsTheWholePlacementOfA300LayerModel) {
  const Model m = deep_mlp(300);
  PlanOptions o;
  o.placement.time_limit_s = 0.05;
  o.placement.node_limit = int64_t{1} << 40;
  PlanTimings t;
  const Design d = plan_design(m, testing::config_with({}), testing::ve2802(), o, &t);
  EXPECT_EQ(d.placement.stopped_by, "time_limit");
  EXPECT_LT(t.placement, 0.05 + kPlacementMargin);
  expect_legal_and_complete(d, 300);
}

TEST(PlacementTimeLimit, NodeLimitStopsDeterministically) {
  const Model m = deep_mlp(30);
  PlanOptions o;
  o.placement.node_limit = 2000;
  o.placement.time_limit_s = 600;
  const Design a = plan_design(m, testing::config_with({}), testing::ve2802(), o);
  const Design b = plan_design(m, testing::config_with({}), testing::ve2802(), o);
  EXPECT_EQ(a.placement.stopped_by, "node_limit");
  EXPECT_EQ(a.placement.nodes, 2000);
  EXPECT_EQ(a.to_json().dump(), b.to_json().dump());
  expect_legal_and_complete(a, 30);
}

TEST(PlacementTimeLimit, DefaultOptionsHaveATimeLimit) {
  const PlacementOptions o;
  EXPECT_GT(o.time_limit_s, 0);
  EXPECT_LE(o.time_limit_s, 10);
}

}  // namespace
}  // namespace aie4ml
