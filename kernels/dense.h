// aie4ml kernel library: the dense (fully connected) layer kernel for AIE-ML, in four cascade
// variants (single, first, middle, last), as ordinary AIE API C++ for AMD's aiecompiler. On the host it
// compiles against aie4ml's emu/ (put emu/ and kernels/ on the include path).
//
// One kernel computes C[M x N] = A[M x K] * B[K x N] (+ bias, shift-round-saturate, optional ReLU) for
// its slice of a layer: M is the padded batch, K its share of the input features (cascade length
// splits K), N its share of the output features (parallel chains split N). Every operand is in the
// tiled layouts that kernels/README.md documents; src/passes/pack_weights.h produces them.
//
// Schedule (loop bounds from dense_schedule.h): 2 x 2 blocking, so each loaded A tile feeds two mmuls
// and each loaded B tile two mmuls; the K loop is software-pipelined, walks pointers and has no branch.
// Bias is loaded once per column pair and preloaded into the accumulators (single) or added to the
// cascaded partial sums (last).
#pragma once

#include <adf.h>
#include <aie_api/aie.hpp>
#include <aie_api/aie_adf.hpp>
#include <type_traits>

#include "dense_schedule.h"

namespace aie4ml {
namespace kernels {

// Compile-time parameters of one dense kernel.
//   TA, TB, TC : activation, weight and output element types
//   AccTag     : acc32, acc64 or accfloat
//   TM, TK, TN : mmul shape;  M, K, N : the kernel's slice (see dense_schedule::valid())
//   Shift      : output = SRS(acc >> Shift); negative = exact left shift (integers only, >= -31)
//   Relu       : max(output, 0) after SRS
//   Rounding, Saturation : mode registers set for the SRS (ignored for accfloat: bfloat16 output
//                rounds to nearest even)
template <typename TA, typename TB, typename TC, typename AccTag, unsigned TM, unsigned TK, unsigned TN, unsigned M,
          unsigned K, unsigned N, int Shift = 0, bool Relu = false,
          aie::rounding_mode Rounding = aie::rounding_mode::floor,
          aie::saturation_mode Saturation = aie::saturation_mode::none>
struct dense_config {
  using a_type = TA;
  using b_type = TB;
  using c_type = TC;
  using acc_tag = AccTag;
  using mmul = aie::mmul<TM, TK, TN, TA, TB, AccTag>;
  static constexpr bool float_acc = std::is_same_v<AccTag, accfloat>;
  using bias_type = std::conditional_t<float_acc, float, int32>;

  static constexpr dense_schedule schedule{TM, TK, TN, M, K, N};
  static constexpr unsigned size_a = schedule.size_a();
  static constexpr unsigned size_b = schedule.size_b();
  static constexpr unsigned size_c = schedule.size_c();
  static constexpr unsigned input_elems = schedule.input_elems();
  static constexpr unsigned output_elems = schedule.output_elems();
  static constexpr unsigned weight_elems = schedule.weight_elems();
  static constexpr unsigned bias_elems = schedule.bias_elems();
  static constexpr int shift = Shift;
  static constexpr bool relu = Relu;
  static constexpr aie::rounding_mode rounding = Rounding;
  static constexpr aie::saturation_mode saturation = Saturation;
  // Partial sums travel as 512-bit cascade words.
  static constexpr unsigned cascade_word_lanes = std::is_same_v<AccTag, acc64> ? 8 : 16;
  static constexpr unsigned cascade_words_per_tile = size_c / cascade_word_lanes;

