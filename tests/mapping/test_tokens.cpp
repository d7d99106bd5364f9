// Dense layers over token sequences ([batch, T..., features]): the mapping runs the same GEMM with
// batch x T rows (design.json batch_padded and the optional rows_per_sample keys, PLIO rows), check_design
// accepts the result, the JSON round-trips, the PLIO text of a token tensor is its T rows per sample, and
// a MatMul of two activations that is not the attention pattern is refused naming the op.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "codegen/plio_data.h"
#include "mapping_fixtures.h"
#include "passes/check_design.h"
#include "passes/partition.h"
#include "passes/plan_design.h"
#include "support/error.h"

namespace aie4ml {
namespace {

using testing::mlp;
using testing::error_of;
using testing::ve2802;

// The fixture MLP with every activation tensor [batch, tokens..., features].
Model token_mlp(const std::vector<int64_t>& widths, const std::vector<int64_t>& tokens) {
  Model m = mlp("tokens", widths);
  for (auto& op : m.ops)
    for (auto* name : {&op.inputs[0], &op.outputs[0]}) {
      Tensor& t = m.tensor(*name);
      if (t.shape.size() != 2) continue;  // already made a token tensor (a layer's output read by the next)
      std::vector<int64_t> s{kBatch};
      s.insert(s.end(), tokens.begin(), tokens.end());
      s.push_back(t.shape.back());
      t.shape = s;
    }
  return m;
}

int64_t padded(int64_t rows, int tile_m) { return (rows + 2 * tile_m - 1) / (2 * tile_m) * (2 * tile_m); }

TEST(TokenDense, RowsAreBatchTimesTokens) {
  // 3 samples of 5 tokens: 15 GEMM rows, not a multiple of the 2 x tile_m row unit.
  const Model m = token_mlp({16, 32, 16}, {5});
  Config c;
  c.batch_size = 3;
  const Design d = plan_design(m, c, ve2802());
  EXPECT_TRUE(check_design(d, ve2802()).empty());
  ASSERT_EQ(d.layers.size(), 2u);
  for (auto& l : d.layers) {
    EXPECT_EQ(l.rows_per_sample, 5) << l.name;
    EXPECT_EQ(l.batch_padded, padded(15, l.tile_m)) << l.name;
    EXPECT_GE(l.batch_padded, 15) << l.name;
  }
  ASSERT_EQ(d.plio.size(), 2u);
  for (auto& p : d.plio) {
    EXPECT_EQ(p.rows, 15) << p.name;  // rows streamed per batch: 3 samples x 5 tokens
    EXPECT_EQ(p.rows_per_sample, 5) << p.name;
    EXPECT_EQ(p.feature_range.size(), 16) << p.name;  // one token's features per row
  }
}

TEST(TokenDense, DesignJsonCarriesRowsPerSampleAndRoundTrips) {
  const Model m = token_mlp({16, 32, 16}, {8});
  Config c;
  c.batch_size = 2;
  const Design d = plan_design(m, c, ve2802());
  const nlohmann::json j = d.to_json();
  for (auto& l : j.at("layers")) {
    EXPECT_EQ(l.at("rows_per_sample"), 8);
    EXPECT_EQ(l.at("batch_padded"), 16);  // 2 x 8 rows, already whole 2 x tile_m units
  }
  for (auto& p : j.at("plio")) {
    EXPECT_EQ(p.at("rows"), 16);
    EXPECT_EQ(p.at("rows_per_sample"), 8);
  }
  EXPECT_EQ(Design::from_json(j).dump(), d.dump());
}

TEST(TokenDense, TwoTokenAxesMultiplyAndPlainDenseHasNoNewKeys) {
  const Model m = token_mlp({16, 16}, {2, 3});
  Config c;
  c.batch_size = 4;
  const Design d = plan_design(m, c, ve2802());
  EXPECT_EQ(d.layers[0].rows_per_sample, 6);
  EXPECT_EQ(d.layers[0].batch_padded, padded(24, d.layers[0].tile_m));
  // A [batch, features] model writes design.json exactly as before: no rows_per_sample anywhere.
  const Design plain = plan_design(mlp("plain", {16, 16}), c, ve2802());
  EXPECT_EQ(plain.dump().find("rows_per_sample"), std::string::npos);
  EXPECT_EQ(plain.plio[0].rows, 4);
}

TEST(TokenDense, DesignWithWrongPlioRowsIsIllegal) {
  const Model m = token_mlp({16, 32, 16}, {8});
  Config c;
  c.batch_size = 2;
  const Design good = plan_design(m, c, ve2802());
  auto has = [](const std::vector<Violation>& v, const std::string& rule, const std::string& text) {
    return std::any_of(v.begin(), v.end(), [&](const Violation& x) {
      return x.rule == rule && x.message.find(text) != std::string::npos;
    });
  };
  Design d = good;
  d.plio[0].rows = 2;  // rows that do not match batch x rows_per_sample
  EXPECT_TRUE(has(check_design(d, ve2802()), "plio", "rows per sample")) << d.plio[0].name;
  d.plio[0].rows_per_sample = 1;  // consistent, but one row per sample is not what the token layers read
  const auto v = check_design(d, ve2802());
  EXPECT_FALSE(has(v, "plio", "rows per sample"));
  EXPECT_FALSE(v.empty());
  nlohmann::json j = d.to_json();
  j["layers"][0]["rows_per_sample"] = 0;
  EXPECT_HAS(error_of([&] { (void)Design::from_json(j); }), "rows_per_sample");
}

TEST(TokenDense, PlioTextIsTokensAsRows) {
  // One sample of 2 tokens x 3 features, 8-bit codes on a 32-bit port: each token row padded to 4.
  PlioPort p;
  p.name = "in_x";
  p.tensor = "x";
  p.width_bits = 32;
  p.element_bits = 8;
  p.feature_range = {0, 3};
  p.row_elements = 4;
  p.rows = 2;
  p.rows_per_sample = 2;
  const std::vector<int64_t> x{1, 2, 3, 4, 5, 6};
  EXPECT_EQ(codegen::plio_text(p, x, 6, 1), "1 2 3 0\n4 5 6 0\n");
  std::vector<int64_t> back(6, -1);
  EXPECT_FALSE(codegen::scatter_plio_values(p, std::vector<int64_t>{1, 2, 3, 0, 4, 5, 6, 0}, back, 6, 1));
  EXPECT_EQ(back, x);
}

TEST(TokenDense, MatMulOfTwoActivationsOutsideAttentionIsRefusedNamingTheOp) {
  Model m = token_mlp({16, 16}, {8});
  Tensor k = m.tensor("y");
  k.name = "keys";
  m.add_tensor(k);
  Tensor s = m.tensor("y");
  s.name = "scores";
  m.add_tensor(s);
  Op mm;
  mm.kind = OpKind::MatMul;
  mm.name = "attn_scores";
  mm.inputs = {"y", "keys"};
  mm.outputs = {"scores"};
  m.ops.push_back(mm);
  m.inputs.push_back("keys");
  m.outputs = {"scores"};
  const auto e = error_of([&] { (void)plan_design(m, Config{}, ve2802()); });
  EXPECT_HAS(e, "'attn_scores' (MatMul");
  EXPECT_HAS(e, "is not [N, heads, rows, cols]");  // not the attention pattern (tests/codegen/test_attention_project.cpp)
}

TEST(TokenDense, RankOneInputIsRefused) {
  Model m = mlp("flat", {16, 16});
  m.tensor("x").shape = {16};
  EXPECT_HAS(error_of([&] { (void)plan_design(m, Config{}, ve2802()); }), "layer 'fc1'");
}

}  // namespace
}  // namespace aie4ml
