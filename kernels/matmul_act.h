// aie4ml kernel library: MatMul of two activations for attention (Q x K^T and attention x V), one
// kernel per head, as ordinary AIE API C++ for AMD's aiecompiler; on the host it compiles against
// aie4ml's emu/.
//
// Semantics (docs/numerics.md "Per-op integer definitions", MatMul: src/sim/int_kernels.cpp
// MatMulKernel; Mul: BinaryKernel), per sample s and this kernel's head h:
//   acc[i][j] = sum_k A_s[i][k] * B_s[k][j]                exact (the accumulator never wraps: static_assert)
//   c[i][j]   = SRS(acc, Shift)                              Shift = frac_a + frac_b - frac_c: one rounding /
//                                                            saturation into TC, the mode registers Rounding,
//                                                            Saturation (= MatMul's exact output followed by its
//                                                            Quantize, which the QDQ graph contains)
//   optional fused scale (a following Mul by a scalar constant and its Quantize, e.g. 1/sqrt(d_head)):
//   y[i][j]   = SRS(c[i][j] * ScaleCode, ScaleShift)         ScaleShift = frac_c + frac_scale - frac_y >= 0,
//                                                            modes ScaleRounding, ScaleSaturation
// Outputs are container-width types (8 / 16 bits; AP_SAT_ZERO has no AIE mode), as for dense.h.
//
// The two attention forms are the same GEMM with different operand addressing (matmul_act_operand):
//   scores  (QK^T): A = Q, B = K^T read transposed: A[i][d] = Q_s[i][h Dh + d], B[d][j] = K_s[j][h Dh + d]
//                   M = N = Tokens, K = Dh; C_s[i][j] -> scores of head h
//   context (PV):   A[i][j] = P_s[h][i][j], B[j][d] = V_s[j][h Dh + d];  M = Tokens, K = Tokens, N = Dh
// Layouts (all plain row-major element arrays, no padding, samples one after another):
//   Q, K, V:  [Batch][Tokens][Features], tokens-major (the Dense projections' rows), Features = Heads x Dh;
//             every head kernel receives the whole tensor and reads its Dh columns.
//   P:        [Batch][Heads][Tokens][Tokens] (the row Softmax's output, kernels/softmax_rows.h); head h
//             reads its Tokens x Tokens block. (A per-head buffer [Batch][Tokens][Tokens] is HeadsIn = 1.)
//   output:   [Batch][M][N] of this head: scores [Batch][Tokens][Tokens] = the interpreter's [N, H, T, T]
//             block of head h; context [Batch][Tokens][Dh] = columns h Dh .. h Dh + Dh - 1 of the merged
//             [Batch][Tokens][Features] (the heads merge in the memory tile / output buffer tiling).
//
// Implementation: per sample, the kernel gathers A into the dense kernel's row-tile-major input layout
// and B into its column-tile-major weight layout (scalar, zeros for padding to the mmul shape), runs the
// dense kernel's 2 x 2 aie::mmul schedule (dense.h detail::dense_body, zero bias, SRS with Shift), then
// optionally scales whole C tiles (vector mul + SRS) and scatters the real M x N block to the output.
// The gathered operands and the C tiles of one sample live on the kernel's stack (Cfg::scratch_bytes:
// 384 bytes for the encoder's int8 scores head, 320 context, 640 int16 scores); larger heads need more stack.
// The scalar gathers and the scatter cost more than the mmuls at these sizes (src/sim/attention_cost.h).
// The compiler maps a MatMul layer to one kernel that runs every head (matmul_act_head per head, each
// writing its part of the graph's layout: matmul_act_output); matmul_act is the one-kernel-per-head form.
#pragma once
#include <type_traits>

#include "dense.h"

