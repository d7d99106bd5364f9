// Integer LayerNorm (see layernorm_ops.h for the definition and docs/numerics.md for its error bound).
#include "sim/layernorm_ops.h"

#include <cmath>

#include <fmt/format.h>

#include "sim/shape_util.h"
#include "support/error.h"

namespace aie4ml {

namespace {

int bit_length(int128 v) {
  int bits = 0;
  while (v > 0) ++bits, v >>= 1;
  return bits;
}

int128 abs128(int128 v) { return v < 0 ? -v : v; }

}  // namespace

// epsilon * n^2 * 2^(2 fx + 2G), rounded half to even: epsilon at the scale of D * 2^2G, D = n^2 * var in
// code^2 units.
int128 layernorm_epsilon_code(const LayerNormSpec& s) {
  const double e = std::ldexp(s.epsilon * static_cast<double>(s.n) * static_cast<double>(s.n),
                              2 * (s.in.frac + LayerNormSpec::kEpsilonGuardBits));
  if (!(e >= 0) || e > 0x1p100) throw InputError(fmt::format("LayerNorm: epsilon {} is out of range", s.epsilon));
  return static_cast<int128>(std::nearbyint(e));
}

int128 isqrt128(int128 v) {
  if (v < 0) throw std::logic_error("isqrt128 of a negative value");
  // Bit by bit from the top: the largest r with r^2 <= v.
  int128 r = 0;
  for (int bit = (bit_length(v) + 1) / 2; bit >= 0; --bit) {
    const int128 t = r | (int128{1} << bit);
    if (t * t <= v) r = t;
  }
  return r;
}

std::pair<int128, int> rsqrt_fixed(int128 v) {
  const int R = LayerNormSpec::kRsqrtBits + (bit_length(v) + 1) / 2;
  if (2 * R > 125) throw InputError("LayerNorm: variance too large for the 128-bit reciprocal square root");
  // floor(sqrt(2^2R / V)) = floor(sqrt(floor(2^2R / V))): both are the largest r with r^2 * V <= 2^2R.
  return {isqrt128((int128{1} << (2 * R)) / v), R};
}

void layernorm_codes(const LayerNormSpec& s, const int64_t* x, const std::vector<int64_t>& gamma,
                     const std::vector<int64_t>& beta, int64_t* y) {
  const int128 n = s.n;
  int128 s1 = 0, s2 = 0;
  for (int64_t j = 0; j < s.n; ++j) s1 += x[j], s2 += static_cast<int128>(x[j]) * x[j];
  constexpr int G = LayerNormSpec::kEpsilonGuardBits;
  const int128 d = n * s2 - s1 * s1;
  const int128 v = std::max<int128>((d << (2 * G)) + layernorm_epsilon_code(s), 1);
  const auto [r, R] = rsqrt_fixed(v);
  const int fg = gamma.empty() ? 0 : s.gamma.frac, fb = beta.empty() ? 0 : s.beta.frac;
  const int frac = std::max(R + fg, fb);  // the exact sum's scale
  for (int64_t j = 0; j < s.n; ++j) {
    const int128 g = gamma.empty() ? 1 : gamma[static_cast<size_t>(j) % gamma.size()];
    const int128 b = beta.empty() ? 0 : beta[static_cast<size_t>(j) % beta.size()];
    const int128 c = (n * x[j] - s1) << G;
    const int128 acc = ((c * r * g) << (frac - R - fg)) + (b << (frac - fb));
    y[j] = requantize(acc, frac, s.out);
  }
}

namespace sim {

namespace {

const FixedType& fixed_type(const Model& m, const std::string& name, const Op& op) {
  const Tensor& t = m.tensor(name);
  if (!t.type.is_fixed())
    throw InputError(fmt::format("LayerNorm '{}': tensor '{}' has type {}, not fixed point", op.name, name, t.type.str()));
  return t.type.fixed;
}

std::vector<int64_t> constant_codes(const Model& m, const Op& op, size_t i) {
  if (op.inputs.size() <= i || op.inputs[i].empty()) return {};
  const Tensor& t = m.tensor(op.inputs[i]);
  if (!t.is_constant || t.codes.size() != static_cast<size_t>(t.elements()))
    throw InputError(fmt::format("LayerNorm '{}': '{}' must be a quantised constant (codes missing)", op.name, t.name));
  return t.codes;
}

int128 max_abs(const std::vector<int64_t>& v, int128 fallback) {
  int128 m = v.empty() ? fallback : 0;
  for (auto c : v) m = std::max(m, abs128(c));
  return m;
}

class LayerNormKernel : public Kernel<int64_t> {
 public:
  LayerNormKernel(const Model& m, const Op& op) {
    const Tensor& t = m.tensor(op.inputs.at(0));
    const auto shape = t.sample_shape();
    const int axis = sample_axis(op.get_int("axis", -1), t.shape.size(), op.name);
    spec_.n = product({shape.begin() + axis, shape.end()});
    elems_ = product(shape);
    spec_.in = fixed_type(m, t.name, op);
    spec_.out = fixed_type(m, op.outputs.at(0), op);
    spec_.epsilon = op.get_float("epsilon", 1e-5);
    gamma_ = constant_codes(m, op, 1), beta_ = constant_codes(m, op, 2);
    if (!gamma_.empty()) spec_.gamma = fixed_type(m, op.inputs[1], op);
    if (!beta_.empty()) spec_.beta = fixed_type(m, op.inputs[2], op);
    for (auto* v : {&gamma_, &beta_})
      if (!v->empty() && static_cast<int64_t>(v->size()) != spec_.n && v->size() != 1)
        throw InputError(fmt::format("LayerNorm '{}': gamma / beta must hold {} values or 1", op.name, spec_.n));
    check_widths(op);
  }

