// kernels/dense.h, int8 x int8 (mmul 4x8x8 and 2x8x8, acc32, int8 output): every cascade variant x
// every rounding mode x every saturation mode on random padded shapes equals the reference Dense.
#include "dense_sweep.h"

namespace {

using aie4ml::testing::CodeRanges;
using aie4ml::testing::ModeSweep;

constexpr CodeRanges kInt8{-128, 127, -128, 127, -200000, 200000};

TEST(DenseKernelInt8, Mmul4x8x8AllModesSingleAndChain) {
  ModeSweep<int8, int8, int8, acc32, 4, 8, 8, 8, 32, 32, 9, 13, 0, 11, -1, 7, 15, -6, 12, 10, 4>::run(1, kInt8,
                                                                                                     "int8 4x8x8");
}

TEST(DenseKernelInt8, Mmul2x8x8AllModesSingleAndChain) {
  ModeSweep<int8, int8, int8, acc32, 2, 8, 8, 8, 16, 32, 10, 3, 12, -3>::run(2, kInt8, "int8 2x8x8");
}

TEST(DenseKernelInt8, Int16OutputFromInt8Operands) {
  std::mt19937_64 rng(3);
  using Cfg = aie4ml::kernels::dense_config<int8, int8, int16, acc32, 4, 8, 8, 16, 24, 16, 2, false,
                                            aie::rounding_mode::conv_even, aie::saturation_mode::saturate>;
  for (int rep = 0; rep < 3; ++rep) {
    aie4ml::testing::check_layer<Cfg>(rng, 1, 1, kInt8, "int8->int16");
    aie4ml::testing::check_layer<Cfg>(rng, 2, 3, kInt8, "int8->int16");
  }
}

}  // namespace