namespace aie4ml {
namespace kernels {

constexpr int matmul_act_ceil_log2(unsigned v) {
  int b = 0;
  while ((1u << b) < v) ++b;
  return b;
}

// Where operand element (row, col) of sample s sits: s * sample + row * row_stride + col * col_stride + offset.
template <unsigned Sample, unsigned RowStride, unsigned ColStride, unsigned Offset>
struct matmul_act_operand {
  static constexpr unsigned sample = Sample, row_stride = RowStride, col_stride = ColStride, offset = Offset;
  static constexpr unsigned at(unsigned s, unsigned r, unsigned c) { return s * Sample + r * RowStride + c * ColStride + Offset; }
};

// Where output element (row, col) of sample s goes: s * Sample + row * RowStride + col + Offset. A head's
// own [Batch][M][N] block is <M N, N, 0>; a layer that runs every head in one kernel writes the graph's
// layouts directly: scores [Batch][Heads][T][T] <Heads T T, T, Head T T>, context [Batch][T][Heads Dh]
// (heads merged) <T Heads Dh, Heads Dh, Head Dh>.
template <unsigned Sample, unsigned RowStride, unsigned Offset>
struct matmul_act_output {
  static constexpr unsigned at(unsigned s, unsigned r, unsigned c) { return s * Sample + r * RowStride + c + Offset; }
};

constexpr unsigned matmul_act_round_up(unsigned v, unsigned m) { return (v + m - 1) / m * m; }

// One head kernel. TA x TB -> TC with aie::mmul<TM, TK, TN>; M x K x N the real per-sample GEMM; ALay,
// BLay operand addressing; AElems, BElems the input buffers' sizes. TY / ScaleCode / ScaleShift: the
// fused scale (Scale = false: y = c, TY = TC).
template <typename TA, typename TB, typename TC, typename AccTag, unsigned TM, unsigned TK, unsigned TN, unsigned Batch,
          unsigned M, unsigned K, unsigned N, class ALay, class BLay, unsigned AElems, unsigned BElems, int Shift,
          aie::rounding_mode Rounding = aie::rounding_mode::conv_even,
          aie::saturation_mode Saturation = aie::saturation_mode::saturate, bool Scale = false, typename TY = TC,
          int ScaleCode = 1, int ScaleShift = 0, aie::rounding_mode ScaleRounding = Rounding,
          aie::saturation_mode ScaleSaturation = Saturation>
struct matmul_act_config {
  using a_type = TA;
  using b_type = TB;
  using c_type = TC;
  using y_type = TY;
  using a_layout = ALay;
  using b_layout = BLay;
  static constexpr unsigned batch = Batch, m = M, k = K, n = N;
  static constexpr unsigned m_pad = matmul_act_round_up(M, 2 * TM), k_pad = matmul_act_round_up(K, TK),
                            n_pad = matmul_act_round_up(N, 2 * TN);
  using dense = dense_config<TA, TB, TC, AccTag, TM, TK, TN, m_pad, k_pad, n_pad, Shift, false, Rounding, Saturation>;
  static constexpr unsigned a_elems = AElems, b_elems = BElems;
  static constexpr unsigned output_elems = Batch * M * N;
  using own_output = matmul_act_output<M * N, N, 0>;  // this head's [Batch][M][N] block
  static constexpr bool scale = Scale;
  static constexpr int scale_code = ScaleCode, scale_shift = ScaleShift;
  static constexpr aie::rounding_mode scale_rounding = ScaleRounding;
  static constexpr aie::saturation_mode scale_saturation = ScaleSaturation;
  // Local scratch (tile data memory) per invocation: the gathered operands and the C tiles.
  static constexpr unsigned scratch_bytes = dense::input_elems * sizeof(TA) + dense::weight_elems * sizeof(TB) +
                                            dense::output_elems * sizeof(TC) + dense::bias_elems * 4 +
                                            (Scale ? dense::output_elems * sizeof(TY) : 0);

