// Numerical proof that import and canonicalisation keep a model's meaning: the imported model (raw) and
// the canonical model (BatchNorm, Gemm alpha/beta, transposes, scalings folded) are evaluated with the
// test's own float evaluator (ir_eval) and compared with ONNX Runtime on the same fixed input. QONNX ops,
// which ONNX Runtime does not know, are expanded into standard ops by tests/oracle/prepare_for_ort.py.
#include <gtest/gtest.h>

#include <onnx/onnx_pb.h>

#include <fstream>
#include <sstream>

#include "frontend/frontend_test_util.h"
#include "frontend/onnx_import.h"
#include "passes/canonicalize.h"

namespace aie4ml::test {
namespace {

struct OracleCase {
  std::string name;
  bool shared = false;  // from ../shared/models (else generated)
  int64_t batch = 3;
  double lo = -1.5, hi = 1.5;
  double rel_tol = 1e-5, abs_tol = 1e-6;
};

void PrintTo(const OracleCase& c, std::ostream* os) { *os << c.name; }

std::vector<std::string> onnx_output_names(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  onnx::ModelProto m;
  m.ParseFromString(s.str());
  std::vector<std::string> names;
  for (const auto& o : m.graph().output()) names.push_back(o.name());
  return names;
}

class OracleTest : public ::testing::TestWithParam<OracleCase> {};

TEST_P(OracleTest, RawAndCanonicalModelsMatchOnnxRuntime) {
  const auto& c = GetParam();
  const fs::path path = c.shared ? shared_models_dir() / (c.name + ".onnx") : frontend_model(c.name);
  if (c.shared && !fs::exists(path)) GTEST_SKIP() << "shared model not present: " << path;
  if (auto why = oracle_unavailable()) GTEST_SKIP() << *why;
  const Model raw = import_onnx(path);
  Model canonical = raw;
  canonicalize(canonical);
  std::map<std::string, Array> inputs;
  uint32_t seed = 1;
  for (const auto& in : raw.inputs) {
    auto shape = raw.tensor(in).sample_shape();
    shape.insert(shape.begin(), c.batch);
    inputs[in] = test_input(shape, seed++, c.lo, c.hi);
  }
  const auto reference = run_onnx_runtime(path, inputs, c.name);
  const auto names = onnx_output_names(path);
  const auto ours_raw = evaluate(raw, inputs);
  const auto ours_canonical = evaluate(canonical, inputs);
  ASSERT_EQ(raw.outputs.size(), names.size());
  ASSERT_EQ(canonical.outputs.size(), names.size());
  for (size_t k = 0; k < names.size(); ++k) {
    const auto& ref = reference.at(names[k]);
    expect_close(ours_raw.at(raw.outputs[k]), ref, c.rel_tol, c.abs_tol, c.name + " (as imported) " + names[k]);
    expect_close(ours_canonical.at(canonical.outputs[k]), ref, c.rel_tol, c.abs_tol,
                 c.name + " (canonical) " + names[k]);
  }
}

std::vector<OracleCase> real_models() {
  return {
      {"three_layer_keras", true},
      {"three_layer_pytorch", true, 4},
      {"two_layer_keras", true},
      {"two_layer_pytorch", true},
      // Required: after BatchNorm folding within 1e-5 relative of ONNX Runtime.
      {"three_layer_bn_keras", true, 4},
      // Flatten(axis=0) makes these graphs valid for batch 1 only (in ONNX Runtime as exported).
      {"conv1d_small_keras", true, 1},
      {"conv2d_small_keras", true, 1},
      {"tfc_2w2a_mnist", true, 3, 0.0, 1.0},
      {"unsw_nb15_mlp_w2a2", true, 3, -1.0, 1.0},
  };
}

std::vector<OracleCase> generated_models() {
  std::vector<OracleCase> cases;
  for (const char* name :
       {"gemm_alpha_beta", "gemm_unnamed", "matmul_add", "matmul_two_inputs", "activations", "clip_opset9", "bn_dense",
        "bn_transposed", "bn_input", "bn_conv", "reshape_flatten", "noops", "elementwise", "conv_pool", "conv1d",
        "qdq_int8", "qdq_uint8_affine", "qdq_int16", "qonnx_mlp", "qonnx_general"})
    cases.push_back({name});
  return cases;
}

std::string case_name(const ::testing::TestParamInfo<OracleCase>& info) { return info.param.name; }

INSTANTIATE_TEST_SUITE_P(RealModels, OracleTest, ::testing::ValuesIn(real_models()), case_name);
INSTANTIATE_TEST_SUITE_P(GeneratedModels, OracleTest, ::testing::ValuesIn(generated_models()), case_name);

}  // namespace
}  // namespace aie4ml::test
