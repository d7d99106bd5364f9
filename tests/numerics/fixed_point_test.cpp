// Exhaustive checks of the fixed-point primitives (round_shift, apply_overflow, requantize, quantize)
// over small widths against definitions written here in exact rational arithmetic: a value is a
// fraction n / d with d > 0, a rounding mode is "which of the two neighbouring integers", decided by
// comparing integer distances |n - c*d|; overflow is decided on the mathematical integer. None of this
// shares code with src/ir/fixed_point.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "ir/fixed_point.h"

namespace aie4ml {
namespace {

using i128 = __int128;

constexpr RoundingMode kRoundings[] = {RoundingMode::Trn,    RoundingMode::TrnZero,   RoundingMode::Rnd,
                                       RoundingMode::RndZero, RoundingMode::RndInf, RoundingMode::RndMinInf,
                                       RoundingMode::RndConv};
constexpr OverflowMode kOverflows[] = {OverflowMode::Wrap, OverflowMode::Sat, OverflowMode::SatSym,
                                       OverflowMode::SatZero};

i128 abs128(i128 v) { return v < 0 ? -v : v; }

// The largest integer c with c * d <= n (d > 0), found from C++'s truncating division.
i128 floor_div(i128 n, i128 d) {
  i128 q = n / d;
  if (q * d > n) q -= 1;
  return q;
}

// Round the rational n / d (d > 0) to an integer under `mode`, by the mode's definition.
i128 ref_round(i128 n, i128 d, RoundingMode mode) {
  const i128 lo = floor_div(n, d);
  if (lo * d == n) return n / d;  // exact: every mode returns the value itself
  const i128 hi = lo + 1;
  // Distances to the two candidates, scaled by d (exact integers).
  // dist_hi = hi * d - n, written as d - dist_lo: hi * d overflows i128 for n near 2^127 (UBSan).
  const i128 dist_lo = n - lo * d, dist_hi = d - dist_lo;
  const bool tie = dist_lo == dist_hi;
  const i128 nearest = dist_lo < dist_hi ? lo : hi;
  const i128 toward_zero = abs128(lo) < abs128(hi) ? lo : hi;
  const i128 away_from_zero = toward_zero == lo ? hi : lo;
  switch (mode) {
    case RoundingMode::Trn: return lo;
    case RoundingMode::TrnZero: return toward_zero;
    case RoundingMode::Rnd: return tie ? hi : nearest;
    case RoundingMode::RndMinInf: return tie ? lo : nearest;
    case RoundingMode::RndZero: return tie ? toward_zero : nearest;
    case RoundingMode::RndInf: return tie ? away_from_zero : nearest;
    case RoundingMode::RndConv: return tie ? (lo % 2 == 0 ? lo : hi) : nearest;
  }
  return 0;
}

// The range of a width-bit integer, and the overflow modes by their definition.
i128 ref_overflow(i128 v, int width, bool is_signed, OverflowMode mode) {
  const i128 lo = is_signed ? -(i128{1} << (width - 1)) : 0;
  const i128 hi = is_signed ? (i128{1} << (width - 1)) - 1 : (i128{1} << width) - 1;
  const bool fits = v >= lo && v <= hi;
  switch (mode) {
    case OverflowMode::Wrap: {
      // Keep the low `width` bits of the two's complement representation, then reinterpret.
      const i128 mask = (i128{1} << width) - 1;
      i128 r = v & mask;
      if (is_signed && r > hi) r -= i128{1} << width;
      return r;
    }
    case OverflowMode::Sat: return fits ? v : (v < lo ? lo : hi);
    case OverflowMode::SatSym: {
      const i128 sym_lo = is_signed ? -hi : 0;
      return v < sym_lo ? sym_lo : (v > hi ? hi : v);
    }
    case OverflowMode::SatZero: return fits ? v : 0;
  }
  return 0;
}

// v / 2^shift as a fraction, for shift >= 0 small enough to hold 2^shift.
i128 pow2(int e) { return i128{1} << e; }

TEST(FixedPointExhaustive, RoundShiftMatchesRationalDefinition) {
  for (auto mode : kRoundings)
    for (int shift = -6; shift <= 12; ++shift)
      for (i128 v = -5000; v <= 5000; ++v) {
        const i128 expected = shift <= 0 ? v * pow2(-shift) : ref_round(v, pow2(shift), mode);
        ASSERT_TRUE(round_shift(v, shift, mode) == expected)
            << "mode " << to_string(mode) << " v " << static_cast<long long>(v) << " shift " << shift;
      }
}

TEST(FixedPointExhaustive, RoundShiftExtremeOperands) {
  const i128 max128 = std::numeric_limits<i128>::max(), min128 = std::numeric_limits<i128>::min();
  const std::vector<i128> values = {0, 1, -1, 3, -3, pow2(62), -pow2(62), pow2(63) + 1, pow2(100) + 7,
                                    -pow2(100) - 7, pow2(125), pow2(126), -pow2(126), max128, min128,
                                    min128 + 1, max128 - 1, pow2(126) + pow2(125), -pow2(126) - pow2(125)};
  for (auto mode : kRoundings)
    for (i128 v : values)
      for (int shift : {1, 2, 30, 62, 63, 64, 100, 120, 125, 126}) {
        ASSERT_TRUE(round_shift(v, shift, mode) == ref_round(v, pow2(shift), mode))
            << "mode " << to_string(mode) << " shift " << shift << " v/2^100 " << double(v) / 0x1p100;
      }
  // Shifts of 127 and more: 2^shift no longer fits, so compare with the value halved (v even) or with
  // the sign-only answer |v / 2^shift| < 1/2 (no tie) that holds for every v but -2^127 at shift 128.
  for (auto mode : kRoundings)
    for (i128 v : values) {
      if (v % 2 == 0) {
        EXPECT_TRUE(round_shift(v, 127, mode) == ref_round(v / 2, pow2(126), mode)) << to_string(mode);
      }
      for (int shift : {129, 200, 1000}) {
        const i128 tiny = v == 0 ? 0 : (v > 0 ? 1 : -1);  // sign * 1/4: same answer in every mode
        EXPECT_TRUE(round_shift(v, shift, mode) == ref_round(tiny, 4, mode)) << to_string(mode) << " " << shift;
      }
    }
  // -2^127 / 2^128 = -1/2 exactly: a tie.
  for (auto mode : kRoundings)
    EXPECT_TRUE(round_shift(min128, 128, mode) == ref_round(-1, 2, mode)) << to_string(mode);
}

TEST(FixedPointExhaustive, ApplyOverflowMatchesDefinition) {
  for (auto mode : kOverflows)
    for (int width = 1; width <= 9; ++width)
      for (bool is_signed : {true, false})
        for (i128 v = -1200; v <= 1200; ++v)
          ASSERT_EQ(apply_overflow(v, width, is_signed, mode), static_cast<int64_t>(ref_overflow(v, width, is_signed, mode)))
              << to_string(mode) << " w" << width << (is_signed ? "s" : "u") << " v " << static_cast<long long>(v);
}

TEST(FixedPointExhaustive, ApplyOverflowHugeValuesAndWideTypes) {
  const i128 max128 = std::numeric_limits<i128>::max(), min128 = std::numeric_limits<i128>::min();
  const std::vector<i128> values = {max128, min128, max128 - 5, min128 + 5, pow2(64), -pow2(64), pow2(63),
                                    -pow2(63), -pow2(63) - 1, pow2(63) - 1, pow2(100) + 12345, -pow2(90) - 3};
  for (auto mode : kOverflows)
    for (int width : {1, 7, 8, 16, 24, 32, 48, 62, 63, 64})
      for (i128 v : values) {
        ASSERT_EQ(apply_overflow(v, width, true, mode), static_cast<int64_t>(ref_overflow(v, width, true, mode)))
            << to_string(mode) << " w" << width << " v/2^64 " << double(v) / 0x1p64;
        if (width < 63) {
          ASSERT_EQ(apply_overflow(v, width, false, mode), static_cast<int64_t>(ref_overflow(v, width, false, mode)))
              << to_string(mode) << " w" << width << "u";
        }
      }
}

TEST(FixedPointExhaustive, RequantizeIsRoundThenOverflow) {
  for (auto rnd : kRoundings)
    for (auto ovf : kOverflows)
      for (int width : {1, 3, 4, 6})
        for (bool is_signed : {true, false})
          for (int from_frac = -2; from_frac <= 6; from_frac += 2)
            for (int to_frac = -3; to_frac <= 7; ++to_frac) {
              const FixedType to{width, to_frac, is_signed, rnd, ovf};
              for (i128 v = -300; v <= 300; ++v) {
                // value v * 2^-from_frac in units of 2^-to_frac: v * 2^(to_frac - from_frac)
                const int e = to_frac - from_frac;
                const i128 r = e >= 0 ? v * pow2(e) : ref_round(v, pow2(-e), rnd);
                ASSERT_EQ(requantize(v, from_frac, to), static_cast<int64_t>(ref_overflow(r, width, is_signed, ovf)))
                    << to.str() << " from_frac " << from_frac << " v " << static_cast<long long>(v);
              }
            }
}

// The exact rational value of a finite double times 2^frac, as n / 2^k (k >= 0) with bounded n: huge
// magnitudes are replaced by m * 2^70, which every width <= 64 wraps to 0 and saturates the same way;
// magnitudes far below 1/2 by sign * 1/4, which every mode rounds the same way.
struct Rational {
  i128 n;
  int k;
};
Rational exact_scaled(double x, int frac) {
  int exp = 0;
  const double mant = std::frexp(x, &exp);  // x = mant * 2^exp, 0.5 <= |mant| < 1
  const auto m = static_cast<i128>(std::ldexp(mant, 53));  // exact 53-bit integer
  int e = exp - 53 + frac;                                  // x * 2^frac = m * 2^e
  if (e >= 0) return {m * pow2(std::min(e, 70)), 0};
  if (-e > 100) return {m > 0 ? 1 : -1, 2};
  return {m, -e};
}

int64_t ref_quantize(double x, const FixedType& t) {
  if (std::isnan(x)) return 0;
  if (std::isinf(x)) {
    // Documented in fixed_point.h: infinities go to the extreme codes of the (symmetric) range.
    const i128 huge = x > 0 ? pow2(100) : -pow2(100);
    return static_cast<int64_t>(ref_overflow(huge, t.width, t.is_signed,
                                             t.overflow == OverflowMode::SatSym ? OverflowMode::SatSym : OverflowMode::Sat));
  }
  if (x == 0) return 0;
  const Rational r = exact_scaled(x, t.frac);
  const i128 rounded = r.k == 0 ? r.n : ref_round(r.n, pow2(r.k), t.rounding);
  return static_cast<int64_t>(ref_overflow(rounded, t.width, t.is_signed, t.overflow));
}

std::vector<double> quantize_probe_values() {
  std::vector<double> xs;
  // Every multiple of 2^-12 in [-20, 20]: exact values, ties and near-ties for fracs up to 11.
  for (int i = -20 * 4096; i <= 20 * 4096; i += 29) xs.push_back(std::ldexp(i, -12));
  for (double v : {0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.25, -0.75, 127.5, -128.5, 255.5, 1e-300, -1e-300, 4.9e-324,
                   -4.9e-324, 2.2250738585072014e-308, -2.2250738585072014e-308, 1e300, -1e300, 1.7976931348623157e308,
                   -1.7976931348623157e308, 0x1p52 + 1, -0x1p52 - 1, 0x1p53, 0x1p63, -0x1p63, 0x1p64, 0x1p115, 0x1p116,
                   -0x1p117, 0x1p200, std::nextafter(0.5, 0.0), std::nextafter(0.5, 1.0), std::nextafter(-0.5, 0.0),
                   std::nextafter(-0.5, -1.0), std::nextafter(1.5, 2.0), std::nextafter(-2.5, 0.0), -0.0})
    xs.push_back(v);
  std::mt19937_64 rng(12345);
  std::uniform_real_distribution<double> uni(-300.0, 300.0);
  for (int i = 0; i < 3000; ++i) xs.push_back(uni(rng));
  return xs;
}

TEST(FixedPointExhaustive, QuantizeDoubleMatchesExactRational) {
  const auto xs = quantize_probe_values();
  for (auto rnd : kRoundings)
    for (auto ovf : kOverflows)
      for (int width : {1, 2, 5, 8, 16})
        for (bool is_signed : {true, false})
          for (int frac : {-4, -1, 0, 1, 3, 7, 12}) {
            const FixedType t{width, frac, is_signed, rnd, ovf};
            for (double x : xs)
              ASSERT_EQ(quantize(x, t), ref_quantize(x, t)) << t.str() << " x=" << x;
          }
}

TEST(FixedPointExhaustive, QuantizeWideTypes) {
  const auto xs = quantize_probe_values();
  for (auto rnd : {RoundingMode::Trn, RoundingMode::RndConv, RoundingMode::RndInf})
    for (auto ovf : kOverflows)
      for (int width : {32, 48, 63, 64})
        for (int frac : {-20, 0, 10, 40}) {
          const FixedType t{width, frac, true, rnd, ovf};
          for (double x : xs) ASSERT_EQ(quantize(x, t), ref_quantize(x, t)) << t.str() << " x=" << x;
        }
}

TEST(FixedPointExhaustive, QuantizeSpecialValues) {
  const FixedType sym{8, 4, true, RoundingMode::RndConv, OverflowMode::SatSym};
  EXPECT_EQ(quantize(std::numeric_limits<double>::quiet_NaN(), sym), 0);
  EXPECT_EQ(quantize(std::numeric_limits<double>::infinity(), sym), 127);
  EXPECT_EQ(quantize(-std::numeric_limits<double>::infinity(), sym), -127);
  const FixedType wrap{8, 4, true, RoundingMode::Trn, OverflowMode::Wrap};
  EXPECT_EQ(quantize(-std::numeric_limits<double>::infinity(), wrap), -128);
  // floor of a negative value too small to survive scaling by 2^frac is still -1
  const FixedType coarse{8, -1, true, RoundingMode::Trn, OverflowMode::Sat};
  EXPECT_EQ(quantize(-4.9e-324, coarse), -1);
  EXPECT_EQ(quantize(4.9e-324, coarse), 0);
}

TEST(FixedPointExhaustive, DequantizeIsExactInverseOnCodes) {
  for (int frac : {-5, 0, 3, 15})
    for (int64_t q = -40000; q <= 40000; q += 13) {
      const FixedType t{17, frac, true, RoundingMode::Trn, OverflowMode::Wrap};
      EXPECT_EQ(quantize(dequantize(q, t), t), q);
    }
}

}  // namespace
}  // namespace aie4ml
