// aie4ml kernel library: Sigmoid and Tanh by table lookup, as the epilogue of the last Dense layer of a
// network, for AIE-ML. On the host it compiles against aie4ml's emu/. Include it after dense.h.
//
// Semantics (docs/numerics.md "Sigmoid and Tanh tables", src/sim/reference_ops.h ActivationTable, bit
// for bit): the input code x (frac_x fractional bits) is requantised into the index type
// ap_fixed<12, 12 - min(frac_x, 7), AP_RND_CONV, AP_SAT>, i.e. c = round_conv_even(x / 2^IndexShift)
// clamped to [-2048, 2047]; the result is table[c - IndexLo], the output code the reference's table
// holds for c. The table covers only the index codes the input type can reach ([IndexLo, IndexLo +
// TableSize)), e.g. 256 entries for an 8-bit input.
//
// Piecewise-linear activations (LeakyReLU, Clip) are the same kind of epilogue without a table
// (piecewise_inplace, dense_piecewise_*): per code v of the Dense output,
//   v < lo_code -> lo_out;  v > hi_code -> hi_out;  v < 0 -> step(v * neg_mul, neg);  else step(v, pos)
// with `step` the requantisation of kernels/tensor_ops.h (round_shift under the output's rounding mode,
// then its overflow mode). LeakyReLU (src/sim/reference_ops.h leaky_relu_code): no bounds, neg_mul =
// alpha_code, neg = a shift by alpha_frac; Clip (ClipCodes): the bounds, neg_mul 1, neg = pos = the cast.
//
// Layout: the Dense kernel's output tile layout (kernels/README.md), M x N, in place (equal element
// sizes); columns Features..N-1 (zero-weight padding) are written as 0.
#pragma once

#include <adf.h>
#include <aie_api/aie.hpp>
#include <type_traits>

#include "tensor_ops.h"  // requant_step

namespace aie4ml {
namespace kernels {

template <typename TX, typename TY, unsigned TM, unsigned TN, unsigned M, unsigned N, unsigned Features,
          unsigned IndexShift, int IndexLo, unsigned TableSize>
struct activation_table_config {
  using x_type = TX;
  using y_type = TY;
  static constexpr unsigned tm = TM, tn = TN, m = M, n = N, features = Features;
  static constexpr unsigned index_shift = IndexShift, table_size = TableSize;
  static constexpr int index_lo = IndexLo;

