// aie4ml kernel library: the direct convolution kernel for AIE-ML (Conv1D / Conv2D, any stride,
// dilation and zero padding, group 1), the alternative to conv.h's im2col kernel: no im2col buffer and no
// gather pass. As ordinary AIE API C++ for AMD's aiecompiler; on the host it compiles against emu/.
//
// The output is the same GEMM as conv.h (rows r = sample x OH x OW + oh * OW + ow, N output channels),
// but its K runs over the kernel taps and, per tap, the input channels padded to the mmul's tile_k:
// k = tap * CIp + ci with tap = kh * KW + kw and CIp = CI rounded up to TK. Each mmul's A tile (TM output
// positions x TK channels of one tap) is taken straight from the channels-last input:
//   - one vector load when it is a contiguous run (CI == TK, stride 1 along W, the TM positions in one
//     output row and all their pixels inside the input): aie::load_unaligned_v, as a pixel is TK
//     elements and the run starts at any pixel;
//   - otherwise built lane by lane in a register (zero for padding, padding rows and padding channels).
// conv_direct_schedule.h says which tile is which; src/sim/conv_direct_cost.h counts with it. The mmul
// schedule is the dense kernel's 2 x 2 blocking (dense.h: bias preload, SRS, ReLU), writing the tiled
// result of one chunk into a tile-local buffer that conv.h's repack (optionally with a fused MaxPool)
// turns into channels-last rows of the real channels, exactly as conv_single_rows does.
//   input  (in):  the batch channels-last, x[b][ih][iw][ci], plain row-major, no padding
//   output (out): Batch samples channels-last with Channels channels (pooled positions with a Pool)
//   weights:      Wd[k][n] = W[n][ci][kh][kw] (zero for ci >= CI), k = (kh * KW + kw) * CIp + ci, packed
//                 as the dense kernel's weights of KSlice >= taps x CIp rows (src/passes/conv_gemm.h
//                 direct_weight_codes; rows past taps x CIp are never read)
// The result is bit-identical to conv.h's: the same products, summed in the accumulator (exact integer
// sums), the same bias, SRS and ReLU.
#pragma once

#include "conv.h"
#include "conv_direct_schedule.h"

