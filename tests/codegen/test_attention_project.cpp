// Attention on the array (passes/partition_attention.h, passes/split_heads.h, design/tensor_op_layout.h,
// codegen/attention_spec.h) on the generated one-block encoders (tests/models/make_transformer_models.py
// qdq8_encoder, qdq16_encoder) and the MLP half alone (qdq8_mlp_block): every op of the graph is a layer or
// is absorbed into one (head split / merge views, the scalar scale, Quantize ops); the 2 heads of scores,
// probs and context are a layer each, one kernel on its own tile, with the view ranges of its head
// (derived from the model's shapes), and ParallelHeads false keeps one kernel per op; the MatMul layers read
// the Dense outputs before the views; each head's kernel cycles are one head's cost and the interval drops
// below the one-kernel design's (whose Softmax over both heads bounds it); token tensors move as batch x 8
// rows; the residual Add reads the graph input and the last LayerNorm writes the graph output; check_design accepts the design and its JSON round-trips; the
// sources call the attention kernels with the model's constants; the performance model times the new
// layers with src/sim/attention_cost.h; and the patterns the kernels do not take are refused by name.
// (Bit-exactness in emulation: tests/scripts/verify_tokens.sh; the kernels: tests/kernels/test_attention_kernels.cpp.)
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>

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

// The encoders' attention with every head in one kernel per op (config ParallelHeads false on scores).
Design plan_one_kernel(const Model& m) {
  Config c = batch4();
  c.layers["scores"].parallel_heads = false;
  return plan_design(m, c, ve2802(), quick());
}

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

// What every encoder design has, whichever way its heads are mapped: the layers around the attention, the
// graph input and output, tables in tile memory, a JSON round trip.
void check_encoder_common(const Model& m, const Design& d) {
  for (auto& h : d.host_ops) EXPECT_EQ(h.stage, "before") << h.name << ": nothing runs on the host between or after layers";
  EXPECT_TRUE(check_design(d, ve2802()).empty());
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
  EXPECT_EQ(d.layer("ln1")->kernels[0].buffer("constants")->bytes, 2 * 16 * 2);
  // Every kernel on a tile of its own.
  std::set<std::pair<int, int>> tiles;
  size_t kernels = 0;
  for (auto& l : d.layers)
    for (auto& k : l.kernels) {
      ++kernels;
      tiles.insert({k.tile.col, k.tile.row});
    }
  EXPECT_EQ(tiles.size(), kernels);
  EXPECT_EQ(Design::from_json(d.to_json()).dump(), d.dump());
}

// Heads of the encoder's attention (the model's own shapes): H heads of Dh over T tokens.
struct Heads {
  int64_t H = 0, T = 0, Dh = 0;
};

Heads heads_of(const Model& m) {
  const auto s = m.tensor(m.find_op("probs")->inputs.at(0)).sample_shape();  // [H, T, T]
  const auto q = m.tensor(m.find_op("q_proj")->outputs.at(0)).sample_shape();  // [T, H Dh]
  return {s.at(0), s.at(1), q.at(1) / s.at(0)};
}