  static_assert(sizeof(TX) == sizeof(TY), "activation_table_config: the epilogue runs in place (equal element sizes)");
  static_assert(M % TM == 0 && N % TN == 0, "activation_table_config: M, N must be whole tiles");
  static_assert(Features >= 1 && Features <= N, "activation_table_config: 1..N features");
  static_assert(IndexShift <= 24, "activation_table_config: index shift out of range");
  static_assert(IndexLo >= -2048 && TableSize >= 1 && IndexLo + int(TableSize) <= 2048,
                "activation_table_config: the table lies in the 12-bit index range");
};

namespace detail {

// The 12-bit index code of input code x: round_conv_even(x / 2^S), saturated to [-2048, 2047].
template <unsigned S>
inline int32 table_index(int32 x) {
  int32 q = x;
  if constexpr (S > 0) {
    q = x >> S;  // floor
    const int32 rem = x - (q << S);
    const int32 half = int32(1) << (S - 1);
    if (rem > half || (rem == half && (q & 1))) q += 1;
  }
  return q < -2048 ? -2048 : (q > 2047 ? 2047 : q);
}

template <class Cfg>
constexpr unsigned table_offset(unsigned b, unsigned nn) {
  return ((b / Cfg::tm) * (Cfg::n / Cfg::tn) + nn / Cfg::tn) * (Cfg::tm * Cfg::tn) + (b % Cfg::tm) * Cfg::tn + nn % Cfg::tn;
}

}  // namespace detail

// Every element of `data` (TX codes) replaced by its table entry (TY codes), in place.
template <class Cfg>
void activation_table_inplace(void* __restrict data, const typename Cfg::y_type (&table)[Cfg::table_size]) {
  using TX = typename Cfg::x_type;
  using TY = typename Cfg::y_type;
  const TX* x = static_cast<const TX*>(data);  // x and y alias (in place): no __restrict
  TY* y = static_cast<TY*>(data);
  for (unsigned b = 0; b < Cfg::m; ++b) chess_loop_range(Cfg::m, Cfg::m) {
    for (unsigned j = 0; j < Cfg::features; ++j) {
      const unsigned o = detail::table_offset<Cfg>(b, j);
      const int32 c = detail::table_index<Cfg::index_shift>(int32(x[o]));
      y[o] = table[c - Cfg::index_lo];  // the input type's range maps into [index_lo, index_lo + size)
    }
    for (unsigned j = Cfg::features; j < Cfg::n; ++j) y[detail::table_offset<Cfg>(b, j)] = TY(0);
  }
}

// The parameters of a piecewise-linear activation (see the top of this file); an absent bound is the
// most negative / positive long long.
constexpr long long piecewise_no_lo = -0x7fffffffffffffffLL - 1, piecewise_no_hi = 0x7fffffffffffffffLL;
struct piecewise_params {
  long long lo_code, lo_out, hi_code, hi_out, neg_mul;
  requant_step neg, pos;
};

template <typename TX, typename TY, unsigned TM, unsigned TN, unsigned M, unsigned N, unsigned Features>
struct piecewise_config_base {
  using x_type = TX;
  using y_type = TY;
  static constexpr unsigned tm = TM, tn = TN, m = M, n = N, features = Features;
  static_assert(sizeof(TX) == sizeof(TY), "piecewise_config: the epilogue runs in place (equal element sizes)");
  static_assert(M % TM == 0 && N % TN == 0, "piecewise_config: M, N must be whole tiles");
  static_assert(Features >= 1 && Features <= N, "piecewise_config: 1..N features");
};
// A layer's config derives from piecewise_config_base and adds `static constexpr piecewise_params params`.

namespace detail {
inline long long piecewise(long long v, const piecewise_params& p) {
  if (v < p.lo_code) return p.lo_out;
  if (v > p.hi_code) return p.hi_out;
  return v < 0 ? apply(v * p.neg_mul, p.neg) : apply(v, p.pos);
}
}  // namespace detail

template <class Cfg>
void piecewise_inplace(void* __restrict data) {
  using TX = typename Cfg::x_type;
  using TY = typename Cfg::y_type;
  const TX* x = static_cast<const TX*>(data);  // x and y alias (in place): no __restrict
  TY* y = static_cast<TY*>(data);
  for (unsigned b = 0; b < Cfg::m; ++b) chess_loop_range(Cfg::m, Cfg::m) {
    for (unsigned j = 0; j < Cfg::features; ++j) {
      const unsigned o = detail::table_offset<Cfg>(b, j);
      y[o] = static_cast<TY>(detail::piecewise(static_cast<long long>(x[o]), Cfg::params));
    }
    for (unsigned j = Cfg::features; j < Cfg::n; ++j) y[detail::table_offset<Cfg>(b, j)] = TY(0);
  }
}

template <class Dense, class Act>
void dense_table_single(adf::input_buffer<typename Dense::a_type>& __restrict in,
                        adf::output_buffer<typename Act::y_type>& __restrict out,
                        const typename Dense::b_type (&weights)[Dense::weight_elems],
                        const typename Dense::bias_type (&bias)[Dense::bias_elems],
                        const typename Act::y_type (&table)[Act::table_size]) {
  static_assert(std::is_same_v<typename Dense::c_type, typename Act::x_type>, "table input = dense output");
  static_assert(Dense::schedule.m == Act::m && Dense::schedule.n == Act::n, "table shape = dense output");
  auto* c = reinterpret_cast<typename Dense::c_type*>(out.data());
  detail::dense_body<Dense, cascade_pos::single>(in.data(), weights, bias, c, nullptr, nullptr);
  activation_table_inplace<Act>(out.data(), table);
}

template <class Dense, class Act>
void dense_table_last(adf::input_buffer<typename Dense::a_type>& __restrict in,
                      input_cascade<typename Dense::acc_tag>* __restrict cas_in,
                      adf::output_buffer<typename Act::y_type>& __restrict out,
                      const typename Dense::b_type (&weights)[Dense::weight_elems],
                      const typename Dense::bias_type (&bias)[Dense::bias_elems],
                      const typename Act::y_type (&table)[Act::table_size]) {
  static_assert(std::is_same_v<typename Dense::c_type, typename Act::x_type>, "table input = dense output");
  static_assert(Dense::schedule.m == Act::m && Dense::schedule.n == Act::n, "table shape = dense output");
  auto* c = reinterpret_cast<typename Dense::c_type*>(out.data());
  detail::dense_body<Dense, cascade_pos::last>(in.data(), weights, bias, c, cas_in, nullptr);
  activation_table_inplace<Act>(out.data(), table);
}

template <class Dense, class Act>
void dense_piecewise_single(adf::input_buffer<typename Dense::a_type>& __restrict in,
                            adf::output_buffer<typename Act::y_type>& __restrict out,
                            const typename Dense::b_type (&weights)[Dense::weight_elems],
                            const typename Dense::bias_type (&bias)[Dense::bias_elems]) {
  static_assert(std::is_same_v<typename Dense::c_type, typename Act::x_type>, "activation input = dense output");
  static_assert(Dense::schedule.m == Act::m && Dense::schedule.n == Act::n, "activation shape = dense output");
  auto* c = reinterpret_cast<typename Dense::c_type*>(out.data());
  detail::dense_body<Dense, cascade_pos::single>(in.data(), weights, bias, c, nullptr, nullptr);
  piecewise_inplace<Act>(out.data());
}

template <class Dense, class Act>
void dense_piecewise_last(adf::input_buffer<typename Dense::a_type>& __restrict in,
                          input_cascade<typename Dense::acc_tag>* __restrict cas_in,
                          adf::output_buffer<typename Act::y_type>& __restrict out,
                          const typename Dense::b_type (&weights)[Dense::weight_elems],
                          const typename Dense::bias_type (&bias)[Dense::bias_elems]) {
  static_assert(std::is_same_v<typename Dense::c_type, typename Act::x_type>, "activation input = dense output");
  static_assert(Dense::schedule.m == Act::m && Dense::schedule.n == Act::n, "activation shape = dense output");
  auto* c = reinterpret_cast<typename Dense::c_type*>(out.data());
  detail::dense_body<Dense, cascade_pos::last>(in.data(), weights, bias, c, cas_in, nullptr);
  piecewise_inplace<Act>(out.data());
}

}  // namespace kernels
}  // namespace aie4ml