  static_assert(schedule.valid(), "dense_config: M must be a multiple of 2*TM, N of 2*TN, K of TK");
  static_assert(!float_acc || Shift == 0, "dense_config: bfloat16 kernels take no shift");
  static_assert(Shift >= -31 && Shift <= 63, "dense_config: shift out of range");
  static_assert(size_c % cascade_word_lanes == 0, "dense_config: C tile must fill whole cascade words");
};

namespace detail {

// Exact left shift for a negative Shift: 16 lanes at a time through a 64-bit accumulator, so it never
// relies on a negative SRS shift (unsafe on AIE-ML for -4..-2) and saturates exactly as the modes say.
template <class Cfg, class Part>
aie::vector<typename Cfg::c_type, 16> left_shift_part(const Part& part) {
  aie::accum<acc64, 16> wide;
  wide.from_vector(part.template to_vector<int32>(0), -Cfg::shift);
  return wide.template to_vector<typename Cfg::c_type>(0);
}

template <class Cfg>
aie::vector<typename Cfg::c_type, Cfg::size_c> shift_round_saturate(const typename Cfg::mmul::accum_type& acc) {
  using TC = typename Cfg::c_type;
  if constexpr (Cfg::float_acc) {
    return acc.template to_vector<TC>();
  } else if constexpr (Cfg::shift >= 0) {
    return acc.template to_vector<TC>(Cfg::shift);
  } else if constexpr (Cfg::size_c == 16) {
    return left_shift_part<Cfg>(acc);
  } else {
    aie::vector<TC, Cfg::size_c> out;
    for (unsigned p = 0; p < Cfg::size_c / 16; ++p) chess_unroll_loop(*)
        out.insert(p, left_shift_part<Cfg>(acc.template extract<16>(p)));
    return out;
  }
}

template <class Cfg>
typename Cfg::mmul::accum_type read_tile(input_cascade<typename Cfg::acc_tag>* in) {
  constexpr unsigned W = Cfg::cascade_word_lanes;
  if constexpr (Cfg::cascade_words_per_tile == 1) {
    return readincr_v<W>(in);
  } else {
    typename Cfg::mmul::accum_type acc;
    for (unsigned w = 0; w < Cfg::cascade_words_per_tile; ++w) chess_unroll_loop(*)
        acc.insert(w, readincr_v<W>(in));
    return acc;
  }
}

template <class Cfg>
void write_tile(output_cascade<typename Cfg::acc_tag>* out, const typename Cfg::mmul::accum_type& acc) {
  constexpr unsigned W = Cfg::cascade_word_lanes;
  if constexpr (Cfg::cascade_words_per_tile == 1) {
    writeincr(out, acc);
  } else {
    for (unsigned w = 0; w < Cfg::cascade_words_per_tile; ++w) chess_unroll_loop(*)
        writeincr(out, acc.template extract<W>(w));
  }
}

// The accumulator a 2 x 2 block starts from: bias (single), zero (first), the cascaded partial sums
// (middle) or partial sums + bias (last).
template <class Cfg, cascade_pos Pos>
typename Cfg::mmul init_tile(const aie::vector<typename Cfg::bias_type, Cfg::size_c>& bias,
                             input_cascade<typename Cfg::acc_tag>* in) {
  using Acc = typename Cfg::mmul::accum_type;
  // accfloat: the bias is added after the last product (add_bias_last), so the float sum runs over K in
  // increasing order from +0 whatever the cascade split, and the reference can define it without the mapping.
  if constexpr (Cfg::float_acc && (Pos == cascade_pos::single || Pos == cascade_pos::first))
    return typename Cfg::mmul(aie::zeros<typename Cfg::acc_tag, Cfg::size_c>());
  if constexpr (Cfg::float_acc && (Pos == cascade_pos::middle || Pos == cascade_pos::last))
    return typename Cfg::mmul(read_tile<Cfg>(in));
  if constexpr (Pos == cascade_pos::single) return typename Cfg::mmul(Acc(bias));
  if constexpr (Pos == cascade_pos::first) return typename Cfg::mmul(aie::zeros<typename Cfg::acc_tag, Cfg::size_c>());
  if constexpr (Pos == cascade_pos::middle) return typename Cfg::mmul(read_tile<Cfg>(in));
  if constexpr (Pos == cascade_pos::last) return typename Cfg::mmul(aie::add(read_tile<Cfg>(in), bias));
}

// accfloat blocks that store: bias + the finished sum (one float add per lane, docs/numerics.md "bf16").
template <class Cfg, cascade_pos Pos>
typename Cfg::mmul::accum_type add_bias_last(const typename Cfg::mmul& c,
                                             const aie::vector<typename Cfg::bias_type, Cfg::size_c>& bias) {
  if constexpr (Cfg::float_acc && pos_stores_output(Pos)) return aie::add(c.to_accum(), bias);
  else return c.to_accum();
}

// What leaves a 2 x 2 block: SRS (+ ReLU) and a store, or a cascade write.
template <class Cfg, cascade_pos Pos>
void finish_tile(const typename Cfg::mmul& c, typename Cfg::c_type* __restrict dst,
                 output_cascade<typename Cfg::acc_tag>* out,
                 const aie::vector<typename Cfg::bias_type, Cfg::size_c>& bias) {
  if constexpr (pos_stores_output(Pos)) {
    auto v = shift_round_saturate<Cfg>(add_bias_last<Cfg, Pos>(c, bias));
    if constexpr (Cfg::relu) v = aie::max(v, aie::zeros<typename Cfg::c_type, Cfg::size_c>());
    aie::store_v(dst, v);
  } else {
    write_tile<Cfg>(out, c.to_accum());
  }
}

template <class Cfg, cascade_pos Pos>
void dense_body(const typename Cfg::a_type* __restrict a, const typename Cfg::b_type* __restrict w,
                const typename Cfg::bias_type* __restrict bias, typename Cfg::c_type* __restrict c,
                input_cascade<typename Cfg::acc_tag>* cas_in, output_cascade<typename Cfg::acc_tag>* cas_out) {
  using TA = typename Cfg::a_type;
  using TB = typename Cfg::b_type;
  using TC = typename Cfg::c_type;
  using MMUL = typename Cfg::mmul;
  constexpr dense_schedule S = Cfg::schedule;
  constexpr unsigned SA = Cfg::size_a, SB = Cfg::size_b, SC = Cfg::size_c;

  if constexpr (pos_stores_output(Pos)) {
    if constexpr (Cfg::float_acc) {
      aie::set_rounding(aie::rounding_mode::conv_even);  // bfloat16 results: round to nearest even
    } else {
      aie::set_rounding(Cfg::rounding);
      aie::set_saturation(Cfg::saturation);
    }
  }

  for (unsigned j = 0; j < S.column_iterations(); ++j) chess_loop_range(S.column_iterations(), S.column_iterations()) {
    aie::vector<typename Cfg::bias_type, SC> bias0, bias1;
    if constexpr (pos_has_bias(Pos)) {
      bias0 = aie::load_v<SC>(bias);
      bias += SC;
      bias1 = aie::load_v<SC>(bias);
      bias += SC;
    }
    const TA* __restrict a_pair = a;
    TC* __restrict c_pair = c;
    for (unsigned i = 0; i < S.m_pairs(); ++i) chess_loop_range(S.m_pairs(), S.m_pairs()) {
      MMUL c00 = init_tile<Cfg, Pos>(bias0, cas_in);
      MMUL c01 = init_tile<Cfg, Pos>(bias1, cas_in);
      MMUL c10 = init_tile<Cfg, Pos>(bias0, cas_in);
      MMUL c11 = init_tile<Cfg, Pos>(bias1, cas_in);
      const TA* __restrict a0 = a_pair;
      const TA* __restrict a1 = a_pair + S.a_row_tile_stride();
      const TB* __restrict b0 = w;
      const TB* __restrict b1 = w + S.b_column_tile_stride();
      for (unsigned t = 0; t < S.k_tiles(); ++t)
        chess_prepare_for_pipelining chess_loop_range(S.k_tiles(), S.k_tiles()) {
          const auto va0 = aie::load_v<SA>(a0);
          a0 += SA;
          const auto va1 = aie::load_v<SA>(a1);
          a1 += SA;
          const auto vb0 = aie::load_v<SB>(b0);
          b0 += SB;
          const auto vb1 = aie::load_v<SB>(b1);
          b1 += SB;
          c00.mac(va0, vb0);
          c01.mac(va0, vb1);
          c10.mac(va1, vb0);
          c11.mac(va1, vb1);
        }
      if constexpr (pos_stores_output(Pos)) {
        finish_tile<Cfg, Pos>(c00, c_pair, cas_out, bias0);
        finish_tile<Cfg, Pos>(c01, c_pair + SC, cas_out, bias1);
        finish_tile<Cfg, Pos>(c10, c_pair + S.c_row_tile_stride(), cas_out, bias0);
        finish_tile<Cfg, Pos>(c11, c_pair + S.c_row_tile_stride() + SC, cas_out, bias1);
        c_pair += 2 * S.c_row_tile_stride();
      } else {
        finish_tile<Cfg, Pos>(c00, nullptr, cas_out, bias0);
        finish_tile<Cfg, Pos>(c01, nullptr, cas_out, bias1);
        finish_tile<Cfg, Pos>(c10, nullptr, cas_out, bias0);
        finish_tile<Cfg, Pos>(c11, nullptr, cas_out, bias1);
      }
      a_pair = a1;  // a1 stopped at the first tile of the next row pair
    }
    w += 2 * S.b_column_tile_stride();
    if constexpr (pos_stores_output(Pos)) c += 2 * SC;
  }
}

}  // namespace detail

// ---- kernel entry points (one per cascade position) ----
// weights: K x N codes in the packed layout (README "Weights"), a runtime-parameter array loaded once.
// bias: N x TM values in the packed layout (README "Bias"), at the accumulator scale.

template <class Cfg>
void dense_single(adf::input_buffer<typename Cfg::a_type>& __restrict in,
                  adf::output_buffer<typename Cfg::c_type>& __restrict out,
                  const typename Cfg::b_type (&weights)[Cfg::weight_elems],
                  const typename Cfg::bias_type (&bias)[Cfg::bias_elems]) {
  detail::dense_body<Cfg, cascade_pos::single>(in.data(), weights, bias, out.data(), nullptr, nullptr);
}

template <class Cfg>
void dense_first(adf::input_buffer<typename Cfg::a_type>& __restrict in,
                 output_cascade<typename Cfg::acc_tag>* __restrict cas_out,
                 const typename Cfg::b_type (&weights)[Cfg::weight_elems]) {
  detail::dense_body<Cfg, cascade_pos::first>(in.data(), weights, nullptr, nullptr, nullptr, cas_out);
}

template <class Cfg>
void dense_middle(adf::input_buffer<typename Cfg::a_type>& __restrict in,
                  input_cascade<typename Cfg::acc_tag>* __restrict cas_in,
                  output_cascade<typename Cfg::acc_tag>* __restrict cas_out,
                  const typename Cfg::b_type (&weights)[Cfg::weight_elems]) {
  detail::dense_body<Cfg, cascade_pos::middle>(in.data(), weights, nullptr, nullptr, cas_in, cas_out);
}

template <class Cfg>
void dense_last(adf::input_buffer<typename Cfg::a_type>& __restrict in,
                input_cascade<typename Cfg::acc_tag>* __restrict cas_in,
                adf::output_buffer<typename Cfg::c_type>& __restrict out,
                const typename Cfg::b_type (&weights)[Cfg::weight_elems],
                const typename Cfg::bias_type (&bias)[Cfg::bias_elems]) {
  detail::dense_body<Cfg, cascade_pos::last>(in.data(), weights, bias, out.data(), cas_in, nullptr);
}

}  // namespace kernels
}  // namespace aie4ml
