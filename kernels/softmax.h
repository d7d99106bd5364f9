// aie4ml kernel library: the integer Softmax, as the epilogue of the last Dense layer of a network
// (a classifier head), for AIE-ML. On the host it compiles against aie4ml's emu/.
//
// Semantics (docs/numerics.md "Softmax", src/sim/reference_ops.h softmax_codes, bit for bit): per
// sample row of Features codes x_j (the Dense's output codes, frac_in fractional bits):
//   m = max_j x_j;  d_j = x_j - m <= 0;
//   t_j = -round_conv_even(d_j / 2^IndexShift)    (the exp index, resolution 2^-frac_idx, frac_idx =
//                                                   frac_in - IndexShift = min(frac_in, 14))
//   e_j = round_conv_even(hi[t_j >> LoBits] * lo[t_j mod 2^LoBits] / 2^24), 0 if t_j >> LoBits >= HiSize
//         with hi[k] = round(exp(-k 2^(LoBits - frac_idx)) 2^24), lo[i] = round(exp(-i 2^-frac_idx) 2^24)
//   y_j = overflow(round(e_j * 2^OutFrac / sum_j e_j))   with the output type's rounding and overflow.
// e_j <= 2^24 and e = 2^24 for the maximum (hi[0] = lo[0] = 2^24).
// The division is exact: one reciprocal R = floor(2^40 / sum) per row (sum >= 2^24, since the maximum
// contributes 2^24, so R <= 2^16), an estimate q = (e R) >> (40 - OutFrac) that is at most two units
// low, a correction by the remainder, and the rounding decision from the remainder (2 rem vs sum).
//
// Layout: the Dense kernel's output tile layout (kernels/README.md "Output activations"), M x N
// elements, row-tile-major with TM x TN tiles. The softmax runs in place: each row is read completely
// before its outputs are written, and the input and output elements have the same size. Columns
// Features..N-1 (zero-weight padding) are excluded from the row and written as 0.
//
// Scalar code: a head has few classes (5 for the jet tagger), so the epilogue costs a few cycles per
// element beside the matrix product; the table is a small constant array in the tile's data memory
// (HiSize + 2^LoBits uint32 entries, at most 1067 = 4268 bytes, for frac_idx = 14).
#pragma once

// Include it after dense.h (the fused entry points below call the dense kernel's body); the generated
// layer sources and the tests do.
#include <adf.h>
#include <aie_api/aie.hpp>
#include <type_traits>

namespace aie4ml {
namespace kernels {

// The output type's overflow handling; the value is never negative, so saturate and symmetric agree.
enum class softmax_overflow : int { wrap = 0, saturate = 1, symmetric = 2, zero = 3 };

// TX: the Dense's output element type (input of the softmax); TY: the softmax output element type.
// TM x TN tiles of an M x N buffer, Features columns per row (the rest is padding). IndexShift: frac_in -
// frac_idx; HiSize: entries of hi; LoBits: log2 of the entries of lo; the table argument is hi followed by
// lo (table_size = HiSize + 2^LoBits uint32 values, codegen::softmax_kernel_table). OutFrac, OutWidth,
// OutSigned, Rounding, Overflow: the output type.
template <typename TX, typename TY, unsigned TM, unsigned TN, unsigned M, unsigned N, unsigned Features,
          unsigned IndexShift, unsigned HiSize, unsigned LoBits, unsigned OutFrac, unsigned OutWidth, bool OutSigned,
          aie::rounding_mode Rounding, softmax_overflow Overflow>
struct softmax_config {
  using x_type = TX;
  using y_type = TY;
  static constexpr unsigned tm = TM, tn = TN, m = M, n = N, features = Features;
  using table_type = uint32;
  static constexpr unsigned exp_frac = 24;  // the exp values' fractional bits
  static constexpr unsigned index_shift = IndexShift, hi_size = HiSize, lo_bits = LoBits;
  static constexpr unsigned table_size = HiSize + (1u << LoBits);
  static constexpr unsigned out_frac = OutFrac, out_width = OutWidth;
  static constexpr bool out_signed = OutSigned;
  static constexpr aie::rounding_mode rounding = Rounding;
  static constexpr softmax_overflow overflow = Overflow;