namespace aie4ml {
namespace kernels {

// One direct convolution kernel: as conv_config (whole window in one kernel, no cascade), with
// K = taps x channels padded to TK (Cfg::k, the K the kernel multiplies). KSlice (0: K) is the K of the
// weight array, a multiple of TK >= K (the partition aligns it); its rows past K are never read.
// Chunk: samples per round (bounds the tiled-result buffer).
template <typename TA, typename TB, typename TC, typename AccTag, unsigned TM, unsigned TK, unsigned TN, class Geometry,
          unsigned Batch, unsigned N, int Shift = 0, bool Relu = false,
          aie::rounding_mode Rounding = aie::rounding_mode::floor,
          aie::saturation_mode Saturation = aie::saturation_mode::none, unsigned KSlice = 0, unsigned Chunk = 0>
struct conv_direct_config {
  using geometry = Geometry;
  using G = Geometry;
  using a_type = TA;
  using b_type = TB;
  using c_type = TC;
  using acc_tag = AccTag;
  static constexpr unsigned batch = Batch;
  static constexpr unsigned rows = Batch * G::positions;
  static constexpr unsigned chunk = Chunk ? Chunk : Batch;
  static constexpr unsigned chunks = Batch / chunk;
  static constexpr unsigned chunk_rows = chunk * G::positions;
  static constexpr unsigned m = conv_round_up(chunk_rows, 2 * TM);
  static constexpr conv_direct_shape shape{G::channels_in, G::in_h,    G::in_w,    G::kernel_h, G::kernel_w,
                                           G::stride_h,    G::stride_w, G::dilation_h, G::dilation_w, G::pad_h,
                                           G::pad_w,       G::out_h,   G::out_w,   TM,          TK,
                                           chunk_rows};
  static constexpr unsigned taps = shape.taps();
  static constexpr unsigned channel_blocks = shape.channel_blocks();
  static constexpr unsigned k = taps * shape.channels_padded();
  static constexpr unsigned k_slice = KSlice ? KSlice : k;
  // The weight layout's schedule (k_slice rows); the kernel's K loop runs over the first k of them.
  using dense = dense_config<TA, TB, TC, AccTag, TM, TK, TN, m, k_slice, N, Shift, Relu, Rounding, Saturation>;
  using bias_type = typename dense::bias_type;
  static constexpr unsigned input_elems = Batch * G::input_elems;
  static constexpr unsigned weight_elems = dense::weight_elems;
  static constexpr unsigned bias_elems = dense::bias_elems;
  static constexpr unsigned output_elems = dense::output_elems;  // the tiled GEMM result of one chunk
  static_assert(!dense::float_acc, "conv_direct_config: integer kernels only");
  static_assert(k_slice >= k && k_slice % TK == 0, "conv_direct_config: KSlice must be a multiple of TK >= taps x CIp");
  static_assert(Batch > 0 && Batch % chunk == 0, "conv_direct_config: Chunk must divide Batch");
};

namespace detail {

// The A tile of rows [r0, r0 + TM) at `tap`, channel block `block`, of the chunk starting at `in`.
template <class Cfg>
aie::vector<typename Cfg::a_type, Cfg::dense::size_a> direct_a_tile(const typename Cfg::a_type* __restrict in,
                                                                    unsigned r0, unsigned tap, unsigned block) {
  using TA = typename Cfg::a_type;
  constexpr conv_direct_shape S = Cfg::shape;
  constexpr unsigned SA = Cfg::dense::size_a;
  if constexpr (S.contiguous_rows()) {
    if (S.vector_tile(r0, tap)) return aie::load_unaligned_v<SA>(in + S.vector_tile_offset(r0, tap));
  }
  aie::vector<TA, SA> a = aie::zeros<TA, SA>();
  const unsigned ci0 = block * S.tile_k;
  for (unsigned rr = 0; rr < S.tile_m; ++rr) {
    const unsigned r = r0 + rr;
    if (r >= S.chunk_rows) break;
    const unsigned b = r / S.positions(), p = r % S.positions();
    const int ih = S.in_row(p / S.ow, tap / S.kw), iw = S.in_col(p % S.ow, tap % S.kw);
    if (!S.inside(ih, iw)) continue;
    const TA* __restrict pixel = in + b * S.input_elems() + (unsigned(ih) * S.iw + unsigned(iw)) * S.ci;
    for (unsigned c = 0; c < S.tile_k && ci0 + c < S.ci; ++c) a.set(pixel[ci0 + c], rr * S.tile_k + c);
  }
  return a;
}

// The dense kernel's 2 x 2 schedule (single position) with A tiles from direct_a_tile: C (one chunk's
// tiled result) = bias + sum over taps and channel blocks of A x that tap's weight block, then SRS, ReLU.
// The B pointers walk the weight layout of k_slice rows (S), stopping after the k real ones.
template <class Cfg>
void conv_direct_body(const typename Cfg::a_type* __restrict in, const typename Cfg::b_type* __restrict w,
                      const typename Cfg::bias_type* __restrict bias, typename Cfg::c_type* __restrict c) {
  using D = typename Cfg::dense;
  using TB = typename Cfg::b_type;
  using TC = typename Cfg::c_type;
  using MMUL = typename D::mmul;
  constexpr dense_schedule S = D::schedule;
  constexpr unsigned SB = D::size_b, SC = D::size_c;
  constexpr cascade_pos Pos = cascade_pos::single;
  aie::set_rounding(D::rounding);
  aie::set_saturation(D::saturation);
  for (unsigned j = 0; j < S.column_iterations(); ++j) chess_loop_range(S.column_iterations(), S.column_iterations()) {
    const auto bias0 = aie::load_v<SC>(bias);
    bias += SC;
    const auto bias1 = aie::load_v<SC>(bias);
    bias += SC;
    TC* __restrict c_pair = c;
    for (unsigned i = 0; i < S.m_pairs(); ++i) chess_loop_range(S.m_pairs(), S.m_pairs()) {
      MMUL c00 = init_tile<D, Pos>(bias0, nullptr);
      MMUL c01 = init_tile<D, Pos>(bias1, nullptr);
      MMUL c10 = init_tile<D, Pos>(bias0, nullptr);
      MMUL c11 = init_tile<D, Pos>(bias1, nullptr);
      const unsigned r0 = 2 * i * S.tile_m, r1 = r0 + S.tile_m;
      const TB* __restrict b0 = w;
      const TB* __restrict b1 = w + S.b_column_tile_stride();
      for (unsigned tap = 0; tap < Cfg::taps; ++tap)
        for (unsigned block = 0; block < Cfg::channel_blocks; ++block) {
          const auto va0 = direct_a_tile<Cfg>(in, r0, tap, block);
          const auto va1 = direct_a_tile<Cfg>(in, r1, tap, block);
          const auto vb0 = aie::load_v<SB>(b0);
          b0 += SB;
          const auto vb1 = aie::load_v<SB>(b1);
          b1 += SB;
          c00.mac(va0, vb0);
          c01.mac(va0, vb1);
          c10.mac(va1, vb0);
          c11.mac(va1, vb1);
        }
      finish_tile<D, Pos>(c00, c_pair, nullptr, bias0);
      finish_tile<D, Pos>(c01, c_pair + SC, nullptr, bias1);
      finish_tile<D, Pos>(c10, c_pair + S.c_row_tile_stride(), nullptr, bias0);
      finish_tile<D, Pos>(c11, c_pair + S.c_row_tile_stride() + SC, nullptr, bias1);
      c_pair += 2 * S.c_row_tile_stride();
    }
    w += 2 * S.b_column_tile_stride();
    c += 2 * SC;
  }
}

}  // namespace detail

// The kernel entry point: per chunk of Cfg::chunk samples, the direct GEMM into a tile-local tiled
// buffer, then conv.h's repack into Channels (<= N) channels-last channels (a fused MaxPool with Pool).
template <class Cfg, unsigned Channels, class Pool = conv_pool<>>
void conv_direct_rows(adf::input_buffer<typename Cfg::a_type>& __restrict in,
                      adf::output_buffer<typename Cfg::c_type>& __restrict out,
                      const typename Cfg::b_type (&weights)[Cfg::weight_elems],
                      const typename Cfg::bias_type (&bias)[Cfg::bias_elems]) {
  static_assert(Channels > 0 && Channels <= Cfg::dense::schedule.n, "conv_direct_rows: Channels must be in (0, N]");
  alignas(32) static typename Cfg::c_type tiles[Cfg::output_elems];  // one chunk
  const typename Cfg::a_type* src = in.data();
  typename Cfg::c_type* dst = out.data();
  for (unsigned chunk = 0; chunk < Cfg::chunks; ++chunk) {
    detail::conv_direct_body<Cfg>(src, weights, bias, tiles);
    dst = detail::conv_untile<Cfg, Channels, Pool>(tiles, dst);
    src += Cfg::chunk * Cfg::geometry::input_elems;
  }
}

}  // namespace kernels
}  // namespace aie4ml
