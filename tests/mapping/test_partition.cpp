// Partition: published AIE4ML designs are expressible with per-layer overrides, slices follow the
// alignment rule, the automatic choice goes through the cost seam, and bad overrides / too-large models
// fail with messages naming the layer and the limit.
#include <gtest/gtest.h>

#include "mapping_fixtures.h"
#include "passes/check_design.h"
#include "passes/partition.h"
#include "passes/plan_design.h"
#include "support/error.h"

namespace aie4ml {
namespace {

using testing::config_with;
using testing::mlp;
using testing::error_of;
using testing::ve2802;

// docs/published-aie4ml.md: the jet tagger 16-64-32-32-8 designs and their tile counts.
struct PublishedJet {
  std::vector<std::pair<int, int>> shapes;
  int tiles;
};

class PublishedJetTagger : public ::testing::TestWithParam<PublishedJet> {};

TEST_P(PublishedJetTagger, IsExpressibleWithOverrides) {
  const auto& p = GetParam();
  const Model m = mlp("jet", {16, 64, 32, 32, 8});
  const Design d = plan_design(m, config_with(p.shapes), ve2802());
  ASSERT_EQ(d.layers.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(d.layers[i].cas_length, p.shapes[i].first) << d.layers[i].name;
    EXPECT_EQ(d.layers[i].cas_num, p.shapes[i].second) << d.layers[i].name;
  }
  EXPECT_EQ(d.tiles_used(), p.tiles);
  EXPECT_TRUE(check_design(d, ve2802()).empty());
}

INSTANTIATE_TEST_SUITE_P(Table, PublishedJetTagger,
                         ::testing::Values(PublishedJet{{{1, 4}, {4, 2}, {2, 2}, {2, 1}}, 18},
                                           PublishedJet{{{1, 2}, {4, 1}, {2, 1}, {1, 1}}, 9},
                                           PublishedJet{{{1, 2}, {2, 2}, {2, 1}, {1, 1}}, 9},
                                           PublishedJet{{{1, 1}, {1, 2}, {1, 1}, {1, 1}}, 5},
                                           PublishedJet{{{1, 1}, {2, 1}, {1, 1}, {1, 1}}, 5},
                                           PublishedJet{{{1, 2}, {4, 1}, {2, 2}, {2, 1}}, 12}));

TEST(PublishedDesigns, TutorialMlpTunedAtColumn10Row0) {
  const Model m = mlp("mlp", {128, 256, 64});
  Config c = config_with({{2, 2}, {2, 2}});
  c.layers["fc1"].placement = std::pair{10, 0};
  const Design d = plan_design(m, c, ve2802());
  EXPECT_EQ(d.tiles_used(), 8);
  EXPECT_EQ(d.layers[0].origin, (TileCoord{10, 0}));
  // The second layer goes right next to the first: the optimal placement under the published cost.
  EXPECT_EQ(d.layers[1].origin, (TileCoord{12, 0}));
  EXPECT_TRUE(d.placement.optimal);
  // Published mapping: kernel idx -> tile (col0 + idx % cas_length, row0 + idx / cas_length).
  for (size_t idx = 0; idx < d.layers[0].kernels.size(); ++idx)
    EXPECT_EQ(d.layers[0].kernels[idx].tile, (TileCoord{10 + static_cast<int>(idx) % 2, static_cast<int>(idx) / 2}));
}

TEST(PublishedDesigns, TilingOverrideIsHonoured) {
  const Model m = mlp("mlp", {128, 256, 64});
  Config c = config_with({{2, 2}, {2, 2}});
  c.layers["fc2"].tiling = MmulShape{2, 8, 8};
  const Design d = plan_design(m, c, ve2802());
  EXPECT_EQ(d.layers[1].tile_m, 2);
  EXPECT_EQ(d.layers[1].batch_padded, 8);  // batch 8 is already a multiple of 2 x 2
}

// The default (analytic) cost picks the published best jet-tagger design (727.2 ns, the lowest latency
// in the published table): 1x4, 4x2, 2x2, 2x1.
TEST(AutomaticChoice, DefaultCostFindsThePublishedBestJetTagger) {
  const Model m = mlp("jet", {16, 64, 32, 32, 8});
  Config c;
  const AnalyticPartitionCost cost("latency");
  const auto r = partition(m, c, ve2802(), cost);
  const std::vector<std::pair<int, int>> expected{{1, 4}, {4, 2}, {2, 2}, {2, 1}};
  for (size_t i = 0; i < 4; ++i)
    EXPECT_EQ((std::pair{r.layers[i].cas_length, r.layers[i].cas_num}), expected[i]) << r.layers[i].name;
}

// A cost that only counts tiles drives the choice to the smallest legal design: the seam decides.
TEST(AutomaticChoice, TheCostSeamDecides) {
  struct FewestTiles : PartitionCost {
    double layer_cost(const LayerCandidate& c, const Device&) const override { return c.tiles(); }
    CostAggregate aggregate() const override { return CostAggregate::Sum; }
    std::string name() const override { return "fewest-tiles"; }
  } cost;
  const Model m = mlp("mlp", {128, 256, 64});
  PlanOptions o;
  o.cost = &cost;
  const Design d = plan_design(m, Config{}, ve2802(), o);
  // 128 x 256 int8 = 32 KB of weights: at least 2 tiles of 16 KB; 256 x 64 = 16 KB: 1 tile.
  EXPECT_EQ(d.layers[0].tiles(), 2);
  EXPECT_EQ(d.layers[1].tiles(), 1);
}

// Under a tile budget the objectives trade differently: throughput gives the slowest layer more tiles
// (lower worst layer cost), latency spends them where the sum gains most (lower total).
TEST(AutomaticChoice, ObjectiveDecidesWhereTilesGo) {
  const Model m = mlp("mlp", {512, 768, 256, 200, 64});
  struct Totals {
    double worst = 0, sum = 0;
    int tiles = 0;
  };
  auto run = [&](const std::string& objective) {
    Config c;
    c.objective = objective;
    c.tile_budget = 60;
    Totals t;
    for (auto& l : partition(m, c, ve2802(), AnalyticPartitionCost(objective)).layers) {
      t.worst = std::max(t.worst, l.cost);
      t.sum += l.cost;
      t.tiles += l.tiles();
    }
    return t;
  };
  const auto lat = run("latency"), thr = run("throughput");
  EXPECT_LE(lat.tiles, 60);
  EXPECT_LE(thr.tiles, 60);
  EXPECT_LT(thr.worst, lat.worst);
  EXPECT_LT(lat.sum, thr.sum);
}

TEST(AutomaticChoice, TileBudgetIsMet) {
  const Model m = mlp("jet", {16, 64, 32, 32, 8});
  Config c;
  c.tile_budget = 6;
  const Design d = plan_design(m, c, ve2802());
  EXPECT_LE(d.tiles_used(), 6);
  c.tile_budget = 3;  // four layers need at least four tiles
  EXPECT_HAS(error_of([&] { plan_design(m, c, ve2802()); }), "TileBudget is 3");
}

TEST(Slices, AlignedToTileLanesAndWords) {
  LayerShape s;
  s.name = "fc";
  s.in_features = 100;
  s.out_features = 40;
  s.batch = 8;
  s.type_pair = "int8xint8";
  // int8, tile 4x8x8: lcm(2 x 8, 16 one-byte lanes, 4-byte words) = 16 elements.
  auto c = make_candidate(s, 3, 2, {4, 8, 8}, ve2802());
  EXPECT_EQ(c.k_slice, 48);  // ceil(100 / 3) = 34 -> 48
  EXPECT_EQ(c.n_slice, 32);  // ceil(40 / 2) = 20 -> 32
  EXPECT_EQ(c.batch_padded, 8);
  // 8 positions of 16 would leave the last one empty (7 x 16 = 112 >= 100).
  EXPECT_TRUE(candidate_violation(make_candidate(s, 8, 1, {4, 8, 8}, ve2802()), ve2802()).has_value());
  EXPECT_FALSE(candidate_violation(make_candidate(s, 7, 1, {4, 8, 8}, ve2802()), ve2802()).has_value());
  // int16 activations with tile 4x4x8: lcm(8, 8 two-byte lanes, 2) = 8 elements.
  s.type_pair = "int16xint8";
  s.input_bytes = 2;
  EXPECT_EQ(make_candidate(s, 3, 1, {4, 4, 8}, ve2802()).k_slice, 40);  // 34 -> 40
}

TEST(Slices, EveryCandidateRespectsTheTileLimits) {
  const Model m = mlp("mlp", {512, 1024});
  Config c;
  const auto shape = layer_shape(m, m.ops[0], c, ve2802());
  const auto cands = enumerate_candidates(shape, nullptr, ve2802());
  ASSERT_FALSE(cands.empty());
  for (auto& k : cands) {
    EXPECT_LE(k.weight_bytes, 16384);
    EXPECT_LE(k.cas_length, 8);
    EXPECT_LE(k.cas_num, 8);
    // Independent re-count of the per-tile data memory of the last kernel (+ alignment slack).
    const int64_t total = k.weight_bytes + 2 * k.input_bytes + 2 * k.output_bytes + k.bias_bytes + 2048;
    EXPECT_LE(total, 65536);
  }
  // 512 x 1024 int8 = 512 KB of weights: at least 32 tiles, so nothing below 32 appears.
  for (auto& k : cands) EXPECT_GE(k.tiles(), 32);
}

TEST(BadOverrides, WeightsBeyondOneBankNameLayerAndLimit) {
  const Model m = mlp("big", {256, 256});
  const auto msg = error_of([&] { plan_design(m, config_with({{1, 1}}), ve2802()); });
  EXPECT_HAS(msg, "layer 'fc1'");
  EXPECT_HAS(msg, "65536 bytes of weights");
  EXPECT_HAS(msg, "16384-byte data-memory bank");
}

TEST(BadOverrides, CascadeNumBeyondTheRows) {
  const Model m = mlp("m", {64, 256});
  const auto msg = error_of([&] { plan_design(m, config_with({{1, 9}}), ve2802()); });
  EXPECT_HAS(msg, "layer 'fc1'");
  EXPECT_HAS(msg, "CascadeNum 9 exceeds the 8 compute rows");
}

TEST(BadOverrides, EmptyCascadePosition) {
  const Model m = mlp("jet", {16, 64});
  const auto msg = error_of([&] { plan_design(m, config_with({{4, 1}}), ve2802()); });
  EXPECT_HAS(msg, "layer 'fc1'");
  EXPECT_HAS(msg, "without input features");
}

TEST(BadOverrides, UnsupportedTiling) {
  const Model m = mlp("m", {64, 64});
  Config c;
  c.layers["fc1"].tiling = MmulShape{4, 8, 16};
  const auto msg = error_of([&] { plan_design(m, c, ve2802()); });
  EXPECT_HAS(msg, "layer 'fc1'");
  EXPECT_HAS(msg, "Tiling [4,8,16]");
}

// [8,8,8] is an aie::mmul shape of the device file but kernels/variants.json has no kernel for it.
TEST(BadOverrides, TilingTheKernelsDoNotImplement) {
  const Model m = mlp("m", {64, 64});
  Config c;
  c.layers["fc1"].tiling = MmulShape{8, 8, 8};
  const auto msg = error_of([&] { plan_design(m, c, ve2802()); });
  EXPECT_HAS(msg, "Tiling [8,8,8]");
  EXPECT_HAS(msg, "[4,8,8]");
}

TEST(BadOverrides, PlacementOutsideTheArray) {
  const Model m = mlp("m", {128, 256, 64});
  Config c = config_with({{2, 2}, {2, 2}});
  c.layers["fc2"].placement = std::pair{37, 0};
  const auto msg = error_of([&] { plan_design(m, c, ve2802()); });
  EXPECT_HAS(msg, "layer 'fc2'");
  EXPECT_HAS(msg, "outside the 38 x 8 array");
}

TEST(BadOverrides, OverlappingPlacements) {
  const Model m = mlp("m", {128, 256, 64});
  Config c = config_with({{2, 2}, {2, 2}});
  c.layers["fc1"].placement = std::pair{4, 1};
  c.layers["fc2"].placement = std::pair{5, 2};
  const auto msg = error_of([&] { plan_design(m, c, ve2802()); });
  EXPECT_HAS(msg, "layer 'fc2'");
  EXPECT_HAS(msg, "overlaps layer 'fc1'");
}

TEST(BadOverrides, UnknownLayerInConfig) {
  const Model m = mlp("m", {64, 64});
  Config c;
  c.layers["dense_7"].cascade_length = 2;
  EXPECT_HAS(error_of([&] { plan_design(m, c, ve2802()); }), "LayerName.dense_7");
}

TEST(TooLarge, OneLayerBeyondAnyPartition) {
  const Model m = mlp("huge", {2048, 2048});
  const auto msg = error_of([&] { plan_design(m, Config{}, ve2802()); });
  EXPECT_HAS(msg, "layer 'fc1'");
  // 2048 x 2048 int8 = 4 MB = 256 tiles of 16 KB, beyond the 8 x 8 kernels a layer may take.
  EXPECT_HAS(msg, "4194304 bytes of weights");
  EXPECT_HAS(msg, "at least 256 tiles");
}

TEST(TooLarge, LayersThatFitAloneButNotTogether) {
  // Six 1024 x 1024 int8 layers: 64 tiles each at 16 KB, 384 tiles in all, 304 on the device.
  const Model m = mlp("six", {1024, 1024, 1024, 1024, 1024, 1024, 1024});
  const auto msg = error_of([&] { plan_design(m, Config{}, ve2802()); });
  EXPECT_HAS(msg, "model 'six' does not fit on ve2802");
  EXPECT_HAS(msg, "at least 384 compute tiles");
  EXPECT_HAS(msg, "6291456 bytes of weights");
  EXPECT_HAS(msg, "304 tiles");
}

// Appends op `kind` reading `from` and writing a new tensor `to` of `features` features.
void append_op(Model& m, OpKind kind, const std::string& name, const std::string& from, const std::string& to,
               int64_t features) {
  Tensor t;
  t.name = to;
  t.shape = {kBatch, features};
  t.type = testing::fixed(8, 7);
  m.add_tensor(t);
  Op op;
  op.kind = kind;
  op.name = name;
  op.inputs = {from};
  op.outputs = {to};
  m.ops.push_back(op);
}

TEST(HostOps, TrailingSoftmaxRunsOnTheHost) {
  Model m = mlp("m", {16, 16});
  append_op(m, OpKind::Softmax, "probs", "y", "p", 16);
  m.outputs = {"p"};
  const Design d = plan_design(m, Config{}, ve2802());
  ASSERT_EQ(d.host_ops.size(), 1u);
  EXPECT_EQ(d.host_ops[0].name, "probs");
  EXPECT_EQ(d.host_ops[0].stage, "after");
  // The array's output is the Softmax's input, streamed out through PLIO.
  ASSERT_EQ(d.plio.size(), 2u);
  EXPECT_EQ(d.plio[1].direction, "out");
  EXPECT_EQ(d.plio[1].tensor, "y");
}

TEST(HostOps, OpBetweenLayersIsNamed) {
  Model m = mlp("m", {16, 16, 16});
  // Re-route fc2 to read a Sigmoid of fc1's output.
  append_op(m, OpKind::Sigmoid, "squash", "h1", "h1s", 16);
  m.ops.back().kind = OpKind::Sigmoid;
  m.find_op("fc2")->inputs[0] = "h1s";
  m.sort();
  const auto msg = error_of([&] { plan_design(m, Config{}, ve2802()); });
  EXPECT_HAS(msg, "op 'squash' (Sigmoid)");
}

// A Conv maps only where its input comes from the host; one reading a Dense layer's output does not.
TEST(HostOps, ConvReadingADenseOutputIsRefused) {
  Model m = mlp("m", {16, 16});
  append_op(m, OpKind::Conv, "conv", "y", "c", 16);
  m.outputs = {"c"};
  EXPECT_HAS(error_of([&] { plan_design(m, Config{}, ve2802()); }), "op 'conv' (Conv)");
}

TEST(Unsupported, FloatLayerAsksForAPrecision) {
  Model m = mlp("m", {16, 16});
  m.tensor("x").type = NumericType::f32();
  EXPECT_HAS(error_of([&] { plan_design(m, Config{}, ve2802()); }), "float32");
}

}  // namespace
}  // namespace aie4ml
