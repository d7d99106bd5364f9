// passes/conv_gemm: a quantised Conv equals the dense reference (reference_ops dense_codes) applied to its
// im2col matrix with the GEMM weight matrix, bit for bit, against the interpreter's direct Conv loop nest.
#include <gtest/gtest.h>

#include <random>

#include "ir/fixed_point.h"
#include "model_builder.h"
#include "passes/conv_gemm.h"
#include "sim/interpreter.h"
#include "sim/reference_ops.h"
#include "support/error.h"

namespace aie4ml {
namespace {

using test::Builder;
using test::fx;

struct Case {
  std::vector<int64_t> in_sample, w_shape, out_sample, strides, dilations, pads;
  bool relu;
};

std::vector<int64_t> codes(size_t n, const FixedType& t, std::mt19937& rng) {
  std::uniform_int_distribution<int64_t> d(t.min_code(), t.max_code());
  std::vector<int64_t> v(n);
  for (auto& c : v) c = d(rng);
  return v;
}

void check(const Case& c, uint32_t seed) {
  std::mt19937 rng(seed);
  const FixedType x = fx(8, 3), w = fx(8, 1), y = fx(8, 4, RoundingMode::RndConv, OverflowMode::Sat);
  const FixedType acc{32, x.frac + w.frac, true};
  Builder t;
  t.input("x", c.in_sample, x);
  int64_t w_elems = 1;
  for (auto d : c.w_shape) w_elems *= d;
  const auto wc = codes(static_cast<size_t>(w_elems), w, rng);
  std::vector<double> wv;
  for (auto q : wc) wv.push_back(dequantize(q, w));
  t.constant("W", c.w_shape, wv, w);
  t.m.tensor("W").codes = wc;
  const auto bc = codes(static_cast<size_t>(c.w_shape[0]), FixedType{12, acc.frac, true}, rng);
  std::vector<double> bv;
  for (auto q : bc) bv.push_back(dequantize(q, acc));
  t.constant("b", {c.w_shape[0]}, bv, acc);
  t.m.tensor("b").codes = bc;
  t.act("y", c.out_sample, y);
  Op& op = t.op(OpKind::Conv, "conv", {"x", "W", "b"}, {"y"});
  op.attrs["kernel_shape"] = std::vector<int64_t>(c.w_shape.begin() + 2, c.w_shape.end());
  op.attrs["strides"] = c.strides;
  op.attrs["dilations"] = c.dilations;
  op.attrs["pads"] = c.pads;
  op.attrs["activation"] = std::string(c.relu ? "relu" : "linear");
  op.attrs["accum"] = acc.str();
  t.output("y");
  const int64_t batch = 3;
  int64_t in_elems = 1, out_elems = 1;
  for (auto d : c.in_sample) in_elems *= d;
  for (auto d : c.out_sample) out_elems *= d;
  const auto xc = codes(static_cast<size_t>(batch * in_elems), x, rng);
  const auto ref = IntegerInterpreter(t.m).run({xc}, batch)[0];  // NCHW

  const ConvGemm g = conv_gemm(t.m, t.m.ops[0]);
  const int64_t spatial = in_elems / c.in_sample[0];
  const auto a = im2col_channels_last(g, to_channels_last(xc, batch, c.in_sample[0], spatial), batch);
  DenseSpec spec;
  spec.batch = static_cast<int>(batch * g.positions());
  spec.in_features = static_cast<int>(g.window());
  spec.out_features = static_cast<int>(g.channels_out);
  spec.input = x, spec.weight = w, spec.output = y, spec.relu = c.relu;
  const auto rows = dense_codes(spec, a, g.weight_codes, g.bias_codes);  // [batch * positions, C_out]
  ASSERT_EQ(static_cast<int64_t>(rows.size()), batch * out_elems);
  const int64_t p_count = g.positions();
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t n = 0; n < g.channels_out; ++n)
      for (int64_t p = 0; p < p_count; ++p)
        ASSERT_EQ(rows[static_cast<size_t>((b * p_count + p) * g.channels_out + n)],
                  ref[static_cast<size_t>((b * g.channels_out + n) * p_count + p)])
            << "sample " << b << " channel " << n << " position " << p;
}

TEST(ConvGemm, Conv1dEqualsDenseOnIm2col) {
  // [3, 16], k 3, stride 2, dilation 2, pads 2/1 -> 8 positions
  check({{3, 16}, {5, 3, 3}, {5, 8}, {2}, {2}, {2, 1}, false}, 1);
  // the Keras model's layer: [4, 10], k 4, pads 1/2, ReLU
  check({{4, 10}, {3, 4, 4}, {3, 10}, {1}, {1}, {1, 2}, true}, 2);
}

TEST(ConvGemm, Conv2dEqualsDenseOnIm2col) {
  // [2, 9, 8], k 3x3, stride (2,1), dilation (1,2), pads 1 -> 5x6
  check({{2, 9, 8}, {6, 2, 3, 3}, {6, 5, 6}, {2, 1}, {1, 2}, {1, 1, 1, 1}, true}, 3);
  // asymmetric pads (0 top, 2 left, 1 bottom, 0 right), k 2x3 -> 5x5
  check({{3, 5, 5}, {4, 3, 2, 3}, {4, 5, 5}, {1, 1}, {1, 1}, {0, 2, 1, 0}, false}, 4);
}

TEST(ConvGemm, GeometryAndRefusals) {
  Builder t;
  t.input("x", {4, 6, 6}, fx(8, 3));
  t.constant("W", {4, 2, 3, 3}, std::vector<double>(72, 0.0), fx(8, 1));
  t.m.tensor("W").codes.assign(72, 0);
  t.act("y", {4, 6, 6}, fx(8, 3));
  Op& op = t.op(OpKind::Conv, "grouped", {"x", "W"}, {"y"});
  op.attrs["kernel_shape"] = std::vector<int64_t>{3, 3};
  op.attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};
  op.attrs["group"] = int64_t{2};
  EXPECT_THROW(conv_gemm(t.m, t.m.ops[0]), InputError);
  t.m.ops[0].attrs["group"] = int64_t{1};
  t.m.tensor("W").shape = {4, 4, 3, 3};
  t.m.tensor("W").values.assign(144, 0.0);
  t.m.tensor("W").codes.assign(144, 0);
  const ConvGemm g = conv_gemm(t.m, t.m.ops[0]);
  EXPECT_EQ(g.geometry_args(), "4, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 6, 6");
  EXPECT_EQ(g.window(), 36);
  EXPECT_EQ(g.positions(), 36);
}

}  // namespace
}  // namespace aie4ml
