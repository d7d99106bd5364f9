// Test helper: for one kernel type configuration, every rounding mode x every saturation mode, run a
// single kernel and a 3-kernel chain (first -> middle -> last) on random padded shapes and compare
// with the reference (dense_harness.h). Shift and ReLU vary with the mode pair so the sweep also covers
// positive, zero and negative shifts with and without ReLU.
#pragma once
#include <gtest/gtest.h>

#include <array>
#include <utility>

#include "dense_harness.h"

namespace aie4ml::testing {

inline constexpr std::array<aie::rounding_mode, 10> kAllRounding{
    aie::rounding_mode::floor,          aie::rounding_mode::ceil,          aie::rounding_mode::symmetric_floor,
    aie::rounding_mode::symmetric_ceil, aie::rounding_mode::negative_inf,  aie::rounding_mode::positive_inf,
    aie::rounding_mode::symmetric_zero, aie::rounding_mode::symmetric_inf, aie::rounding_mode::conv_even,
    aie::rounding_mode::conv_odd};
inline constexpr std::array<aie::saturation_mode, 3> kAllSaturation{
    aie::saturation_mode::none, aie::saturation_mode::saturate, aie::saturation_mode::symmetric};

struct CodeRanges {
  int64_t x_lo, x_hi, w_lo, w_hi, b_lo, b_hi;
};

// A grid whose slices are exactly the kernel's (the logical shape is smaller: zero padding).
inline DenseGrid fixed_grid(int batch, int in, int out, int cas_length, int cas_num, MmulTiling t, int m, int k, int n) {
  DenseGrid g;
  g.batch = batch;
  g.in_features = in;
  g.out_features = out;
  g.cas_length = cas_length;
  g.cas_num = cas_num;
  g.tiling = t;
  g.m_padded = m;
  g.k_slice = k;
  g.n_slice = n;
  g.validate();
  return g;
}

template <class Cfg>
void check_layer(std::mt19937_64& rng, int cas_length, int cas_num, const CodeRanges& r, const char* what) {
  constexpr auto S = Cfg::schedule;
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const int batch = pick(1, int(S.m));
  const int in = pick(int(S.k) * (cas_length - 1) + 1, int(S.k) * cas_length);
  const int out = pick(int(S.n) * (cas_num - 1) + 1, int(S.n) * cas_num);
  const DenseGrid g = fixed_grid(batch, in, out, cas_length, cas_num, {int(S.tile_m), int(S.tile_k), int(S.tile_n)},
                                 int(S.m), int(S.k), int(S.n));
  const auto x = random_codes(rng, size_t(batch) * in, r.x_lo, r.x_hi);
  const auto w = random_codes(rng, size_t(in) * out, r.w_lo, r.w_hi);
  const auto b = random_codes(rng, size_t(out), r.b_lo, r.b_hi);
  const auto y = run_dense_layer<Cfg, int64_t>(g, x, w, b);
  constexpr int out_bits = int(sizeof(typename Cfg::c_type) * 8);
  constexpr bool out_signed = std::numeric_limits<typename Cfg::c_type>::is_signed;
  const auto ref = reference_dense(batch, in, out, x, w, b, Cfg::shift, Cfg::relu, Cfg::rounding, Cfg::saturation,
                                   out_bits, out_signed);
  ASSERT_EQ(y.size(), ref.size());
  size_t bad = 0;
  for (size_t i = 0; i < y.size(); ++i)
    if (y[i] != ref[i] && bad++ == 0)
      ADD_FAILURE() << what << ": " << batch << "x" << in << "->" << out << " grid " << cas_length << "x" << cas_num
                    << " rounding " << unsigned(Cfg::rounding) << " saturation " << unsigned(Cfg::saturation)
                    << " shift " << Cfg::shift << " relu " << Cfg::relu << ": element " << i << " kernel " << y[i]
                    << " reference " << ref[i];
  EXPECT_EQ(bad, 0u);
}

template <class TA, class TB, class TC, class Acc, unsigned TM, unsigned TK, unsigned TN, unsigned M, unsigned K,
          unsigned N, int Shift, bool Relu, aie::rounding_mode R, aie::saturation_mode S>
void check_single_and_chain(std::mt19937_64& rng, const CodeRanges& r, const char* what) {
  using Cfg = kernels::dense_config<TA, TB, TC, Acc, TM, TK, TN, M, K, N, Shift, Relu, R, S>;
  check_layer<Cfg>(rng, 1, 1, r, what);  // single
  check_layer<Cfg>(rng, 3, 1, r, what);  // first -> middle -> last
}

// Sweep all 30 mode pairs; Shifts is a list of shifts used round-robin.
template <class TA, class TB, class TC, class Acc, unsigned TM, unsigned TK, unsigned TN, unsigned M, unsigned K,
          unsigned N, int... Shifts>
struct ModeSweep {
  static constexpr std::array<int, sizeof...(Shifts)> shifts{Shifts...};
  template <size_t I>
  static void one(std::mt19937_64& rng, const CodeRanges& r, const char* what) {
    constexpr auto R = kAllRounding[I / 3];
    constexpr auto S = kAllSaturation[I % 3];
    check_single_and_chain<TA, TB, TC, Acc, TM, TK, TN, M, K, N, shifts[I % shifts.size()], (I % 2) == 0, R, S>(rng, r,
                                                                                                             what);
  }
  template <size_t... I>
  static void all(std::mt19937_64& rng, const CodeRanges& r, const char* what, std::index_sequence<I...>) {
    (one<I>(rng, r, what), ...);
  }
  static void run(uint64_t seed, const CodeRanges& r, const char* what) {
    std::mt19937_64 rng(seed);
    all(rng, r, what, std::make_index_sequence<30>{});
  }
};

}  // namespace aie4ml::testing
