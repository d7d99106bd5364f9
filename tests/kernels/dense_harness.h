// Test harness: runs a whole Dense layer on the host through aie4ml's kernels (kernels/dense.h built
// against emu/), exactly as the array would: the layer is packed with src/passes/pack_weights, every
// chain runs first -> middle... -> last over cascade links (or one single kernel), and the chains'
// outputs are scattered back into the layer output. Plus the oracles the kernel tests compare with.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "dense.h"
#include "ir/fixed_point.h"
#include "passes/pack_weights.h"
#include "sim/reference_ops.h"
#include "support/error.h"

namespace aie4ml::testing {

// 64-byte aligned storage: AIE vector accesses are aligned and the emulator checks it.
template <class T>
class AlignedArray {
 public:
  explicit AlignedArray(size_t n) : n_(n) {
    const size_t bytes = ((n * sizeof(T) + 63) / 64) * 64;
    p_.reset(static_cast<T*>(std::aligned_alloc(64, bytes ? bytes : 64)));
    if (!p_) throw std::bad_alloc();
    for (size_t i = 0; i < n; ++i) new (p_.get() + i) T{};
  }
  T* data() { return p_.get(); }
  const T* data() const { return p_.get(); }
  size_t size() const { return n_; }
  T& operator[](size_t i) { return p_.get()[i]; }
  // The array as the kernel's runtime-parameter argument `const T (&)[N]`.
  template <size_t N>
  const T (&as_rtp() const)[N] {
    if (N != n_) throw std::logic_error("runtime-parameter array size mismatch");
    return *reinterpret_cast<const T(*)[N]>(p_.get());
  }

