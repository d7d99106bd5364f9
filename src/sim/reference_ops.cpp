#include "sim/reference_ops.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "ir/fixed_point.h"
#include "support/error.h"

namespace aie4ml {

std::vector<int64_t> dense_codes(const DenseSpec& s, std::span<const int64_t> x, std::span<const int64_t> w,
                                 std::span<const int64_t> bias) {
  const size_t K = s.in_features, N = s.out_features, B = s.batch;
  if (x.size() != B * K || w.size() != K * N || (!bias.empty() && bias.size() != N))
    throw InputError(fmt::format("dense_codes: operand sizes x={} w={} b={} do not match {}x{}x{}", x.size(),
                                 w.size(), bias.size(), B, K, N));
  const int acc_frac = s.input.frac + s.weight.frac;
  std::vector<int64_t> y(B * N);
  for (size_t b = 0; b < B; ++b)
    for (size_t n = 0; n < N; ++n) {
      int128 acc = bias.empty() ? 0 : bias[n];
      for (size_t k = 0; k < K; ++k) acc += static_cast<int128>(x[b * K + k]) * w[k * N + n];
      const int64_t q = requantize(acc, acc_frac, s.output);
      y[b * N + n] = s.relu && q < 0 ? 0 : q;
    }
  return y;
}

}  // namespace aie4ml

namespace aie4ml {

int128 round_div(int128 num, int128 den, RoundingMode mode) {
  // floor division, then the same "which neighbour" decision as round_shift on the remainder.
  int128 q = num / den;
  if (q * den > num) q -= 1;
  const int128 rem = num - q * den;  // 0 <= rem < den
  if (rem == 0) return q;
  const int128 twice = 2 * rem;
  const int cmp = twice > den ? 1 : (twice < den ? -1 : 0);
  const bool negative = num < 0;
  switch (mode) {
    case RoundingMode::Trn: return q;
    case RoundingMode::TrnZero: return negative ? q + 1 : q;
    case RoundingMode::Rnd: return cmp >= 0 ? q + 1 : q;
    case RoundingMode::RndMinInf: return cmp > 0 ? q + 1 : q;
    case RoundingMode::RndZero: return cmp != 0 ? (cmp > 0 ? q + 1 : q) : (negative ? q + 1 : q);
    case RoundingMode::RndInf: return cmp != 0 ? (cmp > 0 ? q + 1 : q) : (negative ? q : q + 1);
    case RoundingMode::RndConv: return cmp != 0 ? (cmp > 0 ? q + 1 : q) : ((q & 1) ? q + 1 : q);
  }
  return q;
}

int64_t leaky_relu_code(int64_t q, int64_t alpha_code, int alpha_frac, const FixedType& out) {
  if (q >= 0) return q;
  return requantize(static_cast<int128>(q) * alpha_code, out.frac + alpha_frac, out);
}

ClipCodes clip_codes(double lo, double hi, const FixedType& x, const FixedType& y) {
  // x < lo exactly when the code is below ceil(lo * 2^frac), x > hi when above floor(hi * 2^frac).
  const FixedType floor_type{64, x.frac, true, RoundingMode::Trn, OverflowMode::Sat};
  ClipCodes c;
  c.x = x;
  c.y = y;
  if (!std::isinf(lo)) c.lo_code = -quantize(-lo, floor_type), c.lo_out = quantize(lo, y);
  if (!std::isinf(hi)) c.hi_code = quantize(hi, floor_type), c.hi_out = quantize(hi, y);
  return c;
}

int64_t ClipCodes::operator()(int64_t v) const {
  if (v < lo_code) return lo_out;
  if (v > hi_code) return hi_out;
  return requantize(v, x.frac, y);
}

namespace {

template <class F>
ActivationTable make_table(const FixedType& in, const FixedType& out, F f) {
  ActivationTable t{in, activation_index_type(in), {}};
  for (int64_t c = t.index.min_code(); c <= t.index.max_code(); ++c)
    t.entries.push_back(quantize(f(dequantize(c, t.index)), out));
  return t;
}

}  // namespace

ActivationTable sigmoid_table(const FixedType& in, const FixedType& out) {
  return make_table(in, out, [](double v) { return 1.0 / (1.0 + std::exp(-v)); });
}

ActivationTable tanh_table(const FixedType& in, const FixedType& out) {
  return make_table(in, out, [](double v) { return std::tanh(v); });
}

namespace {

// exp(-v) rounded to P fractional bits (half to even; the tables' entries).
int64_t exp_entry(double v) {
  const FixedType e{SoftmaxTable::kExpFrac + 2, SoftmaxTable::kExpFrac, false, RoundingMode::RndConv, OverflowMode::Sat};
  return quantize(std::exp(-v), e);
}

// lo_bits minimising the entries of both tables: hi has about ln(2^(P+1)) / 2^(L - index_frac) + 1 entries
// (exp(-v) 2^P rounds to 0 beyond v = ln(2^(P+1))), lo has 2^L; ties to the smaller L.
int softmax_lo_bits(int index_frac) {
  const double range = std::log(2.0) * (SoftmaxTable::kExpFrac + 1);
  int best = 0;
  double best_size = 0;
  for (int L = 0; L <= std::max(index_frac, 0); ++L) {
    const double size = std::floor(range / std::ldexp(1.0, L - index_frac)) + 1 + std::ldexp(1.0, L);
    if (L == 0 || size < best_size) best = L, best_size = size;
  }
  return best;
}

}  // namespace

SoftmaxTable softmax_table(const FixedType& in) {
  SoftmaxTable t;
  t.in = in;
  t.index_frac = std::min(in.frac, SoftmaxTable::kMaxIndexFrac);
  t.index_shift = in.frac - t.index_frac;
  t.lo_bits = softmax_lo_bits(t.index_frac);
  const double hi_step = std::ldexp(1.0, t.lo_bits - t.index_frac);
  for (int64_t k = 0;; ++k) {
    const int64_t v = exp_entry(static_cast<double>(k) * hi_step);
    if (v == 0) break;
    t.hi.push_back(v);
  }
  for (int64_t j = 0; j < (int64_t{1} << t.lo_bits); ++j)
    t.lo.push_back(exp_entry(std::ldexp(static_cast<double>(j), -t.index_frac)));
  return t;
}

void softmax_codes(const SoftmaxTable& t, const FixedType& out, const int64_t* x, int64_t* y, int64_t n,
                   int64_t stride) {
  if (n <= 0) return;
  int64_t m = x[0];
  for (int64_t j = 1; j < n; ++j) m = std::max(m, x[j * stride]);
  thread_local std::vector<int64_t> e;
  e.resize(static_cast<size_t>(n));
  int128 sum = 0;
  for (int64_t j = 0; j < n; ++j) {
    const int64_t d = x[j * stride] - m;  // <= 0, exact
    e[j] = t.exp_code(-static_cast<int64_t>(round_shift(d, t.index_shift, RoundingMode::RndConv)));
    sum += e[j];
  }
  for (int64_t j = 0; j < n; ++j) {
    // y = e / sum in units of 2^-out.frac: e * 2^frac / sum (or e / (sum * 2^-frac)).
    const int128 num = out.frac >= 0 ? static_cast<int128>(e[j]) << out.frac : static_cast<int128>(e[j]);
    const int128 den = out.frac >= 0 ? sum : sum << -out.frac;
    y[j * stride] = apply_overflow(round_div(num, den, out.rounding), out.width, out.is_signed, out.overflow);
  }
}

}  // namespace aie4ml