  void run(std::span<const int64_t* const> in, int64_t* out, int64_t batch) const override {
    for (int64_t row = 0; row < batch * elems_ / spec_.n; ++row)
      layernorm_codes(spec_, in[0] + row * spec_.n, gamma_, beta_, out + row * spec_.n);
  }

 private:
  // Every intermediate of layernorm_codes must fit in 127 bits for the worst-case input codes.
  void check_widths(const Op& op) const {
    const int128 xmax = std::max(abs128(spec_.in.min_code()), abs128(spec_.in.max_code()));
    const int nbits = bit_length(spec_.n);
    constexpr int G = LayerNormSpec::kEpsilonGuardBits;
    const int d_bits = 2 * nbits + 2 * bit_length(xmax) + 1 + 2 * G;
    const int R = LayerNormSpec::kRsqrtBits + (d_bits + 2) / 2;
    const int fg = gamma_.empty() ? 0 : spec_.gamma.frac, fb = beta_.empty() ? 0 : spec_.beta.frac;
    const int frac = std::max(R + fg, fb);
    const int prod_bits = nbits + bit_length(xmax) + 2 + G + LayerNormSpec::kRsqrtBits + 2 + bit_length(max_abs(gamma_, 1)) +
                          (frac - R - fg);
    const int beta_bits = bit_length(max_abs(beta_, 0)) + frac - fb;
    if (d_bits > 120 || 2 * R > 125 || std::max(prod_bits, beta_bits) > 124)
      throw InputError(fmt::format("LayerNorm '{}': {} elements of type {} need more than 128-bit intermediates",
                                   op.name, spec_.n, spec_.in.str()));
  }

  LayerNormSpec spec_;
  std::vector<int64_t> gamma_, beta_;
  int64_t elems_ = 0;
};

}  // namespace

std::unique_ptr<Kernel<int64_t>> make_layernorm_kernel(const Model& m, const Op& op) {
  return std::make_unique<LayerNormKernel>(m, op);
}

}  // namespace sim

}  // namespace aie4ml
