// The quantisation pass (src/passes/quantize.h), calibration (calibrate.h) and quantiser absorption,
// on hand-built models. Expected codes come from definitions written here (nearbyint / floor of the
// scaled value, then clamping), not from quantize().
#include <gtest/gtest.h>

#include <cmath>

#include "io/config.h"
#include "ir/fixed_point.h"
#include "model_builder.h"
#include "passes/calibrate.h"
#include "passes/quantize.h"
#include "sim/interpreter.h"
#include "support/error.h"

namespace aie4ml {
namespace {

using test::Builder;
using test::fx;

Config with_default(const std::string& precision) {
  Config c;
  c.default_precision = parse_numeric_type(precision);
  return c;
}

bool contains(const std::vector<std::string>& lines, const std::string& text) {
  for (auto& l : lines)
    if (l.find(text) != std::string::npos) return true;
  return false;
}

std::string error_of(Model m, const Config& c) {
  try {
    quantize_model(m, c);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// x[4] -> Dense fc (W [4, 2], b [2]) -> y
Builder one_dense(std::vector<double> w, std::vector<double> b, std::optional<FixedType> w_type = std::nullopt) {
  Builder t;
  t.input("x", {4});
  t.constant("W", {4, 2}, std::move(w), w_type);
  t.constant("b", {2}, std::move(b));
  t.act("y", {2});
  t.dense("fc", "x", "W", "b", "y");
  t.output("y");
  return t;
}

TEST(Quantize, WeightsUseTheTypesRoundingAndClippingIsReported) {
  // ap_fixed<8,1,AP_RND_CONV,AP_SAT>: frac 7, codes [-128, 127]; 0.5/128 steps are ties.
  const std::vector<double> w = {0.3, -0.3, 1.5 / 128, 2.5 / 128, -2.5 / 128, 0.99, 1.7, -3.0};
  auto t = one_dense(w, {0.0, 0.0});
  Config c = with_default("ap_fixed<8,3,AP_RND_CONV,AP_SAT>");
  c.layers["fc"].precision.weight = parse_numeric_type("ap_fixed<8,1,AP_RND_CONV,AP_SAT>");
  const auto report = quantize_model(t.m, c);
  const auto& codes = t.m.tensor("W").codes;
  ASSERT_EQ(codes.size(), w.size());
  for (size_t i = 0; i < w.size(); ++i) {
    const double expected = std::clamp(std::nearbyint(w[i] * 128), -128.0, 127.0);  // ties to even
    EXPECT_EQ(codes[i], static_cast<int64_t>(expected)) << "w = " << w[i];
  }
  EXPECT_TRUE(contains(report.warnings, "2 of 8 weight values of 'W' do not fit ap_fixed<8,1,AP_RND_CONV,AP_SAT>"));
  EXPECT_TRUE(contains(report.warnings, "saturated"));
}

TEST(Quantize, WrappingWeightsAreReportedAsWrapped) {
  auto t = one_dense({1.25, 0, 0, 0, 0, 0, 0, 0}, {0, 0});
  Config c = with_default("ap_fixed<8,3>");
  c.layers["fc"].precision.weight = parse_numeric_type("ap_fixed<4,1>");  // AP_TRN, AP_WRAP: [-1, 0.875]
  const auto report = quantize_model(t.m, c);
  EXPECT_EQ(t.m.tensor("W").codes[0], -6);  // 1.25 * 8 = 10 wraps to 10 - 16
  EXPECT_TRUE(contains(report.warnings, "wrapped (AP_WRAP)"));
}

TEST(Quantize, BiasSitsAtTheAccumulatorScale) {
  auto t = one_dense(std::vector<double>(8, 0.25), {0.3, -1.0 / 3.0});
  Config c = with_default("ap_fixed<8,3,AP_RND_CONV,AP_SAT>");  // x: frac 5
  c.layers["fc"].precision.weight = parse_numeric_type("ap_fixed<8,1>");  // frac 7
  quantize_model(t.m, c);
  const Tensor& b = t.m.tensor("b");
  ASSERT_TRUE(b.type.is_fixed());
  EXPECT_EQ(b.type.fixed.frac, 12);
  EXPECT_EQ(b.type.fixed.width, 32);
  EXPECT_EQ(b.codes, (std::vector<int64_t>{static_cast<int64_t>(std::nearbyint(0.3 * 4096)),
                                           static_cast<int64_t>(std::nearbyint(-4096.0 / 3))}));
  const Op& fc = *t.m.find_op("fc");
  EXPECT_EQ(fc.get_string("accum", ""), "ap_fixed<32,20>");
}

TEST(Quantize, SixteenBySixteenUsesA64BitAccumulator) {
  auto t = one_dense(std::vector<double>(8, 0.25), {0.5, 0.5});
  Config c = with_default("ap_fixed<16,6,AP_RND_CONV,AP_SAT>");
  quantize_model(t.m, c);
  EXPECT_EQ(t.m.tensor("b").type.fixed.width, 64);
  EXPECT_EQ(parse_fixed_type(t.m.find_op("fc")->get_string("accum", "")).width, 64);
  // A configured accumulator width wins; its frac is not used (and that is reported).
  auto u = one_dense(std::vector<double>(8, 0.25), {0.5, 0.5});
  c.layers["fc"].precision.accum = parse_numeric_type("ap_fixed<48,20>");
  const auto report = quantize_model(u.m, c);
  EXPECT_EQ(parse_fixed_type(u.m.find_op("fc")->get_string("accum", "")).width, 48);
  EXPECT_TRUE(contains(report.warnings, "only the width of ap_fixed<48,20>"));
}

TEST(Quantize, ModelTypesWinOverTheDefaultAndLayerConfigWinsOverBoth) {
  const FixedType own = fx(4, 2);  // the model's quantiser: frac 2
  auto t = one_dense(std::vector<double>(8, 0.75), {0, 0}, own);
  quantize_model(t.m, with_default("ap_fixed<8,3>"));
  EXPECT_EQ(t.m.tensor("W").type.fixed, own);
  EXPECT_EQ(t.m.tensor("W").codes[0], 3);
  auto u = one_dense(std::vector<double>(8, 0.75), {0, 0}, own);
  Config c = with_default("ap_fixed<8,3>");
  c.layers["fc"].precision.weight = parse_numeric_type("ap_fixed<8,2>");
  quantize_model(u.m, c);
  EXPECT_EQ(u.m.tensor("W").type.fixed.frac, 6);
  EXPECT_EQ(u.m.tensor("W").codes[0], 48);
}

TEST(Quantize, MissingPrecisionNamesTheLayer) {
  auto t = one_dense(std::vector<double>(8, 0.1), {0, 0});
  EXPECT_NE(error_of(t.m, Config{}).find("graph input 'x'"), std::string::npos);
  Config c;
  c.layers["x"].precision.result = parse_numeric_type("ap_fixed<8,3>");
  const std::string msg = error_of(t.m, c);
  EXPECT_NE(msg.find("layer 'fc'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("tensor 'W'"), std::string::npos) << msg;
  Config f = with_default("float32");
  EXPECT_NE(error_of(t.m, f).find("Model.Precision"), std::string::npos);
}

// x -> Quantize qin -> Dense fc (+relu) -> Quantize qout -> y
Builder qdq_dense(const FixedType& in_q, const FixedType& out_q, int width, const std::string& activation = "relu",
                  int k = 4) {
  Builder t;
  t.input("x", {k});
  t.act("xq", {k}, in_q);
  t.op(OpKind::Quantize, "qin", {"x"}, {"xq"});
  const FixedType wt = fx(width, 1);
  std::vector<double> w(static_cast<size_t>(k) * 2);
  for (size_t i = 0; i < w.size(); ++i) w[i] = dequantize(quantize(0.9 - 0.37 * static_cast<double>(i % 5), wt), wt);
  t.constant("W", {k, 2}, w, wt);
  t.constant("b", {2}, {0.5, -0.25});
  t.act("acc", {2});
  t.dense("fc", "xq", "W", "b", "acc", activation);
  t.act("y", {2}, out_q);
  t.op(OpKind::Quantize, "qout", {"acc"}, {"y"});
  t.output("y");
  return t;
}

TEST(Quantize, QuantizersAreAbsorbedWhenExactInFloat32) {
  auto t = qdq_dense(fx(8, 3), fx(8, 4), 8);
  const auto report = quantize_model(t.m, Config{});
  ASSERT_EQ(t.m.ops.size(), 1u);
  const Op& fc = t.m.ops[0];
  EXPECT_EQ(fc.outputs[0], "y");
  EXPECT_EQ(fc.get_string("absorbed_quantizer", ""), "qout");
  EXPECT_EQ(fc.inputs[0], "x");
  EXPECT_EQ(t.m.tensor("x").type.fixed, fx(8, 3));
  EXPECT_EQ(t.m.tensor("y").type.fixed, fx(8, 4));
  EXPECT_FALSE(t.m.has_tensor("acc"));
  EXPECT_TRUE(contains(report.notes, "input 'x': quantiser 'qin'"));
  EXPECT_EQ(fc.get_string("aie_rounding_mode", ""), "conv_even");
  EXPECT_EQ(fc.get_string("aie_saturation_mode", ""), "saturate");
  EXPECT_EQ(fc.get_int("onnx_float32_exact", -1), 1);
}

TEST(Quantize, QuantizersBeyondFloat32ExactnessAreMarkedOrKept) {
  // 16 x 16 bits: products reach 2^30, beyond float32's 24-bit significand.
  auto s = qdq_dense(fx(16, 6), fx(16, 8), 16);
  const auto absorbed = quantize_model(s.m, Config{});
  ASSERT_EQ(s.m.ops.size(), 1u);
  EXPECT_EQ(s.m.ops[0].get_int("onnx_float32_exact", -1), 0);
  EXPECT_TRUE(contains(absorbed.notes, "ONNX's float32 evaluation may differ"));
  auto t = qdq_dense(fx(16, 6), fx(16, 8), 16);
  QuantizeOptions keep;
  keep.keep_inexact_quantizers = true;
  const auto report = quantize_model(t.m, Config{}, keep);
  ASSERT_EQ(t.m.ops.size(), 2u);
  EXPECT_EQ(t.m.ops[1].kind, OpKind::Quantize);
  const FixedType acc = t.m.tensor("acc").type.fixed;
  EXPECT_EQ(acc.frac, 10 + 15);
  EXPECT_EQ(acc.width, 64);
  EXPECT_TRUE(contains(report.notes, "beyond float32's exact 2^24"));
  // Both forms compute the same codes.
  IntegerInterpreter a(s.m), b(t.m);
  std::vector<double> x = {1.3, -2.7, 0.02, 3.14159};
  std::vector<int64_t> codes(4);
  for (int i = 0; i < 4; ++i) codes[i] = quantize(x[i], fx(16, 6));
  EXPECT_EQ(a.run({codes}, 1), b.run({codes}, 1));
}

TEST(Quantize, ReluDoesNotCommuteWithAWrappingCast) {
  auto t = qdq_dense(fx(8, 3), fx(8, 4, RoundingMode::Trn, OverflowMode::Wrap), 8, "relu");
  quantize_model(t.m, Config{});
  EXPECT_EQ(t.m.ops.size(), 2u);
  auto u = qdq_dense(fx(8, 3), fx(8, 4, RoundingMode::Trn, OverflowMode::Wrap), 8, "linear");
  quantize_model(u.m, Config{});
  EXPECT_EQ(u.m.ops.size(), 1u);
}

TEST(Quantize, NonPowerOfTwoQuantizersAreRefusedNamingTheNode) {
  Builder t;
  t.input("x", {4}, fx(8, 3));
  t.act("y", {4});
  Op& q = t.op(OpKind::Quantize, "act_quant/Quant", {"x"}, {"y"});
  q.attrs["scale"] = 0.0884;
  q.attrs["zero_point"] = 0.0;
  t.output("y");
  const std::string msg = error_of(t.m, Config{});
  EXPECT_NE(msg.find("quantiser 'act_quant/Quant'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("not a power of two"), std::string::npos) << msg;
}

TEST(Quantize, SatZeroIsMarkedForEmulation) {
  auto t = one_dense(std::vector<double>(8, 0.1), {0, 0});
  Config c = with_default("ap_fixed<8,3,AP_RND_CONV,AP_SAT>");
  c.layers["fc"].precision.result = parse_numeric_type("ap_fixed<8,3,AP_RND_INF,AP_SAT_ZERO>");
  quantize_model(t.m, c);
  const Op& fc = *t.m.find_op("fc");
  EXPECT_EQ(fc.get_string("aie_rounding_mode", ""), "symmetric_inf");
  EXPECT_EQ(fc.get_string("aie_saturation_mode", ""), "emulate");
  EXPECT_EQ(fc.get_string("emulate_overflow", ""), "AP_SAT_ZERO");
}

TEST(Quantize, LeakyReluAlphaIsSixteenBitFixedPoint) {
  auto t = one_dense(std::vector<double>(8, 0.1), {0, 0});
  t.m.ops[0].attrs["activation"] = std::string("leaky_relu");
  t.m.ops[0].attrs["alpha"] = 0.1;
  quantize_model(t.m, with_default("ap_fixed<8,3>"));
  const Op& fc = t.m.ops[0];
  const int64_t code = fc.get_int("alpha_code", 0), frac = fc.get_int("alpha_frac", 0);
  EXPECT_EQ(frac, 18);  // 0.1 < 2^-3: 16 bits hold it with 18 fractional bits
  EXPECT_EQ(code, static_cast<int64_t>(std::nearbyint(0.1 * std::ldexp(1.0, 18))));
}

TEST(Quantize, UnknownConfiguredLayersAreWarnings) {
  auto t = one_dense(std::vector<double>(8, 0.1), {0, 0});
  Config c = with_default("ap_fixed<8,3>");
  c.layers["fc9"].precision.weight = parse_numeric_type("ap_fixed<8,1>");
  const auto report = quantize_model(t.m, c);
  EXPECT_TRUE(contains(report.warnings, "LayerName.fc9: the model has no layer or input named 'fc9' (layers: fc)"));
}

TEST(Quantize, StandaloneBatchNormBecomesScaleAndShift) {
  Builder t;
  t.input("x", {3}, fx(8, 3));
  t.constant("gamma", {3}, {1.5, -0.5, 2.0});
  t.constant("beta", {3}, {0.1, 0.2, -0.3});
  t.constant("mean", {3}, {0.5, -1.0, 0.0});
  t.constant("var", {3}, {4.0, 0.25, 1.0});
  t.act("y", {3});
  t.op(OpKind::BatchNorm, "bn", {"x", "gamma", "beta", "mean", "var"}, {"y"}).attrs["epsilon"] = 0.0;
  t.output("y");
  quantize_model(t.m, with_default("ap_fixed<16,6,AP_RND_CONV,AP_SAT>"));
  const Op& bn = t.m.ops[0];
  ASSERT_EQ(bn.inputs.size(), 3u);
  EXPECT_EQ(bn.get_string("form", ""), "scale_shift");
  const Tensor &s = t.m.tensor(bn.inputs[1]), &sh = t.m.tensor(bn.inputs[2]);
  // s = gamma / sqrt(var): 0.75, -1, 2 (exact in 16 bits); shift = beta - mean * s
  EXPECT_EQ(s.type.fixed.width, 16);
  const double expected_s[] = {0.75, -1.0, 2.0}, expected_t[] = {0.1 - 0.5 * 0.75, 0.2 - 1.0, -0.3};
  for (int c = 0; c < 3; ++c) {
    EXPECT_EQ(dequantize(s.codes[c], s.type.fixed), expected_s[c]);
    EXPECT_NEAR(dequantize(sh.codes[c], sh.type.fixed), expected_t[c], std::ldexp(1.0, -sh.type.fixed.frac));
  }
  EXPECT_EQ(sh.type.fixed.frac, 5 + s.type.fixed.frac);
}

TEST(Calibration, TypesFollowTheObservedRanges) {
  auto t = one_dense({0.3, -1.9, 0.1, 0.2, 0.0, 0.4, 0.5, -0.6}, {5.0, 6.0});
  const std::map<std::string, TensorRange> observed = {{"x", {-3.2, 1.0}}, {"y", {0.0, 0.5}}};
  const auto types = calibrate_types(t.m, observed, {8, 0});
  EXPECT_EQ(types.at("x"), fx(8, 3));  // [-4, 4) holds 3.2
  EXPECT_EQ(types.at("y"), fx(8, 1));  // [-1, 1) holds 0.5
  EXPECT_EQ(types.at("W"), fx(8, 2));  // |w| <= 1.9
  EXPECT_FALSE(types.count("b"));      // biases live at the accumulator scale
  const auto wide = calibrate_types(t.m, observed, {16, 2});
  EXPECT_EQ(wide.at("x"), fx(16, 5));
  EXPECT_THROW(calibrate_types(t.m, observed, {12, 0}), InputError);
  EXPECT_THROW(calibrate_types(t.m, observed, {8, -1}), InputError);
  // Calibrated types fill what neither the config nor the model gives.
  quantize_model(t.m, Config{}, QuantizeOptions{types});
  EXPECT_EQ(t.m.tensor("x").type.fixed, fx(8, 3));
  EXPECT_EQ(t.m.tensor("y").type.fixed, fx(8, 1));
  const auto lines = describe_calibration(t.m, types, observed);
  EXPECT_TRUE(contains(lines, "input 'x': ap_fixed<8,3,AP_RND_CONV,AP_SAT> (observed [-3.2, 1])"));
}

TEST(Calibration, FitSignedTypeCoversTheValue) {
  for (double v : {1e-6, 0.1, 0.5, 0.75, 1.0, 1.5, 2.0, 3.99, 100.0, 1e6}) {
    const FixedType t = fit_signed_type(v, 8);
    EXPECT_LE(v, t.max_value() + t.lsb()) << v;           // at most one step of saturation
    EXPECT_GT(v, t.max_value() / 2 - t.lsb()) << v;        // one bit fewer would not hold it
  }
}

}  // namespace
}  // namespace aie4ml
