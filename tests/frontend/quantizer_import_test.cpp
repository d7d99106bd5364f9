// Quantiser import: QuantizeLinear / DequantizeLinear and QONNX Quant / BipolarQuant / Trunc become
// FixedTypes exactly when the scale is a power of two and the zero point 0, folded constants carry exact
// codes, and everything else is represented with attributes. Expected codes are computed here from the
// ONNX initializers with the operator definitions (round half to even, clip to the integer range).
#include <gtest/gtest.h>

#include <cmath>

#include "frontend/frontend_test_util.h"

namespace aie4ml::test {
namespace {

using K = OpKind;

double half_even(double v) {
  const double r = std::nearbyint(v);  // default FE_TONEAREST: ties to even
  return r;
}

const Tensor& input_of(const Model& m, const std::string& op, size_t i) { return m.tensor(op_named(m, op).inputs.at(i)); }
const Tensor& output_of(const Model& m, const std::string& op) { return m.tensor(op_named(m, op).outputs.at(0)); }

TEST(ImportQdq, PowerOfTwoQdqBecomesFixedTypes) {
  const auto path = frontend_model("qdq_int8");
  const Model m = load_canonical("qdq_int8");
  ASSERT_EQ(kinds(m), (std::vector<K>{K::Quantize, K::Dense, K::Quantize, K::Dense}));
  // Activation quantisers: scale 2^-4 int8 -> ap_fixed<8,4>, scale 2^-3 uint8 -> ap_ufixed<8,5>.
  EXPECT_EQ(output_of(m, "quant_in").type.str(), "ap_fixed<8,4,AP_RND_CONV,AP_SAT>");
  EXPECT_EQ(output_of(m, "quant_h").type.str(), "ap_ufixed<8,5,AP_RND_CONV,AP_SAT>");
  EXPECT_TRUE(op_named(m, "quant_in").attrs.empty());
  // DequantizeLinear disappeared: the Dense reads the Quantize output directly.
  EXPECT_EQ(op_named(m, "fc1").inputs[0], op_named(m, "quant_in").outputs[0]);
  // int8 weights through DequantizeLinear: the codes are the initializer, the values code * 2^-6.
  const auto& w = input_of(m, "fc1", 1);
  EXPECT_EQ(w.type.str(), "ap_fixed<8,2,AP_RND_CONV,AP_SAT>");
  const auto w_codes = onnx_initializer(path, "Wq");
  ASSERT_EQ(w.codes.size(), w_codes.size());
  for (size_t i = 0; i < w_codes.size(); ++i) {
    EXPECT_EQ(w.codes[i], static_cast<int64_t>(w_codes[i]));
    EXPECT_EQ(w.values[i], std::ldexp(w_codes[i], -6));
  }
  // int32 bias through DequantizeLinear (no zero point): 32-bit codes at 2^-10, fused as the bias.
  const auto& b = input_of(m, "fc1", 2);
  EXPECT_EQ(b.type.fixed.width, 32);
  EXPECT_EQ(b.type.fixed.frac, 10);
  const auto b_codes = onnx_initializer(path, "bq");
  for (size_t i = 0; i < b_codes.size(); ++i) EXPECT_EQ(b.codes[i], static_cast<int64_t>(b_codes[i]));
  // Q -> DQ on float weights folds into exact codes round_half_even(w * 2^5), clipped to int8.
  const auto& w2 = input_of(m, "fc2", 1);
  const auto w2f = onnx_initializer(path, "W2f");
  EXPECT_EQ(w2.type.str(), "ap_fixed<8,3,AP_RND_CONV,AP_SAT>");
  for (size_t i = 0; i < w2f.size(); ++i) {
    const double code = std::clamp(half_even(w2f[i] * 32.0), -128.0, 127.0);
    EXPECT_EQ(w2.codes[i], static_cast<int64_t>(code));
    EXPECT_EQ(w2.values[i], code / 32.0);
  }
}

TEST(ImportQdq, AffineScaleIsRepresentedWithAttributes) {
  const Model m = load_canonical("qdq_uint8_affine");
  ASSERT_EQ(kinds(m), std::vector<K>{K::Quantize});
  const auto& q = m.ops[0];
  EXPECT_TRUE(m.tensor(q.outputs[0]).type.is_float());
  EXPECT_FLOAT_EQ(q.get_float("scale", 0), 0.05f);
  EXPECT_EQ(q.get_float("zero_point", 0), 10.0);
  EXPECT_EQ(q.get_int("bitwidth", 0), 8);
  EXPECT_EQ(q.get_int("signed", 1), 0);
  EXPECT_EQ(q.get_string("rounding_mode", ""), "ROUND");
}

TEST(ImportQdq, Int16AtOpset21) {
  const Model m = load_canonical("qdq_int16");
  ASSERT_EQ(kinds(m), std::vector<K>{K::Quantize});
  EXPECT_EQ(m.tensor(m.outputs[0]).type.str(), "ap_fixed<16,6,AP_RND_CONV,AP_SAT>");
}

TEST(ImportQonnx, QuantBipolarQuantAndTruncUnderEveryDomain) {
  const auto path = frontend_model("qonnx_mlp");
  const Model m = load_canonical("qonnx_mlp");
  ASSERT_EQ(kinds(m), (std::vector<K>{K::Quantize, K::Dense, K::Quantize, K::Quantize, K::Dense, K::Quantize, K::Sign}));
  // 4-bit signed narrow, scale 2^-2: frac 2, symmetric saturation (the most negative code is dropped).
  EXPECT_EQ(output_of(m, "quant_in").type.str(), "ap_fixed<4,2,AP_RND_CONV,AP_SAT_SYM>");
  // 3-bit weights, scale 2^-2, folded: codes clip(round_half_even(w * 4), -4, 3).
  const auto& w1 = input_of(m, "fc1", 1);
  EXPECT_EQ(w1.type.str(), "ap_fixed<3,1,AP_RND_CONV,AP_SAT>");
  const auto w1f = onnx_initializer(path, "W1");
  for (size_t i = 0; i < w1f.size(); ++i) {
    const double code = std::clamp(half_even(static_cast<float>(w1f[i] * 4.0)), -4.0, 3.0);
    EXPECT_EQ(w1.codes[i], static_cast<int64_t>(code)) << i;
    EXPECT_EQ(w1.values[i], code / 4.0);
  }
  // Unsigned 8-bit activation, scale 2^-5; Trunc to 4 bits drops 4 LSBs with FLOOR (finn domain).
  EXPECT_EQ(output_of(m, "quant_h").type.str(), "ap_ufixed<8,3,AP_RND_CONV,AP_SAT>");
  EXPECT_EQ(output_of(m, "trunc_h").type.str(), "ap_ufixed<4,3,AP_TRN,AP_SAT>");
  // Per-channel weight scales fold into exact float values s[n] * code (no single FixedType).
  const auto& w2 = input_of(m, "fc2", 1);
  EXPECT_TRUE(w2.type.is_float());
  const auto w2f = onnx_initializer(path, "W2"), s = onnx_initializer(path, "s_w2");
  for (size_t i = 0; i < w2f.size(); ++i) {
    const float sc = static_cast<float>(s[i % 4]);
    const double code = std::clamp(half_even(static_cast<float>(static_cast<float>(w2f[i]) / sc)), -7.0, 7.0);
    EXPECT_EQ(w2.values[i], static_cast<float>(code * sc)) << i;
  }
  // Non-power-of-two activation scale: attributes, float32 output.
  const auto& qo = op_named(m, "quant_o");
  EXPECT_TRUE(m.tensor(qo.outputs[0]).type.is_float());
  EXPECT_FLOAT_EQ(qo.get_float("scale", 0), 0.037f);
  EXPECT_EQ(qo.get_int("bitwidth", 0), 8);
  // BipolarQuant (onnx.brevitas) with scale 1: Sign with codes +-1.
  EXPECT_EQ(op_named(m, "sign_out").get_float("scale", 0), 1.0);
  EXPECT_EQ(output_of(m, "sign_out").type.str(), "ap_fixed<2,2,AP_RND_CONV,AP_SAT>");
}

TEST(ImportQonnx, QuantisersWithoutAnExactFixedTypeKeepTheirParameters) {
  const Model m = load_canonical("qonnx_general");
  ASSERT_EQ(kinds(m), (std::vector<K>{K::Quantize, K::Quantize, K::Quantize, K::Add}));
  const auto& narrow = op_named(m, "unsigned_narrow");  // [0, 14]: no ap_fixed overflow mode
  EXPECT_TRUE(output_of(m, "unsigned_narrow").type.is_float());
  EXPECT_EQ(narrow.get_int("narrow", 0), 1);
  EXPECT_EQ(narrow.get_int("signed", 1), 0);
  EXPECT_EQ(narrow.get_float("scale", 0), 0.25);
  EXPECT_EQ(op_named(m, "ceil_quant").get_string("rounding_mode", ""), "CEIL");
  EXPECT_TRUE(output_of(m, "ceil_quant").type.is_float());
  const auto& trunc = op_named(m, "trunc_float");  // float input: its first rounding is not exact
  EXPECT_EQ(trunc.get_string("method", ""), "trunc");
  EXPECT_EQ(trunc.get_float("input_scale", 0), 0.125);
  EXPECT_EQ(trunc.get_float("scale", 0), 0.125 * 16);
  EXPECT_EQ(trunc.get_int("bitwidth", 0), 4);
  EXPECT_EQ(trunc.get_int("in_bitwidth", 0), 8);
}

}  // namespace
}  // namespace aie4ml::test
