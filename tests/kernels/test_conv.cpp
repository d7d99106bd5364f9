// The convolution kernel (kernels/conv.h) built against emu/, bit for bit against the reference
// interpreter's Conv (src/sim, NCHW, an independent direct loop nest): 1-D and 2-D, padding, stride,
// dilation, ReLU, right and left shifts, int8 and int16 activations, several samples per batch.
#include <gtest/gtest.h>

#include <random>

#include "conv.h"
#include "conv_harness.h"
#include "dense_harness.h"
#include "ir/model.h"
#include "passes/pack_weights.h"
#include "sim/conv_cost.h"
#include "sim/interpreter.h"
#include "support/error.h"

namespace aie4ml::testing {
namespace {


template <class Cfg>
DenseGrid grid_of(const ConvCase& c, int cas_length, int cas_num) {
  constexpr auto S = Cfg::dense::schedule;
  return DenseGrid::make(int(Cfg::rows), c.kh * c.kw * c.ci, c.co, cas_length, cas_num,
                         {int(S.tile_m), int(S.tile_k), int(S.tile_n)});
}

template <class Cfg>
void check_conv(const ConvCase& c, uint64_t seed) {
  using G = typename Cfg::geometry;
  ASSERT_EQ(int(G::out_h), c.oh());
  ASSERT_EQ(int(G::out_w), c.ow());
  const ConvOperands o = make_operands(c, seed);
  const DenseGrid g = grid_of<Cfg>(c, 1, 1);
  ASSERT_EQ(g.m_padded, int(Cfg::m));
  ASSERT_EQ(g.k_slice, int(Cfg::k));
  ASSERT_EQ(g.n_slice, int(Cfg::dense::schedule.n));

  auto in = kernel_input<Cfg>(o);
  const auto wk = pack<typename Cfg::b_type>(std::span<const int64_t>(o.wg), weight_pack_map(g, 0, 0));
  const auto bk = pack<typename Cfg::bias_type>(std::span<const int64_t>(o.b), bias_pack_map(g, 0));
  AlignedArray<typename Cfg::c_type> out(Cfg::output_elems);
  adf::input_buffer<typename Cfg::a_type> in_port(in.data(), in.size());
  adf::output_buffer<typename Cfg::c_type> out_port(out.data(), out.size());
  kernels::conv_single<Cfg>(in_port, out_port, wk.template as_rtp<Cfg::weight_elems>(),
                            bk.template as_rtp<Cfg::bias_elems>());
  std::vector<int64_t> packed(out.size()), rows(size_t(Cfg::rows) * c.co);
  for (size_t i = 0; i < out.size(); ++i) packed[i] = static_cast<int64_t>(out[i]);
  const auto map = output_pack_map(g, 0);
  scatter_output(std::span<const int64_t>(packed), std::span<const int64_t>(map), std::span<int64_t>(rows));
  expect_equal_to_reference(c, o, rows);
}

constexpr auto kConv = aie::rounding_mode::conv_even;
constexpr auto kSat = aie::saturation_mode::saturate;
const FixedType i8x{8, 4, true, RoundingMode::RndConv, OverflowMode::Sat};
const FixedType i8w{8, 7, true, RoundingMode::RndConv, OverflowMode::Sat};

TEST(ConvKernel, Conv1dPaddedStridedDilatedInt8) {
  // CI 3, W 16, k 3, stride 2, dilation 2, pads 2/1 -> OW 8; y frac 3: shift 4 + 7 - 3 = 8.
  const ConvCase c{3, 3, 1, 16, 5, 1, 3, 1, 2, 1, 2, 0, 2, 0, 1, i8x, i8w, FixedType{8, 3, true, RoundingMode::RndConv, OverflowMode::Sat}, false};
  using G = kernels::conv_geometry<3, 1, 16, 1, 3, 1, 2, 1, 2, 0, 2, 1, 8>;
  check_conv<kernels::conv_config<int8, int8, int8, acc32, 4, 8, 8, G, 3, 16, 8, false, kConv, kSat>>(c, 1);
}

TEST(ConvKernel, Conv1dSamePaddingReluLikeTheKerasModel) {
  // conv1d_small_keras's first layer: CI 4, W 10, k 4, pads 1/2 -> OW 10; ReLU.
  const ConvCase c{2, 4, 1, 10, 3, 1, 4, 1, 1, 1, 1, 0, 1, 0, 2, i8x, i8w, FixedType{8, 4, true, RoundingMode::RndConv, OverflowMode::Sat}, true};
  using G = kernels::conv_geometry<4, 1, 10, 1, 4, 1, 1, 1, 1, 0, 1, 1, 10>;
  check_conv<kernels::conv_config<int8, int8, int8, acc32, 4, 8, 8, G, 2, 16, 7, true, kConv, kSat>>(c, 2);
}

TEST(ConvKernel, Conv2dStrideDilationInt8ToInt16) {
  // CI 2, 9x8, k 3x3, stride (2,1), dilation (1,2), pads 1 -> 5x6; int16 output with frac 9: shift 2.
  const ConvCase c{2, 2, 9, 8, 6, 3, 3, 2, 1, 1, 2, 1, 1, 1, 1, i8x, i8w, FixedType{16, 9, true, RoundingMode::Rnd, OverflowMode::Sat}, false};
  using G = kernels::conv_geometry<2, 9, 8, 3, 3, 2, 1, 1, 2, 1, 1, 5, 6>;
  check_conv<kernels::conv_config<int8, int8, int16, acc32, 4, 8, 8, G, 2, 16, 2, false,
                                  aie::rounding_mode::positive_inf, kSat>>(c, 3);
}

TEST(ConvKernel, Conv2dLikeTheKerasModelWithALeftShift) {
  // conv2d_small_keras: 1 channel 8x8, k 3x3, pads 1 -> 8x8, 2 filters; y frac 13 > 4 + 7: shift -2.
  const ConvCase c{1, 1, 8, 8, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, i8x, i8w, FixedType{16, 13, true, RoundingMode::RndConv, OverflowMode::Sat}, true};
  using G = kernels::conv_geometry<1, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 8, 8>;
  check_conv<kernels::conv_config<int8, int8, int16, acc32, 4, 8, 8, G, 1, 16, -2, true, kConv, kSat>>(c, 4);
}

TEST(ConvKernel, Conv2dInt16Activations) {
  // int16 x int8 (mmul 4x4x8), CI 3, 6x5, k 2x2, stride 2, no padding -> 3x2.
  const FixedType x16{16, 10, true, RoundingMode::RndConv, OverflowMode::Sat};
  const ConvCase c{2, 3, 6, 5, 4, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, x16, i8w, FixedType{16, 9, true, RoundingMode::RndConv, OverflowMode::Sat}, false};
  using G = kernels::conv_geometry<3, 6, 5, 2, 2, 2, 2, 1, 1, 0, 0, 3, 2>;
  check_conv<kernels::conv_config<int16, int8, int16, acc32, 4, 4, 8, G, 2, 16, 8, false, kConv, kSat>>(c, 5);
}

// conv_single_rows with Chunk: a batch of 6 samples run 2 at a time (3 chunks of 2 x 25 = 50 GEMM rows,
// padded to 56), with a fused 2 x 2 / 2 MaxPool (floor: 2 x 2 pooled positions of the 5 x 5 output).
// Every pooled code equals the reference interpreter's Conv -> MaxPool, and the chunked kernel writes the
// same bytes as the one that takes the whole batch at once.
TEST(ConvKernel, ChunkedRowsWithFusedPoolMatchTheInterpreter) {
  const ConvCase c{6, 3, 5, 5, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, i8x, i8w,
                   FixedType{8, 3, true, RoundingMode::RndConv, OverflowMode::Sat}, true};
  using G = kernels::conv_geometry<3, 5, 5, 3, 3, 1, 1, 1, 1, 1, 1, 5, 5>;
  using Chunked = kernels::conv_config<int8, int8, int8, acc32, 4, 8, 8, G, 6, 16, 8, true, kConv, kSat, 0, 0, 2>;
  using Whole = kernels::conv_config<int8, int8, int8, acc32, 4, 8, 8, G, 6, 16, 8, true, kConv, kSat>;
  using Pool = kernels::conv_pool<2, 2, 2, 2>;
  static_assert(Chunked::chunks == 3 && Chunked::chunk_rows == 50 && Chunked::m == 56);
  static_assert(Chunked::im2col_elems == 56 * 32 && Whole::im2col_elems == 152 * 32);  // one chunk's rows
  const ConvOperands o = make_operands(c, 11);
  const DenseGrid g = DenseGrid::make(int(Chunked::chunk_rows), c.kh * c.kw * c.ci, c.co, 1, 1, {4, 8, 8});
  ASSERT_EQ(g.m_padded, int(Chunked::m));
  const auto wk = pack<int8>(std::span<const int64_t>(o.wg), weight_pack_map(g, 0, 0));
  const auto bk = pack<int32>(std::span<const int64_t>(o.b), bias_pack_map(g, 0));
  constexpr unsigned pooled = 2 * 2, out_elems = 6 * pooled * 5;
  auto run = [&](auto cfg) {
    using Cfg = decltype(cfg);
    auto in = kernel_input<Cfg>(o);
    AlignedArray<int8> out(out_elems);
    adf::input_buffer<int8> in_port(in.data(), in.size());
    adf::output_buffer<int8> out_port(out.data(), out.size());
    kernels::conv_single_rows<Cfg, 5, Pool>(in_port, out_port, wk.template as_rtp<Cfg::weight_elems>(),
                                            bk.template as_rtp<Cfg::bias_elems>());
    std::vector<int64_t> codes(out_elems);
    for (unsigned i = 0; i < out_elems; ++i) codes[i] = out[i];
    return codes;
  };
  const auto got = run(Chunked{});
  const auto ref = reference_conv(c, o.x, o.w, o.b, {2, 2, 2, 2});
  ASSERT_EQ(ref.size(), size_t(out_elems));
  for (int s = 0; s < c.batch; ++s)
    for (int n = 0; n < c.co; ++n)
      for (unsigned p = 0; p < pooled; ++p)
        ASSERT_EQ(got[(size_t(s) * pooled + p) * c.co + n], ref[(size_t(s) * c.co + n) * pooled + p])
            << "sample " << s << " channel " << n << " pooled position " << p;
  EXPECT_EQ(got, run(Whole{}));
}

TEST(ConvKernel, CascadeSplitsTheWindowAndChainsTheChannels) {
  // CI 8, 5x6, k 3x3, pads 1 -> 5x6; window 72 over a cascade of 3 (24 columns each), 20 output
  // channels over 2 chains (16 each, padded); batch 2 (60 rows, padded to 64); ReLU.
  const ConvCase c{2, 8, 5, 6, 20, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, i8x, i8w,
                   FixedType{8, 4, true, RoundingMode::RndConv, OverflowMode::Sat}, true};
  using G = kernels::conv_geometry<8, 5, 6, 3, 3, 1, 1, 1, 1, 1, 1, 5, 6>;
  using C0 = kernels::conv_config<int8, int8, int8, acc32, 4, 8, 8, G, 2, 16, 7, true, kConv, kSat, 0, 24>;
  using C1 = kernels::conv_config<int8, int8, int8, acc32, 4, 8, 8, G, 2, 16, 7, true, kConv, kSat, 24, 24>;
  using C2 = kernels::conv_config<int8, int8, int8, acc32, 4, 8, 8, G, 2, 16, 7, true, kConv, kSat, 48, 24>;
  const ConvOperands o = make_operands(c, 6);
  const DenseGrid g = grid_of<C0>(c, 3, 2);
  ASSERT_EQ(g.k_slice, 24);
  ASSERT_EQ(g.n_slice, 16);
  ASSERT_EQ(g.m_padded, int(C0::m));
  auto in = kernel_input<C0>(o);
  adf::input_buffer<int8> in_port(in.data(), in.size());
  std::vector<int64_t> rows(size_t(C0::rows) * c.co);
  for (int chain = 0; chain < 2; ++chain) {
    const auto w0 = pack<int8>(std::span<const int64_t>(o.wg), weight_pack_map(g, chain, 0));
    const auto w1 = pack<int8>(std::span<const int64_t>(o.wg), weight_pack_map(g, chain, 1));
    const auto w2 = pack<int8>(std::span<const int64_t>(o.wg), weight_pack_map(g, chain, 2));
    const auto bk = pack<int32>(std::span<const int64_t>(o.b), bias_pack_map(g, chain));
    aie4ml_emu::cascade_link<acc32> l01, l12;
    output_cascade<acc32> o01(l01), o12(l12);
    input_cascade<acc32> i01(l01), i12(l12);
    AlignedArray<int8> out(C2::output_elems);
    adf::output_buffer<int8> out_port(out.data(), out.size());
    kernels::conv_first<C0>(in_port, &o01, w0.as_rtp<C0::weight_elems>());
    kernels::conv_middle<C1>(in_port, &i01, &o12, w1.as_rtp<C1::weight_elems>());
    kernels::conv_last<C2>(in_port, &i12, out_port, w2.as_rtp<C2::weight_elems>(), bk.as_rtp<C2::bias_elems>());
    EXPECT_EQ(l01.pending() + l12.pending(), 0u);
    std::vector<int64_t> packed(out.size());
    for (size_t i = 0; i < out.size(); ++i) packed[i] = out[i];
    const auto map = output_pack_map(g, chain);
    scatter_output(std::span<const int64_t>(packed), std::span<const int64_t>(map), std::span<int64_t>(rows));
  }
  expect_equal_to_reference(c, o, rows);
}

}  // namespace
}  // namespace aie4ml::testing

