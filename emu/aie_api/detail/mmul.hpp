// aie4ml host emulation: aie::mmul<M, K, N, TypeA, TypeB, AccTag>, the blocked matrix multiply.
// Operands are vectors holding row-major matrices: A is M x K, B is K x N, the result C is M x N
// (public AIE API "Matrix Multiplication" overview). Only the shapes AIE-ML supports for a type pair
// (aie-ml-facts.md) compile. Integer results wrap at the accumulator lane width; accfloat sums each
// C element as float in increasing k order starting from the previous value (bf16 x bf16 products are
// exact in float, so only the summation order is a modelling choice).
#pragma once
#include <type_traits>

#include "accum.hpp"
#include "counters.hpp"
#include "vector.hpp"

namespace aie4ml_emu {

struct mmul_shape {
  unsigned m, k, n;
};

template <class TA, class TB>
constexpr int mmul_family() {  // 1: 8b x 8b, 2: 16b x 8b, 3: 16b x 16b, 4: bf16 x bf16, 0: none
  if constexpr (is_int_elem<TA> && is_int_elem<TB>) {
    if (elem_bits<TA> == 8 && elem_bits<TB> == 8) return 1;
    if (elem_bits<TA> == 16 && elem_bits<TB> == 8) return 2;
    if (elem_bits<TA> == 16 && elem_bits<TB> == 16) return 3;
    return 0;
  } else if constexpr (std::is_same_v<TA, bfloat16> && std::is_same_v<TB, bfloat16>) {
    return 4;
  } else {
    return 0;
  }
}

template <class TA, class TB>
constexpr bool mmul_shape_supported(unsigned m, unsigned k, unsigned n) {
  constexpr mmul_shape s8x8[] = {{4, 8, 8}, {2, 8, 8}, {8, 8, 8}, {4, 8, 4}, {4, 16, 4}, {8, 8, 4}, {2, 16, 8}, {4, 16, 8}};
  constexpr mmul_shape s16x8[] = {{4, 4, 8}, {4, 8, 4}, {2, 8, 8}};
  constexpr mmul_shape s16x16[] = {{4, 4, 4}, {2, 4, 8}, {4, 2, 8}};
  constexpr mmul_shape sbf16[] = {{4, 8, 4}};
  auto in = [&](const auto& list) {
    for (const auto& s : list)
      if (s.m == m && s.k == k && s.n == n) return true;
    return false;
  };
  switch (mmul_family<TA, TB>()) {
    case 1: return in(s8x8);
    case 2: return in(s16x8);
    case 3: return in(s16x16);
    case 4: return in(sbf16);
    default: return false;
  }
}

template <class TA, class TB>
using default_mmul_acc = std::conditional_t<mmul_family<TA, TB>() == 4, accfloat, acc32>;

}  // namespace aie4ml_emu

namespace aie {

template <unsigned M_, unsigned K_, unsigned N_, typename TypeA, typename TypeB,
          typename AccTag = aie4ml_emu::default_mmul_acc<TypeA, TypeB>>
class mmul {
  static_assert(aie4ml_emu::mmul_family<TypeA, TypeB>() != 0,
                "aie::mmul: type pair not supported on AIE-ML by aie4ml's emulation");
  static_assert(aie4ml_emu::mmul_shape_supported<TypeA, TypeB>(M_, K_, N_),
                "aie::mmul: shape not supported on AIE-ML for this type pair");
  static_assert(aie4ml_emu::mmul_family<TypeA, TypeB>() == 4 ? std::is_same_v<AccTag, accfloat>
                                                             : (std::is_same_v<AccTag, acc32> || std::is_same_v<AccTag, acc64>),
                "aie::mmul: accumulator must be accfloat for bfloat16, acc32 or acc64 for integers");

 public:
  static constexpr unsigned M = M_, K = K_, N = N_;
  static constexpr unsigned size_A = M * K, size_B = K * N, size_C = M * N;
  using type_A = TypeA;
  using type_B = TypeB;
  using accum_tag = AccTag;
  using vector_A_type = vector<TypeA, size_A>;
  using vector_B_type = vector<TypeB, size_B>;
  using accum_type = accum<AccTag, size_C>;

  mmul() = default;
  mmul(const accum_type& acc) : c_(acc) {}  // NOLINT: chains start from cascaded partial sums
  template <typename T>
  mmul(const vector<T, size_C>& v, int shift = 0) : c_(v, shift) {}  // NOLINT

  void mul(const vector_A_type& a, const vector_B_type& b) { multiply(a, b, false); }
  void mac(const vector_A_type& a, const vector_B_type& b) { multiply(a, b, true); }

  accum_type to_accum() const { return c_; }
  operator accum_type() const { return c_; }  // NOLINT
  template <typename T>
  vector<T, size_C> to_vector(int shift = 0) const {
    return c_.template to_vector<T>(shift);
  }

 private:
  void multiply(const vector_A_type& a, const vector_B_type& b, bool accumulate) {
    AIE4ML_EMU_COUNT(mmul_issues, 1);
    AIE4ML_EMU_COUNT(macs, M * K * N);
    for (unsigned m = 0; m < M; ++m)
      for (unsigned n = 0; n < N; ++n) {
        const unsigned c = m * N + n;
        if constexpr (std::is_same_v<AccTag, accfloat>) {
          float sum = accumulate ? aie4ml_emu::lane(c_, c) : 0.0f;
          for (unsigned k = 0; k < K; ++k) sum += static_cast<float>(a[m * K + k]) * static_cast<float>(b[k * N + n]);
          aie4ml_emu::set_lane(c_, c, sum);
        } else {
          __int128 sum = accumulate ? aie4ml_emu::lane(c_, c) : 0;
          for (unsigned k = 0; k < K; ++k) sum += __int128(a[m * K + k]) * __int128(b[k * N + n]);
          aie4ml_emu::set_lane(c_, c, aie4ml_emu::acc_wrap<AccTag>(sum));
        }
      }
  }
  accum_type c_{};
};

}  // namespace aie
