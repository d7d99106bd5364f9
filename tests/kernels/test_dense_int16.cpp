// kernels/dense.h, int16 x int8 (mmul 4x4x8, acc32) and int16 x int16 (mmul 4x4x4, acc64 and acc32),
// int16 output: every cascade variant x every rounding mode x every saturation mode on random padded
// shapes equals the reference Dense.
#include "dense_sweep.h"

namespace {

using aie4ml::testing::CodeRanges;
using aie4ml::testing::ModeSweep;

TEST(DenseKernelInt16, Int16xInt8Mmul4x4x8AllModesSingleAndChain) {
  constexpr CodeRanges r{-32768, 32767, -128, 127, -(int64_t{1} << 28), int64_t{1} << 28};
  ModeSweep<int16, int8, int16, acc32, 4, 4, 8, 16, 16, 32, 10, 13, 0, 7, -3, 16, 12>::run(11, r, "int16x8 4x4x8");
}

TEST(DenseKernelInt16, Int16xInt16Acc64Mmul4x4x4AllModesSingleAndChain) {
  // Full-range operands: sums need more than 32 bits, hence acc64.
  constexpr CodeRanges r{-32768, 32767, -32768, 32767, -(int64_t{1} << 31), (int64_t{1} << 31) - 1};
  ModeSweep<int16, int16, int16, acc64, 4, 4, 4, 8, 16, 16, 20, 24, 16, 0, -2, 31, 18, 9>::run(12, r,
                                                                                              "int16x16 acc64");
}

TEST(DenseKernelInt16, Int16xInt16Acc32WhenSumsFit) {
  std::mt19937_64 rng(13);
  constexpr CodeRanges r{-300, 300, -300, 300, -100000, 100000};
  using Cfg = aie4ml::kernels::dense_config<int16, int16, int16, acc32, 4, 4, 4, 8, 16, 16, 3, true,
                                            aie::rounding_mode::symmetric_inf, aie::saturation_mode::symmetric>;
  for (int rep = 0; rep < 3; ++rep) {
    aie4ml::testing::check_layer<Cfg>(rng, 1, 1, r, "int16x16 acc32");
    aie4ml::testing::check_layer<Cfg>(rng, 4, 2, r, "int16x16 acc32");
  }
}

TEST(DenseKernelInt16, Acc64NeededIsDetectedByAccumulatorBits) {
  // The packing helper says when acc32 is not enough; the acc32 kernel then really differs from the
  // reference (wrap), which is why codegen must pick acc64.
  const std::vector<int64_t> w(16 * 16, 32767);
  EXPECT_GT(aie4ml::dense_accumulator_bits(w, {}, 16, 16, -32768, 32767), 32);
  const std::vector<int64_t> small(16 * 16, 300);
  EXPECT_LE(aie4ml::dense_accumulator_bits(small, {}, 16, 16, -300, 300), 32);
}

}  // namespace