namespace aie4ml::testing {
namespace {

// The cost model's GEMM counts equal what the conv kernel executes under the emulator (its im2col is
// scalar code, which the vector counters do not see), and the gather is charged per A element.
TEST(ConvKernelCost, CountsEqualEmulatedOperations) {
  using G = kernels::conv_geometry<3, 6, 5, 3, 3, 1, 2, 1, 1, 1, 1, 6, 3>;
  using Cfg = kernels::conv_config<int8, int8, int8, acc32, 4, 8, 8, G, 2, 16, 6, true, kConv, kSat>;
  AlignedArray<int8> a(Cfg::input_elems), w(Cfg::weight_elems);
  AlignedArray<int32> b(Cfg::bias_elems);
  AlignedArray<int8> c(Cfg::output_elems);
  adf::input_buffer<int8> in(a.data(), a.size());
  adf::output_buffer<int8> out(c.data(), c.size());
  aie4ml_emu::reset_counters();
  kernels::conv_single<Cfg>(in, out, w.as_rtp<Cfg::weight_elems>(), b.as_rtp<Cfg::bias_elems>());
  const auto& got = aie4ml_emu::counters;
  ConvKernelDesc d;
  d.batch = 2, d.channels_in = 3, d.out_positions = 6 * 3, d.taps = 9, d.n = 16, d.channels_out = 5;
  d.shift = 6, d.relu = true;
  const auto want = conv_kernel_cost(d);
  EXPECT_EQ(want.rows, 36);
  EXPECT_EQ(want.rows_padded, 40);
  EXPECT_EQ(want.window_padded, 32);
  EXPECT_EQ(want.im2col_elements, int64_t(Cfg::im2col_elems));
  EXPECT_EQ(int64_t(got.mmul_issues), want.gemm.mmul_issues);
  EXPECT_EQ(int64_t(got.vector_loads), want.gemm.vector_loads);
  EXPECT_EQ(int64_t(got.vector_stores), want.gemm.vector_stores);
  EXPECT_EQ(int64_t(got.srs_ops), want.gemm.srs_ops);
  EXPECT_EQ(want.cycles, want.im2col_cycles + want.gemm.cycles);
  EXPECT_EQ(want.useful_macs, 36 * 27 * 5);
  EXPECT_GT(want.efficiency, 0.0);
  EXPECT_LT(want.efficiency, 1.0);
}

// Chunked (conv_single_rows, Chunk 2 of a batch of 6): the emulator executes the cost model's one-chunk
// GEMM counts once per chunk, and the gather is charged for every chunk's padded rows.
TEST(ConvKernelCost, ChunkedCountsEqualEmulatedOperations) {
  using G = kernels::conv_geometry<3, 5, 5, 3, 3, 1, 1, 1, 1, 1, 1, 5, 5>;
  using Cfg = kernels::conv_config<int8, int8, int8, acc32, 4, 8, 8, G, 6, 16, 8, true, kConv, kSat, 0, 0, 2>;
  AlignedArray<int8> a(Cfg::input_elems), w(Cfg::weight_elems);
  AlignedArray<int32> b(Cfg::bias_elems);
  AlignedArray<int8> c(6 * 4 * 5);
  adf::input_buffer<int8> in(a.data(), a.size());
  adf::output_buffer<int8> out(c.data(), c.size());
  aie4ml_emu::reset_counters();
  kernels::conv_single_rows<Cfg, 5, kernels::conv_pool<2, 2, 2, 2>>(in, out, w.as_rtp<Cfg::weight_elems>(),
                                                                    b.as_rtp<Cfg::bias_elems>());
  const auto& got = aie4ml_emu::counters;
  ConvKernelDesc d;
  d.batch = 6, d.chunk = 2, d.channels_in = 3, d.out_positions = 25, d.taps = 9, d.n = 16, d.channels_out = 5;
  d.shift = 8, d.relu = true, d.rows_output = true, d.pool_positions = 4, d.pool_taps = 4;
  const auto want = conv_kernel_cost(d);
  ConvKernelDesc whole = d;
  whole.chunk = 0;
  const auto once = conv_kernel_cost(whole);
  EXPECT_EQ(want.chunks, 3);
  EXPECT_EQ(want.rows_padded, 56);  // 2 x 25 rows padded to 8
  EXPECT_EQ(want.im2col_elements, 3 * int64_t(Cfg::im2col_elems));
  EXPECT_EQ(int64_t(got.mmul_issues), 3 * want.gemm.mmul_issues);
  EXPECT_EQ(int64_t(got.vector_loads), 3 * want.gemm.vector_loads);
  EXPECT_EQ(int64_t(got.vector_stores), 3 * want.gemm.vector_stores);
  EXPECT_EQ(int64_t(got.srs_ops), 3 * want.gemm.srs_ops);
  EXPECT_EQ(want.cycles, want.im2col_cycles + 3 * want.gemm.cycles + want.repack_cycles + want.pool_cycles);
  EXPECT_EQ(want.repack_cycles, once.repack_cycles);  // real rows only, chunked or not
  EXPECT_EQ(want.useful_macs, once.useful_macs);
  EXPECT_GT(want.cycles, once.cycles);  // 3 x 56 padded rows and three GEMM calls instead of 152 rows and one
  EXPECT_THROW(([&] { ConvKernelDesc bad = d; bad.chunk = 4; conv_kernel_cost(bad); })(), InputError);
}

// The cascade variants: the same equality per position, cascade words included.
TEST(ConvKernelCost, CascadeVariantCountsEqualEmulatedOperations) {
  using G = kernels::conv_geometry<8, 5, 6, 3, 3, 1, 1, 1, 1, 1, 1, 5, 6>;
  using C0 = kernels::conv_config<int8, int8, int8, acc32, 4, 8, 8, G, 2, 16, 7, true, kConv, kSat, 0, 24>;
  using C1 = kernels::conv_config<int8, int8, int8, acc32, 4, 8, 8, G, 2, 16, 7, true, kConv, kSat, 24, 24>;
  using C2 = kernels::conv_config<int8, int8, int8, acc32, 4, 8, 8, G, 2, 16, 7, true, kConv, kSat, 48, 24>;
  AlignedArray<int8> a(C0::input_elems), w(C0::weight_elems), c(C2::output_elems);
  AlignedArray<int32> b(C2::bias_elems);
  adf::input_buffer<int8> in(a.data(), a.size());
  adf::output_buffer<int8> out(c.data(), c.size());
  aie4ml_emu::cascade_link<acc32> l01, l12;
  output_cascade<acc32> o01(l01), o12(l12);
  input_cascade<acc32> i01(l01), i12(l12);
  auto expect = [&](cascade_pos pos, int k_begin) {
    ConvKernelDesc d;
    d.batch = 2, d.channels_in = 8, d.out_positions = 30, d.taps = 9, d.n = 16, d.shift = 7, d.relu = true;
    d.pos = pos, d.k_begin = k_begin, d.k_slice = 24;
    const auto want = conv_kernel_cost(d);
    const auto& got = aie4ml_emu::counters;
    EXPECT_EQ(want.im2col_elements, int64_t(C0::im2col_elems));
    EXPECT_EQ(int64_t(got.mmul_issues), want.gemm.mmul_issues);
    EXPECT_EQ(int64_t(got.vector_loads), want.gemm.vector_loads);
    EXPECT_EQ(int64_t(got.vector_stores), want.gemm.vector_stores);
    EXPECT_EQ(int64_t(got.cascade_reads), want.gemm.cascade_reads);
    EXPECT_EQ(int64_t(got.cascade_writes), want.gemm.cascade_writes);
    EXPECT_EQ(want.useful_macs, 60 * 24 * 16);
  };
  aie4ml_emu::reset_counters();
  kernels::conv_first<C0>(in, &o01, w.as_rtp<C0::weight_elems>());
  expect(cascade_pos::first, 0);
  aie4ml_emu::reset_counters();
  kernels::conv_middle<C1>(in, &i01, &o12, w.as_rtp<C1::weight_elems>());
  expect(cascade_pos::middle, 24);
  aie4ml_emu::reset_counters();
  kernels::conv_last<C2>(in, &i12, out, w.as_rtp<C2::weight_elems>(), b.as_rtp<C2::bias_elems>());
  expect(cascade_pos::last, 48);
}

}  // namespace
}  // namespace aie4ml::testing

