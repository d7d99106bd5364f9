// Canonicalisation on hand-built IR: edits never leak into other ops that share a constant, graph output
// names survive fusion, and patterns that must not be folded are left alone.
#include <gtest/gtest.h>

#include <cmath>

#include "frontend/frontend_test_util.h"
#include "passes/canonicalize.h"

namespace aie4ml::test {
namespace {

using K = OpKind;

Tensor activation(const std::string& name, std::vector<int64_t> shape) {
  Tensor t;
  t.name = name;
  t.shape = std::move(shape);
  return t;
}

Tensor constant(const std::string& name, std::vector<int64_t> shape, std::vector<double> values) {
  Tensor t;
  t.name = name;
  t.shape = std::move(shape);
  t.values = std::move(values);
  t.is_constant = true;
  return t;
}

Op op(K kind, const std::string& name, std::vector<std::string> in, std::vector<std::string> out) {
  Op o;
  o.kind = kind;
  o.name = name;
  o.inputs = std::move(in);
  o.outputs = std::move(out);
  if (kind == K::Dense) o.attrs["activation"] = std::string("linear");
  if (kind == K::BatchNorm) o.attrs["epsilon"] = 0.0;
  return o;
}

// x -> d1 (W) -> bn -> y1 ; x -> d2 (the same W) -> y2
Model shared_weight_model() {
  Model m;
  m.name = "shared";
  m.add_tensor(activation("x", {kBatch, 2}));
  m.add_tensor(constant("W", {2, 2}, {1, 2, 3, 4}));
  m.add_tensor(activation("h1", {kBatch, 2}));
  m.add_tensor(activation("y1", {kBatch, 2}));
  m.add_tensor(activation("y2", {kBatch, 2}));
  m.add_tensor(constant("s", {2}, {2, 3}));
  m.add_tensor(constant("b", {2}, {0.5, -0.5}));
  m.add_tensor(constant("mu", {2}, {1, 1}));
  m.add_tensor(constant("var", {2}, {1, 4}));
  m.ops = {op(K::Dense, "d1", {"x", "W"}, {"h1"}), op(K::BatchNorm, "bn", {"h1", "s", "b", "mu", "var"}, {"y1"}),
           op(K::Dense, "d2", {"x", "W"}, {"y2"})};
  m.inputs = {"x"};
  m.outputs = {"y1", "y2"};
  return m;
}

TEST(Canonicalize, FoldingIntoASharedWeightCopiesIt) {
  Model m = shared_weight_model();
  canonicalize(m);
  ASSERT_EQ(kinds(m), (std::vector<K>{K::Dense, K::Dense}));
  const Op& d1 = op_named(m, "d1");
  const Op& d2 = op_named(m, "d2");
  EXPECT_EQ(d1.outputs[0], "y1");  // the graph output keeps its name
  EXPECT_NE(d1.inputs[1], "W");
  EXPECT_EQ(d2.inputs[1], "W");
  EXPECT_EQ(m.tensor("W").values, (std::vector<double>{1, 2, 3, 4}));
  // Column scale s / sqrt(var) = {2, 1.5}; bias (0 - mu) * scale + b = {-1.5, -2}.
  EXPECT_EQ(m.tensor(d1.inputs[1]).values, (std::vector<double>{2, 3, 6, 6}));
  EXPECT_EQ(m.tensor(d1.inputs[2]).values, (std::vector<double>{-1.5, -2.0}));
}

TEST(Canonicalize, FixedPointWeightsKeepTheirBatchNorm) {
  Model m = shared_weight_model();
  auto& w = m.tensor("W");
  w.type = NumericType::of(FixedType{4, 0, true, RoundingMode::RndConv, OverflowMode::Sat});
  w.codes = {1, 2, 3, 4};
  canonicalize(m);
  EXPECT_EQ(kinds(m), (std::vector<K>{K::Dense, K::BatchNorm, K::Dense}));
}

TEST(Canonicalize, ActivationIsNotFusedWhenThePreActivationIsAGraphOutput) {
  Model m;
  m.name = "two_outputs";
  m.add_tensor(activation("x", {kBatch, 2}));
  m.add_tensor(constant("W", {2, 2}, {1, 0, 0, 1}));
  m.add_tensor(activation("h", {kBatch, 2}));
  m.add_tensor(activation("r", {kBatch, 2}));
  m.ops = {op(K::Dense, "d", {"x", "W"}, {"h"}), op(K::Relu, "relu", {"h"}, {"r"})};
  m.inputs = {"x"};
  m.outputs = {"h", "r"};
  canonicalize(m);
  EXPECT_EQ(kinds(m), (std::vector<K>{K::Dense, K::Relu}));
  EXPECT_EQ(op_named(m, "d").get_string("activation", ""), "linear");
}

TEST(Canonicalize, TransposeThatMovesOnlyUnitDimensionsBecomesAReshape) {
  Model m;
  m.name = "unit";
  m.add_tensor(activation("x", {kBatch, 5, 1}));
  m.add_tensor(activation("t", {kBatch, 1, 5}));
  m.add_tensor(activation("y", {kBatch, 5, 3}));
  m.add_tensor(activation("z", {kBatch, 3, 5}));
  Op swap = op(K::Transpose, "swap", {"x"}, {"t"});
  swap.attrs["perm"] = std::vector<int64_t>{0, 2, 1};
  Op concat = op(K::Concat, "keep", {"t", "t", "t"}, {"z"});
  concat.attrs["axis"] = int64_t{1};
  m.ops = {swap, concat};
  m.inputs = {"x"};
  m.outputs = {"z"};
  m.tensors.erase("y");
  canonicalize(m);
  EXPECT_EQ(kinds(m), (std::vector<K>{K::Reshape, K::Concat}));
}

}  // namespace
}  // namespace aie4ml::test
