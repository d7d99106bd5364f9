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

TEST(DenseKernelInt8, UnsignedActivationsAndOutputs) {
  // hls4ml keeps ReLU outputs as ap_ufixed: uint8 activations in, uint8 codes out.
  std::mt19937_64 rng(4);
  constexpr CodeRanges r{0, 255, -128, 127, -100000, 100000};
  using Sat = aie4ml::kernels::dense_config<uint8, int8, uint8, acc32, 4, 8, 8, 8, 16, 16, 6, false,
                                            aie::rounding_mode::conv_even, aie::saturation_mode::saturate>;
  using Wrap = aie4ml::kernels::dense_config<uint8, int8, uint8, acc32, 4, 8, 8, 8, 16, 16, 8, false,
                                             aie::rounding_mode::positive_inf, aie::saturation_mode::none>;
  for (int rep = 0; rep < 3; ++rep) {
    aie4ml::testing::check_layer<Sat>(rng, 1, 1, r, "uint8 sat");
    aie4ml::testing::check_layer<Sat>(rng, 3, 2, r, "uint8 sat");
    aie4ml::testing::check_layer<Wrap>(rng, 2, 1, r, "uint8 wrap");
  }
}

}  // namespace
