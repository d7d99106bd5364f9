// Fast integer Dense accumulation and requantisation epilogue (see dense_kernel.h).
#include "sim/dense_kernel.h"

#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <type_traits>

namespace aie4ml::sim {

namespace {

// ---- epilogue ------------------------------------------------------------------------------------
// Rounding of v / 2^s (s >= 1) in the working type W; valid while |v| + 2^s fits W.
template <class W, RoundingMode R>
inline W round_right(W v, int s) {
  const W half = W{1} << (s - 1);
  if constexpr (R == RoundingMode::Trn) return v >> s;
  if constexpr (R == RoundingMode::TrnZero) return v >= 0 ? v >> s : -((-v) >> s);
  if constexpr (R == RoundingMode::Rnd) return (v + half) >> s;
  if constexpr (R == RoundingMode::RndMinInf) return (v + half - 1) >> s;
  if constexpr (R == RoundingMode::RndZero) return v >= 0 ? (v + half - 1) >> s : (v + half) >> s;
  if constexpr (R == RoundingMode::RndInf) return v >= 0 ? (v + half) >> s : (v + half - 1) >> s;
  if constexpr (R == RoundingMode::RndConv) {
    // Round half up, then take one back on a tie that landed on an odd value.
    const W q = (v + half) >> s;
    const W tie = ((v & ((half << 1) - 1)) == half) ? W{1} : W{0};
    return q - (tie & q & W{1});
  }
  return 0;
}

// Overflow into [lo, hi] (SatSym: the caller passes lo = -hi; relu: lo = 0 for the saturating modes).
template <class W, OverflowMode O>
inline W overflow(W v, W lo, W hi, int wrap_bits, bool is_signed) {
  if constexpr (O == OverflowMode::Sat || O == OverflowMode::SatSym) return v < lo ? lo : (v > hi ? hi : v);
  if constexpr (O == OverflowMode::SatZero) return (v < lo) | (v > hi) ? W{0} : v;
  if constexpr (O == OverflowMode::Wrap) {
    // Keep the low bits: sign-extend (signed) or mask (unsigned).
    constexpr int bits = sizeof(W) * 8;
    using U = std::make_unsigned_t<W>;
    if (wrap_bits >= bits) return v;
    const U u = static_cast<U>(static_cast<U>(v) << (bits - wrap_bits));
    return is_signed ? static_cast<W>(static_cast<W>(u) >> (bits - wrap_bits)) : static_cast<W>(u >> (bits - wrap_bits));
  }
  return v;
}

template <class In, class W, RoundingMode R, OverflowMode O>
inline void epilogue_rows(const In* __restrict in, int64_t in_stride, int64_t* __restrict out, int64_t rows, int64_t n,
                          const EpilogueArgs& a) {
  // Everything in locals: the stores through `out` must not force reloads (vectorisation).
  const W lo = static_cast<W>(a.lo), hi = static_cast<W>(a.hi);
  const int s = a.shift, wrap_bits = a.wrap_bits;
  const bool is_signed = a.is_signed, relu_after = a.relu_after;
  using U = std::make_unsigned_t<W>;
  for (int64_t r = 0; r < rows; ++r) {
    const In* __restrict x = in + r * in_stride;
    int64_t* __restrict y = out + r * n;
    if (s > 0) {
      for (int64_t i = 0; i < n; ++i)
        y[i] = overflow<W, O>(round_right<W, R>(static_cast<W>(x[i]), s), lo, hi, wrap_bits, is_signed);
    } else {
      for (int64_t i = 0; i < n; ++i)
        y[i] = overflow<W, O>(static_cast<W>(static_cast<U>(static_cast<W>(x[i])) << -s), lo, hi, wrap_bits, is_signed);
    }
    if (relu_after)
      for (int64_t i = 0; i < n; ++i) y[i] = y[i] < 0 ? 0 : y[i];
  }
}

template <class In, class W, RoundingMode R, OverflowMode O>
void epilogue_portable(const In* in, int64_t in_stride, int64_t* out, int64_t rows, int64_t n, const EpilogueArgs& a) {
  epilogue_rows<In, W, R, O>(in, in_stride, out, rows, n, a);
}

template <class In, class W, RoundingMode R, OverflowMode O>
__attribute__((target("avx2"))) void epilogue_avx2(const In* in, int64_t in_stride, int64_t* out, int64_t rows, int64_t n,
                                                   const EpilogueArgs& a) {
  epilogue_rows<In, W, R, O>(in, in_stride, out, rows, n, a);
}

template <class In, class W, RoundingMode R>
Requantizer::Fn<In> pick_overflow(OverflowMode o, bool avx2) {
  switch (o) {
#define AIE4ML_CASE(MODE)                                                                           \
  case OverflowMode::MODE:                                                                          \
    return avx2 ? epilogue_avx2<In, W, R, OverflowMode::MODE> : epilogue_portable<In, W, R, OverflowMode::MODE>;
    AIE4ML_CASE(Wrap)
    AIE4ML_CASE(Sat)
    AIE4ML_CASE(SatSym)
    AIE4ML_CASE(SatZero)
#undef AIE4ML_CASE
  }
  return nullptr;
}

template <class In, class W>
Requantizer::Fn<In> pick(RoundingMode r, OverflowMode o, bool avx2) {
  switch (r) {
    case RoundingMode::Trn: return pick_overflow<In, W, RoundingMode::Trn>(o, avx2);
    case RoundingMode::TrnZero: return pick_overflow<In, W, RoundingMode::TrnZero>(o, avx2);
    case RoundingMode::Rnd: return pick_overflow<In, W, RoundingMode::Rnd>(o, avx2);
    case RoundingMode::RndZero: return pick_overflow<In, W, RoundingMode::RndZero>(o, avx2);
    case RoundingMode::RndInf: return pick_overflow<In, W, RoundingMode::RndInf>(o, avx2);
    case RoundingMode::RndMinInf: return pick_overflow<In, W, RoundingMode::RndMinInf>(o, avx2);
    case RoundingMode::RndConv: return pick_overflow<In, W, RoundingMode::RndConv>(o, avx2);
  }
  return nullptr;
}

int64_t load_pair(const int16_t* p) {
  int32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// ---- int16 x int16 -> int32 accumulation -----------------------------------------------------------
__attribute__((target("avx2"))) void madd_avx2(const int16_t* x, int64_t rows, int64_t kp, const int16_t* w,
                                               int64_t np, const int32_t* bias, int32_t* acc) {
  const int64_t pairs = kp / 2;
  constexpr int R = 4;
  int64_t r = 0;
  for (; r + R <= rows; r += R) {
    for (int64_t n = 0; n < np; n += 16) {
      __m256i a[R][2];
      const __m256i b0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bias + n));
      const __m256i b1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bias + n + 8));
      for (int i = 0; i < R; ++i) a[i][0] = b0, a[i][1] = b1;
      const int16_t* wp = w + n * 2;
      for (int64_t j = 0; j < pairs; ++j, wp += np * 2) {
        const __m256i w0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(wp));
        const __m256i w1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(wp + 16));
        for (int i = 0; i < R; ++i) {
          const __m256i xv = _mm256_set1_epi32(static_cast<int32_t>(load_pair(x + (r + i) * kp + 2 * j)));
          a[i][0] = _mm256_add_epi32(a[i][0], _mm256_madd_epi16(xv, w0));
          a[i][1] = _mm256_add_epi32(a[i][1], _mm256_madd_epi16(xv, w1));
        }
      }
      for (int i = 0; i < R; ++i) {
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(acc + (r + i) * np + n), a[i][0]);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(acc + (r + i) * np + n + 8), a[i][1]);
      }
    }
  }
  for (; r < rows; ++r)
    for (int64_t n = 0; n < np; n += 8) {
      __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bias + n));
      const int16_t* wp = w + n * 2;
      for (int64_t j = 0; j < pairs; ++j, wp += np * 2) {
        const __m256i xv = _mm256_set1_epi32(static_cast<int32_t>(load_pair(x + r * kp + 2 * j)));
        a = _mm256_add_epi32(a, _mm256_madd_epi16(xv, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(wp))));
      }
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(acc + r * np + n), a);
    }
}