namespace aie4ml::testing {
namespace {

ConvGemm square_conv(int64_t ci, int64_t hw, int64_t k, int64_t co) {
  ConvGemm g;
  g.layer = "conv";
  g.channels_in = ci, g.in_h = g.in_w = hw, g.kernel_h = g.kernel_w = k, g.pad_h = g.pad_w = k / 2;
  g.out_h = g.out_w = hw, g.channels_out = co;
  return g;
}

TEST(ConvLayerPlan, SmallLayerNeedsNoChainsAndBeatsOneTile) {
  // conv2d_small_keras's Conv: 1 channel 8x8, 3x3, 2 filters, batch 8 (512 GEMM rows, window 9).
  ConvKernelDesc d;
  d.batch = 8;
  const auto p = plan_conv_layer(square_conv(1, 8, 3, 2), d, 1, 1, 1);
  EXPECT_EQ(p.cas_num, 1);  // 2 filters fill one 16-channel slice: more chains cannot be faster
  EXPECT_EQ(p.n_slice, 16);
  EXPECT_LE(p.tile_bytes, 65536);
  ConvKernelDesc one = d;
  one.channels_in = 1, one.out_positions = 64, one.taps = 9, one.n = 16, one.channels_out = 2;
  EXPECT_LE(p.cycles, conv_kernel_cost(one).cycles);
  const int64_t k_begin = (p.cas_length - 1) * p.k_slice;
  EXPECT_EQ(p.last.useful_macs, 512 * (9 - k_begin) * 2);
}

TEST(ConvLayerPlan, LargeLayersSplitWithinTheTileLimits) {
  // 64 channels 8x8, 3x3, 64 filters: 576 x 64 int8 weights (36 KB) need at least three weight banks.
  ConvKernelDesc d;
  d.batch = 1;
  const ConvTileLimits limits;
  const auto p = plan_conv_layer(square_conv(64, 8, 3, 64), d, 1, 1, 1, limits);
  EXPECT_GE(p.cas_length * p.cas_num, 3);
  EXPECT_LE(p.weight_bytes, limits.weight_bank_bytes);
  EXPECT_LE(p.tile_bytes, limits.data_memory_bytes);
  // No slower than a hand-picked legal split: 3 kernels along the window (192 columns each), one chain.
  ConvKernelDesc last = d;
  last.channels_in = 64, last.out_positions = 64, last.taps = 9, last.n = 64;
  last.pos = cascade_pos::last, last.k_begin = 384, last.k_slice = 192;
  EXPECT_LE(p.cycles, conv_kernel_cost(last).cycles);
  ConvTileLimits tiny = limits;
  tiny.data_memory_bytes = 4096;
  EXPECT_THROW(plan_conv_layer(square_conv(64, 8, 3, 64), d, 1, 1, 1, tiny), InputError);
}

}  // namespace
}  // namespace aie4ml::testing
