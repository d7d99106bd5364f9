// Conv layers through the mapping and codegen: the shared Keras CNNs plan to a legal Design whose conv
// layers run the conv kernel, the memory tile between a conv and a Dense holds channels-last samples,
// a Flatten of a channels-first conv output becomes the Dense's input_order, the performance model times
// conv kernels with conv_cost, and the generated sources call conv_single_rows. (Bit-exactness in
// emulation: tests/scripts/verify_cnn.sh.)
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <set>

#include "cnn_fixtures.h"
#include "codegen/aie_sources.h"
#include "codegen/kernel_spec.h"
#include "design/conv_layout.h"
#include "design/tiling.h"
#include "device/catalog.h"
#include "frontend/onnx_import.h"
#include "passes/canonicalize.h"
#include "passes/check_design.h"
#include "passes/conv_gemm.h"
#include "passes/partition.h"
#include "passes/partition_conv.h"
#include "passes/plan_design.h"
#include "passes/quantize.h"
#include "sim/conv_cost.h"
#include "sim/conv_direct_cost.h"
#include "sim/perf_model.h"
#include "sim/perf_params.h"
#include "support/error.h"

namespace aie4ml {
namespace {

namespace fs = std::filesystem;

const Device& ve2802() { return DeviceCatalog::builtin().get("ve2802"); }

Config int8_config() {
  Config c;
  c.batch_size = 8;
  c.default_precision = parse_numeric_type("ap_fixed<8,3>");
  return c;
}

// The shared model quantised as `aie4ml compile` does, or nullopt (test skipped) when it is absent.
std::optional<Model> shared(const std::string& name, const Config& c) {
  const fs::path p = fs::path(AIE4ML_SHARED_MODELS) / (name + ".onnx");
  if (!fs::exists(p)) return std::nullopt;
  Model m = import_onnx(p);
  canonicalize(m);
  quantize_model(m, c);
  return m;
}

#define SHARED_OR_SKIP(var, name, config)                                  \
  auto var##_opt = shared(name, config);                                   \
  if (!var##_opt) GTEST_SKIP() << name << ".onnx not in " AIE4ML_SHARED_MODELS; \
  Model& var = *var##_opt

std::vector<const LayerDesign*> conv_layers(const Design& d) {
  std::vector<const LayerDesign*> out;
  for (auto& l : d.layers)
    if (l.op == "Conv") out.push_back(&l);
  return out;
}

TEST(ConvProject, Conv1dKerasMapsEveryConvToOneConvKernel) {
  SHARED_OR_SKIP(m, "conv1d_small_keras", int8_config());
  const Design d = plan_design(m, int8_config(), ve2802());
  const auto convs = conv_layers(d);
  ASSERT_EQ(convs.size(), 3u);
  const auto x = m.tensor(m.inputs[0]).sample_shape();  // Keras NWC: [10, 4]
  ASSERT_EQ(x, (std::vector<int64_t>{10, 4}));
  const LayerDesign& first = *convs[0];
  EXPECT_EQ(first.in_features, 40);  // one sample, channels-last
  // kernel 4, pads [1, 2], stride 1: 10 output positions, 3 filters
  EXPECT_EQ(first.conv, (std::vector<int64_t>{4, 1, 10, 1, 4, 1, 1, 1, 1, 0, 1, 1, 10}));
  EXPECT_EQ(first.out_features, 3);
  EXPECT_EQ(first.batch_padded, 80);  // 8 samples x 10 positions
  for (auto* l : convs) {
    ASSERT_EQ(l->kernels.size(), 1u);
    EXPECT_EQ(l->kernels[0].variant, "conv_single");
    EXPECT_GE(l->k_slice, conv_layout::window(*l));
  }
  // The second conv reads the first's output directly: 10 positions x 3 channels.
  EXPECT_EQ(convs[1]->input_tensor, convs[0]->output_tensor);
  EXPECT_EQ(convs[1]->in_features, 30);
  // The Flatten (Reshape) after the last conv is a view: the Dense reads the conv output, nothing on the
  // host between layers.
  const LayerDesign* dense = d.layer("Gemm_biased_tensor_name");
  ASSERT_NE(dense, nullptr);
  EXPECT_EQ(dense->input_tensor, convs[2]->output_tensor);
  EXPECT_TRUE(dense->input_order.empty());  // one channel: NCW and NWC flatten alike
  for (auto& h : d.host_ops) EXPECT_NE(h.stage, "between") << h.name;
  ASSERT_FALSE(d.host_ops.empty());
  EXPECT_EQ(d.host_ops.front().op, "Transpose");
  EXPECT_EQ(d.host_ops.front().stage, "before");
  EXPECT_TRUE(check_design(d, ve2802()).empty());
  // The host streams the first conv's input channels-last: element (w, c) of a sample is NCW value c * 10 + w.
  std::vector<int64_t> ncw(2 * 40);
  for (size_t i = 0; i < ncw.size(); ++i) ncw[i] = static_cast<int64_t>(i);
  const auto nwc = conv_layout::to_array_layout(d, first.input_tensor, ncw, 2);
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t w = 0; w < 10; ++w)
      for (int64_t c = 0; c < 4; ++c) ASSERT_EQ(nwc[b * 40 + w * 4 + c], b * 40 + c * 10 + w);
  // design.json keeps the conv fields.
  const Design back = Design::from_json(d.to_json());
  EXPECT_EQ(back.layer(first.name)->conv, first.conv);
}

TEST(ConvProject, ConvToDenseBufferHoldsChannelsLastSamples) {
  SHARED_OR_SKIP(m, "conv2d_small_keras", int8_config());
  const Design d = plan_design(m, int8_config(), ve2802());
  const auto convs = conv_layers(d);
  ASSERT_EQ(convs.size(), 1u);
  const LayerDesign& conv = *convs[0];
  const SharedBuffer* sb = nullptr;
  for (auto& b : d.shared_buffers)
    if (b.tensor == conv.output_tensor) sb = &b;
  ASSERT_NE(sb, nullptr);
  ASSERT_EQ(sb->writers.size(), 1u);
  const int64_t channels = 2, positions = 64, row = sb->dimension[0];
  ASSERT_GE(row, positions * channels);
  // The conv kernel streams y[b][position][channel]; each must land at sample b's row, feature
  // position x channels + channel (what the Transpose to NHWC + Flatten of the model reads).
  const auto addrs = expand_access(sb->writers[0].access);
  ASSERT_EQ(addrs.size(), static_cast<size_t>(d.batch * positions * channels));
  size_t i = 0;
  for (int64_t b = 0; b < d.batch; ++b)
    for (int64_t p = 0; p < positions; ++p)
      for (int64_t c = 0; c < channels; ++c, ++i) ASSERT_EQ(addrs[i], b * row + p * channels + c) << b << " " << p << " " << c;
  EXPECT_EQ(conv.in_features, 64);  // 8 x 8 pixels of one channel
}

// conv -> Flatten -> Dense with a channels-first conv output [N, 2, 3]: the array holds it channels-last,
// so array feature (position p, channel c) = p * 2 + c is the model's feature c * 3 + p.
Model conv_flatten_dense(bool transpose_first) {
  Model m;
  m.name = "view";
  auto act = [&](const std::string& n, std::vector<int64_t> shape) {
    Tensor t;
    t.name = n;
    t.shape = std::move(shape);
    m.add_tensor(t);
  };
  act("x", {kBatch, 1, 3});
  act("c", {kBatch, 2, 3});
  act("f", {kBatch, 6});
  act("y", {kBatch, 4});
  Tensor w;
  w.name = "w";
  w.shape = {6, 4};
  w.is_constant = true;
  m.add_tensor(w);
  Op conv;
  conv.kind = OpKind::Conv;
  conv.name = "conv";
  conv.inputs = {"x", "w"};
  conv.outputs = {"c"};
  m.ops.push_back(conv);
  std::string flat_in = "c";
  if (transpose_first) {
    act("t", {kBatch, 3, 2});
    Op t;
    t.kind = OpKind::Transpose;
    t.name = "to_nwc";
    t.inputs = {"c"};
    t.outputs = {"t"};
    t.attrs["perm"] = std::vector<int64_t>{0, 2, 1};
    m.ops.push_back(t);
    flat_in = "t";
  }
  Op flat;
  flat.kind = OpKind::Flatten;
  flat.name = "flat";
  flat.inputs = {flat_in};
  flat.outputs = {"f"};
  m.ops.push_back(flat);
  Op dense;
  dense.kind = OpKind::Dense;
  dense.name = "fc";
  dense.inputs = {"f", "w"};
  dense.outputs = {"y"};
  m.ops.push_back(dense);
  m.inputs = {"x"};
  m.outputs = {"y"};
  return m;
}

TEST(ConvProject, FlattenOfChannelsFirstConvOutputBecomesInputOrder) {
  const Model m = conv_flatten_dense(false);
  const auto views = array_views(m);
  EXPECT_EQ(views, (std::set<std::string>{"flat"}));
  LayerDesign fc;
  fc.name = "fc";
  fc.input_tensor = "f";
  fc.in_features = 6;
  resolve_view_input(fc, m, views);
  EXPECT_EQ(fc.input_tensor, "c");
  EXPECT_EQ(fc.input_order, (std::vector<int64_t>{0, 3, 1, 4, 2, 5}));

  const Model keras = conv_flatten_dense(true);  // Transpose to channels-last, then Flatten: the identity
  const auto kviews = array_views(keras);
  EXPECT_EQ(kviews, (std::set<std::string>{"to_nwc", "flat"}));
  LayerDesign kfc = fc;
  kfc.input_tensor = "f";
  kfc.input_order.clear();
  resolve_view_input(kfc, keras, kviews);
  EXPECT_EQ(kfc.input_tensor, "c");
  EXPECT_TRUE(kfc.input_order.empty());
}

TEST(ConvProject, PerfReportTimesConvLayersWithConvCost) {
  SHARED_OR_SKIP(m, "conv2d_small_keras", int8_config());
  const Design d = plan_design(m, int8_config(), ve2802());
  const LayerDesign& conv = *conv_layers(d).at(0);
  const auto r = perf::simulate(d, ve2802());
  const perf::LayerPerf* lp = nullptr;
  for (auto& l : r.layers)
    if (l.name == conv.name) lp = &l;
  ASSERT_NE(lp, nullptr);
  // The same kernel described from the model's Conv op: 8 samples, 3x3 taps of 1 channel, 64 positions.
  const ConvGemm g = conv_gemm(m, *m.find_op(conv.name));
  ConvKernelDesc k;
  k.types = KernelTypePair::Int8xInt8;
  k.acc = conv.acc_bits > 32 ? AccKind::Acc64 : AccKind::Acc32;
  k.tile_m = conv.tile_m, k.tile_k = conv.tile_k, k.tile_n = conv.tile_n;
  k.batch = 8;
  k.channels_in = static_cast<int>(g.channels_in);
  k.out_positions = static_cast<int>(g.positions());
  k.taps = static_cast<int>(g.kernel_h * g.kernel_w);
  k.n = static_cast<int>(conv.n_slice);
  k.channels_out = static_cast<int>(g.channels_out);
  k.relu = conv.activation == "relu";
  k.k_slice = static_cast<int>(conv.k_slice);
  k.rows_output = true;
  const auto cost = conv_kernel_cost(k, perf::params_for(ve2802()).core);
  EXPECT_EQ(lp->kernel_cycles, cost.cycles);
  EXPECT_GT(cost.im2col_cycles, 0);
  EXPECT_EQ(cost.repack_elements, 8 * 64 * 2);
  EXPECT_GT(lp->utilisation, 0);
  EXPECT_LE(lp->utilisation, 1.0);
  EXPECT_EQ(lp->macs_per_batch, 8 * 64 * 9 * 2);  // batch x positions x window x filters
}

TEST(ConvProject, SourcesCallTheConvKernelWithTheLayerGeometry) {
  SHARED_OR_SKIP(m, "conv1d_small_keras", int8_config());
  const Design d = plan_design(m, int8_config(), ve2802());
  const auto specs = codegen::kernel_specs(d, m);
  const auto files = codegen::aie_sources(d, specs, ve2802(), 1);
  const LayerDesign& conv = *conv_layers(d).at(0);
  const std::string prefix = codegen::c_identifier(conv.name);
  const std::string geometry = conv_gemm(m, *m.find_op(conv.name)).geometry_args();
  bool found = false;
  for (auto& f : files) {
    if (f.path == "aie/src/" + prefix + ".cc") {
      found = true;
      EXPECT_NE(f.text.find("conv_single_rows<"), std::string::npos) << f.text;
      EXPECT_NE(f.text.find("conv_geometry<" + geometry + ">"), std::string::npos) << f.text;
    }
    if (f.path == "aie/parameters.h") {  // input: 8 samples x 40 elements; output: 8 x 10 positions x 3 channels
      EXPECT_NE(f.text.find("input_elems = 320, output_elems = 240"), std::string::npos) << f.text;
    }
  }
  EXPECT_TRUE(found);
}

// Batch 64 (4096 GEMM rows): the whole-batch im2col and GEMM-result buffers (2 x 64 KB) would not fit, so
// the kernel runs the batch in chunks of whole samples whose buffers fit beside the ping-pong input and
// output. At batch 128 the ping-pong output alone (2 x 16 KB, one 16 KB bank each) leaves the im2col kernel
// no room even for one-sample chunks: with ConvKernel "im2col" refused with the memory it needs; "auto" takes
// the direct kernel instead, which has no im2col buffer and fits.
TEST(ConvProject, ConvThatDoesNotFitOneTileIsRefusedWithItsMemory) {
  Config c64 = int8_config();
  c64.batch_size = 64;
  SHARED_OR_SKIP(m64, "conv2d_small_keras", c64);
  const Design d = plan_design(m64, c64, ve2802());
  const LayerDesign& conv = *conv_layers(d).at(0);
  ASSERT_GT(conv.conv_chunk, 0);
  EXPECT_EQ(64 % conv.conv_chunk, 0);
  EXPECT_EQ(conv.kernels.at(0).buffer("im2col")->bytes, conv.conv_chunk * 64 * conv.k_slice);  // 64 positions
  EXPECT_TRUE(check_design(d, ve2802()).empty());
  Config big = int8_config();
  big.batch_size = 128;
  SHARED_OR_SKIP(m, "conv2d_small_keras", big);
  const Design direct = plan_design(m, big, ve2802());
  EXPECT_EQ(conv_layers(direct).at(0)->kernels.at(0).variant, "conv_direct");
  EXPECT_TRUE(check_design(direct, ve2802()).empty());
  big.layers["Conv2D__"].conv_kernel = "im2col";
  try {
    plan_design(m, big, ve2802());
    FAIL() << "batch 128 should not fit one tile";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("layer 'Conv2D__': ConvKernel \"im2col\": the im2col conv kernel does not fit"),
              std::string::npos) << what;
    EXPECT_NE(what.find("im2col 1024"), std::string::npos) << what;  // one sample: 64 rows x 16 window columns
    EXPECT_NE(what.find("1 sample(s) per chunk"), std::string::npos) << what;
    EXPECT_NE(what.find("output 2 x 16384"), std::string::npos) << what;  // 128 x 64 positions x 2 channels
  }
}


// qdq_cnn2d_keras: Transpose, Conv 3x3 (pads 1) + Relu on 8x8x3 -> 4 x 8x8, MaxPool 2x2 stride 2 -> 4 x 4x4,
// Transpose, Flatten, MatMul + Add. The MaxPool is fused into the conv layer: no host op between the
// layers, the conv writes the pooled tensor and the Dense reads it.
TEST(ConvProject, MaxPoolAfterConvIsFusedIntoTheConvLayer) {
  auto opt = testing::generated_cnn("qdq_cnn2d_keras");
  if (!opt) GTEST_SKIP() << "qdq_cnn2d_keras not generated";
  Model& m = *opt;
  Config c;
  c.batch_size = 4;
  const Op* pool = m.find_op("pool1");
  ASSERT_NE(pool, nullptr);
  EXPECT_EQ(fused_pools(m), (std::set<std::string>{"pool1"}));
  const Design d = plan_design(m, c, ve2802());
  const auto convs = conv_layers(d);
  ASSERT_EQ(convs.size(), 1u);
  const LayerDesign& conv = *convs[0];
  EXPECT_EQ(conv.pool, (std::vector<int64_t>{2, 2, 2, 2}));  // PKH, PKW, PSH, PSW
  EXPECT_EQ(conv.output_tensor, pool->outputs[0]);
  EXPECT_EQ(conv.conv[conv_layout::OH], 8);  // the GEMM covers every conv position ...
  EXPECT_EQ(conv.batch_padded, 4 * 64);
  EXPECT_EQ(conv_layout::positions(conv), 64);
  EXPECT_EQ(conv_layout::out_positions(conv), 16);  // ... the kernel writes the pooled ones
  EXPECT_EQ(conv_layout::output_elements(conv), 16 * 4);
  EXPECT_EQ(conv_layout::output_buffer_bytes(conv, 4), 4 * 16 * 4);
  for (auto& h : d.host_ops) EXPECT_NE(h.op, "MaxPool") << h.name;
  const LayerDesign& dense = d.layers.back();
  EXPECT_EQ(dense.input_tensor, pool->outputs[0]);  // through the Transpose / Flatten views
  EXPECT_EQ(dense.in_features, 64);
  EXPECT_TRUE(check_design(d, ve2802()).empty());
  // The JSON form keeps the pool; a design without one has no "pool" key.
  EXPECT_EQ(Design::from_json(d.to_json()).layer(conv.name)->pool, conv.pool);
  EXPECT_FALSE(d.to_json()["layers"][1].contains("pool"));
  // The source passes the pool to conv_single_rows; parameters.h: 4 samples x 16 pooled positions x 4.
  const auto files = codegen::aie_sources(d, codegen::kernel_specs(d, m), ve2802(), 1);
  bool found = false;
  for (auto& f : files) {
    if (f.path == "aie/src/" + codegen::c_identifier(conv.name) + ".cc") {
      found = true;
      EXPECT_NE(f.text.find("::out_features, aie4ml::kernels::conv_pool<2, 2, 2, 2>>"), std::string::npos) << f.text;
    }
    if (f.path == "aie/parameters.h") {
      EXPECT_NE(f.text.find("output_elems = 256"), std::string::npos) << f.text;
    }
  }
  EXPECT_TRUE(found);
  // The performance model times the kernel as conv_cost with the pool's compares: 3 per written element
  // (2x2 window) on top of the repack of the 16 pooled positions.
  const auto r = perf::simulate(d, ve2802());
  const perf::LayerPerf* lp = nullptr;
  for (auto& l : r.layers)
    if (l.name == conv.name) lp = &l;
  ASSERT_NE(lp, nullptr);
  ConvKernelDesc cd;
  cd.types = KernelTypePair::Int8xInt8;
  cd.acc = conv.acc_bits > 32 ? AccKind::Acc64 : AccKind::Acc32;
  cd.out_bits = conv.output_bytes * 8;
  cd.tile_m = conv.tile_m, cd.tile_k = conv.tile_k, cd.tile_n = conv.tile_n;
  cd.batch = 4, cd.channels_in = 3, cd.out_positions = 64, cd.taps = 9, cd.n = static_cast<int>(conv.n_slice);
  cd.channels_out = 4, cd.relu = conv.activation == "relu", cd.rows_output = true;
  cd.k_slice = static_cast<int>(conv.k_slice);
  const auto core = perf::params_for(ve2802()).core;
  const auto plain = conv_kernel_cost(cd, core);
  cd.pool_positions = 16, cd.pool_taps = 4;
  const auto pooled = conv_kernel_cost(cd, core);
  EXPECT_EQ(lp->kernel_cycles, pooled.cycles);
  EXPECT_EQ(pooled.pool_compares, 4 * 16 * 4 * 3);
  EXPECT_EQ(pooled.pool_cycles, pooled.pool_compares);
  EXPECT_EQ(pooled.repack_elements, 4 * 16 * 4);
  EXPECT_EQ(plain.repack_elements, 4 * 64 * 4);
  EXPECT_EQ(pooled.cycles - pooled.pool_cycles - pooled.repack_cycles, plain.cycles - plain.repack_cycles);
}

// ConvKernel "direct": the conv layer runs kernels/conv_direct.h (variant conv_direct, no im2col buffer, K =
// 9 taps x 1 channel padded to tile_k), the source calls conv_direct_rows with conv_direct_config, the weight
// array has k_slice x n_slice codes, and the performance model times it as conv_direct_kernel_cost.
TEST(ConvProject, ForcedDirectKernelReachesSourcesAndTheReport) {
  SHARED_OR_SKIP(m, "conv2d_small_keras", int8_config());
  Config c = int8_config();
  const std::string name = conv_layers(plan_design(m, c, ve2802())).at(0)->name;
  c.layers[name].conv_kernel = "direct";
  const Design d = plan_design(m, c, ve2802());
  EXPECT_TRUE(check_design(d, ve2802()).empty());
  const LayerDesign& conv = *conv_layers(d).at(0);
  ASSERT_EQ(conv.kernels.at(0).variant, "conv_direct");
  EXPECT_EQ(conv.kernels[0].buffer("im2col"), nullptr);
  EXPECT_EQ(conv_layout::gemm_k(conv), 9 * conv.tile_k);
  EXPECT_GE(conv.k_slice, conv_layout::gemm_k(conv));
  const auto specs = codegen::kernel_specs(d, m);
  bool found = false;
  for (auto& f : codegen::aie_sources(d, specs, ve2802(), 1)) {
    if (f.path != "aie/src/" + codegen::c_identifier(conv.name) + ".cc") continue;
    found = true;
    EXPECT_NE(f.text.find("conv_direct_rows<"), std::string::npos) << f.text;
    EXPECT_NE(f.text.find("conv_direct_config<"), std::string::npos) << f.text;
    EXPECT_NE(f.text.find("#include \"../kernels/conv_direct.h\""), std::string::npos) << f.text;
  }
  EXPECT_TRUE(found);
  const auto r = perf::simulate(d, ve2802());
  const perf::LayerPerf* lp = nullptr;
  for (auto& l : r.layers)
    if (l.name == conv.name) lp = &l;
  ASSERT_NE(lp, nullptr);
  ConvKernelDesc k;
  k.acc = conv.acc_bits > 32 ? AccKind::Acc64 : AccKind::Acc32;
  k.out_bits = conv.output_bytes * 8;
  k.tile_m = conv.tile_m, k.tile_k = conv.tile_k, k.tile_n = conv.tile_n;
  k.batch = 8, k.channels_in = 1, k.out_positions = 64, k.taps = 9, k.n = static_cast<int>(conv.n_slice);
  k.channels_out = 2, k.relu = conv.activation == "relu", k.rows_output = true;
  const ConvGeometry g{1, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 8, 8};
  EXPECT_EQ(lp->kernel_cycles, conv_direct_kernel_cost(k, g, perf::params_for(ve2802()).core).cycles);
  EXPECT_EQ(lp->macs_per_batch, 8 * 64 * 9 * 2);  // useful MACs: the real window, not the padded taps
}

TEST(ConvProject, MaxPoolThatCannotBeFusedIsRefusedByName) {
  auto opt = testing::generated_cnn("qdq_cnn2d_keras");
  if (!opt) GTEST_SKIP() << "qdq_cnn2d_keras not generated";
  Model& m = *opt;
  Op* pool = const_cast<Op*>(m.find_op("pool1"));
  pool->attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};
  EXPECT_TRUE(fused_pools(m).empty());
  try {
    array_region(m);
    FAIL() << "a padded MaxPool after a conv should not map";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'pool1' (MaxPool)"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("padding is not supported"), std::string::npos) << e.what();
  }
  pool->attrs["pads"] = std::vector<int64_t>{0, 0, 0, 0};
  pool->attrs["ceil_mode"] = int64_t{1};
  EXPECT_THROW(array_region(m), InputError);
}

TEST(ConvProject, PoolAfterAFusedPoolThatTheKernelsCannotRunIsRefusedByName) {
  // qdq_cnn1d: conv2 -> MaxPool pool1 (fused) -> AveragePool pool2, a tensor-op layer
  // (test_tensor_op_project.cpp); with ceil_mode 1 it has no array form.
  auto opt = testing::generated_cnn("qdq_cnn1d");
  if (!opt) GTEST_SKIP() << "qdq_cnn1d not generated";
  const_cast<Op*>(opt->find_op("pool2"))->attrs["ceil_mode"] = int64_t{1};
  Config c;
  c.batch_size = 2;
  try {
    plan_design(*opt, c, ve2802());
    FAIL() << "an AveragePool with ceil_mode 1 should not map";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'pool2' (AveragePool)"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("ceil_mode"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace aie4ml
