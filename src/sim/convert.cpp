// Array conversions (see convert.h). Why the double path is exact: v = x * 2^frac is an exact power-of-two
// scaling (elements that overflow or underflow go to the scalar path); for |v| < 2^52, v + 0.5 and v - 0.5
// are exact, so floor/ceil/nearbyint of them give exactly the rounding modes' neighbours; the overflow
// bounds are integers below 2^53, so clamping in double is exact too.
#include "sim/convert.h"

#include <algorithm>
#include <cmath>

#include "ir/fixed_point.h"

namespace aie4ml::sim {

namespace {

template <RoundingMode R>
inline double round_mode(double v) {
  if constexpr (R == RoundingMode::Trn) return std::floor(v);
  if constexpr (R == RoundingMode::TrnZero) return std::trunc(v);
  if constexpr (R == RoundingMode::Rnd) return std::floor(v + 0.5);
  if constexpr (R == RoundingMode::RndMinInf) return std::ceil(v - 0.5);
  if constexpr (R == RoundingMode::RndZero) return v >= 0 ? std::ceil(v - 0.5) : std::floor(v + 0.5);
  if constexpr (R == RoundingMode::RndInf) return v >= 0 ? std::floor(v + 0.5) : std::ceil(v - 0.5);
  if constexpr (R == RoundingMode::RndConv) return std::nearbyint(v);  // default FP mode: ties to even
  return v;
}

// The double path for every element (vectorisable: no calls, no early exits), then the scalar
// primitive for the elements it cannot handle exactly: |v| >= 2^52, infinities, NaN, underflow.
template <RoundingMode R, OverflowMode O>
__attribute__((always_inline)) inline void quantize_block(const double* __restrict x, int64_t* __restrict q, int64_t n, double scale, double lo, double hi,
                    const FixedType& t) {
  const int width = t.width;
  const bool is_signed = t.is_signed, narrow = width <= 31;
  for (int64_t i = 0; i < n; ++i) {
    const double v = x[i] * scale;
    // Elements outside (-2^52, 2^52) and NaN go to the scalar path below; 0 stands in for them here,
    // as converting a NaN to an integer is undefined behaviour (UBSan), and std::clamp passes NaN through.
    const double r = round_mode<R>(std::abs(v) < 0x1p52 ? v : 0.0);
    if constexpr (O == OverflowMode::Wrap) {
      q[i] = apply_overflow(static_cast<int64_t>(r), width, is_signed, O);
    } else if constexpr (O == OverflowMode::SatZero) {
      q[i] = r < lo || r > hi ? 0 : static_cast<int64_t>(r);
    } else if (narrow) {
      q[i] = static_cast<int32_t>(std::clamp(r, lo, hi));  // via int32: a vector conversion exists for it
    } else {
      q[i] = static_cast<int64_t>(std::clamp(r, lo, hi));  // lo is -hi for AP_SAT_SYM
    }
  }
  for (int64_t i = 0; i < n; ++i) {
    const double v = x[i] * scale;
    if (!(std::abs(v) < 0x1p52) || (v == 0 && x[i] != 0)) q[i] = quantize(x[i], t);
  }
}

template <RoundingMode R, OverflowMode O>
void quantize_portable(const double* x, int64_t* q, int64_t n, double scale, double lo, double hi, const FixedType& t) {
  quantize_block<R, O>(x, q, n, scale, lo, hi, t);
}

template <RoundingMode R, OverflowMode O>
__attribute__((target("avx2"))) void quantize_avx2(const double* x, int64_t* q, int64_t n, double scale, double lo,
                                                   double hi, const FixedType& t) {
  quantize_block<R, O>(x, q, n, scale, lo, hi, t);
}

template <RoundingMode R>
void quantize_mode(const double* x, int64_t* q, int64_t n, const FixedType& t) {
  const double scale = std::ldexp(1.0, t.frac);
  const double hi = static_cast<double>(t.max_code());
  const double lo = t.is_signed && t.overflow == OverflowMode::SatSym ? -hi : static_cast<double>(t.min_code());
  static const bool avx2 = __builtin_cpu_supports("avx2");
  switch (t.overflow) {
#define AIE4ML_CASE(MODE)                                                                             \
  case OverflowMode::MODE:                                                                            \
    return avx2 ? quantize_avx2<R, OverflowMode::MODE>(x, q, n, scale, lo, hi, t)                     \
                : quantize_portable<R, OverflowMode::MODE>(x, q, n, scale, lo, hi, t);
    AIE4ML_CASE(Wrap)
    AIE4ML_CASE(Sat)
    AIE4ML_CASE(SatSym)
    AIE4ML_CASE(SatZero)
#undef AIE4ML_CASE
  }
}

}  // namespace

void quantize_values(const double* x, int64_t* q, int64_t n, const FixedType& t) {
  if (t.width > 52 || !std::isnormal(std::ldexp(1.0, t.frac))) {  // bounds or scale not exact doubles
    for (int64_t i = 0; i < n; ++i) q[i] = quantize(x[i], t);
    return;
  }
  switch (t.rounding) {
    case RoundingMode::Trn: return quantize_mode<RoundingMode::Trn>(x, q, n, t);
    case RoundingMode::TrnZero: return quantize_mode<RoundingMode::TrnZero>(x, q, n, t);
    case RoundingMode::Rnd: return quantize_mode<RoundingMode::Rnd>(x, q, n, t);
    case RoundingMode::RndZero: return quantize_mode<RoundingMode::RndZero>(x, q, n, t);
    case RoundingMode::RndInf: return quantize_mode<RoundingMode::RndInf>(x, q, n, t);
    case RoundingMode::RndMinInf: return quantize_mode<RoundingMode::RndMinInf>(x, q, n, t);
    case RoundingMode::RndConv: return quantize_mode<RoundingMode::RndConv>(x, q, n, t);
  }
}

void dequantize_codes(const int64_t* q, double* y, int64_t n, const FixedType& t) {
  const double scale = std::ldexp(1.0, -t.frac);
  if (!std::isnormal(scale) || t.width > 53) {
    for (int64_t i = 0; i < n; ++i) y[i] = dequantize(q[i], t);
    return;
  }
  // |q| < 2^53 is exact in double and scaling by a normal power of two is exact unless it underflows:
  // only then does the scalar (ldexp) path round the same way, so use it for tiny results.
  for (int64_t i = 0; i < n; ++i) {
    const double v = static_cast<double>(q[i]) * scale;
    y[i] = std::abs(v) < 0x1p-1000 && q[i] != 0 ? dequantize(q[i], t) : v;
  }
}

}  // namespace aie4ml::sim