void madd_portable(const int16_t* x, int64_t rows, int64_t kp, const int16_t* w, int64_t np, const int32_t* bias,
                   int32_t* acc) {
  for (int64_t r = 0; r < rows; ++r) {
    int32_t* a = acc + r * np;
    std::copy(bias, bias + np, a);
    for (int64_t j = 0; j < kp / 2; ++j) {
      const int32_t x0 = x[r * kp + 2 * j], x1 = x[r * kp + 2 * j + 1];
      const int16_t* wp = w + j * np * 2;
      for (int64_t n = 0; n < np; ++n) a[n] += x0 * wp[2 * n] + x1 * wp[2 * n + 1];
    }
  }
}

// int64 codes (known to fit int16) -> int16 rows of kp entries, zero-padded.
inline void narrow_rows(const int64_t* x, int64_t rows, int64_t k, int64_t kp, int16_t* out) {
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t i = 0; i < k; ++i) out[r * kp + i] = static_cast<int16_t>(x[r * k + i]);
    for (int64_t i = k; i < kp; ++i) out[r * kp + i] = 0;
  }
}
void narrow(const int64_t* x, int64_t rows, int64_t k, int64_t kp, int16_t* out) { narrow_rows(x, rows, k, kp, out); }

// 16 int64 -> 16 int16 per step: the low dwords of four loads, packed (values fit, so no saturation).
__attribute__((target("avx2"))) inline __m128i low4(const int64_t* p) {
  const __m256i low_dwords = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
  return _mm256_castsi256_si128(
      _mm256_permutevar8x32_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)), low_dwords));
}

