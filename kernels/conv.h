// aie4ml kernel library: a convolution layer kernel for AIE-ML (Conv1D / Conv2D, any stride, dilation
// and zero padding, group 1), as ordinary AIE API C++ for AMD's aiecompiler; on the host it compiles
// against aie4ml's emu/.
//
// The convolution is an im2col GEMM done inside the tile: rows = output positions x batch, K = kernel
// window x input channels. The kernel first gathers the window of every output row into a local A
// buffer in the dense kernel's tiled input layout (zeros for padding and for the rows / columns that
// only pad the GEMM to the mmul shape), then runs the dense kernel's 2 x 2 mmul schedule
// (dense.h, detail::dense_body) over it (conv_single_rows: per chunk of Chunk samples, conv_config). So the weights, bias, output layout, shift-round-saturate and
// ReLU are exactly the dense kernel's, and kernels/README.md ("Conv") documents the rest:
//   input  (in):  the batch in channels-last order, x[b][ih][iw][ci], plain row-major, no padding
//   output (out): the dense output layout with rows r = b * OH * OW + oh * OW + ow and N output channels
//   weights:      the GEMM matrix Wg[k][n] = W[n][ci][kh][kw], k = (kh * KW + kw) * CI + ci, packed as
//                 the dense kernel's weights (src/passes/pack_weights.h, weight_pack_map)
// A 1-D convolution is the 2-D one with IH = KH = OH = 1. A cascade splits the window (GEMM columns)
// over conv_first / conv_middle / conv_last, chains split the output channels, as for dense.
// The gather is scalar (one element per cycle on the AIE); src/sim/kernel_cost.h counts it so.
#pragma once

#include "dense.h"

