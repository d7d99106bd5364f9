// aie4ml kernel library: integer LayerNorm over the last axis for AIE-ML, as ordinary AIE API C++; on
// the host it compiles against aie4ml's emu/.
//
// Semantics: bit for bit the reference interpreter's (src/sim/layernorm_ops.h layernorm_codes,
// docs/numerics.md "LayerNorm in integer arithmetic"), P = 15 (kRsqrtBits), G = 8 (kEpsilonGuardBits).
// Per row of N input codes x (frac InFrac), gamma codes g (GammaFrac), beta codes b (BetaFrac):
//   S1 = sum x,  S2 = sum x^2,  D = N*S2 - S1^2                        (exact)
//   V  = max(D * 2^2G + E, 1)   E = EpsilonCode = round_half_even(eps N^2 2^(2 InFrac + 2G)), per op
//   R  = P + ceil(bitlen(V) / 2),  r = floor(2^R / sqrt(V))             (2^P <= r <= 2^(P+1))
//   c_j = (N x_j - S1) 2^G
//   y_j = cast_out(c_j r g_j 2^-(R + GammaFrac) + b_j 2^-BetaFrac)     (one rounding, output modes)
// The reference evaluates this in 128-bit integers; the AIE has 64-bit scalars at most, so this kernel:
//   - computes r without forming 2^2R (up to 2^92): Q = floor(2^2R / V) by restoring long division
//     that starts from 2^(bitlen(V)-1) (31 or 32 quotient steps, Q <= 2^32), then r = floor(sqrt(Q)) bit
//     by bit (17 steps, t^2 < 2^34). floor(sqrt(floor(2^2R / V))) = floor(2^R / sqrt(V)): both are the
//     largest r with r^2 V <= 2^2R, exactly the reference's own formulation.
//   - forms the exact sum c_j r g_j 2^a + b_j 2^c (a, c >= 0: the terms aligned at
//     frac = max(R + GammaFrac, BetaFrac)) in int64 and rounds it once by frac - OutFrac.
// layernorm_config derives a bound for every intermediate from the template parameters (element types,
// N, fractions, EpsilonCode) and static_asserts that it fits: |V| < 2^62, |term| <= 2^61 (so the sum
// stays below 2^62), N*S2 <= 2^62, and a shift frac - OutFrac in [0, 62]. layernorm_limits below states
// the bounds; e.g. signed 16-bit inputs with signed 16-bit gamma allow N <= 64, 8-bit inputs and
// gamma N <= 32768.
// Gamma / beta absent (ONNX optional inputs): pass N ones at GammaFrac 0 / N zeros at BetaFrac 0, which
// is the reference's definition of the absent case (g = 1, fg = 0; b = 0, fb = 0); a single broadcast
// code: pass it N times.
//
// Layout: `in` is Rows x N plain row-major (rows = batch x tokens for [batch, tokens, N] activations,
// no padding), `out` the same shape in TY. gamma, beta: N codes each, runtime-parameter arrays.
// Scalar code: per row two passes over N elements, one 64-bit division loop (~32 steps) and one
// square-root loop (17 steps); src/sim/attention_cost.h counts it so.
#pragma once
#include <adf.h>
#include <aie_api/aie.hpp>

#include <type_traits>