__attribute__((target("avx2"))) void narrow_avx2(const int64_t* x, int64_t rows, int64_t k, int64_t kp, int16_t* out) {
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t* src = x + r * k;
    int16_t* dst = out + r * kp;
    int64_t i = 0;
    for (; i + 16 <= k; i += 16) {
      const __m256i ab = _mm256_set_m128i(low4(src + i + 4), low4(src + i));
      const __m256i cd = _mm256_set_m128i(low4(src + i + 12), low4(src + i + 8));
      const __m256i packed = _mm256_permute4x64_epi64(_mm256_packs_epi32(ab, cd), 0xD8);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), packed);
    }
    for (; i < k; ++i) dst[i] = static_cast<int16_t>(src[i]);
    for (; i < kp; ++i) dst[i] = 0;
  }
}

}  // namespace

Requantizer::Requantizer(int from_frac, const FixedType& to, int input_bits, bool relu)
    : from_frac_(from_frac), to_(to), shift_(from_frac - to.frac), relu_(relu) {
  // The fast forms must see every intermediate in range: rounding adds at most 2^(shift-1) to
  // |v| < 2^input_bits, a left shift by -shift must stay exact, and the bounds must fit the work type.
  const int needed = shift_ > 0 ? std::max(input_bits, shift_) + 1 : input_bits - shift_;
  if (to.width > 62) return;
  const bool avx2 = __builtin_cpu_supports("avx2");
  if (needed <= 62) {
    fast64_ = pick<int64_t, int64_t>(to.rounding, to.overflow, avx2);
    fast32_ = pick<int32_t, int64_t>(to.rounding, to.overflow, avx2);
  }
  if (needed <= 30 && to.width <= 31) fast32_ = pick<int32_t, int32_t>(to.rounding, to.overflow, avx2);
  const bool saturating = to.overflow == OverflowMode::Sat || to.overflow == OverflowMode::SatSym;
  args_.shift = shift_;
  args_.hi = to.max_code();
  args_.lo = to.overflow == OverflowMode::SatSym && to.is_signed ? -to.max_code() : to.min_code();
  if (relu && saturating) args_.lo = std::max<int64_t>(args_.lo, 0);  // relu(sat(v)) == clamp(v, max(lo, 0), hi)
  args_.wrap_bits = to.width;
  args_.is_signed = to.is_signed;
  args_.relu_after = relu && !saturating;
}

int64_t Requantizer::operator()(int128 v) const {
  const int64_t y = requantize(v, from_frac_, to_);
  return relu_ && y < 0 ? 0 : y;
}

void Requantizer::apply_rows(const int64_t* in, int64_t in_stride, int64_t* out, int64_t rows, int64_t n) const {
  if (fast64_) return fast64_(in, in_stride, out, rows, n, args_);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t i = 0; i < n; ++i) out[r * n + i] = (*this)(in[r * in_stride + i]);
}

void Requantizer::apply_rows(const int32_t* in, int64_t in_stride, int64_t* out, int64_t rows, int64_t n) const {
  if (fast32_) return fast32_(in, in_stride, out, rows, n, args_);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t i = 0; i < n; ++i) out[r * n + i] = (*this)(in[r * in_stride + i]);
}

DenseInt16::DenseInt16(int64_t k, int64_t n, std::span<const int64_t> w, std::span<const int64_t> bias)
    : k_(k), n_(n), kp_((k + 1) / 2 * 2), np_((n + 15) / 16 * 16) {
  packed_.assign(static_cast<size_t>(kp_ * np_), 0);
  for (int64_t kk = 0; kk < k; ++kk)
    for (int64_t nn = 0; nn < n; ++nn)
      packed_[static_cast<size_t>(((kk / 2) * np_ + nn) * 2 + kk % 2)] = static_cast<int16_t>(w[kk * n + nn]);
  bias_.assign(static_cast<size_t>(np_), 0);
  for (int64_t nn = 0; nn < n && !bias.empty(); ++nn) bias_[nn] = static_cast<int32_t>(bias[nn]);
  avx2_ = __builtin_cpu_supports("avx2");
}

void DenseInt16::run(const int64_t* x, int64_t rows, int32_t* acc) const {
  thread_local std::vector<int16_t> x16;
  x16.resize(static_cast<size_t>(rows * kp_));
  if (avx2_) narrow_avx2(x, rows, k_, kp_, x16.data());
  else narrow(x, rows, k_, kp_, x16.data());
  if (avx2_) madd_avx2(x16.data(), rows, kp_, packed_.data(), np_, bias_.data(), acc);
  else madd_portable(x16.data(), rows, kp_, packed_.data(), np_, bias_.data(), acc);
}

void dense_int64(const int64_t* x, int64_t rows, int64_t k, int64_t n, const int64_t* w, const int64_t* bias,
                 int64_t* acc) {
  for (int64_t r = 0; r < rows; ++r) {
    int64_t* a = acc + r * n;
    for (int64_t nn = 0; nn < n; ++nn) a[nn] = bias ? bias[nn] : 0;
    for (int64_t kk = 0; kk < k; ++kk) {
      const int64_t xv = x[r * k + kk];
      const int64_t* wr = w + kk * n;
      for (int64_t nn = 0; nn < n; ++nn) a[nn] += xv * wr[nn];
    }
  }
}

}  // namespace aie4ml::sim
