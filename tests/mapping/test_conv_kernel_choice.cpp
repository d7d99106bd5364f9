// The choice between the im2col, the direct and the memory-tile im2col conv kernels (passes/partition_conv.h,
// config ConvKernel): "auto" takes the variant the performance model (sim/perf_cost.h conv_kernel_cycles,
// i.e. conv_cost.h, conv_direct_cost.h and conv_memtile_cost.h, plus the input stream) predicts faster,
// "im2col" / "direct" / "memtile_im2col" force one, a bad value or a forced variant that
// does not fit the tile is an InputError naming the layer, and a planned Design carries the variant
// (kernel variant conv_single / conv_direct, no im2col buffer for the direct kernel).
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include <nlohmann/json.hpp>

#include "codegen/cnn_fixtures.h"
#include "design/conv_layout.h"
#include "passes/conv_gemm.h"
#include "mapping_fixtures.h"
#include "passes/partition.h"
#include "passes/partition_conv.h"
#include "passes/plan_design.h"
#include "sim/perf_cost.h"
#include "sim/perf_params.h"
#include "support/error.h"

namespace aie4ml {
namespace {

using testing::error_of;
using testing::generated_cnn;
using testing::ve2802;

// A quantised int8 Conv op alone: x [N, ci, hw, hw], W [co, ci, k, k], pads k / 2 (same size).
Model single_conv(int64_t ci, int64_t hw, int64_t k, int64_t co) {
  Model m;
  auto tensor = [&](const std::string& name, std::vector<int64_t> shape, const FixedType& t, bool constant) {
    Tensor x;
    x.name = name;
    x.shape = std::move(shape);
    x.type = NumericType::of(t);
    if (constant) {
      int64_t n = 1;
      for (auto d : x.shape) n *= d;
      x.is_constant = true;
      x.codes.assign(static_cast<size_t>(n), 1);
      x.values.assign(static_cast<size_t>(n), std::ldexp(1.0, -t.frac));
    }
    m.add_tensor(x);
  };
  tensor("x", {kBatch, ci, hw, hw}, FixedType{8, 4, true}, false);
  tensor("W", {co, ci, k, k}, FixedType{8, 7, true}, true);
  tensor("b", {co}, FixedType{32, 11, true}, true);
  tensor("y", {kBatch, co, hw, hw}, FixedType{8, 4, true}, false);
  Op op;
  op.kind = OpKind::Conv;
  op.name = "conv";
  op.inputs = {"x", "W", "b"};
  op.outputs = {"y"};
  op.attrs["kernel_shape"] = std::vector<int64_t>{k, k};
  op.attrs["pads"] = std::vector<int64_t>{k / 2, k / 2, k / 2, k / 2};
  op.attrs["accum"] = FixedType{32, 11, true}.str();
  m.ops.push_back(op);
  m.inputs = {"x"};
  m.outputs = {"y"};
  return m;
}

Config with_kernel(const std::string& mode, const std::string& layer = "conv", int batch = 2) {
  Config c;
  c.batch_size = batch;
  if (!mode.empty()) c.layers[layer].conv_kernel = mode;
  return c;
}

std::vector<LayerCandidate> candidates(const Model& m, const Config& c, const PartitionCost* cost) {
  const Op& op = m.ops.front();
  return enumerate_conv_candidates(layer_shape(m, op, c, ve2802()), m, op, c.layer(op.name), ve2802(), nullptr, cost);
}

perf::PerfPartitionCost perf_cost() { return perf::PerfPartitionCost("latency", perf::params_for(ve2802())); }

// The cycles the performance model predicts for the forced variant of the layer (kernel and input stream).
double forced_cycles(const Model& m, const std::string& mode, const perf::PerfPartitionCost& cost) {
  const auto c = candidates(m, with_kernel(mode), &cost);
  EXPECT_EQ(c.size(), 1u);
  EXPECT_EQ(c.front().conv_direct, mode == "direct");
  EXPECT_EQ(c.front().conv_memtile, mode == "memtile_im2col");
  const ConvGemm g = conv_gemm(m, m.ops.front());
  const auto cycles = cost.conv_kernel_cycles(
      {c.front(), {g.channels_in, g.in_h, g.in_w, g.kernel_h, g.kernel_w, g.stride_h, g.stride_w, g.dilation_h,
                   g.dilation_w, g.pad_h, g.pad_w, g.out_h, g.out_w}, {}});
  EXPECT_TRUE(cycles.has_value());
  return cycles.value_or(0);
}

// The variant "auto" should take: the fewest predicted cycles of those that fit, im2col then direct on a tie.
std::string fastest(const Model& m, const perf::PerfPartitionCost& cost, std::map<std::string, double>* cycles = nullptr) {
  std::string best;
  double best_cycles = 0;
  for (const std::string mode : {"im2col", "direct", "memtile_im2col"}) {
    double c = 0;
    try {
      c = forced_cycles(m, mode, cost);
    } catch (const InputError&) {
      continue;  // does not fit
    }
    if (cycles) (*cycles)[mode] = c;
    if (best.empty() || c < best_cycles) best = mode, best_cycles = c;
  }
  return best;
}

std::string chosen_mode(const LayerCandidate& c) {
  return c.conv_memtile ? "memtile_im2col" : c.conv_direct ? "direct" : "im2col";
}

TEST(ConvKernelChoice, AutoTakesTheVariantThePerformanceModelPredictsFaster) {
  const auto cost = perf_cost();
  std::map<std::string, int> chosen_count;
  // (input channels, output channels): the performance model prefers im2col for 3 -> 64 (the direct kernel
  // pads each tap to tile_k and re-gathers its tiles for each column pair), direct or the memory-tile
  // im2col for 8 -> 8 (3 and 1 channels are not whole DMA words: no memory-tile im2col).
  for (auto [ci, co] : {std::pair<int64_t, int64_t>{3, 64}, {1, 8}, {8, 8}, {16, 16}, {8, 64}}) {
    const Model m = single_conv(ci, 8, 3, co);
    std::map<std::string, double> cycles;
    const std::string want = fastest(m, cost, &cycles);
    ASSERT_NE(cycles.at("im2col"), cycles.at("direct")) << ci << " -> " << co << " channels";
    const auto chosen = candidates(m, with_kernel("auto"), &cost);
    ASSERT_EQ(chosen.size(), 1u);
    EXPECT_EQ(chosen_mode(chosen.front()), want) << ci << " -> " << co << " channels: im2col " << cycles["im2col"]
                                                 << " cycles, direct " << cycles["direct"] << ", memtile "
                                                 << (cycles.count("memtile_im2col") ? cycles["memtile_im2col"] : -1);
    chosen_count[want] += 1;
  }
  // The sweep covers more than one outcome.
  EXPECT_GT(chosen_count["im2col"], 0);
  EXPECT_GT(chosen_count.size(), 1u);
  // Without a kernel model (the analytic partition cost) "auto" keeps the im2col kernel.
  const Model eight = single_conv(8, 8, 3, 8);
  EXPECT_FALSE(candidates(eight, with_kernel(""), nullptr).front().conv_direct);
}

TEST(ConvKernelChoice, OverridesWinAndBadSettingsAreInputErrors) {
  const auto cost = perf_cost();
  const Model eight = single_conv(8, 8, 3, 8);  // the model prefers direct here (test above)
  EXPECT_FALSE(candidates(eight, with_kernel("im2col"), &cost).front().conv_direct);
  const Model three = single_conv(3, 8, 3, 64);  // and im2col here
  const auto forced = candidates(three, with_kernel("direct"), &cost);
  ASSERT_EQ(forced.size(), 1u);
  EXPECT_TRUE(forced.front().conv_direct);
  EXPECT_GE(forced.front().k_slice, 9 * 8);  // taps x 3 channels padded to tile_k (then aligned)

  // 7 x 7 taps of 1 channel to 64 filters: the direct kernel's weights (49 x 8 x 64 bytes) exceed a bank.
  const Model wide = single_conv(1, 8, 7, 64);
  EXPECT_FALSE(candidates(wide, with_kernel("auto"), &cost).front().conv_direct);
  const std::string e = error_of([&] { candidates(wide, with_kernel("direct"), &cost); });
  EXPECT_NE(e.find("layer 'conv'"), std::string::npos) << e;
  EXPECT_NE(e.find("ConvKernel \"direct\""), std::string::npos) << e;

  const std::string bad = error_of([] {
    Config::from_json(nlohmann::json::parse(R"({"LayerName": {"conv1": {"ConvKernel": "winograd"}}})"));
  });
  EXPECT_NE(bad.find("LayerName.conv1.ConvKernel"), std::string::npos) << bad;
  const auto parsed = Config::from_json(nlohmann::json::parse(R"({"LayerName": {"conv1": {"ConvKernel": "direct"}}})"));
  EXPECT_EQ(parsed.layer("conv1")->conv_kernel, "direct");
  EXPECT_EQ(parsed.to_json()["LayerName"]["conv1"]["ConvKernel"], "direct");
}

// qdq_resnet (tests/models/make_cnn_models.py) planned with the performance model's cost: every conv layer
// runs the variant whose predicted cycles are lower; forcing "direct" everywhere gives a legal Design whose
// kernels are conv_direct without im2col buffers, and a ConvKernel on a Dense layer is refused.
TEST(ConvKernelChoice, PlannedDesignsFollowTheChoiceAndTheOverride) {
  auto m = generated_cnn("qdq_resnet");
  if (!m) GTEST_SKIP() << "qdq_resnet.onnx not generated";
  const auto cost = perf_cost();
  PlanOptions options;
  options.cost = &cost;
  options.placement.node_limit = 3000;  // the placement search is not what this test is about
  Config c;
  c.batch_size = 2;
  const Design d = plan_design(*m, c, ve2802(), options);
  for (auto& l : d.layers) {
    if (!l.is_conv()) continue;
    Config forced = c;
    const Op* op = m->find_op(l.name);
    ASSERT_NE(op, nullptr);
    std::string want;
    double best = 0;
    for (const std::string mode : {"im2col", "direct", "memtile_im2col"}) {
      forced.layers[l.name].conv_kernel = mode;
      std::vector<LayerCandidate> cand;
      try {
        cand = enumerate_conv_candidates(layer_shape(*m, *op, forced, ve2802()), *m, *op, forced.layer(l.name),
                                         ve2802(), nullptr, &cost);
      } catch (const InputError&) {
        continue;  // does not fit
      }
      const double cycles = *cost.conv_kernel_cycles({cand.front(), l.conv, l.pool});
      if (want.empty() || cycles < best) want = mode, best = cycles;
    }
    const std::map<std::string, std::string> variant{
        {"im2col", "conv_single"}, {"direct", "conv_direct"}, {"memtile_im2col", "conv_memtile_im2col"}};
    EXPECT_EQ(l.kernels.front().variant, variant.at(want)) << l.name;
  }
  Config all_direct = c;
  for (auto& l : d.layers)
    if (l.is_conv()) all_direct.layers[l.name].conv_kernel = "direct";
  const Design dd = plan_design(*m, all_direct, ve2802(), options);
  for (auto& l : dd.layers) {
    if (!l.is_conv()) continue;
    EXPECT_EQ(l.kernels.front().variant, "conv_direct") << l.name;
    EXPECT_EQ(l.kernels.front().buffer("im2col"), nullptr) << l.name;
    EXPECT_GE(l.k_slice, conv_layout::direct_k(l)) << l.name;  // aligned as every K slice
  }
  Config on_dense = c;
  on_dense.layers["fc"].conv_kernel = "direct";
  const std::string e = error_of([&] { plan_design(*m, on_dense, ve2802(), options); });
  EXPECT_NE(e.find("ConvKernel applies to conv layers only"), std::string::npos) << e;
}

}  // namespace
}  // namespace aie4ml