// Parallel heads (passes/split_heads.h): one layer per head of scores, probs and context, each one kernel
// on its own tile, reading and writing its head's channels of token rows.
void check_encoder_design(const Model& m, const Design& d) {
  const Heads g = heads_of(m);
  ASSERT_EQ(g.H, 2);
  EXPECT_EQ(layer_ops(d), (std::vector<std::string>{"q_proj:Dense", "k_proj:Dense", "v_proj:Dense", "scores_h0:MatMul",
                                                    "scores_h1:MatMul", "probs_h0:Softmax", "probs_h1:Softmax",
                                                    "context_h0:MatMul", "context_h1:MatMul", "out_proj:Dense",
                                                    "residual1:Add", "ln1:LayerNorm", "fc1:Dense", "fc2:Dense",
                                                    "residual2:Add", "ln2:LayerNorm"}));
  check_encoder_common(m, d);
  const std::string q = d.layer("q_proj")->output_tensor, k = d.layer("k_proj")->output_tensor,
                    v = d.layer("v_proj")->output_tensor;
  const std::string scores = m.find_op("scores")->outputs.at(0);  // before the fused scale
  const std::string& s_out = d.layer("scores_h0")->output_tensor;
  const std::string& p_out = d.layer("probs_h0")->output_tensor;
  const std::string& c_out = d.layer("context_h0")->output_tensor;
  EXPECT_EQ(m.tensor(scores).sample_shape(), (std::vector<int64_t>{g.H, g.T, g.T}));
  EXPECT_EQ(m.tensor(c_out).sample_shape(), (std::vector<int64_t>{g.T, g.H * g.Dh})) << "the heads merged";
  EXPECT_EQ(d.layer("out_proj")->input_tensor, c_out);
  auto view = [](int input, const std::string& t, int64_t width, int64_t h, int64_t heads) {
    return ChannelView{input, t, {h * width, (h + 1) * width}, heads * width};
  };
  std::set<std::pair<int, int>> head_tiles;
  for (int64_t h = 0; h < g.H; ++h) {
    const auto& sc = *d.layer(fmt::format("scores_h{}", h));
    const auto& pr = *d.layer(fmt::format("probs_h{}", h));
    const auto& cx = *d.layer(fmt::format("context_h{}", h));
    for (auto* l : {&sc, &pr, &cx}) {
      ASSERT_TRUE(l->head) << l->name;
      EXPECT_EQ(l->head->index, h);
      EXPECT_EQ(l->head->count, g.H);
      EXPECT_EQ(l->kernels.size(), 1u);
      head_tiles.insert({l->kernels[0].tile.col, l->kernels[0].tile.row});
    }
    EXPECT_EQ(sc.head->op, "scores");
    EXPECT_EQ(pr.head->op, "probs");
    EXPECT_EQ(cx.head->op, "context");
    // scores head h: Q_h x K_h^T, channels [h Dh, (h+1) Dh) of Q's and K's rows of H Dh, into its T x T
    // block: channels [h T, (h+1) T) of the scores' token rows of H x T.
    EXPECT_EQ(sc.inputs, (std::vector<std::string>{q, k}));
    EXPECT_EQ(sc.input_views, (std::vector<ChannelView>{view(0, q, g.Dh, h, g.H), view(1, k, g.Dh, h, g.H)}));
    EXPECT_EQ(sc.output_view, view(-1, s_out, g.T, h, g.H));
    EXPECT_EQ(sc.tensor_op, (std::vector<int64_t>{to::kScores, g.T, 1, g.Dh, 1})) << "the 1/sqrt(Dh) Mul fused";
    EXPECT_EQ(sc.in_features, g.T * g.Dh);
    EXPECT_EQ(sc.out_features, g.T * g.T);
    // probs head h: the Softmax over that block's rows, in place in the weights' same channels.
    EXPECT_EQ(pr.input_tensor, s_out);
    EXPECT_EQ(pr.input_views, (std::vector<ChannelView>{view(0, s_out, g.T, h, g.H)}));
    EXPECT_EQ(pr.output_view, view(-1, p_out, g.T, h, g.H));
    EXPECT_EQ(pr.tensor_op, (std::vector<int64_t>{g.T, g.T}));
    // context head h: P_h x V_h into channels [h Dh, (h+1) Dh) of the merged context.
    EXPECT_EQ(cx.inputs, (std::vector<std::string>{p_out, v}));
    EXPECT_EQ(cx.input_views, (std::vector<ChannelView>{view(0, p_out, g.T, h, g.H), view(1, v, g.Dh, h, g.H)}));
    EXPECT_EQ(cx.output_view, view(-1, c_out, g.Dh, h, g.H));
    EXPECT_EQ(cx.tensor_op, (std::vector<int64_t>{to::kContext, g.T, 1, g.Dh, 0}));
    EXPECT_EQ(cx.out_features, g.T * g.Dh);
    EXPECT_GE(pr.kernels[0].buffer("constants")->bytes, 1067 * 4);
    EXPECT_GT(sc.kernels[0].buffer("stack")->bytes, ve2802().stack_bytes);
  }
  EXPECT_EQ(head_tiles.size(), static_cast<size_t>(3 * g.H)) << "every head kernel on its own tile";
  for (auto* op : {"scores", "probs", "context"})  // placed as one unit: a column, head h in its row h
    for (int64_t h = 1; h < g.H; ++h) {
      const TileCoord first = d.layer(fmt::format("{}_h0", op))->kernels[0].tile;
      EXPECT_EQ(d.layer(fmt::format("{}_h{}", op, h))->kernels[0].tile, (TileCoord{first.col, first.row + static_cast<int>(h)}));
    }
  // One shared buffer per head-written tensor, its writers the heads' channel-view ports.
  for (auto& t : {s_out, p_out, c_out}) {
    int writers = 0;
    for (auto& sb : d.shared_buffers)
      if (sb.tensor == t)
        for (auto& w : sb.writers) {
          ++writers;
          EXPECT_GT(w.row_channels, 0) << t;
        }
    EXPECT_EQ(writers, g.H) << t;
  }
}

