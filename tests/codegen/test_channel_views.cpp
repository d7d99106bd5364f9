// Channel views (passes/channel_views.h) through mapping: a channel Split/Slice with step 1 and a same-typed
// channel Concat become no layer and no kernel; the layers around them read and write channel ranges of
// one memory-tile shared buffer (design.json "input_views" / "output_view", ports with "row_channels").
// The expected channels come from the model's own Slice / Concat ops; the element flow is checked with the
// ADF tiling semantics (design/tiling.h) and by check_design's independent buffer simulation. Slices that
// are not views are refused by name. Models: tests/models/make_slice_models.py (qdq_view_cnn1d: Split ->
// two convs -> same-scale Concat -> Slice -> conv, Slice -> residual Add; qdq_concat_cnn1d: a same-scale
// Concat without Slices), make_cnn_models.py qdq_resnet (a Concat that requantises: it keeps its kernel).
// (Bit-exactness in emulation: tests/scripts/verify_tensor_ops.sh.)
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "cnn_fixtures.h"
#include "design/tiling.h"
#include "device/catalog.h"
#include "passes/channel_views.h"
#include "passes/check_design.h"
#include "passes/partition.h"
#include "passes/plan_design.h"
#include "sim/perf_model.h"
#include "support/error.h"

namespace aie4ml {
namespace {

const Device& ve2802() { return DeviceCatalog::builtin().get("ve2802"); }

Design plan(const Model& m) {
  Config c;
  c.batch_size = 2;
  PlanOptions o;
  o.placement.node_limit = 3000;  // mapping, not placement quality, is under test
  return plan_design(m, c, ve2802(), o);
}

#define GENERATED_OR_SKIP(var, name)                        \
  auto var##_opt = testing::generated_cnn(name);            \
  if (!var##_opt) GTEST_SKIP() << name << " not generated"; \
  Model& var = *var##_opt

const SharedBuffer& buffer_of(const Design& d, const std::string& tensor) {
  for (auto& sb : d.shared_buffers)
    if (sb.tensor == tensor) return sb;
  throw std::runtime_error("no shared buffer for " + tensor);
}

// The channels [begin, end) a Slice takes on axis 1, from the model's op (the oracle for the ports).
Range sliced_channels(const Model& m, const std::string& slice) {
  const Op* op = m.find_op(slice);
  const int64_t b = op->get_ints("starts").at(1);
  return {b, b + m.tensor(op->outputs.at(0)).shape.at(1)};
}

int64_t channels_of(const Model& m, const std::string& t) { return m.tensor(t).shape.at(1); }

const SharedBufferPort* reader_to(const SharedBuffer& sb, const Design& d, const std::string& layer) {
  for (auto& r : sb.readers)
    for (auto& dst : r.destinations)
      if (!dst.kernel.empty() && d.layer(layer)->kernels.at(0).name == dst.kernel) return &r;
  return nullptr;
}

const SharedBufferPort* writer_from(const SharedBuffer& sb, const Design& d, const std::string& layer) {
  for (auto& w : sb.writers)
    if (w.source && w.source->kernel == d.layer(layer)->kernels.at(0).name) return &w;
  return nullptr;
}

// The buffer addresses of channels `ch` of every position's row of `row` channels, sample after sample.
std::vector<int64_t> channel_addresses(Range ch, int64_t row, int64_t positions, int64_t samples, int64_t buffer_row) {
  std::vector<int64_t> a;
  for (int64_t s = 0; s < samples; ++s)
    for (int64_t p = 0; p < positions; ++p)
      for (int64_t c = ch.begin; c < ch.end; ++c) a.push_back(s * buffer_row + p * row + c);
  return a;
}

TEST(ChannelViews, SplitSliceAndConcatMapWithoutKernels) {
  GENERATED_OR_SKIP(m, "qdq_view_cnn1d");
  const Design d = plan(m);
  std::vector<std::string> ops;
  for (auto& l : d.layers) ops.push_back(l.name + ":" + l.op);
  EXPECT_EQ(ops, (std::vector<std::string>{"conv1:Conv", "conv_a:Conv", "conv_b:Conv", "conv_c:Conv", "residual:Add",
                                           "fc:Dense"}));
  EXPECT_TRUE(d.host_ops.empty());
  int kernels = 0;
  for (auto& l : d.layers) kernels += static_cast<int>(l.kernels.size());
  EXPECT_EQ(d.tiles_used(), kernels);  // no kernel beyond the layers'
  EXPECT_TRUE(check_design(d, ve2802()).empty());

  // conv_a / conv_b read the Split's parts, conv_c a Slice of the Concat, the Add a Slice of conv1's output.
  const std::string act1 = d.layer("conv1")->output_tensor;
  struct Want {
    std::string layer, slice, array_tensor;
    int input;
  };
  const Op* split0 = m.producer(d.layer("conv_a")->input_views.at(0).tensor);
  ASSERT_NE(split0, nullptr);
  for (const Want& w : {Want{"conv_a", split0->name, act1, 0}, Want{"conv_b", m.producer("split_1")->name, act1, 0},
                        Want{"conv_c", "mid", "cat", 0}, Want{"residual", "head", act1, 1}}) {
    SCOPED_TRACE(w.layer);
    const LayerDesign& l = *d.layer(w.layer);
    ASSERT_EQ(l.input_views.size(), 1u);
    const ChannelView& v = l.input_views[0];
    EXPECT_EQ(v.input, w.input);
    EXPECT_EQ(v.tensor, m.find_op(w.slice)->outputs.at(0));
    EXPECT_EQ(l.input_tensors().at(w.input), w.array_tensor);
    EXPECT_EQ(v.channels, sliced_channels(m, w.slice));
    EXPECT_EQ(v.row_channels, channels_of(m, w.array_tensor));
    const SharedBufferPort* r = reader_to(buffer_of(d, w.array_tensor), d, w.layer);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->feature_range, v.channels);
    EXPECT_EQ(r->row_channels, v.row_channels);
    const int64_t positions = m.tensor(w.array_tensor).shape.at(2);
    EXPECT_EQ(expand_access(r->access),
              channel_addresses(v.channels, v.row_channels, positions, d.batch, v.row_channels * positions));
  }

  // The Concat's inputs are written by conv_a and conv_b into their channels of the Concat's buffer.
  const Op* cat = m.find_op("cat");
  const SharedBuffer& sb = buffer_of(d, "cat");
  EXPECT_EQ(sb.writers.size(), 2u);
  int64_t at = 0;
  for (auto& name : {"conv_a", "conv_b"}) {
    SCOPED_TRACE(name);
    const LayerDesign& l = *d.layer(name);
    const int64_t c = channels_of(m, l.output_tensor);
    EXPECT_EQ(l.output_tensor, cat->inputs.at(at == 0 ? 0 : 1));
    ASSERT_TRUE(l.output_view.has_value());
    EXPECT_EQ(l.output_view->tensor, "cat");
    EXPECT_EQ(l.output_view->channels, (Range{at, at + c}));
    EXPECT_EQ(l.output_view->row_channels, channels_of(m, "cat"));
    const SharedBufferPort* w = writer_from(sb, d, name);
    ASSERT_NE(w, nullptr);
    EXPECT_EQ(w->feature_range, (Range{at, at + c}));
    const int64_t positions = m.tensor("cat").shape.at(2), row = channels_of(m, "cat");
    EXPECT_EQ(expand_access(w->access), channel_addresses({at, at + c}, row, positions, d.batch, row * positions));
    at += c;
  }
  EXPECT_EQ(at, channels_of(m, "cat"));

  // design.json keeps the views.
  EXPECT_EQ(Design::from_json(d.to_json()).dump(), d.dump());
}

TEST(ChannelViews, CheckDesignCatchesAWrongView) {
  GENERATED_OR_SKIP(m, "qdq_view_cnn1d");
  Design d = plan(m);
  for (auto& sb : d.shared_buffers)
    for (auto& r : sb.readers)
      if (r.row_channels > 0 && r.feature_range.begin == 3) r.access.offset[0] = 2;  // conv_b's part, one channel early
  const auto v = check_design(d, ve2802());
  ASSERT_FALSE(v.empty());
  EXPECT_NE(v[0].message.find("expects feature"), std::string::npos) << v[0].message;
}

TEST(ChannelViews, SameScaleConcatIsAViewAndCountsNoCycles) {
  GENERATED_OR_SKIP(m, "qdq_concat_cnn1d");
  const Design d = plan(m);
  for (auto& l : d.layers) EXPECT_NE(l.op, "Concat") << l.name;
  EXPECT_TRUE(check_design(d, ve2802()).empty());
  const auto r = perf::simulate(d, ve2802());
  std::set<std::string> timed;
  for (auto& l : r.layers) timed.insert(l.name);
  EXPECT_EQ(timed, (std::set<std::string>{"conv1", "conv_a", "conv_b", "conv_c", "fc"}));
  EXPECT_GT(r.latency_ns, 0);
}

// qdq_resnet's Concat is followed by a QuantizeLinear (its QDQ), which the Concat kernel applies as its
// epilogue: such a Concat is not a view (channel_views.h), it stays a tensor-op layer.
TEST(ChannelViews, ConcatWithAQuantizerAfterItKeepsItsKernel) {
  GENERATED_OR_SKIP(m, "qdq_resnet");
  const Op* cat = m.find_op("cat");
  ASSERT_NE(cat, nullptr);
  const auto readers = m.consumers(cat->outputs.at(0));
  ASSERT_EQ(readers.size(), 1u);
  ASSERT_EQ(readers[0]->kind, OpKind::Quantize);  // the model's premise
  EXPECT_FALSE(channel_views(m).ops.count("cat"));
  const auto region = array_region(m);
  EXPECT_TRUE(std::any_of(region.layers.begin(), region.layers.end(), [](const Op* op) { return op->name == "cat"; }));
}

std::string region_error(const Model& m) {
  try {
    array_region(m);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(ChannelViews, SlicesThatAreNotViewsAreRefusedByName) {
  {
    GENERATED_OR_SKIP(m, "qdq_view_cnn1d");  // 'head' feeds a Sigmoid, which is no layer and cannot read a view
    Op& reader = *const_cast<Op*>(m.consumers(m.find_op("head")->outputs.at(0)).at(0));
    reader.kind = OpKind::Sigmoid;
    reader.inputs = {m.find_op("head")->outputs.at(0)};
    const std::string e = region_error(m);
    EXPECT_NE(e.find("op 'head' (Slice)"), std::string::npos) << e;
    EXPECT_NE(e.find(fmt::format("read by Sigmoid '{}'", reader.name)), std::string::npos) << e;
  }
  {
    GENERATED_OR_SKIP(m, "qdq_view_cnn1d");
    auto steps = m.find_op("mid")->get_ints("steps");
    steps[1] = 2;
    m.find_op("mid")->attrs["steps"] = steps;
    const std::string e = region_error(m);
    EXPECT_NE(e.find("op 'mid' (Slice)"), std::string::npos) << e;
    EXPECT_NE(e.find("step 2"), std::string::npos) << e;
  }
  {
    GENERATED_OR_SKIP(m, "qdq_view_cnn1d");
    auto starts = m.find_op("head")->get_ints("starts");
    starts[2] = 1;  // a spatial window
    m.find_op("head")->attrs["starts"] = starts;
    const std::string e = region_error(m);
    EXPECT_NE(e.find("op 'head' (Slice)"), std::string::npos) << e;
    EXPECT_NE(e.find("axis 2"), std::string::npos) << e;
  }
  {
    GENERATED_OR_SKIP(m, "qdq_view_cnn1d");  // a Slice whose output has another type would requantise
    Tensor& t = m.tensor(m.find_op("mid")->outputs.at(0));
    t.type.fixed.frac -= 1;
    const std::string e = region_error(m);
    EXPECT_NE(e.find("op 'mid' (Slice)"), std::string::npos) << e;
    EXPECT_NE(e.find("output type"), std::string::npos) << e;
  }
  {
    GENERATED_OR_SKIP(m, "qdq_view_cnn1d");  // the Add reads two parts of conv1's output
    Op& add = *m.find_op("residual");
    add.inputs[0] = "split_1";  // the Split's second part (ONNX output name)
    const std::string e = region_error(m);
    EXPECT_NE(e.find("(Slice) cannot be mapped"), std::string::npos) << e;
    EXPECT_NE(e.find("two parts of"), std::string::npos) << e;
  }
}

}  // namespace
}  // namespace aie4ml