  static_assert(sizeof(TX) == sizeof(TY), "softmax_config: the epilogue runs in place (equal element sizes)");
  static_assert(M % TM == 0 && N % TN == 0, "softmax_config: M, N must be whole tiles");
  static_assert(Features >= 1 && Features <= N && Features <= 128, "softmax_config: 1..min(N, 128) features");
  static_assert(IndexShift <= 24, "softmax_config: index shift out of range");
  static_assert(HiSize >= 1 && LoBits <= 14, "softmax_config: table shape out of range");
  static_assert(HiSize + (1u << LoBits) <= 1067, "softmax_config: the exp tables have at most 1067 entries (4268 bytes)");
  static_assert(OutFrac <= 16, "softmax_config: at most 16 fractional output bits");
  static_assert(OutWidth >= 1 && OutWidth <= 8 * sizeof(TY), "softmax_config: output wider than its container");
};

namespace detail {

// Offset of (row b, column nn) in the row-tile-major output layout.
template <class Cfg>
constexpr unsigned softmax_offset(unsigned b, unsigned nn) {
  return ((b / Cfg::tm) * (Cfg::n / Cfg::tn) + nn / Cfg::tn) * (Cfg::tm * Cfg::tn) + (b % Cfg::tm) * Cfg::tn +
         nn % Cfg::tn;
}

// round_conv_even(d / 2^S) for d <= 0, negated: the exp index t >= 0.
template <unsigned S>
inline uint32 exp_index(int32 d) {
  int32 q = d;
  if constexpr (S > 0) {
    q = d >> S;  // floor
    const int32 rem = d - (q << S);
    const int32 half = int32(1) << (S - 1);
    if (rem > half || (rem == half && (q & 1))) q += 1;
  }
  return static_cast<uint32>(-int64(q));
}

// e(t) = round_conv_even(hi[t >> LoBits] * lo[t mod 2^LoBits] / 2^24), 0 past the hi table.
template <class Cfg>
inline uint32 exp_value(uint32 t, const uint32 (&table)[Cfg::table_size]) {
  const uint32 th = t >> Cfg::lo_bits;
  if (th >= Cfg::hi_size) return 0;
  const uint64 p = uint64(table[th]) * table[Cfg::hi_size + (t & ((1u << Cfg::lo_bits) - 1))];
  uint64 q = p >> Cfg::exp_frac;
  const uint64 rem = p & ((uint64(1) << Cfg::exp_frac) - 1), half = uint64(1) << (Cfg::exp_frac - 1);
  if (rem > half || (rem == half && (q & 1))) q += 1;
  return static_cast<uint32>(q);
}

// Round q + rem / den (0 <= rem < den, q >= 0) to an integer under the rounding mode: the value is
// non-negative, so the modes symmetric about zero reduce to their positive halves.
template <aie::rounding_mode R>
inline uint64 round_quotient(uint64 q, uint64 rem, uint64 den) {
  if (rem == 0) return q;
  const uint64 twice = 2 * rem;
  switch (R) {
    case aie::rounding_mode::floor:
    case aie::rounding_mode::symmetric_floor: return q;
    case aie::rounding_mode::ceil:
    case aie::rounding_mode::symmetric_ceil: return q + 1;
    case aie::rounding_mode::positive_inf:
    case aie::rounding_mode::symmetric_inf: return twice >= den ? q + 1 : q;
    case aie::rounding_mode::negative_inf:
    case aie::rounding_mode::symmetric_zero: return twice > den ? q + 1 : q;
    case aie::rounding_mode::conv_even: return twice > den || (twice == den && (q & 1)) ? q + 1 : q;
    case aie::rounding_mode::conv_odd: return twice > den || (twice == den && !(q & 1)) ? q + 1 : q;
  }
  return q;
}

// A non-negative rounded code into OutWidth bits under the overflow mode.
template <class Cfg>
inline int32 overflow_code(uint64 v) {
  constexpr unsigned W = Cfg::out_width;
  constexpr uint64 max_code = Cfg::out_signed ? (uint64(1) << (W - 1)) - 1 : (uint64(1) << W) - 1;
  if (v <= max_code) return static_cast<int32>(v);
  if constexpr (Cfg::overflow == softmax_overflow::zero) return 0;
  if constexpr (Cfg::overflow == softmax_overflow::wrap) {
    const uint64 low = v & ((uint64(1) << W) - 1);
    return static_cast<int32>(Cfg::out_signed && low > max_code ? int64(low) - (int64(1) << W) : int64(low));
  }
  return static_cast<int32>(max_code);
}

}  // namespace detail

// Softmax of every row of `data` in place: TX codes in, TY codes out (same element size).
// table: hi (HiSize entries) then lo (2^LoBits entries), as in softmax_config.
template <class Cfg>
void softmax_rows_inplace(void* __restrict data, const uint32 (&table)[Cfg::table_size]) {
  using TX = typename Cfg::x_type;
  using TY = typename Cfg::y_type;
  const TX* x = static_cast<const TX*>(data);  // x and y alias (in place): no __restrict
  TY* y = static_cast<TY*>(data);
  for (unsigned b = 0; b < Cfg::m; ++b) chess_loop_range(Cfg::m, Cfg::m) {
    uint32 e[Cfg::features];
    int32 m = x[detail::softmax_offset<Cfg>(b, 0)];
    for (unsigned j = 1; j < Cfg::features; ++j) {
      const int32 v = x[detail::softmax_offset<Cfg>(b, j)];
      m = v > m ? v : m;
    }
    uint64 sum = 0;
    for (unsigned j = 0; j < Cfg::features; ++j) {
      const uint32 t = detail::exp_index<Cfg::index_shift>(int32(x[detail::softmax_offset<Cfg>(b, j)]) - m);
      e[j] = detail::exp_value<Cfg>(t, table);
      sum += e[j];
    }
    // sum >= 2^24 (the maximum's entry): R = floor(2^40 / sum) <= 2^16, once per row.
    const uint64 recip = (uint64(1) << 40) / sum;
    for (unsigned j = 0; j < Cfg::features; ++j) {
      const uint64 num = uint64(e[j]) << Cfg::out_frac;
      uint64 q = (uint64(e[j]) * recip) >> (40 - Cfg::out_frac);  // <= floor(num / sum), at most 2 low
      uint64 rem = num - q * sum;
      while (rem >= sum) {
        q += 1;
        rem -= sum;
      }
      y[detail::softmax_offset<Cfg>(b, j)] = static_cast<TY>(detail::overflow_code<Cfg>(detail::round_quotient<Cfg::rounding>(q, rem, sum)));
    }
    for (unsigned j = Cfg::features; j < Cfg::n; ++j) y[detail::softmax_offset<Cfg>(b, j)] = TY(0);
  }
}

// The last layer of a classifier with its Softmax: a dense_single / dense_last kernel whose output
// codes (Dense output type, TX) are turned into softmax codes (TY) in the output buffer.
template <class Dense, class Softmax>
void dense_softmax_single(adf::input_buffer<typename Dense::a_type>& __restrict in,
                          adf::output_buffer<typename Softmax::y_type>& __restrict out,
                          const typename Dense::b_type (&weights)[Dense::weight_elems],
                          const typename Dense::bias_type (&bias)[Dense::bias_elems],
                          const uint32 (&table)[Softmax::table_size]) {
  static_assert(std::is_same_v<typename Dense::c_type, typename Softmax::x_type>, "softmax input = dense output");
  static_assert(Dense::schedule.m == Softmax::m && Dense::schedule.n == Softmax::n, "softmax shape = dense output");
  auto* c = reinterpret_cast<typename Dense::c_type*>(out.data());
  detail::dense_body<Dense, cascade_pos::single>(in.data(), weights, bias, c, nullptr, nullptr);
  softmax_rows_inplace<Softmax>(out.data(), table);
}

template <class Dense, class Softmax>
void dense_softmax_last(adf::input_buffer<typename Dense::a_type>& __restrict in,
                        input_cascade<typename Dense::acc_tag>* __restrict cas_in,
                        adf::output_buffer<typename Softmax::y_type>& __restrict out,
                        const typename Dense::b_type (&weights)[Dense::weight_elems],
                        const typename Dense::bias_type (&bias)[Dense::bias_elems],
                        const uint32 (&table)[Softmax::table_size]) {
  static_assert(std::is_same_v<typename Dense::c_type, typename Softmax::x_type>, "softmax input = dense output");
  static_assert(Dense::schedule.m == Softmax::m && Dense::schedule.n == Softmax::n, "softmax shape = dense output");
  auto* c = reinterpret_cast<typename Dense::c_type*>(out.data());
  detail::dense_body<Dense, cascade_pos::last>(in.data(), weights, bias, c, cas_in, nullptr);
  softmax_rows_inplace<Softmax>(out.data(), table);
}

}  // namespace kernels
}  // namespace aie4ml
