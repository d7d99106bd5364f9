#include "ir/fixed_point.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace aie4ml {

namespace {

// Round an unrounded value u = q + f (q = floor(u), 0 <= f < 1) to an integer. The caller passes
// whether f != 0, the sign of f - 1/2, and the sign of u (the modes symmetric about zero need it).
int128 round_parts(int128 q, bool inexact, int cmp_half, bool negative, RoundingMode mode) {
  if (!inexact) return q;
  switch (mode) {
    case RoundingMode::Trn: return q;
    case RoundingMode::TrnZero: return negative ? q + 1 : q;
    case RoundingMode::Rnd: return cmp_half >= 0 ? q + 1 : q;
    case RoundingMode::RndMinInf: return cmp_half > 0 ? q + 1 : q;
    case RoundingMode::RndZero:
      if (cmp_half != 0) return cmp_half > 0 ? q + 1 : q;
      return negative ? q + 1 : q;
    case RoundingMode::RndInf:
      if (cmp_half != 0) return cmp_half > 0 ? q + 1 : q;
      return negative ? q : q + 1;
    case RoundingMode::RndConv:
      if (cmp_half != 0) return cmp_half > 0 ? q + 1 : q;
      return (q & 1) ? q + 1 : q;
  }
  return q;
}

int sign(int128 v) { return v > 0 ? 1 : (v < 0 ? -1 : 0); }

}  // namespace

int128 round_shift(int128 v, int shift, RoundingMode mode) {
  if (shift <= 0) return v * (int128{1} << -shift);
  if (shift >= 128) {  // |v| <= 2^127 <= 2^(shift-1): only the sign, the mode and one tie matter
    if (v == 0) return 0;
    // v / 2^shift lies in [-1/2, 1/2); it equals -1/2 only for v = -2^127 at shift 128.
    const bool tie = shift == 128 && v == std::numeric_limits<int128>::min();
    return round_parts(v < 0 ? -1 : 0, true, tie ? 0 : (v < 0 ? 1 : -1), v < 0, mode);
  }
  const int128 q = v >> shift;  // arithmetic shift: floor
  const int128 rem = v - (q << shift);
  const int128 half = int128{1} << (shift - 1);
  return round_parts(q, rem != 0, sign(rem - half), v < 0, mode);
}

int64_t apply_overflow(int128 v, int width, bool is_signed, OverflowMode mode) {
  const int128 lo = is_signed ? -(int128{1} << (width - 1)) : 0;
  const int128 hi = is_signed ? (int128{1} << (width - 1)) - 1 : (int128{1} << width) - 1;
  const int128 sym_lo = is_signed ? -hi : 0;
  switch (mode) {
    case OverflowMode::Wrap: {
      // Keep the low `width` bits (two's complement), then sign-extend: no intermediate can overflow.
      const int128 span = int128{1} << width;
      int128 r = v & (span - 1);
      if (r > hi) r -= span;
      return static_cast<int64_t>(r);
    }
    case OverflowMode::Sat: return static_cast<int64_t>(v < lo ? lo : (v > hi ? hi : v));
    case OverflowMode::SatSym: return static_cast<int64_t>(v < sym_lo ? sym_lo : (v > hi ? hi : v));
    case OverflowMode::SatZero: return (v < lo || v > hi) ? 0 : static_cast<int64_t>(v);
  }
  return 0;
}

FixedType activation_index_type(const FixedType& in) {
  return FixedType{12, std::min(in.frac, 7), true, RoundingMode::RndConv, OverflowMode::Sat};
}

int64_t activation_table_entries(const FixedType& in) {
  const FixedType index = activation_index_type(in);
  return requantize(in.max_code(), in.frac, index) - requantize(in.min_code(), in.frac, index) + 1;
}

int64_t requantize(int128 v, int from_frac, const FixedType& to) {
  return apply_overflow(round_shift(v, from_frac - to.frac, to.rounding), to.width, to.is_signed,
                        to.overflow);
}

int64_t quantize(double x, const FixedType& to) {
  if (std::isnan(x)) return 0;
  if (std::isinf(x)) {
    if (x > 0) return to.max_code();
    return to.overflow == OverflowMode::SatSym && to.is_signed ? -to.max_code() : to.min_code();
  }
  // Scale by 2^frac (exact in binary floating point) and split into floor + fraction (both exact).
  const double v = std::ldexp(x, to.frac);
  if (v == 0 && x != 0) {
    // x * 2^frac underflowed: its magnitude is far below 1/2, so only its sign and the mode matter
    // (floor of a tiny negative value is -1).
    return apply_overflow(round_parts(x < 0 ? -1 : 0, true, x < 0 ? 1 : -1, x < 0, to.rounding), to.width,
                          to.is_signed, to.overflow);
  }
  const double q = std::floor(v);
  // From 2^116 on every double is a multiple of 2^64, so it wraps to 0 for any width <= 64 (and
  // saturates otherwise); below it, q fits int128 exactly.
  const double limit = 0x1p116;
  if (q >= limit || q <= -limit) {
    if (to.overflow == OverflowMode::SatZero) return 0;
    if (to.overflow == OverflowMode::Wrap) return 0;
    return q > 0 ? to.max_code() : (to.overflow == OverflowMode::SatSym && to.is_signed ? -to.max_code()
                                                                                        : to.min_code());
  }
  // |q| < 2^100: either v is an integer (|v| >= 2^53) or q + 0.5 is exact, so the comparisons are exact.
  const bool inexact = v != q;
  const double mid = q + 0.5;
  const int cmp_half = v > mid ? 1 : (v < mid ? -1 : 0);
  const int128 rounded = round_parts(static_cast<int128>(q), inexact, cmp_half, v < 0, to.rounding);
  return apply_overflow(rounded, to.width, to.is_signed, to.overflow);
}

double dequantize(int64_t q, const FixedType& t) { return std::ldexp(static_cast<double>(q), -t.frac); }

}  // namespace aie4ml