  // The exact sum must fit the accumulator lanes: |sum| <= K * 2^mag_a * 2^mag_b <= 2^sum_bits (the
  // product of two most negative codes is +2^(mag_a + mag_b)), so sum_bits <= 30 for acc32, 62 for acc64.
  static constexpr int mag_a = std::is_signed_v<TA> ? 8 * sizeof(TA) - 1 : 8 * sizeof(TA);
  static constexpr int mag_b = std::is_signed_v<TB> ? 8 * sizeof(TB) - 1 : 8 * sizeof(TB);
  static constexpr long long tc_min = std::is_signed_v<TC> ? -(1ll << (8 * sizeof(TC) - 1)) : 0;
  static constexpr long long tc_max = std::is_signed_v<TC> ? (1ll << (8 * sizeof(TC) - 1)) - 1 : (1ll << (8 * sizeof(TC))) - 1;
  static constexpr int sum_bits = mag_a + mag_b + matmul_act_ceil_log2(K);
  static_assert(sum_bits <= (std::is_same_v<AccTag, acc64> ? 62 : 30),
                "matmul_act_config: the exact sum can exceed the accumulator (use acc64)");
  static_assert(Shift >= 0, "matmul_act_config: an output finer than the product (negative shift) is not supported");
  static_assert(!Scale || (ScaleShift >= 0 && ScaleShift <= 31), "matmul_act_config: scale shift must be 0..31");
  static_assert(!Scale || (ScaleCode >= tc_min && ScaleCode <= tc_max),
                "matmul_act_config: the scale code must fit the intermediate type TC");
  static_assert(Scale || std::is_same_v<TY, TC>, "matmul_act_config: without a scale the output type is TC");
  static_assert(ALay::at(Batch - 1, M - 1, K - 1) < AElems && BLay::at(Batch - 1, K - 1, N - 1) < BElems,
                "matmul_act_config: operand addressing leaves its buffer");
};

// The two attention forms for [Batch][Tokens][Heads * Dh] activations, head `Head`.
// Scores: Q x K^T of head Head -> [Batch][Tokens][Tokens].
template <typename TQ, typename TK_, typename TC, typename AccTag, unsigned TM, unsigned TKm, unsigned TN, unsigned Batch,
          unsigned Tokens, unsigned Heads, unsigned Dh, unsigned Head, int Shift,
          aie::rounding_mode Rounding = aie::rounding_mode::conv_even,
          aie::saturation_mode Saturation = aie::saturation_mode::saturate, bool Scale = false, typename TY = TC,
          int ScaleCode = 1, int ScaleShift = 0>
using attention_scores_config =
    matmul_act_config<TQ, TK_, TC, AccTag, TM, TKm, TN, Batch, Tokens, Dh, Tokens,
                      matmul_act_operand<Tokens * Heads * Dh, Heads * Dh, 1, Head * Dh>,   // Q[i][h Dh + d]
                      matmul_act_operand<Tokens * Heads * Dh, 1, Heads * Dh, Head * Dh>,   // K[j][h Dh + d] as (d, j)
                      Batch * Tokens * Heads * Dh, Batch * Tokens * Heads * Dh, Shift, Rounding, Saturation, Scale, TY,
                      ScaleCode, ScaleShift>;

// Context: P (HeadsIn heads per sample in the buffer; this head's block is Head, or 0 when HeadsIn = 1)
// x V of head Head -> [Batch][Tokens][Dh].
template <typename TP, typename TV, typename TC, typename AccTag, unsigned TM, unsigned TKm, unsigned TN, unsigned Batch,
          unsigned Tokens, unsigned Heads, unsigned Dh, unsigned Head, unsigned HeadsIn, int Shift,
          aie::rounding_mode Rounding = aie::rounding_mode::conv_even,
          aie::saturation_mode Saturation = aie::saturation_mode::saturate>
using attention_context_config =
    matmul_act_config<TP, TV, TC, AccTag, TM, TKm, TN, Batch, Tokens, Tokens, Dh,
                      matmul_act_operand<HeadsIn * Tokens * Tokens, Tokens, 1, (HeadsIn == 1 ? 0 : Head) * Tokens * Tokens>,
                      matmul_act_operand<Tokens * Heads * Dh, Heads * Dh, 1, Head * Dh>,   // V[j][h Dh + d]
                      Batch * HeadsIn * Tokens * Tokens, Batch * Tokens * Heads * Dh, Shift, Rounding, Saturation>;

namespace detail {

// A_s into the dense input layout (README "Input activations"), zero padded.
template <class Cfg>
void matmul_act_gather_a(const typename Cfg::a_type* __restrict in, unsigned s, typename Cfg::a_type* __restrict a) {
  using D = typename Cfg::dense;
  constexpr dense_schedule S = D::schedule;
  for (unsigned r = 0; r < Cfg::m_pad; ++r) chess_loop_range(Cfg::m_pad, Cfg::m_pad)
    for (unsigned kk = 0; kk < Cfg::k_pad; ++kk) chess_loop_range(Cfg::k_pad, Cfg::k_pad) {
      const unsigned off = ((r / S.tile_m) * (Cfg::k_pad / S.tile_k) + kk / S.tile_k) * (S.tile_m * S.tile_k) + (r % S.tile_m) * S.tile_k + kk % S.tile_k;
      a[off] = r < Cfg::m && kk < Cfg::k ? in[Cfg::a_layout::at(s, r, kk)] : typename Cfg::a_type(0);
    }
}

// B_s into the dense weight layout (README "Weights"), zero padded.
template <class Cfg>
void matmul_act_gather_b(const typename Cfg::b_type* __restrict in, unsigned s, typename Cfg::b_type* __restrict b) {
  using D = typename Cfg::dense;
  constexpr dense_schedule S = D::schedule;
  for (unsigned kk = 0; kk < Cfg::k_pad; ++kk) chess_loop_range(Cfg::k_pad, Cfg::k_pad)
    for (unsigned nn = 0; nn < Cfg::n_pad; ++nn) chess_loop_range(Cfg::n_pad, Cfg::n_pad) {
      const unsigned off = ((nn / S.tile_n) * (Cfg::k_pad / S.tile_k) + kk / S.tile_k) * (S.tile_k * S.tile_n) + (kk % S.tile_k) * S.tile_n + nn % S.tile_n;
      b[off] = kk < Cfg::k && nn < Cfg::n ? in[Cfg::b_layout::at(s, kk, nn)] : typename Cfg::b_type(0);
    }
}

// The fused scale on whole C tiles, in place when TY and TC have the same size, else into y_tiles.
template <class Cfg>
void matmul_act_scale(const typename Cfg::c_type* __restrict c, typename Cfg::y_type* __restrict y) {
  using D = typename Cfg::dense;
  constexpr unsigned L = 16;  // lanes per vector step
  static_assert(D::output_elems % L == 0, "matmul_act: C tiles must be whole 16-lane vectors");
  using TC = typename Cfg::c_type;
  using Acc = std::conditional_t<(sizeof(TC) == 2), acc64, acc32>;
  aie::set_rounding(Cfg::scale_rounding);
  aie::set_saturation(Cfg::scale_saturation);
  for (unsigned i = 0; i < D::output_elems / L; ++i) chess_loop_range(D::output_elems / L, D::output_elems / L) {
    const aie::vector<TC, L> v = aie::load_v<L>(c + i * L);
    const aie::accum<Acc, L> p = aie::mul<Acc>(v, TC(Cfg::scale_code));
    aie::store_v(y + i * L, p.template to_vector<typename Cfg::y_type>(Cfg::scale_shift));
  }
}

// The real M x N block of sample s out of the dense output layout (README "Output activations"), to
// where OutLay puts it.
template <class Cfg, class OutLay, class T>
void matmul_act_scatter(const T* __restrict tiles, unsigned s, T* __restrict out) {
  using D = typename Cfg::dense;
  constexpr dense_schedule S = D::schedule;
  for (unsigned r = 0; r < Cfg::m; ++r) chess_loop_range(Cfg::m, Cfg::m)
    for (unsigned nn = 0; nn < Cfg::n; ++nn) chess_loop_range(Cfg::n, Cfg::n) {
      const unsigned off = ((r / S.tile_m) * (Cfg::n_pad / S.tile_n) + nn / S.tile_n) * (S.tile_m * S.tile_n) + (r % S.tile_m) * S.tile_n + nn % S.tile_n;
      out[OutLay::at(s, r, nn)] = tiles[off];
    }
}

template <class Cfg, class OutLay = typename Cfg::own_output>
void matmul_act_body(const typename Cfg::a_type* __restrict a_in, const typename Cfg::b_type* __restrict b_in,
                     typename Cfg::y_type* __restrict out) {
  using D = typename Cfg::dense;
  alignas(32) typename Cfg::a_type a[D::input_elems];
  alignas(32) typename Cfg::b_type b[D::weight_elems];
  alignas(32) typename Cfg::c_type c[D::output_elems];
  alignas(32) typename Cfg::y_type y[Cfg::scale ? D::output_elems : 1];
  alignas(32) typename D::bias_type bias[D::bias_elems] = {};
  for (unsigned s = 0; s < Cfg::batch; ++s) chess_loop_range(Cfg::batch, Cfg::batch) {
    matmul_act_gather_a<Cfg>(a_in, s, a);
    matmul_act_gather_b<Cfg>(b_in, s, b);
    dense_body<D, cascade_pos::single>(a, b, bias, c, nullptr, nullptr);  // sets Rounding / Saturation
    if constexpr (Cfg::scale) {
      matmul_act_scale<Cfg>(c, y);
      matmul_act_scatter<Cfg, OutLay>(y, s, out);
    } else {
      matmul_act_scatter<Cfg, OutLay>(c, s, out);
    }
  }
}

}  // namespace detail

// One head of a layer whose one kernel runs every head: a and b the layer's whole inputs, out its whole
// output, OutLay where this head's elements go (matmul_act_output).
template <class Cfg, class OutLay>
void matmul_act_head(const typename Cfg::a_type* __restrict a, const typename Cfg::b_type* __restrict b,
                     typename Cfg::y_type* __restrict out) {
  detail::matmul_act_body<Cfg, OutLay>(a, b, out);
}

// One head: A and B are the layer's whole input buffers (see the layouts above), out this head's
// [Batch][M][N] result.
template <class Cfg>
void matmul_act(adf::input_buffer<typename Cfg::a_type>& __restrict a, adf::input_buffer<typename Cfg::b_type>& __restrict b,
                adf::output_buffer<typename Cfg::y_type>& __restrict out) {
  detail::matmul_act_body<Cfg>(a.data(), b.data(), out.data());
}

}  // namespace kernels
}  // namespace aie4ml
