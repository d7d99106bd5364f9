// Attention on the array (passes/partition_attention.h, design/tensor_op_layout.h, codegen/attention_spec.h)
// on the generated one-block encoders (tests/models/make_transformer_models.py qdq8_encoder, qdq16_encoder)
// and the MLP half alone (qdq8_mlp_block): every op of the graph is a layer or is absorbed into one (head
// split / merge views, the scalar scale, Quantize ops); the MatMul layers read the Dense outputs before
// the views; token tensors move as batch x 8 rows; the residual Add reads the graph input and the last
// LayerNorm writes the graph output; check_design accepts the design and its JSON round-trips; the
// sources call the attention kernels with the model's constants; the performance model times the new
// layers with src/sim/attention_cost.h; and the patterns the kernels do not take are refused by name.
// (Bit-exactness in emulation: tests/scripts/verify_tokens.sh; the kernels: tests/kernels/test_attention_kernels.cpp.)
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "codegen/aie_sources.h"
#include "codegen/kernel_spec.h"
#include "design/tensor_op_layout.h"
#include "device/catalog.h"
#include "frontend/onnx_import.h"
#include "passes/canonicalize.h"
#include "passes/check_design.h"
#include "passes/plan_design.h"
#include "passes/quantize.h"
#include "sim/attention_cost.h"
#include "sim/perf_model.h"
#include "support/error.h"

