// Tensor-op layers (residual Add, channel Concat, MaxPool, GlobalAveragePool; design/tensor_op_layout.h)
// through mapping and codegen on the generated residual CNN (tests/models/make_cnn_models.py qdq_resnet):
// the graph input fans out to three convs through one memory-tile buffer, the Add and the Concat read two
// tensors each through their own reader ports, the Relu / Quantize after them are fused, design.json keeps
// "inputs" and "tensor_op", the sources call kernels/tensor_ops.h with several input buffers, the
// performance model times the layers, and what the kernels do not support is refused by name.
// (Bit-exactness in emulation: tests/scripts/verify_cnn.sh and tests/kernels/test_tensor_ops.cpp.)
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>

#include "cnn_fixtures.h"
#include "codegen/aie_sources.h"
#include "codegen/kernel_spec.h"
#include "design/tensor_op_layout.h"
#include "device/catalog.h"
#include "frontend/onnx_import.h"
#include "passes/canonicalize.h"
#include "passes/check_design.h"
#include "passes/partition.h"
#include "passes/plan_design.h"
#include "passes/quantize.h"
#include "sim/perf_model.h"
#include "support/error.h"

namespace aie4ml {
namespace {

const Device& ve2802() { return DeviceCatalog::builtin().get("ve2802"); }

Config batch2() {
  Config c;
  c.batch_size = 2;
  return c;
}

// Placement of qdq_resnet's 9 layers explores its whole 200000-node budget (a second or two); these tests
// check mapping and codegen, not placement quality, so they stop it early (deterministically, by nodes).
PlanOptions quick() {
  PlanOptions o;
  o.placement.node_limit = 3000;
  return o;
}

const Design* resnet_design(const Model& m) {
  static const Design d = plan_design(m, batch2(), ve2802(), quick());
  return &d;
}

#define GENERATED_OR_SKIP(var, name)                         \
  auto var##_opt = testing::generated_cnn(name);                          \
  if (!var##_opt) GTEST_SKIP() << name << " not generated"; \
  Model& var = *var##_opt

const SharedBuffer* buffer_of(const Design& d, const std::string& tensor) {
  for (auto& sb : d.shared_buffers)
    if (sb.tensor == tensor) return &sb;
  return nullptr;
}

TEST(TensorOpProject, ResidualCnnMapsAddConcatAndPoolsOntoTheArray) {
  GENERATED_OR_SKIP(m, "qdq_resnet");
  const Design& d = *resnet_design(m);
  std::vector<std::string> ops;
  for (auto& l : d.layers) ops.push_back(l.name + ":" + l.op);
  EXPECT_EQ(ops, (std::vector<std::string>{"conv1:Conv", "conv2:Conv", "skip:Conv", "residual:Add", "branch:Conv",
                                           "cat:Concat", "pool:MaxPool", "gap:GlobalAveragePool", "fc:Dense"}));
  EXPECT_TRUE(d.host_ops.empty());  // the Relu / Quantize ops and the Flatten are not host ops
  const LayerDesign& add = *d.layer("residual");
  EXPECT_EQ(add.inputs, (std::vector<std::string>{"act2_q", "act_skip_q"}));
  EXPECT_EQ(add.input_tensor, "act2_q");
  EXPECT_EQ(add.output_tensor, "act3_q");  // Add -> Relu -> Quantize in one kernel
  EXPECT_EQ(add.tensor_op, (std::vector<int64_t>{8, 64}));  // 8 channels x 8 x 8 positions
  const LayerDesign& cat = *d.layer("cat");
  EXPECT_EQ(cat.inputs, (std::vector<std::string>{"act3_q", "act_branch_q"}));
  EXPECT_EQ(cat.output_tensor, "act_cat_q");
  EXPECT_EQ(cat.tensor_op, (std::vector<int64_t>{64, 8, 4}));
  EXPECT_EQ(cat.out_features, 64 * 12);
  // MaxPool 2x2 stride 2 on 12 x 8 x 8; GlobalAveragePool = a 4 x 4 window on the pooled 4 x 4.
  EXPECT_EQ(d.layer("pool")->tensor_op, (std::vector<int64_t>{12, 8, 8, 2, 2, 2, 2, 0, 0, 4, 4, 0}));
  EXPECT_EQ(d.layer("gap")->tensor_op, (std::vector<int64_t>{12, 4, 4, 4, 4, 1, 1, 0, 0, 1, 1, 0}));
  EXPECT_EQ(d.layer("fc")->input_tensor, "act_gap_q");  // the Flatten is a view
  for (auto* name : {"residual", "cat", "pool", "gap"}) {
    const LayerDesign& l = *d.layer(name);
    ASSERT_EQ(l.kernels.size(), 1u) << name;
    EXPECT_EQ(l.kernels[0].variant, "tensor_op");
    for (size_t i = 0; i < l.input_tensors().size(); ++i) {  // each input double-buffered, whole batch
      const auto* b = l.kernels[0].buffer(tensor_op_layout::input_role(i));
      ASSERT_NE(b, nullptr) << name << " input " << i;
      EXPECT_EQ(b->bytes, 2 * tensor_op_layout::input_elements(l, i)) << name;
      EXPECT_EQ(b->copies(), 2);
    }
  }
  EXPECT_EQ(d.layer("cat")->kernels[0].buffer("input1")->bytes, 2 * 4 * 64);  // the 4-channel branch
  EXPECT_TRUE(check_design(d, ve2802()).empty());

  // Fanout of the graph input: one buffer, one reader port per conv.
  const SharedBuffer* x = buffer_of(d, "x");
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->consumers, (std::vector<std::string>{"conv1", "skip", "branch"}));
  ASSERT_EQ(x->readers.size(), 3u);
  for (auto& r : x->readers) {
    ASSERT_EQ(r.destinations.size(), 1u);
    EXPECT_EQ(r.feature_range, (Range{0, 4 * 64}));
  }
  // Joins: the Add reads act2_q and act_skip_q, each whole, from its own buffer.
  for (auto* t : {"act2_q", "act_skip_q"}) {
    const SharedBuffer* sb = buffer_of(d, t);
    ASSERT_NE(sb, nullptr) << t;
    EXPECT_EQ(sb->consumers, std::vector<std::string>{"residual"});
    ASSERT_EQ(sb->readers.size(), 1u);
    EXPECT_EQ(sb->readers[0].destinations.at(0).kernel, add.kernels[0].name);
    EXPECT_EQ(sb->readers[0].feature_range, (Range{0, 512}));
  }
  EXPECT_EQ(buffer_of(d, "act_branch_q")->readers[0].feature_range, (Range{0, 4 * 64}));

  // design.json keeps "inputs" and "tensor_op"; other layers have neither key.
  const auto j = d.to_json();
  const Design back = Design::from_json(j);
  EXPECT_EQ(back.layer("cat")->inputs, cat.inputs);
  EXPECT_EQ(back.layer("cat")->tensor_op, cat.tensor_op);
  EXPECT_EQ(back.dump(), d.dump());
  EXPECT_FALSE(j["layers"][0].contains("inputs"));
  EXPECT_FALSE(j["layers"][0].contains("tensor_op"));
}

TEST(TensorOpProject, SourcesCallTensorOpKernelsWithSeveralInputBuffers) {
  GENERATED_OR_SKIP(m, "qdq_resnet");
  const Design& d = *resnet_design(m);
  const auto files = codegen::aie_sources(d, codegen::kernel_specs(d, m), ve2802(), 1);
  std::map<std::string, std::string> text;
  for (auto& f : files) text[f.path] = f.text;
  const std::string& add = text.at("aie/src/residual.cc");
  EXPECT_NE(add.find("void residual_tensor_op(adf::input_buffer<int8>& in0, adf::input_buffer<int8>& in1, "
                     "adf::output_buffer<uint8>& out)"),
            std::string::npos)
      << add;
  EXPECT_NE(add.find("tensor_add<residual_cfg>(in0.data(), in1.data(), out.data())"), std::string::npos) << add;
  // act2_q has 5 fractional bits, act_skip_q 4: the skip is shifted left by one before the sum.
  EXPECT_NE(add.find("lshift[2] = {0, 1}"), std::string::npos) << add;
  EXPECT_NE(add.find("epilogue_steps = 2"), std::string::npos) << add;  // Relu, Quantize
  const std::string& cat = text.at("aie/src/cat.cc");
  EXPECT_NE(cat.find("tensor_concat_part<cat_cfg, 0>(in0.data(), out.data())"), std::string::npos) << cat;
  EXPECT_NE(cat.find("tensor_concat_part<cat_cfg, 1>(in1.data(), out.data())"), std::string::npos) << cat;
  EXPECT_NE(cat.find("channels[2] = {8, 4}"), std::string::npos) << cat;
  EXPECT_NE(text.at("aie/src/pool.cc").find("tensor_pool<pool_cfg, true>"), std::string::npos);
  EXPECT_NE(text.at("aie/src/gap.cc").find("tensor_pool<gap_cfg, false>"), std::string::npos);
  // The graph connects each shared buffer to the kernel input its tensor arrives on.
  const std::string& graph = text.at("aie/graph.h");
  const std::string k = "k_" + d.layer("residual")->kernels[0].name;
  const std::string skip_sb = buffer_of(d, "act_skip_q")->name, act2_sb = buffer_of(d, "act2_q")->name;
  EXPECT_NE(graph.find(fmt::format("{}.out[0], {}.in[1]);", skip_sb, k)), std::string::npos) << graph;
  EXPECT_NE(graph.find(fmt::format("{}.out[0], {}.in[0]);", act2_sb, k)), std::string::npos) << graph;
  EXPECT_NE(graph.find(fmt::format("adf::dimensions({}.in[1]) = {{residual_params::input1_elems}}", k)), std::string::npos);
  EXPECT_NE(text.at("aie/parameters.h").find("input0_elems = 1024, input1_elems = 1024"), std::string::npos);
}

TEST(TensorOpProject, PerformanceModelTimesTensorOpLayers) {
  GENERATED_OR_SKIP(m, "qdq_resnet");
  const Design& d = *resnet_design(m);
  const auto r = perf::simulate(d, ve2802());
  std::map<std::string, int64_t> cycles;
  for (auto& l : r.layers) cycles[l.name] = l.kernel_cycles;
  // docs/performance-model.md, hand-computed here. Scalar loops: 40 + batch x outputs x (2 x reads per output
  // + 4). Without a precision config the Add's own type is the exact 10-bit sum, which no SRS writes: its
  // chain stays scalar. The Concat runs 32-lane vectors (design.json tensor_vector): each input (cast,
  // Quantize into uint8, 8 / 4 channels of a 12-channel row: 32-bit word stores) 8 word stores per vector.
  EXPECT_TRUE(d.layer("residual")->tensor_vector.empty());
  EXPECT_EQ(d.layer("cat")->tensor_vector, (std::vector<int64_t>{2, 0, 1, 1}));
  EXPECT_EQ(cycles.at("residual"), 40 + 2 * 512 * (2 * 2 + 4));
  EXPECT_EQ(cycles.at("cat"), 40 + (2 * 64 * 8 / 32 + 2 * 64 * 4 / 32) * 8);
  EXPECT_EQ(cycles.at("pool"), 40 + 2 * 192 * (2 * 4 + 4));
  EXPECT_EQ(cycles.at("gap"), 40 + 2 * 12 * (2 * 16 + 4));
  EXPECT_GT(r.latency_ns, 0);
}

// At BatchSize 8 conv2's im2col buffer for the whole batch (8 x 64 rows x 72 window bytes = 36 KB) would
// not fit a tile beside its ping-pong input and output: its kernel runs the batch in chunks of whole
// samples (kernels/conv.h Chunk), the im2col and GEMM-result buffers hold one chunk's rows padded to
// 2 x tile_m, design.json keeps "conv_chunk", the source passes it to conv_config and the design checks.
TEST(TensorOpProject, ResidualCnnMapsAtBatch8WithChunkedConvKernels) {
  GENERATED_OR_SKIP(m, "qdq_resnet");
  Config c;
  c.batch_size = 8;
  const Design d = plan_design(m, c, ve2802(), quick());
  EXPECT_TRUE(check_design(d, ve2802()).empty());
  const LayerDesign& conv2 = *d.layer("conv2");
  ASSERT_EQ(conv2.conv.size(), 13u);
  const int64_t positions = conv2.conv[11] * conv2.conv[12], window = conv2.conv[0] * conv2.conv[3] * conv2.conv[4];
  ASSERT_EQ(positions, 64);
  ASSERT_EQ(window, 72);
  ASSERT_GT(conv2.conv_chunk, 0) << "conv2 should be chunked at batch 8";
  EXPECT_LT(conv2.conv_chunk, 8);
  EXPECT_EQ(8 % conv2.conv_chunk, 0);
  const int64_t unit = 2 * conv2.tile_m, rows = (conv2.conv_chunk * positions + unit - 1) / unit * unit;
  const KernelInstance& k = conv2.kernels.at(0);
  ASSERT_NE(k.buffer("im2col"), nullptr);
  EXPECT_EQ(k.buffer("im2col")->bytes, rows * conv2.k_slice * conv2.input_bytes);
  EXPECT_LT(k.buffer("im2col")->bytes, 8 * positions * window * conv2.input_bytes);  // not the whole batch
  EXPECT_EQ(k.buffer("out_tiles")->bytes, rows * conv2.n_slice * conv2.output_bytes);
  EXPECT_EQ(k.buffer("input")->bytes, 8 * conv2.in_features * conv2.input_bytes);  // still the whole batch
  EXPECT_EQ(k.buffer("output")->bytes, 8 * positions * conv2.out_features * conv2.output_bytes);
  // design.json: the key round-trips and is absent on layers that take the batch at once.
  const auto j = d.to_json();
  EXPECT_EQ(Design::from_json(j).dump(), d.dump());
  for (auto& l : j["layers"]) {
    if (l["name"] == "conv2") {
      EXPECT_EQ(l["conv_chunk"], conv2.conv_chunk);
    } else if (!l.contains("conv")) {
      EXPECT_FALSE(l.contains("conv_chunk")) << l["name"];
    }
  }
  const auto files = codegen::aie_sources(d, codegen::kernel_specs(d, m), ve2802(), 1);
  for (auto& f : files) {
    if (f.path == "aie/src/conv2.cc") {
      EXPECT_NE(f.text.find(fmt::format("::k_slice, {}>;", conv2.conv_chunk)), std::string::npos) << f.text;
    }
  }
  // The performance model charges the chunks: more than one GEMM call, the same repack.
  const auto r = perf::simulate(d, ve2802());
  EXPECT_GT(r.latency_ns, 0);
}

template <class Edit>
void expect_refused(const std::string& model, Edit edit, const std::vector<std::string>& phrases) {
  auto opt = testing::generated_cnn(model);
  if (!opt) GTEST_SKIP() << model << " not generated";
  edit(*opt);
  try {
    plan_design(*opt, batch2(), ve2802(), quick());
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    for (auto& p : phrases) EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
  }
}

Op& op_named(Model& m, const std::string& name) { return *m.find_op(name); }

TEST(TensorOpProject, UnsupportedTensorOpsAreRefusedByName) {
  expect_refused("qdq_resnet", [](Model& m) { op_named(m, "cat").attrs["axis"] = int64_t{2}; },
                 {"'cat' (Concat)", "axis 2"});
  expect_refused("qdq_resnet", [](Model& m) { op_named(m, "residual").inputs[1] = "conv1_b"; },
                 {"'residual' (Add)", "constant"});
  expect_refused("qdq_resnet", [](Model& m) { op_named(m, "pool").attrs["ceil_mode"] = int64_t{1}; },
                 {"'pool' (MaxPool)", "ceil_mode"});
  expect_refused("qdq_resnet", [](Model& m) { op_named(m, "residual").kind = OpKind::Sub; },
                 {"'residual' (Sub)", "cannot be mapped"});
}

// qdq_cnn1d: conv2 -> MaxPool (fused into conv2) -> AveragePool window 3, pads 1 -> Flatten -> Gemm: the
// AveragePool is a tensor-op layer and the Dense reads its channels-first Flatten through input_order.
TEST(TensorOpProject, AveragePoolAfterAFusedPoolIsATensorOpLayer) {
  GENERATED_OR_SKIP(m, "qdq_cnn1d");
  const Design d = plan_design(m, batch2(), ve2802(), quick());
  ASSERT_NE(d.layer("pool2"), nullptr);
  EXPECT_EQ(d.layer("pool2")->op, "AveragePool");
  // 1-D: H = 1; C = 4, 4 positions in, window 3, stride 1, pads 1 -> 4 positions
  EXPECT_EQ(d.layer("pool2")->tensor_op, (std::vector<int64_t>{4, 1, 4, 1, 3, 1, 1, 0, 1, 1, 4, 0}));
  EXPECT_EQ(d.layer("fc")->input_tensor, d.layer("pool2")->output_tensor);
  EXPECT_FALSE(d.layer("fc")->input_order.empty());
  EXPECT_TRUE(check_design(d, ve2802()).empty());
}

}  // namespace
}  // namespace aie4ml
