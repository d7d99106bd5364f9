// The shared QONNX models against a direct numpy evaluation of the QONNX semantics
// (tests/oracle/qonnx_eval.py, run at build time by tests/models/make_qonnx_references.py):
// - the float interpreter reproduces the QONNX outputs;
// - TFC (power-of-two quantisers) also runs in the integer path; its BatchNorm becomes a 16-bit fixed-point
//   scale and shift, so the comparison there is the classification agreement, not bit equality;
// - UNSW-NB15 has quantisers with scales that are not powers of two: the integer path refuses them,
//   naming the node.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>

#include "frontend/onnx_import.h"
#include "io/config.h"
#include "io/npy.h"
#include "passes/canonicalize.h"
#include "passes/quantize.h"
#include "sim/convert.h"
#include "sim/interpreter.h"
#include "support/error.h"

namespace aie4ml {
namespace {

namespace fs = std::filesystem;

struct Case {
  Model model;
  std::vector<double> x, ref;
  int64_t batch = 0, classes = 0;
};

// Imported + canonicalised model and its reference data, or nullopt (the test skips) when absent.
std::optional<Case> load_case(const std::string& name) {
  const fs::path model = fs::path(AIE4ML_SHARED_MODELS) / (name + ".onnx");
  const fs::path data = fs::path(AIE4ML_TEST_DATA) / "qonnx";
  if (!fs::exists(model) || !fs::exists(data / (name + "_ref.npy"))) return std::nullopt;
  Case c;
  c.model = import_onnx(model);
  canonicalize(c.model);
  const NpyArray x = read_npy(data / (name + "_x.npy")), ref = read_npy(data / (name + "_ref.npy"));
  c.x = x.to_doubles();
  c.ref = ref.to_doubles();
  c.batch = x.shape[0];
  c.classes = ref.size() / ref.shape[0];
  return c;
}

int64_t argmax(const std::vector<double>& v, int64_t row, int64_t n) {
  return std::max_element(v.begin() + row * n, v.begin() + (row + 1) * n) - (v.begin() + row * n);
}

TEST(QonnxModels, TfcFloatInterpreterMatchesQonnxSemantics) {
  auto c = load_case("tfc_2w2a_mnist");
  if (!c) GTEST_SKIP() << "shared model tfc_2w2a_mnist.onnx (or its reference) not found";
  FloatInterpreter f(c->model);
  const auto y = f.run({c->x}, c->batch)[0];
  ASSERT_EQ(y.size(), c->ref.size());
  double max_diff = 0, max_ref = 0;
  for (size_t i = 0; i < y.size(); ++i) max_diff = std::max(max_diff, std::abs(y[i] - c->ref[i])), max_ref = std::max(max_ref, std::abs(c->ref[i]));
  // The frontend folds constant sub-graphs (TFC's final Sub/Pow/Div/Mul/Add) in float32, as ONNX does,
  // while the reference stays in float64: agreement to float32 precision, no quantiser flipped.
  EXPECT_LE(max_diff, 1e-6 * max_ref) << "max |float interpreter - QONNX| over " << c->batch << " samples";
}

TEST(QonnxModels, TfcIntegerPathAgreesWithQonnxClassification) {
  auto c = load_case("tfc_2w2a_mnist");
  if (!c) GTEST_SKIP() << "shared model tfc_2w2a_mnist.onnx (or its reference) not found";
  Config cfg;
  cfg.default_precision = parse_numeric_type("ap_fixed<16,6,AP_RND_CONV,AP_SAT>");
  // The input and its preprocessing (x * 2 - 1) feed the first 2-bit quantiser: keep them at 32 bits so
  // that quantising the float input does not move values across its thresholds.
  // (With them at the 16-bit default, about 2.5% of these random samples change class.)
  for (auto& name : {"0", "Mul_7", "Sub_9"})
    cfg.layers[name].precision.result = parse_numeric_type("ap_fixed<32,8,AP_RND_CONV,AP_SAT>");
  quantize_model(c->model, cfg);
  IntegerInterpreter interp(c->model);
  const std::string in = interp.input_names()[0], out = interp.output_names()[0];
  std::vector<int64_t> codes(c->x.size());
  sim::quantize_values(c->x.data(), codes.data(), static_cast<int64_t>(codes.size()), interp.type(in));
  const auto q = interp.run({codes}, c->batch)[0];
  std::vector<double> y(q.size());
  sim::dequantize_codes(q.data(), y.data(), static_cast<int64_t>(q.size()), interp.type(out));
  int64_t agree = 0;
  for (int64_t r = 0; r < c->batch; ++r) agree += argmax(y, r, c->classes) == argmax(c->ref, r, c->classes);
  const double rate = static_cast<double>(agree) / static_cast<double>(c->batch);
  RecordProperty("argmax_agreement", std::to_string(rate));
  EXPECT_GE(rate, 0.99) << agree << " of " << c->batch << " samples classified as the QONNX model does";
}

TEST(QonnxModels, UnswFloatInterpreterMatchesQonnxSemantics) {
  auto c = load_case("unsw_nb15_mlp_w2a2");
  if (!c) GTEST_SKIP() << "shared model unsw_nb15_mlp_w2a2.onnx (or its reference) not found";
  FloatInterpreter f(c->model);
  const auto y = f.run({c->x}, c->batch)[0];
  ASSERT_EQ(y.size(), c->ref.size());
  int64_t equal = 0, negative = 0;
  for (size_t i = 0; i < y.size(); ++i) equal += y[i] == c->ref[i], negative += c->ref[i] < 0;
  EXPECT_EQ(equal, static_cast<int64_t>(y.size())) << "bipolar outputs equal to QONNX's";
  EXPECT_GT(negative, 0) << "the inputs should exercise both output classes";
}

TEST(QonnxModels, UnswIntegerPathRefusesNonPowerOfTwoScalesNamingTheNode) {
  auto c = load_case("unsw_nb15_mlp_w2a2");
  if (!c) GTEST_SKIP() << "shared model unsw_nb15_mlp_w2a2.onnx (or its reference) not found";
  Config cfg;
  cfg.default_precision = parse_numeric_type("ap_fixed<16,6>");
  try {
    quantize_model(c->model, cfg);
    FAIL() << "quantisation should refuse the scale-0.088 quantiser";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/pretrained/pretrained.3/act_quant/export_handler/Quant"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("power of two"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace aie4ml
