// Integer AveragePool / GlobalAveragePool of the reference interpreter (docs/numerics.md: the exact mean
// of the window's codes, rounded once into the output type) and their quantisation rule. Oracle: means
// worked out by hand in the comments (small integers), and the float interpreter on exact-typed inputs.
#include <gtest/gtest.h>

#include "io/config.h"
#include "model_builder.h"
#include "passes/quantize.h"
#include "sim/interpreter.h"

namespace aie4ml {
namespace {

using test::Builder;
using test::fx;

// x [C=1, W=4] -> AveragePool k=3, s=1, pads 1/1.
Builder avg_pool_1d(const FixedType& in, const FixedType& out, int64_t include_pad) {
  Builder t;
  t.input("x", {1, 4}, in);
  t.act("y", {1, 4}, out);
  Op& p = t.op(OpKind::AveragePool, "pool", {"x"}, {"y"});
  p.attrs["kernel_shape"] = std::vector<int64_t>{3};
  p.attrs["strides"] = std::vector<int64_t>{1};
  p.attrs["pads"] = std::vector<int64_t>{1, 1};
  p.attrs["count_include_pad"] = include_pad;
  t.output("y");
  return t;
}

std::vector<int64_t> run1(const Model& m, std::vector<int64_t> x) { return IntegerInterpreter(m).run({x}, 1)[0]; }

TEST(IntegerAveragePool, ExactMeanRoundedOnceExcludingPadding) {
  const FixedType t = fx(8, 4);  // frac 4, AP_RND_CONV, AP_SAT
  // codes 1 2 4 7: windows {1,2} 3/2 = 1.5 -> 2 (even); {1,2,4} 7/3 -> 2; {2,4,7} 13/3 -> 4; {4,7} 11/2 = 5.5 -> 6
  EXPECT_EQ(run1(avg_pool_1d(t, t, 0).m, {1, 2, 4, 7}), (std::vector<int64_t>{2, 2, 4, 6}));
  // count_include_pad: 3/3 = 1; 7/3 -> 2; 13/3 -> 4; 11/3 = 3.67 -> 4
  EXPECT_EQ(run1(avg_pool_1d(t, t, 1).m, {1, 2, 4, 7}), (std::vector<int64_t>{1, 2, 4, 4}));
}

TEST(IntegerAveragePool, OutputScaleRoundingAndSaturation) {
  // Output frac 6 (two bits finer): codes = 4 * mean: 4*3/2 = 6; 28/3 = 9.33 -> 9; 52/3 = 17.33 -> 17; 22
  EXPECT_EQ(run1(avg_pool_1d(fx(8, 4), fx(8, 2), 0).m, {1, 2, 4, 7}), (std::vector<int64_t>{6, 9, 17, 22}));
  // Output frac 3 (one bit coarser), AP_TRN: floor(mean / 2): 3/4 -> 0; 7/6 -> 1; 13/6 -> 2; 11/4 -> 2
  EXPECT_EQ(run1(avg_pool_1d(fx(8, 4), fx(8, 5, RoundingMode::Trn), 0).m, {1, 2, 4, 7}),
            (std::vector<int64_t>{0, 1, 2, 2}));
  // Negative values, AP_RND (ties toward +inf): {-1,-2} -1.5 -> -1; {-1,-2,-4} -7/3 -> -2; {-2,-4,-7} -13/3 -> -4;
  // {-4,-7} -5.5 -> -5
  EXPECT_EQ(run1(avg_pool_1d(fx(8, 4), fx(8, 4, RoundingMode::Rnd), 0).m, {-1, -2, -4, -7}),
            (std::vector<int64_t>{-1, -2, -4, -5}));
  // Saturation into 4 bits (codes -8..7): {100,100} -> 7
  EXPECT_EQ(run1(avg_pool_1d(fx(8, 4), fx(4, 0), 0).m, {100, 100, 100, -100}), (std::vector<int64_t>{7, 7, 7, 0}));
}

TEST(IntegerAveragePool, GlobalAveragePoolPerChannel) {
  Builder t;
  const FixedType in = fx(8, 4), out = fx(8, 5);  // out one bit coarser: code = sum / 8
  t.input("x", {2, 2, 2}, in);
  t.act("y", {2, 1, 1}, out);
  t.op(OpKind::GlobalAveragePool, "gap", {"x"}, {"y"});
  t.output("y");
  // channel 0: 3+4+5+7 = 19 -> 19/8 = 2.375 -> 2; channel 1: 1+2+3+4 = 10 -> 10/8 = 1.25 -> 1
  EXPECT_EQ(run1(t.m, {3, 4, 5, 7, 1, 2, 3, 4}), (std::vector<int64_t>{2, 1}));
  // channel 0: 20/8 = 2.5 -> 2 (even); channel 1: 28/8 = 3.5 -> 4 (even)
  EXPECT_EQ(run1(t.m, {5, 5, 5, 5, 7, 7, 7, 7}), (std::vector<int64_t>{2, 4}));
}

TEST(IntegerAveragePool, EqualsTheFloatMeanWhenTheOutputHoldsIt) {
  // Window 2x2, stride 2: the mean of four codes at frac 4 is exact at frac 6.
  Builder t;
  const FixedType in = fx(8, 4), out = fx(12, 6);
  t.input("x", {3, 4, 6}, in);
  t.act("y", {3, 2, 3}, out);
  Op& p = t.op(OpKind::AveragePool, "pool", {"x"}, {"y"});
  p.attrs["kernel_shape"] = std::vector<int64_t>{2, 2};
  p.attrs["strides"] = std::vector<int64_t>{2, 2};
  p.attrs["pads"] = std::vector<int64_t>{0, 0, 0, 0};
  t.output("y");
  std::vector<int64_t> xc(5 * 72);
  std::vector<double> xv(xc.size());
  for (size_t i = 0; i < xc.size(); ++i) xc[i] = static_cast<int64_t>((i * 37) % 256) - 128, xv[i] = xc[i] / 16.0;
  const auto yi = IntegerInterpreter(t.m).run({xc}, 5)[0];
  const auto yf = FloatInterpreter(t.m).run({xv}, 5)[0];
  ASSERT_EQ(yi.size(), yf.size());
  for (size_t i = 0; i < yi.size(); ++i) ASSERT_EQ(yi[i] / 64.0, yf[i]) << i;
}

TEST(QuantizeAveragePool, AbsorbsTheFollowingQuantizerElseUsesTheDefault) {
  auto build = [] {
    Builder t;
    t.input("x", {2, 4}, fx(8, 4));
    t.act("p", {2, 2});
    t.act("q", {2, 2}, fx(8, 2));
    Op& p = t.op(OpKind::AveragePool, "pool", {"x"}, {"p"});
    p.attrs["kernel_shape"] = std::vector<int64_t>{2};
    p.attrs["strides"] = std::vector<int64_t>{2};
    p.attrs["pads"] = std::vector<int64_t>{0, 0};
    t.op(OpKind::Quantize, "quant", {"p"}, {"q"});
    t.output("q");
    return t;
  };
  Builder a = build();
  quantize_model(a.m, Config{});
  ASSERT_EQ(a.m.ops.size(), 1u);  // one rounding of the exact mean, into the quantiser's type
  EXPECT_EQ(a.m.ops[0].outputs[0], "q");
  EXPECT_EQ(a.m.tensor("q").type.fixed.frac, 6);

  Builder b = build();
  b.m.outputs = {"p"};
  b.m.ops.pop_back();
  b.m.remove_dead_tensors();
  quantize_model(b.m, Config{});  // no default precision: the input's type
  EXPECT_EQ(b.m.tensor("p").type.fixed.frac, 4);
}

}  // namespace
}  // namespace aie4ml