// Every head in one kernel per op (ParallelHeads false): the mapping before parallel heads.
void check_one_kernel_design(const Model& m, const Design& d) {
  EXPECT_EQ(layer_ops(d), (std::vector<std::string>{"q_proj:Dense", "k_proj:Dense", "v_proj:Dense", "scores:MatMul",
                                                    "probs:Softmax", "context:MatMul", "out_proj:Dense", "residual1:Add",
                                                    "ln1:LayerNorm", "fc1:Dense", "fc2:Dense", "residual2:Add",
                                                    "ln2:LayerNorm"}));
  check_encoder_common(m, d);
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
  // The Softmax's exp tables take data memory; a MatMul's scratch the stack.
  EXPECT_GE(d.layer("probs")->kernels[0].buffer("constants")->bytes, 1067 * 4);
  EXPECT_GT(scores.kernels[0].buffer("stack")->bytes, ve2802().stack_bytes);
}

TEST(AttentionMapping, Int8EncoderMapsEveryOpToALayer) {
  MODEL_OR_SKIP(m, "qdq8_encoder");
  const Design d = plan(m);
  check_encoder_design(m, d);
  // The heads placed as one rectangle per op keep the placement as small a search as without them.
  EXPECT_TRUE(d.placement.optimal) << d.placement.nodes << " nodes, stopped by " << d.placement.stopped_by;
}

TEST(AttentionMapping, Int16EncoderMapsEveryOpToALayer) {
  MODEL_OR_SKIP(m, "qdq16_encoder");
  check_encoder_design(m, plan(m));
}

TEST(AttentionMapping, CheckDesignRefusesAHeadThatDoesNotWriteThroughItsView) {
  MODEL_OR_SKIP(m, "qdq8_encoder");
  Design d = plan(m);
  for (auto& l : d.layers)
    if (l.name == "probs_h1") l.output_view.reset();  // it would write the whole tensor
  bool named = false;
  for (auto& v : check_design(d, ve2802()))
    named = named || (v.rule == "layer-shape" && v.message.find("probs_h1: head 1 of 2 of op probs") != std::string::npos);
  EXPECT_TRUE(named);
}

