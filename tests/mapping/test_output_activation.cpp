// Pass fuse_output_activation through plan_design: a final Softmax / Sigmoid / Tanh becomes the last
// Dense layer's epilogue (activation, output tensor and type of the op, PLIO carrying its output), and
// stays on the host when the config asks for it or when the kernels cannot run it (the reason named).
#include <gtest/gtest.h>

#include <map>

#include "mapping_fixtures.h"
#include "passes/fuse_output_activation.h"
#include "passes/partition.h"
#include "passes/partition_cost.h"
#include "passes/plan_design.h"
#include "sim/epilogue_cost.h"
#include "sim/perf_components.h"
#include "sim/perf_params.h"
#include "support/error.h"

namespace aie4ml {
namespace {

using testing::ve2802;

// Linear Dense layers (the fixture's default has ReLU, which keeps an output activation on the host).
Model mlp(const std::string& name, std::vector<int64_t> widths, bool relu = false) {
  testing::MlpSpec s;
  s.widths = std::move(widths);
  s.relu = relu;
  return testing::mlp(name, s);
}

// Appends `kind` reading `from` into a new graph output `to` of type `type`.
void append(Model& m, OpKind kind, const std::string& from, const std::string& to, NumericType type) {
  Tensor t;
  t.name = to;
  t.shape = {kBatch, m.tensor(from).shape[1]};
  t.type = type;
  m.add_tensor(t);
  Op op;
  op.kind = kind;
  op.name = "act";
  op.inputs = {from};
  op.outputs = {to};
  m.ops.push_back(op);
  m.outputs = {to};
}

NumericType ufixed8() { return NumericType::of(FixedType{8, 8, false, RoundingMode::RndConv, OverflowMode::Sat}); }

TEST(OutputActivation, FinalSoftmaxBecomesTheLastLayersEpilogue) {
  Model m = mlp("m", {16, 32, 5});
  append(m, OpKind::Softmax, "y", "p", ufixed8());
  const Design d = plan_design(m, Config{}, ve2802());
  EXPECT_TRUE(d.host_ops.empty());
  const auto& last = d.layers.back();
  EXPECT_EQ(last.activation, "softmax");
  EXPECT_EQ(last.output_tensor, "p");
  EXPECT_EQ(last.output_type, ufixed8().str());
  EXPECT_EQ(last.cas_num, 1);
  EXPECT_EQ(d.layers.front().activation, "linear");
  ASSERT_EQ(d.plio.back().direction, "out");
  EXPECT_EQ(d.plio.back().tensor, "p");
}

TEST(OutputActivation, PerformanceModelCountsTheEpilogue) {
  Model m = mlp("m", {16, 32, 5});
  append(m, OpKind::Softmax, "y", "p", ufixed8());
  const Design d = plan_design(m, Config{}, ve2802());
  LayerDesign fused = d.layers.back(), plain = fused;
  plain.activation = "linear";
  const auto& k = fused.kernels.back();
  ASSERT_TRUE(k.writes_output);
  const int64_t extra = perf::epilogue_cycles(fused);
  // 8 padded rows of 5 classes (and 11 padding columns): one reciprocal and 5 quotients per row at least
  EXPECT_GE(extra, 8 * 5);
  EXPECT_EQ(perf::epilogue_cycles(plain), 0);
  const auto p = perf::params_for(ve2802());
  EXPECT_EQ(perf::kernel_timing(fused, k, p).cycles, perf::kernel_timing(plain, k, p).cycles + extra);
}

TEST(OutputActivation, SigmoidAndTanhToo) {
  for (auto [kind, name] : {std::pair{OpKind::Sigmoid, "sigmoid"}, std::pair{OpKind::Tanh, "tanh"}}) {
    Model m = mlp("m", {16, 8});
    append(m, kind, "y", "p", kind == OpKind::Tanh ? testing::fixed(8, 7) : ufixed8());
    const Design d = plan_design(m, Config{}, ve2802());
    EXPECT_TRUE(d.host_ops.empty()) << name;
    EXPECT_EQ(d.layers.back().activation, name);
  }
}

TEST(OutputActivation, TargetHostKeepsItOnTheHost) {
  Model m = mlp("m", {16, 5});
  append(m, OpKind::Softmax, "y", "p", ufixed8());
  Config c;
  c.layers["act"].target = "host";
  const Design d = plan_design(m, c, ve2802());
  ASSERT_EQ(d.host_ops.size(), 1u);
  EXPECT_EQ(d.host_ops[0].name, "act");
  EXPECT_EQ(d.layers.back().activation, "linear");
  EXPECT_EQ(d.plio.back().tensor, "y");
  // and the config key round-trips
  EXPECT_EQ(Config::from_json(c.to_json()).layer("act")->target, "host");
  EXPECT_THROW(Config::from_json(nlohmann::json::parse(R"({"LayerName": {"act": {"Target": "fpga"}}})")), InputError);
}

// Runs partition + the pass directly and returns the reason it gave for the op "act".
std::string why_not(const Model& m, const Config& c) {
  const auto cost = default_partition_cost(c);
  auto parts = partition(m, c, ve2802(), *cost);
  std::map<std::string, std::string> why;
  fuse_output_activation(parts, m, c, &why);
  EXPECT_EQ(parts.host_ops.size(), 1u);
  return why.count("act") ? why.at("act") : "";
}

TEST(OutputActivation, UnsupportedCasesStayOnTheHostWithAReason) {
  {  // two chains: the row is split over two kernels
    Model m = mlp("m", {16, 40});
    append(m, OpKind::Softmax, "y", "p", ufixed8());
    EXPECT_NE(why_not(m, testing::config_with({{1, 2}})).find("2 chains"), std::string::npos);
  }
  {  // a 16-bit result after an 8-bit Dense output: not one container
    Model m = mlp("m", {16, 5});
    append(m, OpKind::Softmax, "y", "p", NumericType::of(FixedType{16, 16, false, RoundingMode::RndConv, OverflowMode::Sat}));
    EXPECT_NE(why_not(m, Config{}).find("container"), std::string::npos);
  }
  {  // the Dense output is also a graph output
    Model m = mlp("m", {16, 5});
    append(m, OpKind::Softmax, "y", "p", ufixed8());
    m.outputs = {"p", "y"};
    EXPECT_NE(why_not(m, Config{}).find("read by more"), std::string::npos);
  }
  {  // a ReLU Dense
    Model m = mlp("m", {16, 5}, true);
    append(m, OpKind::Softmax, "y", "p", ufixed8());
    EXPECT_NE(why_not(m, Config{}).find("activation relu"), std::string::npos);
  }
}

}  // namespace
}  // namespace aie4ml