namespace aie4ml {
namespace kernels {

// The output type's overflow mode (hls4ml AP_WRAP, AP_SAT, AP_SAT_SYM, AP_SAT_ZERO).
enum class layernorm_overflow : int { wrap = 0, saturate = 1, symmetric = 2, zero = 3 };

namespace detail {

constexpr int ln_ceil_log2(unsigned long long v) {
  int b = 0;
  while ((1ull << b) < v) ++b;
  return b;
}
constexpr int ln_max(int a, int b) { return a > b ? a : b; }
// Bit length of v (0 for 0): six halving steps, branch-light on the scalar unit.
constexpr int ln_bitlen(unsigned long long v) {
  int b = 0;
  for (int s = 32; s > 0; s >>= 1)
    if (v >> s) v >>= s, b += s;
  return b + int(v != 0);
}
// |code| <= 2^mag_bits for every code of T.
template <class T>
constexpr int ln_mag_bits() {
  return std::is_signed_v<T> ? int(8 * sizeof(T)) - 1 : int(8 * sizeof(T));
}

}  // namespace detail

// Worst-case bit counts (|value| <= 2^bits) of the kernel's intermediates, from the template parameters.
template <typename TX, typename TG, typename TB, unsigned N, int GammaFrac, int BetaFrac, unsigned long long EpsilonCode>
struct layernorm_limits {
  static constexpr int P = 15, G = 8;
  static constexpr int n_bits = detail::ln_ceil_log2(N);             // N <= 2^n_bits
  static constexpr int in_width = int(8 * sizeof(TX));
  // N * S2 <= N^2 max|x|^2
  static constexpr int nS2_bits = 2 * n_bits + 2 * detail::ln_mag_bits<TX>();
  // D = N^2 var <= N^2 (range / 2)^2 = 2^(2 n_bits + 2 width - 2); V = D 2^2G + E
  static constexpr int d_bits = 2 * n_bits + 2 * in_width - 2;
  static constexpr int v_bits = detail::ln_max(d_bits + 2 * G, detail::ln_bitlen(EpsilonCode)) + 1;
  static constexpr int r_max = P + (v_bits + 1) / 2, r_min = P + 1;  // bitlen(V) in [1, v_bits]
  // |c| = |N x - S1| 2^G <= N * range * 2^G;  r <= 2^(P+1)
  static constexpr int c_bits = n_bits + in_width + G;
  static constexpr int product_shift_max = detail::ln_max(0, BetaFrac - r_min - GammaFrac);
  static constexpr int product_bits = c_bits + (P + 1) + detail::ln_mag_bits<TG>() + product_shift_max;
  static constexpr int beta_shift_max = detail::ln_max(0, r_max + GammaFrac - BetaFrac);
  static constexpr int beta_bits = detail::ln_mag_bits<TB>() + beta_shift_max;
  static constexpr int frac_min = detail::ln_max(r_min + GammaFrac, BetaFrac);
  static constexpr int frac_max = detail::ln_max(r_max + GammaFrac, BetaFrac);
};

template <typename TX, typename TG, typename TB, typename TY, unsigned Rows, unsigned N, int GammaFrac, int BetaFrac,
          int OutFrac, unsigned OutWidth, bool OutSigned, unsigned long long EpsilonCode,
          aie::rounding_mode Rounding = aie::rounding_mode::conv_even,
          layernorm_overflow Overflow = layernorm_overflow::saturate>
struct layernorm_config {
  using x_type = TX;
  using gamma_type = TG;
  using beta_type = TB;
  using y_type = TY;
  using limits = layernorm_limits<TX, TG, TB, N, GammaFrac, BetaFrac, EpsilonCode>;
  static constexpr unsigned rows = Rows, n = N;
  static constexpr int gamma_frac = GammaFrac, beta_frac = BetaFrac, out_frac = OutFrac;
  static constexpr unsigned out_width = OutWidth;
  static constexpr bool out_signed = OutSigned;
  static constexpr unsigned long long epsilon_code = EpsilonCode;
  static constexpr aie::rounding_mode rounding = Rounding;
  static constexpr layernorm_overflow overflow = Overflow;
  static constexpr unsigned input_elems = Rows * N, output_elems = Rows * N;