 private:
  struct Free {
    void operator()(T* p) const { std::free(p); }
  };
  std::unique_ptr<T, Free> p_;
  size_t n_;
};

// Element conversions between the harness's value type V (int64 codes, or float for bf16) and the
// kernel's element type.
template <class T, class V>
T to_elem(V v) {
  if constexpr (std::is_same_v<T, bfloat16>)
    return bfloat16(static_cast<float>(v));
  else
    return static_cast<T>(v);
}
template <class V, class T>
V from_elem(T v) {
  if constexpr (std::is_same_v<T, bfloat16>)
    return static_cast<V>(static_cast<float>(v));
  else
    return static_cast<V>(v);
}

template <class T, class V>
AlignedArray<T> pack(std::span<const V> src, const std::vector<int64_t>& map) {
  const std::vector<V> packed = apply_pack_map(src, std::span<const int64_t>(map));
  AlignedArray<T> out(packed.size());
  for (size_t i = 0; i < packed.size(); ++i) out[i] = to_elem<T>(packed[i]);
  return out;
}

// Run the layer described by `g` with the kernels of Cfg (Cfg's slice must equal g's). V is the value
// type of x (batch x in), w (in x out), bias (out or empty) and of the result (batch x out).
template <class Cfg, class V>
std::vector<V> run_dense_layer(const DenseGrid& g, std::span<const V> x, std::span<const V> w, std::span<const V> bias) {
  using TA = typename Cfg::a_type;
  using TB = typename Cfg::b_type;
  using TC = typename Cfg::c_type;
  using BT = typename Cfg::bias_type;
  using Acc = typename Cfg::acc_tag;
  constexpr auto S = Cfg::schedule;
  if (int(S.tile_m) != g.tiling.m || int(S.tile_k) != g.tiling.k || int(S.tile_n) != g.tiling.n ||
      int(S.m) != g.m_padded || int(S.k) != g.k_slice || int(S.n) != g.n_slice)
    throw std::logic_error("kernel configuration does not match the layer grid");

  std::vector<AlignedArray<TA>> inputs;
  for (int p = 0; p < g.cas_length; ++p) inputs.push_back(pack<TA>(x, input_pack_map(g, p)));
  std::vector<V> y(static_cast<size_t>(g.batch) * g.out_features, V{});
  for (int c = 0; c < g.cas_num; ++c) {
    const AlignedArray<BT> b = bias.empty() ? AlignedArray<BT>(Cfg::bias_elems) : pack<BT>(bias, bias_pack_map(g, c));
    AlignedArray<TC> out(Cfg::output_elems);
    adf::output_buffer<TC> out_port(out.data(), out.size());
    std::vector<std::unique_ptr<aie4ml_emu::cascade_link<Acc>>> links;
    for (int p = 0; p + 1 < g.cas_length; ++p) links.push_back(std::make_unique<aie4ml_emu::cascade_link<Acc>>());
    for (int p = 0; p < g.cas_length; ++p) {
      const AlignedArray<TB> wk = pack<TB>(w, weight_pack_map(g, c, p));
      adf::input_buffer<TA> in_port(inputs[p].data(), inputs[p].size());
      const auto& w_rtp = wk.template as_rtp<Cfg::weight_elems>();
      const auto& b_rtp = b.template as_rtp<Cfg::bias_elems>();
      if (g.cas_length == 1) {
        kernels::dense_single<Cfg>(in_port, out_port, w_rtp, b_rtp);
      } else if (p == 0) {
        output_cascade<Acc> co(*links[0]);
        kernels::dense_first<Cfg>(in_port, &co, w_rtp);
      } else if (p + 1 < g.cas_length) {
        input_cascade<Acc> ci(*links[p - 1]);
        output_cascade<Acc> co(*links[p]);
        kernels::dense_middle<Cfg>(in_port, &ci, &co, w_rtp);
      } else {
        input_cascade<Acc> ci(*links[p - 1]);
        kernels::dense_last<Cfg>(in_port, &ci, out_port, w_rtp, b_rtp);
      }
    }
    for (const auto& l : links)
      if (l->pending() != 0) throw std::logic_error("cascade link left with unread partial sums");
    std::vector<V> packed_out(out.size());
    for (size_t i = 0; i < out.size(); ++i) packed_out[i] = from_elem<V>(out[i]);
    const auto map = output_pack_map(g, c);
    scatter_output(std::span<const V>(packed_out), std::span<const int64_t>(map), std::span<V>(y));
  }
  return y;
}

// ---- oracles ----

// AIE rounding mode -> hls4ml mode, where one exists (ceil, symmetric_ceil, conv_odd have none).
inline std::optional<RoundingMode> hls_rounding(aie::rounding_mode m) {
  switch (m) {
    case aie::rounding_mode::floor: return RoundingMode::Trn;
    case aie::rounding_mode::symmetric_floor: return RoundingMode::TrnZero;
    case aie::rounding_mode::positive_inf: return RoundingMode::Rnd;
    case aie::rounding_mode::negative_inf: return RoundingMode::RndMinInf;
    case aie::rounding_mode::symmetric_zero: return RoundingMode::RndZero;
    case aie::rounding_mode::symmetric_inf: return RoundingMode::RndInf;
    case aie::rounding_mode::conv_even: return RoundingMode::RndConv;
    default: return std::nullopt;
  }
}
inline OverflowMode hls_overflow(aie::saturation_mode s) {
  switch (s) {
    case aie::saturation_mode::none: return OverflowMode::Wrap;
    case aie::saturation_mode::saturate: return OverflowMode::Sat;
    case aie::saturation_mode::symmetric: return OverflowMode::SatSym;
  }
  return OverflowMode::Wrap;
}

// Independent definition of rounding x = v / 2^shift (exact in long double for |v| < 2^63) through
// libm, used where the reference interpreter has no equivalent mode and for the exhaustive API tests.
inline long double libm_round(long double x, aie::rounding_mode m) {
  const long double f = std::floor(x), frac = x - f;
  const bool tie = frac == 0.5L;
  switch (m) {
    case aie::rounding_mode::floor: return f;
    case aie::rounding_mode::ceil: return std::ceil(x);
    case aie::rounding_mode::symmetric_floor: return std::trunc(x);
    case aie::rounding_mode::symmetric_ceil: return x < 0 ? std::floor(x) : std::ceil(x);
    case aie::rounding_mode::negative_inf: return std::ceil(x - 0.5L);
    case aie::rounding_mode::positive_inf: return std::floor(x + 0.5L);
    case aie::rounding_mode::symmetric_zero: return x >= 0 ? std::ceil(x - 0.5L) : std::floor(x + 0.5L);
    case aie::rounding_mode::symmetric_inf: return std::round(x);
    case aie::rounding_mode::conv_even: return std::nearbyint(x);  // default FE_TONEAREST: ties to even
    case aie::rounding_mode::conv_odd:
      if (!tie) return std::nearbyint(x);
      return std::fmod(f, 2.0L) != 0 ? f : f + 1;
  }
  return x;
}

inline int64_t libm_srs(int64_t v, int shift, aie::rounding_mode m, aie::saturation_mode s, int bits, bool is_signed) {
  const long double x = std::ldexp(static_cast<long double>(v), -shift);  // exact: a power-of-two scaling
  const __int128 r = static_cast<__int128>(shift > 0 ? libm_round(x, m) : x);  // an integer, exact
  const __int128 lo = is_signed ? -(static_cast<__int128>(1) << (bits - 1)) : 0;
  const __int128 hi = is_signed ? (static_cast<__int128>(1) << (bits - 1)) - 1 : (static_cast<__int128>(1) << bits) - 1;
  switch (s) {
    case aie::saturation_mode::saturate: return static_cast<int64_t>(r < lo ? lo : (r > hi ? hi : r));
    case aie::saturation_mode::symmetric: {
      const __int128 sym_lo = is_signed ? -hi : 0;
      return static_cast<int64_t>(r < sym_lo ? sym_lo : (r > hi ? hi : r));
    }
    case aie::saturation_mode::none: {
      const __int128 span = static_cast<__int128>(1) << bits;
      __int128 w = (r - lo) % span;
      if (w < 0) w += span;
      return static_cast<int64_t>(w + lo);
    }
  }
  return 0;
}

// Dense on integer codes with any AIE mode: the reference interpreter's dense_codes when the modes map
// onto hls4ml modes, else exact int128 sums through libm_srs.
inline std::vector<int64_t> reference_dense(int batch, int in, int out, std::span<const int64_t> x,
                                            std::span<const int64_t> w, std::span<const int64_t> b, int shift,
                                            bool relu, aie::rounding_mode rm, aie::saturation_mode sm, int out_bits,
                                            bool out_signed = true) {
  if (auto hr = hls_rounding(rm)) {
    DenseSpec spec;
    spec.batch = batch;
    spec.in_features = in;
    spec.out_features = out;
    spec.input = FixedType{16, 4, true};
    spec.weight = FixedType{16, 3, true};
    spec.output = FixedType{out_bits, 7 - shift, out_signed, *hr, hls_overflow(sm)};
    spec.relu = relu;
    return dense_codes(spec, x, w, b);
  }
  std::vector<int64_t> y(static_cast<size_t>(batch) * out);
  for (int r = 0; r < batch; ++r)
    for (int n = 0; n < out; ++n) {
      __int128 acc = b.empty() ? 0 : b[n];
      for (int k = 0; k < in; ++k) acc += static_cast<__int128>(x[size_t(r) * in + k]) * w[size_t(k) * out + n];
      int64_t q = libm_srs(static_cast<int64_t>(acc), shift, rm, sm, out_bits, out_signed);
      y[size_t(r) * out + n] = relu && q < 0 ? 0 : q;
    }
  return y;
}

inline std::vector<int64_t> random_codes(std::mt19937_64& rng, size_t n, int64_t lo, int64_t hi) {
  std::uniform_int_distribution<int64_t> d(lo, hi);
  std::vector<int64_t> v(n);
  for (auto& e : v) e = d(rng);
  return v;
}

}  // namespace aie4ml::testing