TEST(AttentionMapping, ParallelHeadsFalseKeepsEveryHeadInOneKernel) {
  MODEL_OR_SKIP(m, "qdq8_encoder");
  check_one_kernel_design(m, plan_one_kernel(m));
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

// The graph's member for a kernel whose name is already an identifier (codegen/aie_sources.cpp).
std::string kernel_member(const std::string& kernel) { return "k_" + kernel; }

TEST(AttentionCodegen, SourcesCallTheAttentionKernelsWithTheModelsConstants) {
  MODEL_OR_SKIP(m, "qdq8_encoder");
  const Design d = plan(m);
  const auto specs = codegen::kernel_specs(d, m);
  std::map<std::string, std::string> src;
  for (auto& f : codegen::aie_sources(d, specs, ve2802(), 1)) src[f.path] = f.text;
  // One GEMM per kernel: each head's kernel runs its own head, K read transposed; the scale is the Mul's
  // constant code.
  const Tensor& c = m.tensor("inv_sqrt_dh");
  ASSERT_EQ(c.codes.size(), 1u);
  for (int h = 0; h < 2; ++h) {
    const std::string& scores = src.at(fmt::format("aie/src/scores_h{}.cc", h));
    EXPECT_HAS(scores, fmt::format("matmul_act_head<scores_h{}_cfg::head0, scores_h{}_cfg::out0>", h, h));
    EXPECT_EQ(scores.find("head1"), std::string::npos) << "one head per kernel";
    EXPECT_HAS(scores, fmt::format("true, int8, {}, ", c.codes[0]));
    EXPECT_HAS(src.at(fmt::format("aie/src/probs_h{}.cc", h)), fmt::format("softmax_rows<probs_h{}_cfg::softmax>", h));
    EXPECT_HAS(src.at(fmt::format("aie/src/context_h{}.cc", h)),
               fmt::format("matmul_act_head<context_h{}_cfg::head0, context_h{}_cfg::out0>", h, h));
  }
  EXPECT_EQ(src.count("aie/src/scores.cc"), 0u);
  // The graph: one kernel per head, each at its layer's tile.
  const std::string& graph = src.at("aie/graph.h");
  size_t creates = 0;
  for (size_t at = graph.find("adf::kernel::create("); at != std::string::npos; at = graph.find("adf::kernel::create(", at + 1))
    ++creates;
  size_t kernels = 0;
  for (auto& l : d.layers) kernels += l.kernels.size();
  EXPECT_EQ(creates, kernels);
  for (auto& l : d.layers)
    if (l.head) {
      EXPECT_HAS(graph, fmt::format("// layer {}: one {} kernel", l.name, l.op));
      EXPECT_HAS(graph, fmt::format("adf::source({}) = \"aie/src/{}.cc\"", kernel_member(l.kernels[0].name), l.name));
      EXPECT_HAS(graph, fmt::format("adf::location<adf::kernel>({}) = adf::tile({}, {});", kernel_member(l.kernels[0].name),
                                    l.kernels[0].tile.col, l.kernels[0].tile.row));
    }
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
  // batch 4: a Softmax head over 4 x 8 query rows of 8 keys; LayerNorm over 4 x 8 rows of 16.
  MatMulActKernelDesc head;  // int8 4x8x4, 8 x 8 x 8 per head and sample, scale fused
  head.tile_k = 8;
  head.batch = 4;
  head.m = head.k = head.n = 8;
  head.scale = true;
  const double scores_head = static_cast<double>(matmul_act_kernel_cost(head, p.core).cycles);
  head.scale = false;
  const double context_head = static_cast<double>(matmul_act_kernel_cost(head, p.core).cycles);
  const double softmax_head = static_cast<double>(softmax_rows_kernel_cost({4 * 8, 8, 8}, p.core).cycles);
  for (int h = 0; h < 2; ++h) {  // each head's kernel does one head's work
    EXPECT_EQ(cycles.at(fmt::format("scores_h{}", h)), scores_head);
    EXPECT_EQ(cycles.at(fmt::format("probs_h{}", h)), softmax_head);
    EXPECT_EQ(cycles.at(fmt::format("context_h{}", h)), context_head);
  }
  EXPECT_EQ(cycles.at("ln1"), static_cast<double>(layernorm_kernel_cost({4 * 8, 16}, {}, p.core).cycles));
  // Every head in one kernel: each op's kernel does both heads' work, one after the other.
  const Design one = plan_one_kernel(m);
  const auto one_perf = perf::simulate(one, ve2802(), p);
  std::map<std::string, double> one_cycles;
  for (auto& l : one_perf.layers) one_cycles[l.name] = static_cast<double>(l.kernel_cycles);
  const int64_t call = p.core.call_overhead_cycles;
  EXPECT_EQ(one_cycles.at("scores"), 2 * (scores_head - call) + call);
  EXPECT_EQ(one_cycles.at("context"), 2 * (context_head - call) + call);
  const double softmax_all = static_cast<double>(softmax_rows_kernel_cost({4 * 16, 8, 8}, p.core).cycles);
  EXPECT_EQ(one_cycles.at("probs"), softmax_all);
  EXPECT_GT(softmax_all, 1.8 * softmax_head) << "a head's Softmax does about half the rows";
  // The one-kernel Softmax bounds that design's interval; the heads in parallel beat it.
  EXPECT_GE(static_cast<double>(one_perf.interval_cycles), softmax_all);
  EXPECT_LT(perf.interval_cycles, one_perf.interval_cycles);
  EXPECT_LT(static_cast<double>(perf.interval_cycles), softmax_all);
  EXPECT_LE(perf.latency_cycles, one_perf.latency_cycles);
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
