// A Dense layer split over the array: cascade chains of length 1..8 times 1..8 parallel chains, packed
// by src/passes/pack_weights and run through the kernels over cascade links, recombine into exactly
// the reference layer; a 128 x 256 layer as 1x1, 2x2 and 4x4 grids; packing maps are permutations.
#include <set>

#include "dense_sweep.h"

namespace {

using aie4ml::DenseGrid;
using aie4ml::testing::check_layer;
using aie4ml::testing::CodeRanges;

constexpr CodeRanges kInt8{-128, 127, -128, 127, -50000, 50000};
using GridCfg = aie4ml::kernels::dense_config<int8, int8, int8, acc32, 4, 8, 8, 8, 16, 16, 7, true,
                                              aie::rounding_mode::conv_even, aie::saturation_mode::saturate>;

TEST(DenseGrid, ChainsOfLength1To8Times1To8ParallelChains) {
  std::mt19937_64 rng(31);
  for (int length = 1; length <= 8; ++length)
    for (int chains = 1; chains <= 8; ++chains) check_layer<GridCfg>(rng, length, chains, kInt8, "grid");
}

template <class Cfg>
void check_128x256(int length, int chains) {
  std::mt19937_64 rng(40 + length);
  const DenseGrid g = DenseGrid::make(8, 128, 256, length, chains, {4, 8, 8});
  ASSERT_EQ(g.k_slice, int(Cfg::schedule.k));
  ASSERT_EQ(g.n_slice, int(Cfg::schedule.n));
  const auto x = aie4ml::testing::random_codes(rng, 8 * 128, -128, 127);
  const auto w = aie4ml::testing::random_codes(rng, 128 * 256, -128, 127);
  const auto b = aie4ml::testing::random_codes(rng, 256, -30000, 30000);
  const auto y = aie4ml::testing::run_dense_layer<Cfg, int64_t>(g, x, w, b);
  const auto ref = aie4ml::testing::reference_dense(8, 128, 256, x, w, b, Cfg::shift, Cfg::relu, Cfg::rounding,
                                                    Cfg::saturation, 8);
  EXPECT_EQ(y, ref) << length << "x" << chains;
}

TEST(DenseGrid, Layer128x256As1x1And2x2And4x4) {
  using namespace aie4ml::kernels;
  constexpr auto R = aie::rounding_mode::positive_inf;
  constexpr auto S = aie::saturation_mode::saturate;
  check_128x256<dense_config<int8, int8, int8, acc32, 4, 8, 8, 8, 128, 256, 9, true, R, S>>(1, 1);
  check_128x256<dense_config<int8, int8, int8, acc32, 4, 8, 8, 8, 64, 128, 9, true, R, S>>(2, 2);
  check_128x256<dense_config<int8, int8, int8, acc32, 4, 8, 8, 8, 32, 64, 9, true, R, S>>(4, 4);
}

TEST(PackWeights, MapsAreInjectiveAndCoverTheLayer) {
  const DenseGrid g = DenseGrid::make(5, 37, 45, 3, 2, {4, 8, 8});
  EXPECT_EQ(g.m_padded, 8);
  EXPECT_EQ(g.k_slice, 16);
  EXPECT_EQ(g.n_slice, 32);
  auto covers = [](std::vector<std::vector<int64_t>> maps, int64_t total) {
    std::set<int64_t> seen;
    for (const auto& m : maps)
      for (int64_t i : m)
        if (i >= 0) {
          EXPECT_TRUE(seen.insert(i).second) << "source " << i << " packed twice";
          EXPECT_LT(i, total);
        }
    EXPECT_EQ(int64_t(seen.size()), total);
  };
  std::vector<std::vector<int64_t>> w, x, y, b;
  for (int c = 0; c < g.cas_num; ++c) {
    for (int p = 0; p < g.cas_length; ++p) w.push_back(aie4ml::weight_pack_map(g, c, p));
    y.push_back(aie4ml::output_pack_map(g, c));
    b.push_back(aie4ml::bias_pack_map(g, c));
    EXPECT_EQ(int(b.back().size()), g.bias_elems());
  }
  for (int p = 0; p < g.cas_length; ++p) x.push_back(aie4ml::input_pack_map(g, p));
  covers(w, 37 * 45);
  covers(x, 5 * 37);
  covers(y, 5 * 45);
  // The bias tile repeats each column's bias on every one of its tile_m rows.
  EXPECT_EQ(b[0][0], 0);
  EXPECT_EQ(b[0][8], 0);
  EXPECT_EQ(b[0][1], 1);
  // Layout spot checks against kernels/README.md: weight tile (ki=1, nj=0) of kernel (chain 1, pos 2)
  // starts at element 1 * 64; its element (r=2, c=3) is W[2*16 + 8 + 2][32 + 3].
  EXPECT_EQ(w[1 * 3 + 2][64 + 2 * 8 + 3], int64_t(2 * 16 + 8 + 2) >= 37 ? -1 : int64_t(42) * 45 + 35);
  EXPECT_EQ(aie4ml::weight_pack_map(g, 0, 0)[1 * 64 + 2 * 8 + 3], int64_t(8 + 2) * 45 + 3);
  EXPECT_EQ(aie4ml::input_pack_map(g, 1)[(1 * 2 + 1) * 32 + 3 * 8 + 5], -1);  // batch row 7 is padding
  EXPECT_EQ(aie4ml::input_pack_map(g, 1)[(0 * 2 + 1) * 32 + 3 * 8 + 5], int64_t(3) * 37 + 16 + 8 + 5);
  EXPECT_EQ(aie4ml::output_pack_map(g, 1)[(0 * 4 + 1) * 32 + 1 * 8 + 4], int64_t(1) * 45 + 32 + 8 + 4);
  EXPECT_EQ(aie4ml::output_pack_map(g, 1)[(0 * 4 + 2) * 32 + 1 * 8 + 4], -1);  // feature 52 is padding
}

TEST(PackWeights, BadGeometryAndCodesAreInputErrors) {
  EXPECT_THROW(DenseGrid::make(8, 0, 4, 1, 1, {4, 8, 8}, "fc9"), aie4ml::InputError);
  EXPECT_THROW(DenseGrid::make(8, 16, 16, 0, 1, {4, 8, 8}, "fc9"), aie4ml::InputError);
  DenseGrid g = DenseGrid::make(8, 16, 16, 1, 1, {4, 8, 8});
  g.n_slice = 8;  // not a multiple of 2 x tile_n
  EXPECT_THROW(g.validate("fc9"), aie4ml::InputError);
  const DenseGrid ok = DenseGrid::make(8, 16, 16, 1, 1, {4, 8, 8});
  std::vector<int64_t> w(256, 1), bias(16, 0);
  bias[3] = int64_t{1} << 33;
  try {
    aie4ml::pack_dense_codes(ok, w, bias, "fc9");
    FAIL() << "bias beyond int32 accepted";
  } catch (const aie4ml::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("fc9"), std::string::npos);
  }
  bias[3] = 5;
  const auto p = aie4ml::pack_dense_codes(ok, w, bias, "fc9");
  EXPECT_EQ(p.weights.size(), 1u);
  EXPECT_EQ(p.bias[0][3], 5);
  EXPECT_THROW(aie4ml::pack_dense_codes(ok, std::vector<int64_t>(10, 1), bias, "fc9"), aie4ml::InputError);
}

}  // namespace
