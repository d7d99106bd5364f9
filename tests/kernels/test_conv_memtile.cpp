// The memory-tile im2col conv kernel (kernels/conv_memtile.h) built against emu/, fed the way the array
// feeds it: the channels-last input walked by the memory-tile tiling parameters of
// src/design/conv_memtile.h (patch_access) as emu/adf/tiling.h executes them (zero padding included), then
// bit for bit against the reference interpreter's Conv: 1-D and 2-D, padding, stride 2, int8 and int16
// activations, paired / odd / single K blocks, unaligned rows, chunks. Then its cost model
// (src/sim/conv_memtile_cost.h) against the emulator's operation counters.
#include <gtest/gtest.h>

#include "adf/tiling.h"
#include "conv_harness.h"
#include "conv_memtile.h"
#include "dense_harness.h"
#include "design/conv_memtile.h"
#include "passes/conv_gemm.h"
#include "passes/pack_weights.h"
#include "sim/conv_memtile_cost.h"

namespace aie4ml::testing {
namespace {

constexpr auto kConv = aie::rounding_mode::conv_even;
constexpr auto kSat = aie::saturation_mode::saturate;
const FixedType i8x{8, 4, true, RoundingMode::RndConv, OverflowMode::Sat};
const FixedType i8w{8, 7, true, RoundingMode::RndConv, OverflowMode::Sat};
const FixedType x16{16, 10, true, RoundingMode::RndConv, OverflowMode::Sat};

std::vector<int64_t> geometry(const ConvCase& c) {
  return {c.ci, c.ih, c.iw, c.kh, c.kw, c.sh, c.sw, c.dh, c.dw, c.ph, c.pw, c.oh(), c.ow()};
}

adf::tiling_parameters to_adf(const TilingParams& t) {
  adf::tiling_parameters p;
  for (auto x : t.buffer_dimension) p.buffer_dimension.push_back(unsigned(x));
  for (auto x : t.tiling_dimension) p.tiling_dimension.push_back(unsigned(x));
  for (auto x : t.offset) p.offset.push_back(int(x));
  for (auto& s : t.tile_traversal) p.tile_traversal.push_back({s.dimension, int(s.stride), int(s.wrap)});
  for (auto x : t.boundary_dimension) p.boundary_dimension.push_back(unsigned(x));
  return p;
}

// The kernel's input as the memory tile delivers it: the patch walk over the channels-last batch.
template <class Cfg>
AlignedArray<typename Cfg::a_type> patch_input(const ConvCase& c, const ConvOperands& o, unsigned tile_k) {
  const auto addrs = aie4ml_emu::expand_tiling(to_adf(conv_memtile::patch_access(geometry(c), tile_k, c.batch, c.batch)),
                                               "test patch walk");
  EXPECT_EQ(addrs.size(), size_t(Cfg::input_elems));
  AlignedArray<typename Cfg::a_type> in(Cfg::input_elems);
  for (size_t i = 0; i < addrs.size() && i < in.size(); ++i)
    in[i] = addrs[i] < 0 ? 0 : static_cast<typename Cfg::a_type>(o.x_nhwc[size_t(addrs[i])]);
  return in;
}

ConvGemm gemm_of(const ConvCase& c, const ConvOperands& o) {
  ConvGemm g;
  g.layer = "conv";
  g.channels_in = c.ci, g.in_h = c.ih, g.in_w = c.iw, g.kernel_h = c.kh, g.kernel_w = c.kw;
  g.stride_h = c.sh, g.stride_w = c.sw, g.dilation_h = c.dh, g.dilation_w = c.dw, g.pad_h = c.ph, g.pad_w = c.pw;
  g.out_h = c.oh(), g.out_w = c.ow(), g.channels_out = c.co;
  g.weight_codes = o.wg;
  return g;
}

template <class Cfg, unsigned CO>
void check_memtile(const ConvCase& c, uint64_t seed) {
  ASSERT_EQ(int(Cfg::geometry::out_h), c.oh());
  ASSERT_EQ(int(Cfg::geometry::out_w), c.ow());
  constexpr auto S = Cfg::dense::schedule;
  const ConvOperands o = make_operands(c, seed);
  const DenseGrid grid = DenseGrid::make(int(Cfg::chunk_rows), int(Cfg::k_slice), c.co, 1, 1,
                                         {int(S.tile_m), int(S.tile_k), int(S.tile_n)});
  auto wd = direct_weight_codes(gemm_of(c, o), S.tile_k);
  wd.resize(size_t(Cfg::k_slice) * c.co, 0);
  const auto wk = pack<typename Cfg::b_type>(std::span<const int64_t>(wd), weight_pack_map(grid, 0, 0));
  const auto bk = pack<typename Cfg::bias_type>(std::span<const int64_t>(o.b), bias_pack_map(grid, 0));
  auto in = patch_input<Cfg>(c, o, S.tile_k);
  const size_t n = size_t(c.batch) * c.oh() * c.ow() * CO;
  AlignedArray<typename Cfg::c_type> out(n);
  adf::input_buffer<typename Cfg::a_type> in_port(in.data(), in.size());
  adf::output_buffer<typename Cfg::c_type> out_port(out.data(), out.size());
  kernels::conv_memtile_rows<Cfg, CO>(in_port, out_port, wk.template as_rtp<Cfg::weight_elems>(),
                                      bk.template as_rtp<Cfg::bias_elems>());
  std::vector<int64_t> codes(n);
  for (size_t i = 0; i < n; ++i) codes[i] = static_cast<int64_t>(out[i]);
  expect_equal_to_reference(c, o, codes);
}

TEST(ConvMemtileKernel, Conv1dFourChannelsSamePaddingOddBlocksUnaligned) {
  // CI 4 padded to 8 per tap, W 12, k 3, pads 1/1 -> OW 12, batch 2: K 24 = 3 blocks (a pair and an odd
  // one), rows of 24 bytes (unaligned loads); ReLU.
  const ConvCase c{2, 4, 1, 12, 6, 1, 3, 1, 1, 1, 1, 0, 1, 0, 1, i8x, i8w,
                   FixedType{8, 4, true, RoundingMode::RndConv, OverflowMode::Sat}, true};
  using G = kernels::conv_geometry<4, 1, 12, 1, 3, 1, 1, 1, 1, 0, 1, 1, 12>;
  using Cfg = kernels::conv_memtile_config<int8, int8, int8, acc32, 4, 8, 8, G, 2, 16, 7, true, kConv, kSat>;
  static_assert(Cfg::paired && !Cfg::aligned_rows && Cfg::k_blocks == 3);
  check_memtile<Cfg, 6>(c, 31);
}

TEST(ConvMemtileKernel, Conv2dSamePaddingChunks) {
  // CI 8, 5 x 6, 3 x 3 'same', batch 3 in chunks of 1 (30 rows padded to 32); K 72 = 9 blocks.
  const ConvCase c{3, 8, 5, 6, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, i8x, i8w,
                   FixedType{8, 3, true, RoundingMode::RndConv, OverflowMode::Sat}, false};
  using G = kernels::conv_geometry<8, 5, 6, 3, 3, 1, 1, 1, 1, 1, 1, 5, 6>;
  using Cfg = kernels::conv_memtile_config<int8, int8, int8, acc32, 4, 8, 8, G, 3, 16, 8, false, kConv, kSat, 0, 1>;
  static_assert(Cfg::chunks == 3 && Cfg::m == 32);
  check_memtile<Cfg, 5>(c, 32);
}

TEST(ConvMemtileKernel, Conv2dStride2Int16) {
  // int16 x int8 (4x4x8): CI 4, 7 x 6, 3 x 3, stride 2, pads 1/1 -> 4 x 3; rows of 9 x 4 x 2 bytes.
  const ConvCase c{2, 4, 7, 6, 8, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, x16, i8w,
                   FixedType{16, 8, true, RoundingMode::RndConv, OverflowMode::Sat}, true};
  using G = kernels::conv_geometry<4, 7, 6, 3, 3, 2, 2, 1, 1, 1, 1, 4, 3>;
  using Cfg = kernels::conv_memtile_config<int16, int8, int16, acc32, 4, 4, 8, G, 2, 16, 9, true, kConv, kSat>;
  static_assert(Cfg::paired && Cfg::k_blocks == 9);
  check_memtile<Cfg, 8>(c, 33);
}

TEST(ConvMemtileKernel, PointwiseOneBlockPartialTile) {
  // 1 x 1 conv of 8 channels: K = one block, the A tile is 4 consecutive rows; 3 x 5 = 15 rows, the last
  // tile partial.
  const ConvCase c{3, 8, 1, 5, 4, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, i8x, i8w,
                   FixedType{8, 4, true, RoundingMode::RndConv, OverflowMode::Sat}, false};
  using G = kernels::conv_geometry<8, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 1, 5>;
  using Cfg = kernels::conv_memtile_config<int8, int8, int8, acc32, 4, 8, 8, G, 3, 16, 7, false, kConv, kSat>;
  static_assert(!Cfg::paired && Cfg::k_blocks == 1);
  check_memtile<Cfg, 4>(c, 34);
}

// The cost model's counts against the emulator's while the kernel runs on zero operands.
template <class Cfg, unsigned CO>
void expect_counts(const ConvKernelDesc& d, const ConvGeometry& geo, unsigned out_elems) {
  AlignedArray<typename Cfg::a_type> a(Cfg::input_elems);
  AlignedArray<typename Cfg::b_type> w(Cfg::weight_elems);
  AlignedArray<int32> b(Cfg::bias_elems);
  AlignedArray<typename Cfg::c_type> c(out_elems);
  adf::input_buffer<typename Cfg::a_type> in(a.data(), a.size());
  adf::output_buffer<typename Cfg::c_type> out(c.data(), c.size());
  aie4ml_emu::reset_counters();
  kernels::conv_memtile_rows<Cfg, CO>(in, out, w.template as_rtp<Cfg::weight_elems>(), b.template as_rtp<Cfg::bias_elems>());
  const auto got = aie4ml_emu::counters;
  const auto want = conv_memtile_kernel_cost(d, geo);
  EXPECT_EQ(want.k, int64_t(Cfg::k));
  EXPECT_EQ(want.paired, Cfg::paired);
  EXPECT_EQ(int64_t(got.mmul_issues), want.chunks * want.gemm.mmul_issues);
  EXPECT_EQ(int64_t(got.vector_loads), want.vector_loads);
  EXPECT_EQ(int64_t(got.shuffles), want.shuffles);
  EXPECT_EQ(int64_t(got.lane_inserts), want.lane_inserts);
  EXPECT_EQ(int64_t(got.srs_ops), want.chunks * want.gemm.srs_ops);
  EXPECT_GT(want.cycles, want.chunks * want.gemm.cycles);  // the repack at least
}

TEST(ConvMemtileKernelCost, CountsEqualEmulatedOperations) {
  {  // int8, odd K blocks, unaligned rows, chunks of 1 of 3 samples
    using G = kernels::conv_geometry<8, 5, 6, 3, 3, 1, 1, 1, 1, 1, 1, 5, 6>;
    using Cfg = kernels::conv_memtile_config<int8, int8, int8, acc32, 4, 8, 8, G, 3, 16, 8, false, kConv, kSat, 0, 1>;
    ConvKernelDesc d;
    d.batch = 3, d.chunk = 1, d.channels_in = 8, d.out_positions = 30, d.taps = 9, d.n = 16, d.channels_out = 5;
    d.shift = 8, d.rows_output = true;
    expect_counts<Cfg, 5>(d, ConvGeometry{8, 5, 6, 3, 3, 1, 1, 1, 1, 1, 1, 5, 6}, 3 * 30 * 5);
  }
  {  // int16, 32 output channels (two column pairs)
    using G = kernels::conv_geometry<4, 7, 6, 3, 3, 2, 2, 1, 1, 1, 1, 4, 3>;
    using Cfg = kernels::conv_memtile_config<int16, int8, int16, acc32, 4, 4, 8, G, 2, 32, 9, true, kConv, kSat>;
    ConvKernelDesc d;
    d.types = KernelTypePair::Int16xInt8, d.out_bits = 16, d.tile_k = 4;
    d.batch = 2, d.channels_in = 4, d.out_positions = 12, d.taps = 9, d.n = 32, d.channels_out = 32;
    d.shift = 9, d.relu = true, d.rows_output = true;
    expect_counts<Cfg, 32>(d, ConvGeometry{4, 7, 6, 3, 3, 2, 2, 1, 1, 1, 1, 4, 3}, 2 * 12 * 32);
  }
  {  // one K block, a partial last tile
    using G = kernels::conv_geometry<8, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 1, 5>;
    using Cfg = kernels::conv_memtile_config<int8, int8, int8, acc32, 4, 8, 8, G, 3, 16, 7, false, kConv, kSat>;
    ConvKernelDesc d;
    d.batch = 3, d.channels_in = 8, d.out_positions = 5, d.taps = 1, d.n = 16, d.channels_out = 4;
    d.shift = 7, d.rows_output = true;
    expect_counts<Cfg, 4>(d, ConvGeometry{8, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 1, 5}, 3 * 5 * 4);
  }
}

}  // namespace
}  // namespace aie4ml::testing
