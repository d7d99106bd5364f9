// The bf16 path's numerics (docs/numerics.md "bf16"): bf16 rounding (sim/bf16_kernels.h) against values
// worked out by hand, the typing pass (passes/to_bf16.h) and its refusals, and Bf16Interpreter's Dense
// against the definition written out as a plain float loop with an order-sensitive example. (The
// emulated kernels against Bf16Interpreter: tests/kernels/test_dense_bf16.cpp; the compiled jet
// tagger against ONNX Runtime: tests/scripts/verify_bf16.sh.)
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "io/config.h"
#include "model_builder.h"
#include "passes/to_bf16.h"
#include "sim/bf16_kernels.h"
#include "sim/interpreter.h"
#include "support/error.h"

namespace aie4ml {
namespace {

using sim::bf16_code;
using sim::bf16_value;

TEST(Bf16, RoundsToNearestTiesToEven) {
  // bf16 keeps 8 significant bits: the step above 1 is 2^-7.
  EXPECT_EQ(bf16_code(1.0f), 0x3f80);
  EXPECT_EQ(bf16_value(bf16_code(1.0f + 0x1p-8f)), 1.0f);                // tie: down to the even 1.0
  EXPECT_EQ(bf16_value(bf16_code(1.0f + 3 * 0x1p-8f)), 1.0f + 0x1p-6f);  // tie: up to the even 1 + 2^-6
  EXPECT_EQ(bf16_value(bf16_code(1.0f + 0x1p-8f + 0x1p-20f)), 1.0f + 0x1p-7f);  // above the tie
  EXPECT_EQ(bf16_value(bf16_code(-2.5f)), -2.5f);
  EXPECT_EQ(bf16_code(-1.0f), static_cast<int16_t>(0xbf80));  // sign-extended 16-bit pattern
  EXPECT_EQ(bf16_value(bf16_code(3.3895314e38f)), 3.3895314e38f);  // the largest bf16
  EXPECT_EQ(bf16_value(bf16_code(std::numeric_limits<float>::max())), INFINITY);  // beyond it: overflows
  EXPECT_TRUE(std::isnan(bf16_value(bf16_code(NAN))));
}

// x[2] -> Dense(2 -> 1, bias) -> y, typed by the pass.
Model tiny_dense(std::vector<double> w, double b, const std::string& activation = "linear") {
  test::Builder t;
  t.input("x", {2});
  t.constant("w", {2, 1}, std::move(w));
  t.constant("b", {1}, {b});
  t.act("y", {1});
  t.dense("fc", "x", "w", "b", "y", activation);
  t.m.outputs = {"y"};
  return t.m;
}

Config bf16_config() {
  Config c;
  c.default_precision = NumericType::bf16();
  return c;
}

float run1(const Model& m, float x0, float x1) {
  return bf16_value(Bf16Interpreter(m).run({{bf16_code(x0), bf16_code(x1)}}, 1)[0][0]);
}

TEST(Bf16, PassRoundsConstantsAndTypesEveryTensor) {
  Model m = tiny_dense({1.0 + 0x1p-8 + 0x1p-30, 0.1}, -3.0);
  ASSERT_TRUE(wants_bf16(bf16_config()));
  convert_to_bf16(m, bf16_config());
  for (auto& [name, t] : m.tensors) EXPECT_EQ(t.type.kind, ScalarKind::BFloat16) << name;
  // binary32 first (2^-30 is lost), then 1 + 2^-8 is a tie that goes to the even 1.0
  EXPECT_EQ(m.tensor("w").values[0], 1.0);
  EXPECT_EQ(m.tensor("w").values[1], 0.10009765625);  // 0.1 to 8 significant bits: 205 * 2^-11
  EXPECT_EQ(m.tensor("w").codes[1], bf16_code(0.10009765625f));
  EXPECT_TRUE(is_bf16_model(m));
}

TEST(Bf16, DenseSumsInKernelOrderThenBiasThenRoundsOnce) {
  // x = (2^16, 1), w = (2^8, 1): products 2^24 and 1; bias -2^24. In kernel order fl32(2^24 + 1) = 2^24
  // (a tie, to even), then + (-2^24) = 0; the bias first would give 1. The definition says 0.
  Model m = tiny_dense({256.0, 1.0}, -16777216.0);
  convert_to_bf16(m, bf16_config());
  EXPECT_EQ(run1(m, 65536.0f, 1.0f), 0.0f);
  // Output rounding: 1 + 2^-8 + 2^-9 (not a bf16) rounds once to 1 + 2^-7.
  Model r = tiny_dense({1.0, 1.0}, 0x1p-9);
  convert_to_bf16(r, bf16_config());
  EXPECT_EQ(run1(r, 1.0f, 0x1p-8f), 1.0f + 0x1p-7f);
  // ReLU on the rounded result.
  Model relu = tiny_dense({1.0, -1.0}, 0.0, "relu");
  convert_to_bf16(relu, bf16_config());
  EXPECT_EQ(run1(relu, 1.0f, 3.0f), 0.0f);
  EXPECT_EQ(run1(relu, 3.0f, 1.0f), 2.0f);
}

TEST(Bf16, RefusesMixedPrecisionAndUnsupportedOps) {
  Model m = tiny_dense({1.0, 1.0}, 0.0);
  Config c = bf16_config();
  c.layers["fc"].precision.weight = NumericType::of(test::fx(8, 3));
  try {
    convert_to_bf16(m, c);
    FAIL() << "mixed precision accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("LayerName.fc.Precision.weight"), std::string::npos) << e.what();
  }
  Model leaky = tiny_dense({1.0, 1.0}, 0.0, "leaky_relu");
  EXPECT_THROW(convert_to_bf16(leaky, bf16_config()), InputError);
  test::Builder t;
  t.input("x", {2});
  t.act("y", {2});
  t.op(OpKind::Sigmoid, "sig", {"x"}, {"y"});
  t.m.outputs = {"y"};
  try {
    convert_to_bf16(t.m, bf16_config());
    FAIL() << "Sigmoid accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'sig'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace aie4ml