namespace aie4ml {
namespace kernels {

// Geometry of one convolution (per sample). Pad{H,W} are the leading pads; trailing pads are implied by
// the output size OH x OW (taps outside the input read zero).
template <unsigned CI, unsigned IH, unsigned IW, unsigned KH, unsigned KW, unsigned SH, unsigned SW, unsigned DH,
          unsigned DW, unsigned PH, unsigned PW, unsigned OH, unsigned OW>
struct conv_geometry {
  static constexpr unsigned channels_in = CI, in_h = IH, in_w = IW, kernel_h = KH, kernel_w = KW;
  static constexpr unsigned stride_h = SH, stride_w = SW, dilation_h = DH, dilation_w = DW;
  static constexpr unsigned pad_h = PH, pad_w = PW, out_h = OH, out_w = OW;
  static constexpr unsigned positions = OH * OW;
  static constexpr unsigned window = KH * KW * CI;
  static constexpr unsigned input_elems = IH * IW * CI;  // per sample
  static_assert(CI > 0 && IH > 0 && IW > 0 && KH > 0 && KW > 0 && SH > 0 && SW > 0 && DH > 0 && DW > 0 && OH > 0 &&
                    OW > 0,
                "conv_geometry: every size must be positive");
};

constexpr unsigned conv_round_up(unsigned v, unsigned m) { return (v + m - 1) / m * m; }

// One convolution kernel: Geometry (conv_geometry), Batch samples, N output channels of this kernel
// (a multiple of 2 * TN; chains split the output channels), the rest as dense_config. A cascade splits
// the window: this kernel covers GEMM columns [K0, K0 + KSlice) (KSlice a multiple of TK; 0: the whole
// window in one kernel). Chunk (conv_single_rows only): the kernel runs the batch Chunk samples at a
// time (gather, GEMM, repack per chunk), so its im2col and GEMM-result buffers hold one chunk's rows
// (Chunk x positions padded to 2 x TM) whatever the batch; Chunk divides Batch, 0 is the whole batch.
// Every output row depends only on its own window, so the result is the same for every Chunk.
template <typename TA, typename TB, typename TC, typename AccTag, unsigned TM, unsigned TK, unsigned TN, class Geometry,
          unsigned Batch, unsigned N, int Shift = 0, bool Relu = false,
          aie::rounding_mode Rounding = aie::rounding_mode::floor,
          aie::saturation_mode Saturation = aie::saturation_mode::none, unsigned K0 = 0, unsigned KSlice = 0,
          unsigned Chunk = 0>
struct conv_config {
  using geometry = Geometry;
  using a_type = TA;
  using b_type = TB;
  using c_type = TC;
  using acc_tag = AccTag;
  static constexpr unsigned batch = Batch;
  static constexpr unsigned rows = Batch * Geometry::positions;   // GEMM rows of the whole batch
  static constexpr unsigned chunk = Chunk ? Chunk : Batch;         // samples per GEMM
  static constexpr unsigned chunks = Batch / chunk;
  static constexpr unsigned chunk_rows = chunk * Geometry::positions;  // real GEMM rows of one chunk
  static constexpr unsigned m = conv_round_up(chunk_rows, 2 * TM);     // padded rows of one chunk
  static constexpr unsigned k0 = K0;                              // first GEMM column of this kernel
  static constexpr unsigned k = KSlice ? KSlice : conv_round_up(Geometry::window, TK);
  using dense = dense_config<TA, TB, TC, AccTag, TM, TK, TN, m, k, N, Shift, Relu, Rounding, Saturation>;
  using bias_type = typename dense::bias_type;
  static constexpr unsigned input_elems = Batch * Geometry::input_elems;
  static constexpr unsigned im2col_elems = dense::input_elems;    // one chunk
  static constexpr unsigned weight_elems = dense::weight_elems;
  static constexpr unsigned bias_elems = dense::bias_elems;
  static constexpr unsigned output_elems = dense::output_elems;   // the tiled GEMM result of one chunk
  static_assert(!dense::float_acc, "conv_config: integer kernels only");
  static_assert(K0 % TK == 0 && K0 < Geometry::window, "conv_config: K0 must be a multiple of TK inside the window");
  static_assert(Batch > 0 && Batch % chunk == 0, "conv_config: Chunk must divide Batch");
};

namespace detail {

// A[r][k] of the im2col matrix of one chunk (`in` points at its first sample) in the dense kernel's
// row-tile-major input layout (README "Input activations"): tiles of TM rows x TK columns, for each row
// tile its K / TK tiles in order.
template <class Cfg>
void conv_im2col(const typename Cfg::a_type* __restrict in, typename Cfg::a_type* __restrict a) {
  using G = typename Cfg::geometry;
  using TA = typename Cfg::a_type;
  constexpr dense_schedule S = Cfg::dense::schedule;
  for (unsigned rt = 0; rt < S.m_tiles(); ++rt)
    for (unsigned kt = 0; kt < S.k_tiles(); ++kt)
      for (unsigned rr = 0; rr < S.tile_m; ++rr) {
        const unsigned r = rt * S.tile_m + rr;
        const unsigned b = r / G::positions, p = r % G::positions;
        const int oh = static_cast<int>(p / G::out_w), ow = static_cast<int>(p % G::out_w);
        const TA* __restrict sample = in + b * G::input_elems;
        for (unsigned kk = 0; kk < S.tile_k; ++kk) {
          const unsigned col = Cfg::k0 + kt * S.tile_k + kk;
          TA v = TA(0);
          if (r < Cfg::chunk_rows && col < G::window) {
            const unsigned tap = col / G::channels_in, ci = col % G::channels_in;
            const int ih = oh * int(G::stride_h) + int((tap / G::kernel_w) * G::dilation_h) - int(G::pad_h);
            const int iw = ow * int(G::stride_w) + int((tap % G::kernel_w) * G::dilation_w) - int(G::pad_w);
            if (ih >= 0 && ih < int(G::in_h) && iw >= 0 && iw < int(G::in_w))
              v = sample[(unsigned(ih) * G::in_w + unsigned(iw)) * G::channels_in + ci];
          }
          *a++ = v;
        }
      }
}

}  // namespace detail

// The kernel entry point. weights: Cfg::weight_elems codes (dense weight layout of the GEMM matrix);
// bias: Cfg::bias_elems values at the accumulator scale (dense bias layout).
template <class Cfg>
void conv_single(adf::input_buffer<typename Cfg::a_type>& __restrict in,
                 adf::output_buffer<typename Cfg::c_type>& __restrict out,
                 const typename Cfg::b_type (&weights)[Cfg::weight_elems],
                 const typename Cfg::bias_type (&bias)[Cfg::bias_elems]) {
  static_assert(Cfg::chunks == 1, "conv_single writes the tiled result of the whole batch: no Chunk");
  alignas(32) static typename Cfg::a_type im2col[Cfg::im2col_elems];  // tile-local working buffer
  detail::conv_im2col<Cfg>(in.data(), im2col);
  detail::dense_body<typename Cfg::dense, cascade_pos::single>(im2col, weights, bias, out.data(), nullptr, nullptr);
}

// A MaxPool fused after the conv (no padding, dilation 1): window PKH x PKW, stride PSH x PSW over the
// OH x OW output positions. The default 1 x 1 / 1 x 1 is no pool.
template <unsigned PKH = 1, unsigned PKW = 1, unsigned PSH = 1, unsigned PSW = 1>
struct conv_pool {
  static constexpr unsigned kernel_h = PKH, kernel_w = PKW, stride_h = PSH, stride_w = PSW;
  static constexpr bool none = PKH == 1 && PKW == 1 && PSH == 1 && PSW == 1;
  static_assert(PKH > 0 && PKW > 0 && PSH > 0 && PSW > 0, "conv_pool: every size must be positive");
};

namespace detail {

// Element (r, c) of the tiled GEMM result (dense output layout, M x N).
template <class Cfg>
typename Cfg::c_type conv_tile_at(const typename Cfg::c_type* __restrict tiles, unsigned r, unsigned c) {
  constexpr dense_schedule S = Cfg::dense::schedule;
  return tiles[((r / S.tile_m) * S.n_tiles() + c / S.tile_n) * S.size_c() + (r % S.tile_m) * S.tile_n + c % S.tile_n];
}

// The tiled GEMM result of one chunk (dense output layout, M x N) as plain rows of the first Channels
// channels: out[r * Channels + c] for the chunk's real rows r < Cfg::chunk_rows, i.e. its samples
// channels-last, x[b][oh][ow][c]. With a Pool, each output row is a pooled position (b, ph, pw) and holds,
// per channel, the max of the window's codes: they are already requantised (and ReLU'd), and max commutes
// with that monotone step, so this is MaxPool's integer result on the conv output. A pool window never
// crosses samples, and a chunk holds whole samples. Returns the end of what it wrote.
template <class Cfg, unsigned Channels, class Pool = conv_pool<>>
typename Cfg::c_type* conv_untile(const typename Cfg::c_type* __restrict tiles, typename Cfg::c_type* __restrict out) {
  using G = typename Cfg::geometry;
  if constexpr (Pool::none) {
    for (unsigned r = 0; r < Cfg::chunk_rows; ++r)
      for (unsigned c = 0; c < Channels; ++c) *out++ = conv_tile_at<Cfg>(tiles, r, c);
  } else {
    static_assert(Pool::kernel_h <= G::out_h && Pool::kernel_w <= G::out_w, "conv_untile: pool window larger than the output");
    constexpr unsigned ph_n = (G::out_h - Pool::kernel_h) / Pool::stride_h + 1;
    constexpr unsigned pw_n = (G::out_w - Pool::kernel_w) / Pool::stride_w + 1;
    for (unsigned b = 0; b < Cfg::chunk; ++b)
      for (unsigned ph = 0; ph < ph_n; ++ph)
        for (unsigned pw = 0; pw < pw_n; ++pw) {
          const unsigned r0 = b * G::positions + ph * Pool::stride_h * G::out_w + pw * Pool::stride_w;
          for (unsigned c = 0; c < Channels; ++c) {
            typename Cfg::c_type best = conv_tile_at<Cfg>(tiles, r0, c);
            for (unsigned i = 0; i < Pool::kernel_h; ++i)
              for (unsigned j = 0; j < Pool::kernel_w; ++j) {
                const typename Cfg::c_type v = conv_tile_at<Cfg>(tiles, r0 + i * G::out_w + j, c);
                best = v > best ? v : best;
              }
            *out++ = best;
          }
        }
  }
  return out;
}

}  // namespace detail

// conv_single writing its output as the next layer reads it (README "Conv", output rows): the batch
// channels-last with exactly Channels (<= N) channels per position, no padding rows or channels. Per chunk
// of Cfg::chunk samples: gather, GEMM into a tile-local buffer, repack (scalar, one element per cycle). With
// a Pool (conv_pool) the positions written are the pooled ones (a fused MaxPool, scalar compares).
template <class Cfg, unsigned Channels, class Pool = conv_pool<>>
void conv_single_rows(adf::input_buffer<typename Cfg::a_type>& __restrict in,
                      adf::output_buffer<typename Cfg::c_type>& __restrict out,
                      const typename Cfg::b_type (&weights)[Cfg::weight_elems],
                      const typename Cfg::bias_type (&bias)[Cfg::bias_elems]) {
  static_assert(Channels > 0 && Channels <= Cfg::dense::schedule.n, "conv_single_rows: Channels must be in (0, N]");
  alignas(32) static typename Cfg::a_type im2col[Cfg::im2col_elems];  // one chunk
  alignas(32) static typename Cfg::c_type tiles[Cfg::output_elems];   // one chunk
  const typename Cfg::a_type* src = in.data();
  typename Cfg::c_type* dst = out.data();
  for (unsigned chunk = 0; chunk < Cfg::chunks; ++chunk) {
    detail::conv_im2col<Cfg>(src, im2col);
    detail::dense_body<typename Cfg::dense, cascade_pos::single>(im2col, weights, bias, tiles, nullptr, nullptr);
    dst = detail::conv_untile<Cfg, Channels, Pool>(tiles, dst);
    src += Cfg::chunk * Cfg::geometry::input_elems;
  }
}

// Cascade variants (window split over cas_length kernels, as dense_first/middle/last): every kernel
// gathers only its own GEMM columns. They process the whole batch at once (no Chunk).
template <class Cfg>
void conv_first(adf::input_buffer<typename Cfg::a_type>& __restrict in,
                output_cascade<typename Cfg::acc_tag>* __restrict cas_out,
                const typename Cfg::b_type (&weights)[Cfg::weight_elems]) {
  static_assert(Cfg::chunks == 1, "conv cascade kernels process the whole batch: no Chunk");
  alignas(32) static typename Cfg::a_type im2col[Cfg::im2col_elems];
  detail::conv_im2col<Cfg>(in.data(), im2col);
  detail::dense_body<typename Cfg::dense, cascade_pos::first>(im2col, weights, nullptr, nullptr, nullptr, cas_out);
}

template <class Cfg>
void conv_middle(adf::input_buffer<typename Cfg::a_type>& __restrict in,
                 input_cascade<typename Cfg::acc_tag>* __restrict cas_in,
                 output_cascade<typename Cfg::acc_tag>* __restrict cas_out,
                 const typename Cfg::b_type (&weights)[Cfg::weight_elems]) {
  static_assert(Cfg::chunks == 1, "conv cascade kernels process the whole batch: no Chunk");
  alignas(32) static typename Cfg::a_type im2col[Cfg::im2col_elems];
  detail::conv_im2col<Cfg>(in.data(), im2col);
  detail::dense_body<typename Cfg::dense, cascade_pos::middle>(im2col, weights, nullptr, nullptr, cas_in, cas_out);
}

template <class Cfg>
void conv_last(adf::input_buffer<typename Cfg::a_type>& __restrict in,
               input_cascade<typename Cfg::acc_tag>* __restrict cas_in,
               adf::output_buffer<typename Cfg::c_type>& __restrict out,
               const typename Cfg::b_type (&weights)[Cfg::weight_elems],
               const typename Cfg::bias_type (&bias)[Cfg::bias_elems]) {
  static_assert(Cfg::chunks == 1, "conv cascade kernels process the whole batch: no Chunk");
  alignas(32) static typename Cfg::a_type im2col[Cfg::im2col_elems];
  detail::conv_im2col<Cfg>(in.data(), im2col);
  detail::dense_body<typename Cfg::dense, cascade_pos::last>(im2col, weights, bias, out.data(), cas_in, nullptr);
}

}  // namespace kernels
}  // namespace aie4ml
