// Structural import tests on the hand-built graphs of tests/models/make_frontend_models.py: which IR ops,
// names, shapes, attributes and numeric types each supported op or pattern becomes. Values are checked
// against the ONNX initializers read with the protobuf API (independently of the importer); the
// numerical meaning of every model is checked against ONNX Runtime in oracle_test.cpp.
#include <gtest/gtest.h>

#include <cmath>

#include "frontend/frontend_test_util.h"

namespace aie4ml::test {
namespace {

using K = OpKind;
using Shape = std::vector<int64_t>;
constexpr int64_t N = kBatch;

const Tensor& output_of(const Model& m, const std::string& op) { return m.tensor(op_named(m, op).outputs.at(0)); }
const Tensor& input_of(const Model& m, const std::string& op, size_t i) { return m.tensor(op_named(m, op).inputs.at(i)); }

TEST(ImportGemm, TransBAlphaBetaBecomeDenseInXWOrientation) {
  const Model m = load("gemm_alpha_beta");
  ASSERT_EQ(kinds(m), std::vector<K>{K::Dense});
  const auto b = onnx_initializer(frontend_model("gemm_alpha_beta"), "B");  // [4, 6]
  const auto c = onnx_initializer(frontend_model("gemm_alpha_beta"), "C");  // [4]
  const auto& w = input_of(m, "fc", 1);
  ASSERT_EQ(w.shape, (Shape{6, 4}));
  for (int k = 0; k < 6; ++k)
    for (int n = 0; n < 4; ++n) EXPECT_EQ(w.values[k * 4 + n], 0.5 * b[n * 6 + k]);
  const auto& bias = input_of(m, "fc", 2);
  for (int n = 0; n < 4; ++n) EXPECT_EQ(bias.values[n], 2.0 * c[n]);
  EXPECT_EQ(output_of(m, "fc").shape, (Shape{N, 4}));
}

TEST(ImportGemm, UnnamedNodeIsNamedAfterItsOutputAndOddBatchIsFree) {
  const Model m = load("gemm_unnamed");
  ASSERT_EQ(m.ops.size(), 1u);
  EXPECT_EQ(m.ops[0].name, "Gemm_out7");
  EXPECT_EQ(m.tensor("x").shape, (Shape{N, 5}));  // declared [789444, 5]
  EXPECT_EQ(m.outputs, std::vector<std::string>{"out7"});
  EXPECT_EQ(m.ops[0].inputs.size(), 2u);  // no bias
}

TEST(ImportMatMul, ConstantWeightBecomesDenseAndAddFusesIntoItsBias) {
  const Model raw = load("matmul_add");
  EXPECT_EQ(kinds(raw), (std::vector<K>{K::Dense, K::Add, K::Relu, K::Dense, K::Add, K::Softmax}));
  EXPECT_EQ(op_named(raw, "bias1").inputs, (std::vector<std::string>{"b1", "h1"}));
  const Model m = load_canonical("matmul_add");
  ASSERT_EQ(kinds(m), (std::vector<K>{K::Dense, K::Dense, K::Softmax}));
  EXPECT_EQ(m.ops[0].name, "dense1");  // the MatMul node carries the weights
  EXPECT_EQ(m.ops[0].get_string("activation", ""), "relu");
  EXPECT_EQ(m.ops[1].name, "dense2");
  EXPECT_EQ(m.ops[1].get_string("activation", ""), "linear");
  EXPECT_EQ(input_of(m, "dense1", 2).values, onnx_initializer(frontend_model("matmul_add"), "b1"));
  EXPECT_EQ(input_of(m, "dense2", 2).values, onnx_initializer(frontend_model("matmul_add"), "b2"));
  EXPECT_EQ(m.tensor(m.outputs[0]).shape, (Shape{N, 3}));
  EXPECT_EQ(m.outputs, std::vector<std::string>{"y"});
}

TEST(ImportMatMul, TwoActivationsBecomeMatMul) {
  const Model m = load_canonical("matmul_two_inputs");
  ASSERT_EQ(kinds(m), std::vector<K>{K::MatMul});
  EXPECT_EQ(m.inputs, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(output_of(m, "attn").shape, (Shape{N, 4, 3}));
  EXPECT_EQ(m.macs_per_sample(), 4 * 8 * 3);
}

TEST(ImportActivations, EachActivationAndClip) {
  const Model raw = load("activations");
  EXPECT_EQ(kinds(raw), (std::vector<K>{K::Dense, K::LeakyRelu, K::Sigmoid, K::Tanh, K::Clip, K::Relu, K::Softmax}));
  EXPECT_FLOAT_EQ(op_named(raw, "leaky").get_float("alpha", 0), 0.2f);
  EXPECT_FLOAT_EQ(op_named(raw, "clip").get_float("min", 0), 0.6f);
  EXPECT_FLOAT_EQ(op_named(raw, "clip").get_float("max", 0), 0.7f);
  EXPECT_EQ(op_named(raw, "softmax").get_int("axis", 0), 1);
  const Model m = load_canonical("activations");
  EXPECT_EQ(op_named(m, "fc").get_string("activation", ""), "leaky_relu");
  EXPECT_FLOAT_EQ(op_named(m, "fc").get_float("alpha", 0), 0.2f);
  EXPECT_EQ(m.find_op("leaky"), nullptr);
  EXPECT_NE(m.find_op("relu"), nullptr);  // after Clip, not after a Dense: stays
}

TEST(ImportActivations, ClipAttributesBeforeOpset11) {
  const Model m = load("clip_opset9");
  EXPECT_FLOAT_EQ(op_named(m, "clip").get_float("min", 0), -0.5f);
  EXPECT_FLOAT_EQ(op_named(m, "clip").get_float("max", 0), 0.25f);
}

TEST(ImportBatchNorm, FoldsIntoDenseWithTheRightValues) {
  const auto path = frontend_model("bn_dense");
  const Model raw = load("bn_dense");
  EXPECT_EQ(kinds(raw), (std::vector<K>{K::Dense, K::BatchNorm, K::Relu}));
  const Model m = load_canonical("bn_dense");
  ASSERT_EQ(kinds(m), std::vector<K>{K::Dense});
  EXPECT_EQ(m.ops[0].get_string("activation", ""), "relu");
  EXPECT_EQ(m.outputs, std::vector<std::string>{"y"});
  const auto w = onnx_initializer(path, "W"), b = onnx_initializer(path, "b");  // W [6, 7] (transB)
  const auto s = onnx_initializer(path, "bn_s"), beta = onnx_initializer(path, "bn_b");
  const auto mean = onnx_initializer(path, "bn_m"), var = onnx_initializer(path, "bn_v");
  const auto& wf = input_of(m, "fc1", 1);
  const auto& bf = input_of(m, "fc1", 2);
  for (int n = 0; n < 6; ++n) {
    const double g = s[n] / std::sqrt(var[n] + 1e-3f);  // epsilon is stored as float32
    EXPECT_NEAR(bf.values[n], (b[n] - mean[n]) * g + beta[n], 1e-12);
    for (int k = 0; k < 7; ++k) EXPECT_NEAR(wf.values[k * 6 + n], w[n * 7 + k] * g, 1e-12);
  }
}

TEST(ImportBatchNorm, TransposedPatternOfTf2onnxFolds) {
  const Model raw = load("bn_transposed");  // opset 7, IR version 3
  EXPECT_EQ(kinds(raw), (std::vector<K>{K::Dense, K::Transpose, K::BatchNorm, K::Transpose}));
  EXPECT_EQ(input_of(raw, "BatchNorm", 0).shape, (Shape{6, N}));
  const Model m = load_canonical("bn_transposed");
  ASSERT_EQ(kinds(m), std::vector<K>{K::Dense});
  EXPECT_EQ(m.ops[0].name, "Gemm_g");
  EXPECT_EQ(m.outputs, std::vector<std::string>{"y"});
  EXPECT_EQ(m.tensor("y").shape, (Shape{N, 6}));
}

TEST(ImportBatchNorm, FoldsIntoConvAndStaysWithoutProducer) {
  const Model conv = load_canonical("bn_conv");
  ASSERT_EQ(kinds(conv), std::vector<K>{K::Conv});
  EXPECT_EQ(conv.tensor(conv.outputs[0]).shape, (Shape{N, 3, 5, 5}));
  const Model in = load_canonical("bn_input");
  ASSERT_EQ(kinds(in), std::vector<K>{K::BatchNorm});
  EXPECT_NEAR(in.ops[0].get_float("epsilon", 0), 1e-5, 1e-12);
}

TEST(ImportReshape, ShapeSubgraphIsFoldedWithTheBatchSymbolic) {
  const Model raw = load("reshape_flatten");
  ASSERT_EQ(kinds(raw), (std::vector<K>{K::Reshape, K::Reshape, K::Flatten, K::Dense}));
  EXPECT_EQ(output_of(raw, "Reshape_4").shape, (Shape{N, 24}));
  EXPECT_EQ(output_of(raw, "Reshape_5").shape, (Shape{N, 2, 12}));
  EXPECT_EQ(output_of(raw, "Flatten_6").shape, (Shape{N, 24}));
  const Model m = load_canonical("reshape_flatten");
  EXPECT_EQ(kinds(m), (std::vector<K>{K::Reshape, K::Dense}));
  EXPECT_EQ(m.tensor(m.outputs[0]).shape, (Shape{N, 3}));
}

TEST(ImportNoops, IdentityDropoutAndCancellingTransposesDisappear) {
  const Model raw = load("noops");
  EXPECT_EQ(kinds(raw), (std::vector<K>{K::Transpose, K::Reshape, K::Transpose, K::Transpose, K::Flatten, K::Dense}));
  const Model m = load_canonical("noops");
  ASSERT_EQ(kinds(m), std::vector<K>{K::Dense});
  EXPECT_EQ(m.ops[0].inputs[0], "x");
  EXPECT_EQ(m.outputs, std::vector<std::string>{"y"});  // the Identity's output name survives
}

TEST(ImportElementwise, ConstantScalingsFoldIntoTheDense) {
  const auto path = frontend_model("elementwise");
  const Model raw = load("elementwise");
  EXPECT_EQ(kinds(raw), (std::vector<K>{K::Sub, K::Div, K::Dense, K::Mul, K::Add, K::Relu, K::Add, K::Mul}));
  // Pow(var, 0.5) is folded at import into the Div's constant operand.
  const auto var = onnx_initializer(path, "var");
  const auto& std_dev = input_of(raw, "normalise", 1);
  for (size_t i = 0; i < var.size(); ++i) EXPECT_FLOAT_EQ(std_dev.values[i], std::sqrt(static_cast<float>(var[i])));
  const Model m = load_canonical("elementwise");
  EXPECT_EQ(kinds(m), (std::vector<K>{K::Dense, K::Relu, K::Add, K::Mul}));
  EXPECT_EQ(op_named(m, "dense").inputs[0], "x");  // (x - mean) / std folded into W and b
}

TEST(ImportConv, ConvAndPoolingShapesAndAttributes) {
  const Model m = load_canonical("conv_pool");
  ASSERT_EQ(kinds(m), (std::vector<K>{K::Conv, K::Conv, K::MaxPool, K::AveragePool, K::GlobalAveragePool, K::Flatten}));
  // Output sizes from the ONNX formula floor((in + pads - dilation*(k-1) - 1) / stride) + 1.
  EXPECT_EQ(output_of(m, "conv1").shape, (Shape{N, 4, (9 + 2 - 2 - 1) / 2 + 1, (8 + 2 - 2 - 1) / 1 + 1}));
  EXPECT_EQ(op_named(m, "conv1").get_string("activation", ""), "relu");
  EXPECT_EQ(op_named(m, "conv1").get_ints("dilations"), (Shape{1, 2}));
  EXPECT_EQ(op_named(m, "conv_grouped").get_int("group", 0), 2);
  EXPECT_EQ(op_named(m, "conv_grouped").get_ints("pads"), (Shape{1, 1, 1, 1}));  // SAME_UPPER, 3x3
  EXPECT_EQ(output_of(m, "maxpool").shape, (Shape{N, 4, 3, 4}));                 // ceil_mode
  EXPECT_EQ(output_of(m, "avgpool").shape, (Shape{N, 4, 3, 4}));
  EXPECT_EQ(op_named(m, "avgpool").get_int("count_include_pad", 0), 1);
  EXPECT_EQ(output_of(m, "gap").shape, (Shape{N, 4, 1, 1}));
  EXPECT_EQ(m.tensor(m.outputs[0]).shape, (Shape{N, 4}));
}

TEST(ImportConv, Conv1dWithLayoutTranspose) {
  const Model m = load_canonical("conv1d");
  ASSERT_EQ(kinds(m), (std::vector<K>{K::Transpose, K::Conv, K::MaxPool, K::Flatten}));
  EXPECT_EQ(output_of(m, "conv1d").shape, (Shape{N, 3, 10}));
  EXPECT_EQ(op_named(m, "conv1d").get_ints("kernel_shape"), Shape{4});
  EXPECT_EQ(m.parameter_count(), 3 * 4 * 4 + 3);
}

}  // namespace
}  // namespace aie4ml::test