namespace aie4ml {
namespace {

namespace to = tensor_op_layout;

const Device& ve2802() { return DeviceCatalog::builtin().get("ve2802"); }

Config batch4() {
  Config c;
  c.batch_size = 4;
  return c;
}

// The encoders' 13 layers would explore the placement's whole node budget (seconds); these tests check
// mapping and codegen, not placement quality, so they stop it early (deterministically, by nodes).
PlanOptions quick() {
  PlanOptions o;
  o.placement.node_limit = 2000;
  return o;
}

Design plan(const Model& m) { return plan_design(m, batch4(), ve2802(), quick()); }

// The quantised model AIE4ML_TEST_DATA/transformer/<name>.onnx, as `aie4ml compile` prepares it.
std::optional<Model> transformer(const std::string& name) {
  const auto p = std::filesystem::path(AIE4ML_TEST_DATA) / "transformer" / (name + ".onnx");
  if (!std::filesystem::exists(p)) return std::nullopt;
  Model m = import_onnx(p);
  canonicalize(m);
  quantize_model(m, Config{});
  return m;
}

#define MODEL_OR_SKIP(var, name)                                \
  auto var##_opt = transformer(name);                           \
  if (!var##_opt) GTEST_SKIP() << name << " not generated";     \
  Model& var = *var##_opt

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

#define EXPECT_HAS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

std::vector<std::string> layer_ops(const Design& d) {
  std::vector<std::string> v;
  for (auto& l : d.layers) v.push_back(l.name + ":" + l.op);
  return v;
}

void check_encoder_design(const Model& m, const Design& d) {
  EXPECT_EQ(layer_ops(d), (std::vector<std::string>{"q_proj:Dense", "k_proj:Dense", "v_proj:Dense", "scores:MatMul",
                                                    "probs:Softmax", "context:MatMul", "out_proj:Dense", "residual1:Add",
                                                    "ln1:LayerNorm", "fc1:Dense", "fc2:Dense", "residual2:Add",
                                                    "ln2:LayerNorm"}));
  for (auto& h : d.host_ops) EXPECT_EQ(h.stage, "before") << h.name << ": nothing runs on the host between or after layers";
  EXPECT_TRUE(check_design(d, ve2802()).empty());
  // The MatMuls read what the projections write (the head-split views are addressing in the kernel).
  const auto& scores = *d.layer("scores");
  const auto& context = *d.layer("context");
  EXPECT_EQ(scores.inputs, (std::vector<std::string>{d.layer("q_proj")->output_tensor, d.layer("k_proj")->output_tensor}));
  EXPECT_EQ(context.inputs, (std::vector<std::string>{d.layer("probs")->output_tensor, d.layer("v_proj")->output_tensor}));
  EXPECT_EQ(d.layer("probs")->input_tensor, scores.output_tensor);
  EXPECT_EQ(d.layer("out_proj")->input_tensor, context.output_tensor);
  EXPECT_EQ(m.tensor(context.output_tensor).sample_shape(), (std::vector<int64_t>{8, 16})) << "the heads merged";
  // Geometry: 8 tokens, 2 heads of 8; the 1/sqrt(8) Mul fused into the scores.
  EXPECT_EQ(scores.tensor_op, (std::vector<int64_t>{to::kScores, 8, 2, 8, 1}));
  EXPECT_EQ(context.tensor_op, (std::vector<int64_t>{to::kContext, 8, 2, 8, 0}));
  EXPECT_EQ(d.layer("probs")->tensor_op, (std::vector<int64_t>{16, 8}));
  EXPECT_EQ(d.layer("ln1")->tensor_op, (std::vector<int64_t>{8, 16}));
  EXPECT_EQ(d.layer("residual1")->tensor_op, (std::vector<int64_t>{128, 1}));
  for (auto& l : d.layers) EXPECT_EQ(l.rows_per_sample, 8) << l.name;
  // residual1 reads the graph input (the PLIO tensor the projections read) and the output projection.
  const auto& r1 = *d.layer("residual1");
  EXPECT_EQ(r1.inputs.at(0), d.layer("q_proj")->input_tensor);
  EXPECT_EQ(r1.inputs.at(1), d.layer("out_proj")->output_tensor);
  // ln2 writes the graph output; its PLIO carries batch x 8 rows of 16 features.
  EXPECT_EQ(d.layer("ln2")->output_tensor, m.outputs.at(0));
  int outs = 0;
  for (auto& p : d.plio)
    if (p.direction == "out") {
      ++outs;
      EXPECT_EQ(p.tensor, m.outputs.at(0));
      EXPECT_EQ(p.rows, 4 * 8);
      EXPECT_EQ(p.feature_range, (Range{0, 16}));
    }
  EXPECT_EQ(outs, 1);
  // The Softmax's exp tables and LayerNorm's gamma / beta take data memory; a MatMul's scratch the stack.
  EXPECT_GE(d.layer("probs")->kernels[0].buffer("constants")->bytes, 1067 * 4);
  EXPECT_EQ(d.layer("ln1")->kernels[0].buffer("constants")->bytes, 2 * 16 * 2);
  EXPECT_GT(scores.kernels[0].buffer("stack")->bytes, ve2802().stack_bytes);
  EXPECT_EQ(Design::from_json(d.to_json()).dump(), d.dump());
}

TEST(AttentionMapping, Int8EncoderMapsEveryOpToALayer) {
  MODEL_OR_SKIP(m, "qdq8_encoder");
  check_encoder_design(m, plan(m));
}

TEST(AttentionMapping, Int16EncoderMapsEveryOpToALayer) {
  MODEL_OR_SKIP(m, "qdq16_encoder");
  check_encoder_design(m, plan(m));
}

TEST(AttentionMapping, MlpBlockResidualReadsTheGraphInputAndLayerNormWritesTheOutput) {
  MODEL_OR_SKIP(m, "qdq8_mlp_block");
  const Design d = plan(m);
  EXPECT_EQ(layer_ops(d), (std::vector<std::string>{"fc1:Dense", "fc2:Dense", "residual:Add", "ln:LayerNorm"}));
  EXPECT_TRUE(check_design(d, ve2802()).empty());
  // The graph input feeds fc1 and the Add through one memory-tile buffer: a reader port each.
  const std::string x = d.layer("fc1")->input_tensor;
  EXPECT_EQ(d.layer("residual")->inputs.at(0), x);
  int buffers = 0;
  for (auto& sb : d.shared_buffers)
    if (sb.tensor == x) {
      ++buffers;
      EXPECT_EQ(sb.consumers, (std::vector<std::string>{"fc1", "residual"}));
    }
  EXPECT_EQ(buffers, 1);
}

TEST(AttentionCodegen, SourcesCallTheAttentionKernelsWithTheModelsConstants) {
  MODEL_OR_SKIP(m, "qdq8_encoder");
  const Design d = plan(m);
  const auto specs = codegen::kernel_specs(d, m);
  std::map<std::string, std::string> src;
  for (auto& f : codegen::aie_sources(d, specs, ve2802(), 1)) src[f.path] = f.text;
  const std::string& scores = src.at("aie/src/scores.cc");
  // One GEMM per head in the one kernel; K read transposed; the scale is the Mul's constant code.
  EXPECT_HAS(scores, "matmul_act_head<scores_cfg::head0, scores_cfg::out0>");
  EXPECT_HAS(scores, "matmul_act_head<scores_cfg::head1, scores_cfg::out1>");
  const Tensor& c = m.tensor("inv_sqrt_dh");
  ASSERT_EQ(c.codes.size(), 1u);
  EXPECT_HAS(scores, fmt::format("true, int8, {}, ", c.codes[0]));
  EXPECT_HAS(src.at("aie/src/probs.cc"), "softmax_rows<probs_cfg::softmax>");
  EXPECT_HAS(src.at("aie/src/context.cc"), "matmul_act_head<context_cfg::head1, context_cfg::out1>");
  const std::string& ln1 = src.at("aie/src/ln1.cc");
  EXPECT_HAS(ln1, "layernorm_rows<ln1_cfg::ln>");
  // gamma's codes as the model has them
  const Op* op = m.find_op("ln1");
  ASSERT_NE(op, nullptr);
  const auto& g = m.tensor(op->inputs.at(1)).codes;
  std::string first;
  for (size_t i = 0; i < 4; ++i) first += fmt::format(" {},", g[i]);
  EXPECT_HAS(ln1, first);
}

TEST(AttentionPerformance, NewLayersAreTimedWithTheAttentionKernelCosts) {
  MODEL_OR_SKIP(m, "qdq8_encoder");
  const Design d = plan(m);
  const perf::PerfParams p = perf::params_for(ve2802());
  const auto perf = perf::simulate(d, ve2802(), p);
  std::map<std::string, double> cycles;
  for (auto& l : perf.layers) cycles[l.name] = static_cast<double>(l.kernel_cycles);
  // batch 4: Softmax over 4 x 2 heads x 8 query rows of 8 keys; LayerNorm over 4 x 8 rows of 16.
  EXPECT_EQ(cycles.at("probs"), static_cast<double>(softmax_rows_kernel_cost({4 * 16, 8, 8}, p.core).cycles));
  EXPECT_EQ(cycles.at("ln1"), static_cast<double>(layernorm_kernel_cost({4 * 8, 16}, {}, p.core).cycles));
  MatMulActKernelDesc head;  // int8 4x8x4, 8 x 8 x 8 per head and sample, scale fused
  head.tile_k = 8;
  head.batch = 4;
  head.m = head.k = head.n = 8;
  head.scale = true;
  const int64_t call = p.core.call_overhead_cycles;
  EXPECT_EQ(cycles.at("scores"), static_cast<double>(2 * (matmul_act_kernel_cost(head, p.core).cycles - call) + call));
  head.scale = false;
  EXPECT_EQ(cycles.at("context"), static_cast<double>(2 * (matmul_act_kernel_cost(head, p.core).cycles - call) + call));
  EXPECT_GT(perf.interval_cycles, 0);
}

// ---- refusals, naming the op ----

std::string plan_error(const Model& m) {
  return error_of([&] { (void)plan(m); });
}

TEST(AttentionRefusals, HeadSplitOtherThanTheKernelsIsRefused) {
  MODEL_OR_SKIP(m, "qdq8_encoder");
  for (auto& op : m.ops)
    if (op.kind == OpKind::Transpose && m.consumers(op.outputs[0]).size() == 1 &&
        m.consumers(op.outputs[0])[0]->name == "scores" && op.get_ints("perm") == std::vector<int64_t>{0, 2, 1, 3})
      op.attrs["perm"] = std::vector<int64_t>{0, 1, 2, 3};
  const std::string e = plan_error(m);
  EXPECT_HAS(e, "'scores' (MatMul)");
  EXPECT_HAS(e, "head split");
}

TEST(AttentionRefusals, SoftmaxAndLayerNormOverAnotherAxisAreRefused) {
  {
    MODEL_OR_SKIP(m, "qdq8_encoder");
    for (auto& op : m.ops)
      if (op.name == "probs") op.attrs["axis"] = int64_t{2};
    const std::string e = plan_error(m);
    EXPECT_HAS(e, "'probs' (Softmax)");
    EXPECT_HAS(e, "axis 2 is not the last");
  }
  {
    MODEL_OR_SKIP(m, "qdq8_encoder");
    for (auto& op : m.ops)
      if (op.name == "ln1") op.attrs["axis"] = int64_t{1};
    const std::string e = plan_error(m);
    EXPECT_HAS(e, "'ln1' (LayerNorm)");
    EXPECT_HAS(e, "axis 1 is not the last");
  }
}

TEST(AttentionRefusals, AnInexactProductBeforeTheQuantizeIsRefused) {
  // The kernel rounds the exact sum once; an intermediate that already rounds (one fractional bit fewer)
  // would round twice in the interpreter.
  MODEL_OR_SKIP(m, "qdq8_encoder");
  Tensor& s = m.tensor("scores");
  ASSERT_TRUE(s.type.is_fixed());
  s.type.fixed.frac -= 1;
  const std::string e = plan_error(m);
  EXPECT_HAS(e, "'scores' (MatMul)");
  EXPECT_HAS(e, "does not hold the exact product");
}

}  // namespace
}  // namespace aie4ml
