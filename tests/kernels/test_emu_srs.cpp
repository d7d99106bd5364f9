// emu/: accum::to_vector (shift-round-saturate) against its documented semantics for every rounding
// and saturation mode: exhaustively for all 16-bit accumulator values x shifts 0..15 into int8, against
// an independent libm definition and against the compiler's own fixed-point primitives
// (src/ir/fixed_point), plus wide values, negative shifts, unsigned outputs and the mode registers.
#include <gtest/gtest.h>

#include <aie_api/aie.hpp>
#include <array>
#include <random>

#include "dense_harness.h"
#include "ir/fixed_point.h"

namespace {

using aie::rounding_mode;
using aie::saturation_mode;
using aie4ml::testing::libm_srs;

constexpr std::array kRounding{rounding_mode::floor,          rounding_mode::ceil,         rounding_mode::symmetric_floor,
                               rounding_mode::symmetric_ceil, rounding_mode::negative_inf, rounding_mode::positive_inf,
                               rounding_mode::symmetric_zero, rounding_mode::symmetric_inf, rounding_mode::conv_even,
                               rounding_mode::conv_odd};
constexpr std::array kSaturation{saturation_mode::none, saturation_mode::saturate, saturation_mode::symmetric};

struct ModeGuard {
  ~ModeGuard() { aie4ml_emu::reset_core_state(); }
};

TEST(EmuSrs, ResetDefaultsAreFloorAndNone) {
  aie4ml_emu::reset_core_state();
  EXPECT_EQ(aie::get_rounding(), rounding_mode::floor);
  EXPECT_EQ(aie::get_saturation(), saturation_mode::none);
  aie::set_rounding(rounding_mode::conv_odd);
  aie::set_saturation(saturation_mode::symmetric);
  EXPECT_EQ(aie::get_rounding(), rounding_mode::conv_odd);
  EXPECT_EQ(aie::get_saturation(), saturation_mode::symmetric);
  aie4ml_emu::reset_core_state();
}

TEST(EmuSrs, ExhaustiveInt16AccumulatorsToInt8AllModesAllShifts) {
  ModeGuard guard;
  constexpr unsigned L = 16;
  int64_t mismatches = 0, checked = 0;
  for (auto sm : kSaturation)
    for (auto rm : kRounding) {
      aie::set_rounding(rm);
      aie::set_saturation(sm);
      for (int shift = 0; shift <= 15; ++shift)
        for (int base = -32768; base < 32768; base += L) {
          aie::accum<acc32, L> acc;
          for (unsigned i = 0; i < L; ++i) aie4ml_emu::set_lane(acc, i, base + int(i));
          const auto v = acc.to_vector<int8>(shift);
          for (unsigned i = 0; i < L; ++i) {
            ++checked;
            if (v[i] != libm_srs(base + int(i), shift, rm, sm, 8, true) && ++mismatches < 5)
              ADD_FAILURE() << "value " << base + int(i) << " shift " << shift << " rounding "
                            << static_cast<int>(rm) << " saturation " << static_cast<int>(sm) << " -> " << int(v[i]);
          }
        }
    }
  EXPECT_EQ(mismatches, 0);
  EXPECT_EQ(checked, 65536LL * 16 * 10 * 3);
}

TEST(EmuSrs, AgreesWithCompilerFixedPointWhereModesMap) {
  ModeGuard guard;
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int64_t> value(-(int64_t{1} << 40), int64_t{1} << 40);
  for (auto sm : kSaturation)
    for (auto rm : kRounding) {
      const auto hr = aie4ml::testing::hls_rounding(rm);
      if (!hr) continue;
      aie::set_rounding(rm);
      aie::set_saturation(sm);
      for (int shift : {1, 2, 5, 13, 24, 31, 40}) {
        aie::accum<acc64, 8> acc;
        std::array<int64_t, 8> in{};
        for (unsigned i = 0; i < 8; ++i) {
          in[i] = value(rng) >> (i * 4);
          aie4ml_emu::set_lane(acc, i, in[i]);
        }
        const auto v = acc.to_vector<int16>(shift);
        for (unsigned i = 0; i < 8; ++i) {
          const int64_t expect = aie4ml::apply_overflow(aie4ml::round_shift(in[i], shift, *hr), 16, true,
                                                        aie4ml::testing::hls_overflow(sm));
          EXPECT_EQ(v[i], expect) << in[i] << " >> " << shift;
        }
      }
    }
}

TEST(EmuSrs, WideAccumulatorsAndInt16OutputsAgainstLibm) {
  ModeGuard guard;
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<int64_t> any(std::numeric_limits<int64_t>::min() / 2, std::numeric_limits<int64_t>::max() / 2);
  for (auto sm : kSaturation)
    for (auto rm : kRounding) {
      aie::set_rounding(rm);
      aie::set_saturation(sm);
      for (int shift = 0; shift <= 63; shift += 3) {
        aie::accum<acc64, 8> acc;
        std::array<int64_t, 8> in{};
        for (unsigned i = 0; i < 8; ++i) {
          in[i] = any(rng) >> (rng() % 48);
          aie4ml_emu::set_lane(acc, i, in[i]);
        }
        const auto v16 = acc.to_vector<int16>(shift);
        const auto v32 = acc.to_vector<int32>(shift);
        for (unsigned i = 0; i < 8; ++i) {
          EXPECT_EQ(v16[i], libm_srs(in[i], shift, rm, sm, 16, true)) << in[i] << " >> " << shift;
          EXPECT_EQ(v32[i], libm_srs(in[i], shift, rm, sm, 32, true)) << in[i] << " >> " << shift;
        }
      }
    }
}

TEST(EmuSrs, UnsignedOutputsClampToZeroAndFullRange) {
  ModeGuard guard;
  for (auto sm : kSaturation) {
    aie::set_rounding(rounding_mode::conv_even);
    aie::set_saturation(sm);
    aie::accum<acc32, 16> acc;
    for (unsigned i = 0; i < 16; ++i) aie4ml_emu::set_lane(acc, i, (int64_t(i) - 8) * 100);
    const auto v = acc.to_vector<uint8>(1);
    for (unsigned i = 0; i < 16; ++i)
      EXPECT_EQ(v[i], libm_srs((int64_t(i) - 8) * 100, 1, rounding_mode::conv_even, sm, 8, false)) << i;
  }
}

TEST(EmuSrs, NegativeShiftIsExactLeftShiftAndUnsafeShiftsAreRefused) {
  ModeGuard guard;
  aie::set_saturation(saturation_mode::saturate);
  aie::accum<acc32, 16> acc;
  for (unsigned i = 0; i < 16; ++i) aie4ml_emu::set_lane(acc, i, int64_t(i) * 37 - 300);
  for (int shift : {-1, -5, -9}) {
    const auto v = acc.to_vector<int16>(shift);
    for (unsigned i = 0; i < 16; ++i) EXPECT_EQ(v[i], libm_srs(int64_t(i) * 37 - 300, shift, rounding_mode::floor, saturation_mode::saturate, 16, true));
  }
  for (int shift : {-4, -3, -2, 64, -33}) EXPECT_THROW(acc.to_vector<int16>(shift), aie4ml_emu::emu_error) << shift;
}

TEST(EmuSrs, MmulToVectorUsesTheSameModes) {
  ModeGuard guard;
  aie::set_rounding(rounding_mode::symmetric_inf);
  aie::set_saturation(saturation_mode::symmetric);
  alignas(32) int8 a[32], b[64];
  for (int i = 0; i < 32; ++i) a[i] = int8(i * 7 - 100);
  for (int i = 0; i < 64; ++i) b[i] = int8(127 - i * 3);
  aie::mmul<4, 8, 8, int8, int8> m;
  m.mul(aie::load_v<32>(a), aie::load_v<64>(b));
  const auto v = m.to_vector<int8>(6);
  for (int r = 0; r < 4; ++r)
    for (int c = 0; c < 8; ++c) {
      int64_t s = 0;
      for (int k = 0; k < 8; ++k) s += int64_t(a[r * 8 + k]) * b[k * 8 + c];
      EXPECT_EQ(v[r * 8 + c], libm_srs(s, 6, rounding_mode::symmetric_inf, saturation_mode::symmetric, 8, true));
    }
}

}  // namespace
