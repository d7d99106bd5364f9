// The direct convolution kernel (kernels/conv_direct.h) built against emu/, bit for bit against the
// reference interpreter's Conv (and Conv -> MaxPool): 1-D and 2-D, padding, stride 2, dilation, ReLU,
// right and left shifts, int8 and int16 activations, vector-loaded and lane-gathered A tiles, chunks.
// Then its cost model (src/sim/conv_direct_cost.h) against the emulator's operation counters.
#include <gtest/gtest.h>

#include "conv_direct.h"
#include "conv_harness.h"
#include "dense_harness.h"
#include "passes/conv_gemm.h"
#include "passes/pack_weights.h"
#include "sim/conv_direct_cost.h"
#include "support/error.h"

namespace aie4ml::testing {
namespace {

constexpr auto kConv = aie::rounding_mode::conv_even;
constexpr auto kSat = aie::saturation_mode::saturate;
const FixedType i8x{8, 4, true, RoundingMode::RndConv, OverflowMode::Sat};
const FixedType i8w{8, 7, true, RoundingMode::RndConv, OverflowMode::Sat};
const FixedType x16{16, 10, true, RoundingMode::RndConv, OverflowMode::Sat};

ConvGemm gemm_of(const ConvCase& c, const ConvOperands& o) {
  ConvGemm g;
  g.layer = "conv";
  g.channels_in = c.ci, g.in_h = c.ih, g.in_w = c.iw, g.kernel_h = c.kh, g.kernel_w = c.kw;
  g.stride_h = c.sh, g.stride_w = c.sw, g.dilation_h = c.dh, g.dilation_w = c.dw, g.pad_h = c.ph, g.pad_w = c.pw;
  g.out_h = c.oh(), g.out_w = c.ow(), g.channels_out = c.co;
  g.weight_codes = o.wg;
  return g;
}

// Runs conv_direct_rows<Cfg, CO, Pool> on the case's operands (weights through direct_weight_codes and the
// dense packing); returns its output codes (channels-last rows of CO channels).
template <class Cfg, unsigned CO, class Pool = kernels::conv_pool<>>
std::vector<int64_t> run_direct(const ConvCase& c, const ConvOperands& o, unsigned out_positions) {
  constexpr auto S = Cfg::dense::schedule;
  const DenseGrid grid = DenseGrid::make(int(Cfg::chunk_rows), int(Cfg::k_slice), c.co, 1, 1,
                                         {int(S.tile_m), int(S.tile_k), int(S.tile_n)});
  EXPECT_EQ(grid.m_padded, int(Cfg::m));
  EXPECT_EQ(grid.k_slice, int(Cfg::k_slice));
  EXPECT_EQ(grid.n_slice, int(S.n));
  auto wd = direct_weight_codes(gemm_of(c, o), S.tile_k);
  wd.resize(size_t(Cfg::k_slice) * c.co, 0);  // rows past taps x CIp (never read)
  const auto wk = pack<typename Cfg::b_type>(std::span<const int64_t>(wd), weight_pack_map(grid, 0, 0));
  const auto bk = pack<typename Cfg::bias_type>(std::span<const int64_t>(o.b), bias_pack_map(grid, 0));
  auto in = kernel_input<Cfg>(o);
  const size_t n = size_t(c.batch) * out_positions * CO;
  AlignedArray<typename Cfg::c_type> out(n);
  adf::input_buffer<typename Cfg::a_type> in_port(in.data(), in.size());
  adf::output_buffer<typename Cfg::c_type> out_port(out.data(), out.size());
  kernels::conv_direct_rows<Cfg, CO, Pool>(in_port, out_port, wk.template as_rtp<Cfg::weight_elems>(),
                                           bk.template as_rtp<Cfg::bias_elems>());
  std::vector<int64_t> codes(n);
  for (size_t i = 0; i < n; ++i) codes[i] = static_cast<int64_t>(out[i]);
  return codes;
}

template <class Cfg, unsigned CO>
void check_direct(const ConvCase& c, uint64_t seed) {
  ASSERT_EQ(int(Cfg::geometry::out_h), c.oh());
  ASSERT_EQ(int(Cfg::geometry::out_w), c.ow());
  const ConvOperands o = make_operands(c, seed);
  expect_equal_to_reference(c, o, run_direct<Cfg, CO>(c, o, c.oh() * c.ow()));
}

TEST(ConvDirectKernel, Conv1dEightChannelsSamePaddingRelu) {
  // CI 8 = tile_k: interior tiles are single vector loads, the edges (padding) are gathered. W 20, k 3,
  // pads 1/1 -> OW 20; batch 2; ReLU; shift 4 + 7 - 4 = 7.
  const ConvCase c{2, 8, 1, 20, 6, 1, 3, 1, 1, 1, 1, 0, 1, 0, 1, i8x, i8w,
                   FixedType{8, 4, true, RoundingMode::RndConv, OverflowMode::Sat}, true};
  using G = kernels::conv_geometry<8, 1, 20, 1, 3, 1, 1, 1, 1, 0, 1, 1, 20>;
  using Cfg = kernels::conv_direct_config<int8, int8, int8, acc32, 4, 8, 8, G, 2, 16, 7, true, kConv, kSat>;
  static_assert(Cfg::shape.contiguous_rows() && Cfg::shape.vector_tile(4, 0) && !Cfg::shape.vector_tile(0, 0));
  check_direct<Cfg, 6>(c, 21);
}

TEST(ConvDirectKernel, Conv1dStride2DilatedFewChannelsGathered) {
  // CI 3 (padded to 8 per tap), W 16, k 3, stride 2, dilation 2, pads 2/1 -> OW 8; every tile gathered.
  // The weight array has K 32 (aligned as the partition does) of which the kernel multiplies 24.
  const ConvCase c{3, 3, 1, 16, 5, 1, 3, 1, 2, 1, 2, 0, 2, 0, 1, i8x, i8w,
                   FixedType{8, 3, true, RoundingMode::RndConv, OverflowMode::Sat}, false};
  using G = kernels::conv_geometry<3, 1, 16, 1, 3, 1, 2, 1, 2, 0, 2, 1, 8>;
  using Cfg = kernels::conv_direct_config<int8, int8, int8, acc32, 4, 8, 8, G, 3, 16, 8, false, kConv, kSat, 32>;
  static_assert(!Cfg::shape.contiguous_rows() && Cfg::k == 3 * 8 && Cfg::k_slice == 32);
  check_direct<Cfg, 5>(c, 22);
}

TEST(ConvDirectKernel, Conv2dStrideDilationToInt16WithALeftShift) {
  // CI 8, 7x9, k 3x3, stride (2,1), dilation (1,2), pads 1 -> 4x7; int16 output frac 13: shift -2; ReLU.
  const ConvCase c{2, 8, 7, 9, 10, 3, 3, 2, 1, 1, 2, 1, 1, 1, 1, i8x, i8w,
                   FixedType{16, 13, true, RoundingMode::RndConv, OverflowMode::Sat}, true};
  using G = kernels::conv_geometry<8, 7, 9, 3, 3, 2, 1, 1, 2, 1, 1, 4, 7>;
  using Cfg = kernels::conv_direct_config<int8, int8, int16, acc32, 4, 8, 8, G, 2, 16, -2, true, kConv, kSat>;
  check_direct<Cfg, 10>(c, 23);
}

TEST(ConvDirectKernel, Conv2dInt16ActivationsFourChannels) {
  // int16 x int8 (mmul 4x4x8): CI 4 = tile_k, 6x8, k 3x3, pads 1 -> 6x8: vector and gathered tiles.
  const ConvCase c{2, 4, 6, 8, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, x16, i8w,
                   FixedType{16, 9, true, RoundingMode::Rnd, OverflowMode::Sat}, false};
  using G = kernels::conv_geometry<4, 6, 8, 3, 3, 1, 1, 1, 1, 1, 1, 6, 8>;
  using Cfg = kernels::conv_direct_config<int16, int8, int16, acc32, 4, 4, 8, G, 2, 16, 8, false,
                                          aie::rounding_mode::positive_inf, kSat>;
  static_assert(Cfg::shape.contiguous_rows());
  check_direct<Cfg, 3>(c, 24);
}

TEST(ConvDirectKernel, Conv2dInt16Stride2NoPadding) {
  // int16 x int8, CI 3, 6x5, k 2x2, stride 2, no padding -> 3x2.
  const ConvCase c{2, 3, 6, 5, 4, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, x16, i8w,
                   FixedType{16, 9, true, RoundingMode::RndConv, OverflowMode::Sat}, false};
  using G = kernels::conv_geometry<3, 6, 5, 2, 2, 2, 2, 1, 1, 0, 0, 3, 2>;
  using Cfg = kernels::conv_direct_config<int16, int8, int16, acc32, 4, 4, 8, G, 2, 16, 8, false, kConv, kSat>;
  check_direct<Cfg, 4>(c, 25);
}

// Chunks of 2 of a batch of 6 with a fused 2 x 2 / 2 MaxPool: every pooled code equals the interpreter's
// Conv -> MaxPool, and the bytes equal the im2col kernel's (conv.h conv_single_rows) on the same layer.
TEST(ConvDirectKernel, ChunkedRowsWithFusedPoolMatchInterpreterAndIm2col) {
  const ConvCase c{6, 8, 5, 6, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, i8x, i8w,
                   FixedType{8, 3, true, RoundingMode::RndConv, OverflowMode::Sat}, true};
  using G = kernels::conv_geometry<8, 5, 6, 3, 3, 1, 1, 1, 1, 1, 1, 5, 6>;
  using Direct = kernels::conv_direct_config<int8, int8, int8, acc32, 4, 8, 8, G, 6, 16, 8, true, kConv, kSat, 0, 2>;
  using Im2col = kernels::conv_config<int8, int8, int8, acc32, 4, 8, 8, G, 6, 16, 8, true, kConv, kSat>;
  using Pool = kernels::conv_pool<2, 2, 2, 2>;
  static_assert(Direct::chunks == 3 && Direct::m == 64);
  constexpr unsigned pooled = 2 * 3;
  const ConvOperands o = make_operands(c, 26);
  const auto got = run_direct<Direct, 5, Pool>(c, o, pooled);
  const auto ref = reference_conv(c, o.x, o.w, o.b, {2, 2, 2, 2});
  ASSERT_EQ(ref.size(), got.size());
  for (int s = 0; s < c.batch; ++s)
    for (int n = 0; n < c.co; ++n)
      for (unsigned p = 0; p < pooled; ++p)
        ASSERT_EQ(got[(size_t(s) * pooled + p) * c.co + n], ref[(size_t(s) * c.co + n) * pooled + p])
            << "sample " << s << " channel " << n << " pooled position " << p;
  // The im2col kernel on the same operands.
  const DenseGrid g = DenseGrid::make(int(Im2col::rows), c.kh * c.kw * c.ci, c.co, 1, 1, {4, 8, 8});
  const auto wk = pack<int8>(std::span<const int64_t>(o.wg), weight_pack_map(g, 0, 0));
  const auto bk = pack<int32>(std::span<const int64_t>(o.b), bias_pack_map(g, 0));
  auto in = kernel_input<Im2col>(o);
  AlignedArray<int8> out(got.size());
  adf::input_buffer<int8> in_port(in.data(), in.size());
  adf::output_buffer<int8> out_port(out.data(), out.size());
  kernels::conv_single_rows<Im2col, 5, Pool>(in_port, out_port, wk.as_rtp<Im2col::weight_elems>(),
                                             bk.as_rtp<Im2col::bias_elems>());
  for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], int64_t(out[i])) << "element " << i;
}

}  // namespace
}  // namespace aie4ml::testing

