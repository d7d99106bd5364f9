// The memory-tile im2col of conv layers (design/conv_memtile.h, kernel variant conv_memtile_im2col):
// - the reader tiling parameters, as emu/adf/tiling.h's expand_tiling executes them, walk exactly an
//   im2col written here (zero padding, stride, channels padded to tile_k, 1-D and 2-D), both from
//   patch_access directly and as the planned Design carries them (what codegen emits verbatim);
// - a planned qdq_resnet with the variant forced is legal, its kernels have the patch matrix as input and
//   no im2col buffer, and check_design rejects a reader walk needing more DMA address loops;
// - forcing the variant where the memory tile cannot do it (dilation, channels that are not whole DMA words,
//   too many address loops, tile memory) is an InputError naming the layer.
#include <gtest/gtest.h>

#include <cmath>

#include <fmt/ranges.h>

#include "../../emu/adf/tiling.h"
#include "codegen/cnn_fixtures.h"
#include "design/conv_layout.h"
#include "design/conv_memtile.h"
#include "mapping_fixtures.h"
#include "passes/check_design.h"
#include "passes/partition.h"
#include "passes/partition_conv.h"
#include "passes/plan_design.h"
#include "sim/perf_cost.h"
#include "sim/perf_params.h"

namespace aie4ml {
namespace {

using testing::error_of;
using testing::generated_cnn;
using testing::ve2802;
using namespace conv_layout;

// The patch matrix as addresses into the channels-last batch x[b][ih][iw][ci] (-1: a zero), written as the
// definition of im2col: row (b, oh, ow), column (kh, kw, ci) with ci < CIp.
std::vector<int64_t> im2col_addresses(const std::vector<int64_t>& g, int64_t tile_k, int64_t samples) {
  const int64_t cp = (g[CI] + tile_k - 1) / tile_k * tile_k;
  std::vector<int64_t> out;
  for (int64_t b = 0; b < samples; ++b)
    for (int64_t oh = 0; oh < g[OH]; ++oh)
      for (int64_t ow = 0; ow < g[OW]; ++ow)
        for (int64_t kh = 0; kh < g[KH]; ++kh)
          for (int64_t kw = 0; kw < g[KW]; ++kw)
            for (int64_t ci = 0; ci < cp; ++ci) {
              const int64_t ih = oh * g[SH] + kh * g[DH] - g[PH], iw = ow * g[SW] + kw * g[DW] - g[PW];
              const bool inside = ci < g[CI] && ih >= 0 && ih < g[IH] && iw >= 0 && iw < g[IW];
              out.push_back(inside ? ((b * g[IH] + ih) * g[IW] + iw) * g[CI] + ci : -1);
            }
  return out;
}

std::vector<int64_t> expand(const TilingParams& t) {
  adf::tiling_parameters p;
  for (auto x : t.buffer_dimension) p.buffer_dimension.push_back(unsigned(x));
  for (auto x : t.tiling_dimension) p.tiling_dimension.push_back(unsigned(x));
  for (auto x : t.offset) p.offset.push_back(int(x));
  for (auto& s : t.tile_traversal) p.tile_traversal.push_back({s.dimension, int(s.stride), int(s.wrap)});
  for (auto x : t.boundary_dimension) p.boundary_dimension.push_back(unsigned(x));
  return aie4ml_emu::expand_tiling(p, "test");
}

TEST(ConvMemtileWalk, TilingParametersWalkTheIm2col) {
  struct Case {
    std::vector<int64_t> g;  // CI, IH, IW, KH, KW, SH, SW, DH, DW, PH, PW, OH, OW
    int64_t tile_k, samples;
  };
  const std::vector<Case> cases{
      {{4, 1, 10, 1, 4, 1, 1, 1, 1, 0, 1, 1, 10}, 8, 3},   // 1-D, pads 1 / 2, channels 4 -> 8
      {{8, 1, 11, 1, 3, 1, 2, 1, 1, 0, 1, 1, 6}, 8, 2},    // 1-D stride 2, pads 1 / 1
      {{8, 5, 6, 3, 3, 1, 1, 1, 1, 1, 1, 5, 6}, 8, 2},     // 2-D 'same'
      {{4, 7, 6, 3, 3, 2, 2, 1, 1, 1, 1, 4, 3}, 4, 2},     // 2-D stride 2, int16 tile_k 4
      {{12, 6, 6, 2, 3, 1, 2, 1, 1, 0, 0, 5, 2}, 8, 1},    // 2-D 'valid', stride 2 along W, 12 -> 16 channels
  };
  for (auto& c : cases) {
    // The buffer may hold more rows than the kernel reads (another reader's padded rows).
    const auto got = expand(conv_memtile::patch_access(c.g, c.tile_k, c.samples, c.samples + 1));
    EXPECT_EQ(got, im2col_addresses(c.g, c.tile_k, c.samples)) << fmt::format("geometry {}", c.g);
  }
}

// qdq_resnet (batch 2) with the memory-tile im2col forced where it fits: conv2 (3 x 3 'same', 8 channels)
// and the 1 x 1 convs skip and branch (4 channels padded to 8). conv1 (3 x 3 'same' on 4 channels padded to
// 8) needs 6 DMA address loops and stays on its automatic choice.
TEST(ConvMemtileWalk, PlannedDesignCarriesThePatchWalk) {
  auto m = generated_cnn("qdq_resnet");
  if (!m) GTEST_SKIP() << "qdq_resnet.onnx not generated";
  const auto cost = perf::PerfPartitionCost("latency", perf::params_for(ve2802()));
  PlanOptions options;
  options.cost = &cost;
  options.placement.node_limit = 3000;
  Config c;
  c.batch_size = 2;
  for (auto* name : {"conv2", "skip", "branch"}) c.layers[name].conv_kernel = "memtile_im2col";
  Design d = plan_design(*m, c, ve2802(), options);
  EXPECT_TRUE(check_design(d, ve2802()).empty());
  int walked = 0;
  for (auto& l : d.layers) {
    if (!l.is_conv()) continue;
    const bool forced = l.name != "conv1";
    EXPECT_EQ(is_memtile_im2col(l), forced) << l.name;
    if (!forced) continue;
    const auto& k = l.kernels.front();
    EXPECT_EQ(k.buffer("im2col"), nullptr) << l.name;
    ASSERT_NE(k.buffer("input"), nullptr) << l.name;
    EXPECT_EQ(k.buffer("input")->bytes, d.batch * positions(l) * direct_k(l) * l.input_bytes) << l.name;
    for (auto& sb : d.shared_buffers)
      for (auto& r : sb.readers)
        for (auto& dst : r.destinations)
          if (dst.kernel == k.name) {
            ++walked;
            EXPECT_EQ(r.access.buffer_dimension, (std::vector<int64_t>{l.conv[CI], l.conv[IW], l.conv[IH], sb.dimension[1]}));
            EXPECT_EQ(expand(r.access), im2col_addresses(l.conv, l.tile_k, d.batch)) << l.name;
          }
  }
  EXPECT_EQ(walked, 3);

  // The same addresses in a walk the DMA cannot do: conv2's column loop split in two (4 x 2 columns, the
  // inner one padding) is a sixth address loop.
  Design bad = d;
  bool split = false;
  for (auto& l : bad.layers)
    if (l.name == "conv2")
      for (auto& sb : bad.shared_buffers)
        for (auto& r : sb.readers)
          for (auto& dst : r.destinations)
            if (dst.kernel == l.kernels.front().name) {
              auto& t = r.access.tile_traversal;
              ASSERT_EQ(t.front().dimension, 1);
              ASSERT_EQ(t.front().wrap, 8);
              t.front().wrap = 4;
              t.insert(t.begin() + 1, TraversalStep{1, 4 * t.front().stride, 2});
              EXPECT_EQ(expand(r.access), im2col_addresses(l.conv, l.tile_k, d.batch));
              split = true;
            }
  ASSERT_TRUE(split);
  const auto v = check_design(bad, ve2802());
  ASSERT_FALSE(v.empty());
  EXPECT_EQ(v.front().rule, "dma-dimensions") << v.front().message;
  EXPECT_NE(v.front().message.find("conv2"), std::string::npos) << v.front().message;
  EXPECT_NE(v.front().message.find("6 DMA address loops"), std::string::npos) << v.front().message;
}

// A quantised int8 Conv op alone: x [N, ci, hw, hw], W [co, ci, k, k], pads k / 2, dilation `dil`.
Model conv_model(int64_t ci, int64_t hw, int64_t k, int64_t co, int64_t dil = 1) {
  Model m;
  auto tensor = [&](const std::string& name, std::vector<int64_t> shape, const FixedType& t, bool constant) {
    Tensor x;
    x.name = name;
    x.shape = std::move(shape);
    x.type = NumericType::of(t);
    if (constant) {
      int64_t n = 1;
      for (auto e : x.shape) n *= e;
      x.is_constant = true;
      x.codes.assign(static_cast<size_t>(n), 1);
      x.values.assign(static_cast<size_t>(n), std::ldexp(1.0, -t.frac));
    }
    m.add_tensor(x);
  };
  const int64_t pad = dil * (k - 1) / 2;
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
  op.attrs["pads"] = std::vector<int64_t>{pad, pad, pad, pad};
  op.attrs["dilations"] = std::vector<int64_t>{dil, dil};
  op.attrs["accum"] = FixedType{32, 11, true}.str();
  m.ops.push_back(op);
  m.inputs = {"x"};
  m.outputs = {"y"};
  return m;
}

std::string forced_error(const Model& m, int batch) {
  Config c;
  c.batch_size = batch;
  c.layers["conv"].conv_kernel = "memtile_im2col";
  const Op& op = m.ops.front();
  return error_of([&] {
    enumerate_conv_candidates(layer_shape(m, op, c, ve2802()), m, op, c.layer("conv"), ve2802(), nullptr, nullptr);
  });
}

TEST(ConvMemtileWalk, RefusalsNameTheLayerAndTheReason) {
  struct Case {
    Model model;
    int batch;
    std::string reason;
  };
  const std::vector<Case> cases{
      {conv_model(8, 8, 3, 8, 2), 2, "dilation 2 x 2"},
      {conv_model(3, 8, 3, 8), 2, "not whole 32-bit DMA words"},
      {conv_model(4, 8, 3, 8), 2, "needs 6 DMA address loops"},   // channel padding: no loop merges
      {conv_model(16, 16, 3, 16), 8, "do not fit"},               // 8 x 256 patch rows of 144 bytes
  };
  for (auto& c : cases) {
    const std::string e = forced_error(c.model, c.batch);
    EXPECT_NE(e.find("layer 'conv'"), std::string::npos) << e;
    EXPECT_NE(e.find("ConvKernel \"memtile_im2col\""), std::string::npos) << e;
    EXPECT_NE(e.find(c.reason), std::string::npos) << e;
  }
  // Where it fits, the candidate's input buffer is the patch matrix: 2 x 64 rows of 9 taps x 8 channels.
  Config ok;
  ok.batch_size = 2;
  ok.layers["conv"].conv_kernel = "memtile_im2col";
  const Model m = conv_model(8, 8, 3, 8);
  const auto cand = enumerate_conv_candidates(layer_shape(m, m.ops.front(), ok, ve2802()), m, m.ops.front(),
                                              ok.layer("conv"), ve2802(), nullptr, nullptr);
  ASSERT_EQ(cand.size(), 1u);
  EXPECT_TRUE(cand.front().conv_memtile);
  EXPECT_EQ(cand.front().input_bytes, 2 * 64 * 72);
}

}  // namespace
}  // namespace aie4ml