  static_assert(std::is_integral_v<TX> && std::is_integral_v<TG> && std::is_integral_v<TB> && std::is_integral_v<TY> &&
                    sizeof(TX) <= 2 && sizeof(TG) <= 2 && sizeof(TB) <= 2 && sizeof(TY) <= 2,
                "layernorm_config: 8- or 16-bit integer codes");
  static_assert(N >= 1 && Rows >= 1, "layernorm_config: empty rows");
  static_assert(OutWidth >= 1 && OutWidth <= 8 * sizeof(TY), "layernorm_config: output wider than its container");
  static_assert(limits::nS2_bits <= 62, "layernorm_config: N * sum(x^2) exceeds 62 bits (too many features)");
  static_assert(limits::v_bits <= 62, "layernorm_config: the variance term V exceeds 62 bits (too many features)");
  static_assert(limits::product_bits <= 61 && limits::beta_bits <= 61,
                "layernorm_config: c * r * gamma or the aligned beta exceeds 61 bits");
  static_assert(OutFrac <= limits::frac_min, "layernorm_config: output finer than the exact sum (left shift)");
  static_assert(limits::frac_max - OutFrac <= 62, "layernorm_config: rounding shift above 62");
};

namespace detail {

// Round v / 2^sh (0 <= sh <= 62) to an integer under the AIE rounding mode (the same decisions as the
// SRS and as the reference's round_shift under the ap_fixed <-> aie mode mapping).
template <aie::rounding_mode M>
inline int64 ln_round_shift(int64 v, int sh) {
  if (sh == 0) return v;
  const int64 down = v >> sh;  // floor
  const int64 rest = v - (down << sh);
  if (rest == 0) return down;
  const int64 up = down + 1;
  const int64 half = int64(1) << (sh - 1);
  const bool negative = v < 0;
  switch (M) {
    case aie::rounding_mode::floor: return down;
    case aie::rounding_mode::ceil: return up;
    case aie::rounding_mode::symmetric_floor: return negative ? up : down;
    case aie::rounding_mode::symmetric_ceil: return negative ? down : up;
    default: break;
  }
  if (rest < half) return down;
  if (rest > half) return up;
  switch (M) {
    case aie::rounding_mode::negative_inf: return down;
    case aie::rounding_mode::positive_inf: return up;
    case aie::rounding_mode::symmetric_zero: return negative ? up : down;
    case aie::rounding_mode::symmetric_inf: return negative ? down : up;
    case aie::rounding_mode::conv_even: return (down & 1) ? up : down;
    case aie::rounding_mode::conv_odd: return (down & 1) ? down : up;
    default: break;
  }
  return down;
}

// A rounded code into OutWidth bits under the overflow mode (ap_fixed semantics).
template <class Cfg>
inline int64 ln_overflow(int64 v) {
  constexpr unsigned W = Cfg::out_width;
  constexpr int64 hi = Cfg::out_signed ? (int64(1) << (W - 1)) - 1 : (int64(1) << W) - 1;
  constexpr int64 lo = Cfg::out_signed ? -(int64(1) << (W - 1)) : 0;
  constexpr int64 sym_lo = Cfg::out_signed ? -hi : 0;  // AP_SAT_SYM excludes the most negative code
  switch (Cfg::overflow) {
    case layernorm_overflow::wrap: {
      if (v >= lo && v <= hi) return v;
      const int64 low = int64(uint64(v) & ((uint64(1) << W) - 1));
      return Cfg::out_signed && low > hi ? low - (int64(1) << W) : low;
    }
    case layernorm_overflow::saturate: return v < lo ? lo : (v > hi ? hi : v);
    case layernorm_overflow::symmetric: return v < sym_lo ? sym_lo : (v > hi ? hi : v);
    case layernorm_overflow::zero: return v < lo || v > hi ? 0 : v;
  }
  return v;
}

// floor(2^(2R) / v) for v >= 1 with R = P + ceil(bitlen(v) / 2), without a 2R-bit numerator:
// restoring division of 2^(bitlen(v) - 1) * 2^steps by v. Returns the quotient (< 2^33); *r_out = R.
inline uint64 ln_recip_square(uint64 v, int* r_out) {
  const int b = ln_bitlen(v);
  const int R = 15 + (b + 1) / 2;
  const int steps = 2 * R - (b - 1);  // 31 or 32
  uint64 rem = uint64(1) << (b - 1), q = 0;
  if (rem >= v) rem -= v, q = 1;  // only when v is a power of two
  for (int i = 0; i < steps; ++i) chess_loop_range(31, 32) {
    rem <<= 1;
    q <<= 1;
    if (rem >= v) rem -= v, q |= 1;
  }
  *r_out = R;
  return q;
}

// floor(sqrt(q)) for q < 2^34, bit by bit from 2^16.
inline uint32 ln_isqrt(uint64 q) {
  uint32 r = 0;
  for (int bit = 16; bit >= 0; --bit) chess_loop_range(17, 17) {
    const uint64 t = r | (uint32(1) << bit);
    if (t * t <= q) r = uint32(t);
  }
  return r;
}

template <class Cfg>
void layernorm_body(const typename Cfg::x_type* __restrict x, typename Cfg::y_type* __restrict y,
                    const typename Cfg::gamma_type* __restrict gamma, const typename Cfg::beta_type* __restrict beta) {
  constexpr unsigned N = Cfg::n;
  constexpr int G = 8;
  for (unsigned row = 0; row < Cfg::rows; ++row) chess_loop_range(Cfg::rows, Cfg::rows) {
    int64 s1 = 0;
    uint64 s2 = 0;
    for (unsigned j = 0; j < N; ++j) chess_loop_range(N, N) {
      const int64 v = x[j];
      s1 += v;
      s2 += uint64(v * v);
    }
    // D = N S2 - S1^2 >= 0 (Cauchy-Schwarz), both terms < 2^63.
    const uint64 d = uint64(N) * s2 - uint64(s1 * s1);
    uint64 v = (d << (2 * G)) + Cfg::epsilon_code;
    if (v == 0) v = 1;
    int R = 0;
    const uint64 r = ln_isqrt(ln_recip_square(v, &R));
    // The exact sum at frac = max(R + fg, fb): product term shifted by a, beta by c (one is 0).
    const int fr = R + Cfg::gamma_frac > Cfg::beta_frac ? R + Cfg::gamma_frac : Cfg::beta_frac;
    const int a = fr - R - Cfg::gamma_frac, c = fr - Cfg::beta_frac;
    const int sh = fr - Cfg::out_frac;
    for (unsigned j = 0; j < N; ++j) chess_loop_range(N, N) {
      const int64 cj = (int64(N) * int64(x[j]) - s1) * (int64(1) << G);
      const int64 prod = cj * int64(r) * int64(gamma[j]);  // |.| <= 2^(61 - a): limits::product_bits
      const int64 acc = prod * (int64(1) << a) + int64(beta[j]) * (int64(1) << c);
      y[j] = static_cast<typename Cfg::y_type>(ln_overflow<Cfg>(ln_round_shift<Cfg::rounding>(acc, sh)));
    }
    x += N;
    y += N;
  }
}

}  // namespace detail

// LayerNorm of every row of `in` (Rows x N codes, plain row-major) into `out`.
template <class Cfg>
void layernorm_rows(adf::input_buffer<typename Cfg::x_type>& __restrict in,
                    adf::output_buffer<typename Cfg::y_type>& __restrict out,
                    const typename Cfg::gamma_type (&gamma)[Cfg::n], const typename Cfg::beta_type (&beta)[Cfg::n]) {
  detail::layernorm_body<Cfg>(in.data(), out.data(), gamma, beta);
}

}  // namespace kernels
}  // namespace aie4ml