namespace aie4ml::testing {
namespace {

// Runs the kernel on zero operands with the emulator's counters on and compares with the cost model.
template <class Cfg, unsigned CO, class Pool>
void expect_counts(const ConvKernelDesc& d, const ConvGeometry& geo, unsigned out_elems) {
  AlignedArray<typename Cfg::a_type> a(Cfg::input_elems);
  AlignedArray<typename Cfg::b_type> w(Cfg::weight_elems);
  AlignedArray<int32> b(Cfg::bias_elems);
  AlignedArray<typename Cfg::c_type> c(out_elems);
  adf::input_buffer<typename Cfg::a_type> in(a.data(), a.size());
  adf::output_buffer<typename Cfg::c_type> out(c.data(), c.size());
  aie4ml_emu::reset_counters();
  kernels::conv_direct_rows<Cfg, CO, Pool>(in, out, w.template as_rtp<Cfg::weight_elems>(),
                                           b.template as_rtp<Cfg::bias_elems>());
  const auto got = aie4ml_emu::counters;
  const auto want = conv_direct_kernel_cost(d, geo);
  EXPECT_EQ(want.k, int64_t(Cfg::k));
  EXPECT_EQ(int64_t(got.mmul_issues), want.chunks * want.gemm.mmul_issues);
  EXPECT_EQ(int64_t(got.vector_loads), want.vector_loads);
  EXPECT_EQ(int64_t(got.load_bits), want.load_bits);
  EXPECT_EQ(int64_t(got.vector_stores), want.chunks * want.gemm.vector_stores);
  EXPECT_EQ(int64_t(got.srs_ops), want.chunks * want.gemm.srs_ops);
  EXPECT_EQ(int64_t(got.lane_inserts), want.lane_inserts);
  EXPECT_GT(want.vector_tiles, 0);
  EXPECT_GT(want.gathered_tiles, 0);
  EXPECT_EQ(want.cycles, want.chunks * want.gemm.cycles + want.gather_cycles + want.repack_cycles + want.pool_cycles);
}

// int8, CI 8: vector and gathered tiles, chunks of 2 of 6 samples, fused 2 x 2 pool.
TEST(ConvDirectKernelCost, CountsEqualEmulatedOperationsInt8) {
  using G = kernels::conv_geometry<8, 5, 6, 3, 3, 1, 1, 1, 1, 1, 1, 5, 6>;
  using Cfg = kernels::conv_direct_config<int8, int8, int8, acc32, 4, 8, 8, G, 6, 16, 8, true, kConv, kSat, 0, 2>;
  ConvKernelDesc d;
  d.batch = 6, d.chunk = 2, d.channels_in = 8, d.out_positions = 30, d.taps = 9, d.n = 16, d.channels_out = 5;
  d.shift = 8, d.relu = true, d.rows_output = true, d.pool_positions = 6, d.pool_taps = 4;
  const ConvGeometry geo{8, 5, 6, 3, 3, 1, 1, 1, 1, 1, 1, 5, 6};
  expect_counts<Cfg, 5, kernels::conv_pool<2, 2, 2, 2>>(d, geo, 6 * 6 * 5);
}

// int16 x int8 (4x4x8), CI 4, 32 output channels (two column pairs redo the tiles), stride 2 along H.
TEST(ConvDirectKernelCost, CountsEqualEmulatedOperationsInt16) {
  using G = kernels::conv_geometry<4, 6, 8, 3, 3, 2, 1, 1, 1, 1, 1, 3, 8>;
  using Cfg = kernels::conv_direct_config<int16, int8, int16, acc32, 4, 4, 8, G, 2, 32, 8, false, kConv, kSat>;
  ConvKernelDesc d;
  d.types = KernelTypePair::Int16xInt8, d.out_bits = 16, d.tile_k = 4;
  d.batch = 2, d.channels_in = 4, d.out_positions = 24, d.taps = 9, d.n = 32, d.channels_out = 20;
  d.shift = 8, d.rows_output = true;
  const ConvGeometry geo{4, 6, 8, 3, 3, 2, 1, 1, 1, 1, 1, 3, 8};
  expect_counts<Cfg, 20, kernels::conv_pool<>>(d, geo, 2 * 24 * 20);
  const auto c = conv_direct_kernel_cost(d, geo);
  EXPECT_EQ(c.gemm.column_iterations, 2);
  EXPECT_EQ(c.vector_tiles % 2, 0);  // every column pair loads the same tiles again
}

// The choice the partition makes rests on these figures. Few input channels to many output channels: the
// direct kernel pads each tap to tile_k (9 x 8 columns instead of 27 padded to 32), gathers every tile lane
// by lane, and does so again for each of the 4 column pairs, so im2col is cheaper. As many channels as
// tile_k: most A tiles are single vector loads and nothing is gathered twice, so direct is cheaper.
TEST(ConvDirectKernelCost, TheCheaperVariantDependsOnTheLayer) {
  ConvKernelDesc d;
  d.batch = 2, d.out_positions = 64, d.taps = 9, d.rows_output = true;
  d.channels_in = 3, d.n = 64, d.channels_out = 64;
  const ConvGeometry three{3, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 8, 8};
  EXPECT_GT(conv_direct_kernel_cost(d, three).cycles, conv_kernel_cost(d).cycles);
  d.channels_in = 8, d.n = 16, d.channels_out = 8;
  const ConvGeometry eight{8, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 8, 8};
  EXPECT_LT(conv_direct_kernel_cost(d, eight).cycles, conv_kernel_cost(d).cycles);
  ConvGeometry wrong = eight;
  wrong.ci = 4;
  EXPECT_THROW(conv_direct_kernel_cost(d, wrong), InputError);
}

}  // namespace
}  // namespace aie4ml::testing
