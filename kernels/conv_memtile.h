// aie4ml kernel library: the convolution kernel whose im2col the memory tile does (Conv1D / Conv2D,
// stride and zero padding, dilation 1, group 1), the third conv kernel beside conv.h (im2col in the tile)
// and conv_direct.h (per-tap mmuls). As ordinary AIE API C++ for AMD's aiecompiler; on the host it compiles
// against emu/.
//
// The memory tile's DMA reads the conv input through tiling parameters that walk one kernel window per
// output position (src/design/conv_memtile.h patch_access: buffer {CI, IW, IH, samples}, tiles
// {CIp, KW, KH, 1} at offset {0, -PW, -PH, 0} stepped by the strides, boundary {CI, IW, IH, samples}), so
// what arrives in this kernel's input buffer is the patch matrix, zero padding included: row-major
// P[r][k] with rows r = sample x OH x OW + oh * OW + ow and k = (kh * KW + kw) * CIp + ci (CIp = CI
// rounded up to TK; taps outside the input and channels >= CI are zeros the DMA inserts). That is the
// GEMM A matrix with the direct kernel's K order, so the weights are the direct kernel's
// (src/passes/conv_gemm.h direct_weight_codes) and the result is bit-identical to conv.h's.
// The kernel is the dense 2 x 2 mmul schedule (dense.h: bias preload, SRS, ReLU) with its A tiles built
// from patch rows: an A tile (TM rows x TK columns) is TM row pieces of TK elements. A piece of 128 bits
// is one vector load; a piece of 64 bits (int8 TK 8, int16 TK 4) is half of a 128-bit load that covers
// two K blocks, so the kernel loads the pair for each of the TM rows and splits it with
// aie::filter_even / filter_odd (step TK) into the two blocks' A tiles. With K = TK (one block) the A
// tile is TM consecutive rows, one load. Rows past the chunk's real rows are zeros. conv.h's repack (optionally a fused MaxPool) writes the channels-last rows, as
// conv_single_rows does.
//   input  (in):  the patch matrix of the batch, Batch x OH x OW rows of taps x CIp elements
//   output (out): Batch samples channels-last with Channels channels (pooled positions with a Pool)
//   weights:      as conv_direct.h
#pragma once

#include "conv_direct.h"

namespace aie4ml {
namespace kernels {

// As conv_direct_config (K = taps x CIp, KSlice, Chunk), with the patch matrix as input.
template <typename TA, typename TB, typename TC, typename AccTag, unsigned TM, unsigned TK, unsigned TN, class Geometry,
          unsigned Batch, unsigned N, int Shift = 0, bool Relu = false,
          aie::rounding_mode Rounding = aie::rounding_mode::floor,
          aie::saturation_mode Saturation = aie::saturation_mode::none, unsigned KSlice = 0, unsigned Chunk = 0>
struct conv_memtile_config : conv_direct_config<TA, TB, TC, AccTag, TM, TK, TN, Geometry, Batch, N, Shift, Relu, Rounding,
                                                Saturation, KSlice, Chunk> {
  using base = conv_direct_config<TA, TB, TC, AccTag, TM, TK, TN, Geometry, Batch, N, Shift, Relu, Rounding, Saturation,
                                  KSlice, Chunk>;
  static constexpr unsigned k_blocks = base::k / TK;
  static constexpr unsigned input_elems = Batch * Geometry::positions * base::k;  // patch rows
  static constexpr unsigned piece_bytes = TK * sizeof(TA);                       // one row of an A tile
  static constexpr unsigned load_elems = 16 / sizeof(TA);                        // one 128-bit load
  // A 128-bit load holds two K blocks of a row (with one K block the A tile is contiguous instead).
  static constexpr bool paired = piece_bytes == 8 && k_blocks > 1;
  // Rows start on 16 bytes when a patch row is a whole number of 128-bit words: aligned loads.
  static constexpr bool aligned_rows = (base::k * sizeof(TA)) % 16 == 0;
  // With one K block: every chunk's A tiles start on a whole A tile (chunk_rows x K elements per chunk).
  static constexpr bool aligned_tiles = base::chunks == 1 || (base::chunk_rows * base::k) % (TM * TK) == 0;
  static_assert(piece_bytes == 8 || piece_bytes == 16, "conv_memtile_config: TK x element size must be 8 or 16 bytes");
  static_assert(TM == 2 || TM == 4, "conv_memtile_config: TM must be 2 or 4");
};

namespace detail {

// 128 bits of patch row r from K block `block` on (zeros past the chunk's real rows).
template <class Cfg>
aie::vector<typename Cfg::a_type, Cfg::load_elems> patch_load(const typename Cfg::a_type* __restrict in, unsigned r,
                                                              unsigned block) {
  using TA = typename Cfg::a_type;
  constexpr unsigned L = Cfg::load_elems;
  if (r >= Cfg::chunk_rows) return aie::zeros<TA, L>();
  const TA* p = in + r * Cfg::k + block * Cfg::shape.tile_k;
  if constexpr (Cfg::aligned_rows) return aie::load_v<L>(p);
  else return aie::load_unaligned_v<L>(p, 8 / sizeof(TA));  // rows start on 8 bytes (K is a multiple of TK)
}

// The TM loads of rows r0 .. r0 + TM - 1 from `block` on, side by side (row rr at part rr).
template <class Cfg>
auto patch_rows(const typename Cfg::a_type* __restrict in, unsigned r0, unsigned block) {
  const auto p0 = patch_load<Cfg>(in, r0, block), p1 = patch_load<Cfg>(in, r0 + 1, block);
  if constexpr (Cfg::shape.tile_m == 2) return aie::concat(p0, p1);
  else return aie::concat(aie::concat(p0, p1), aie::concat(patch_load<Cfg>(in, r0 + 2, block), patch_load<Cfg>(in, r0 + 3, block)));
}

// A patch matrix of one K block (K = TK): rows r0 .. r0 + TM - 1 are TM x TK consecutive elements, the
// A tile as it is (one vector load; lane by lane when it reaches past the chunk's real rows).
template <class Cfg>
aie::vector<typename Cfg::a_type, Cfg::dense::size_a> single_block_tile(const typename Cfg::a_type* __restrict in,
                                                                        unsigned r0) {
  using TA = typename Cfg::a_type;
  constexpr unsigned SA = Cfg::dense::size_a;
  if (r0 + Cfg::shape.tile_m <= Cfg::chunk_rows) {
    if constexpr (Cfg::aligned_tiles) return aie::load_v<SA>(in + r0 * Cfg::k);
    else return aie::load_unaligned_v<SA>(in + r0 * Cfg::k, Cfg::shape.tile_k);  // a chunk starts on a row only
  }
  aie::vector<TA, SA> a = aie::zeros<TA, SA>();
  for (unsigned e = 0; r0 * Cfg::k + e < Cfg::chunk_rows * Cfg::k; ++e) a.set(in[r0 * Cfg::k + e], e);
  return a;
}

// The dense 2 x 2 schedule over the patch matrix of one chunk: C = bias + sum over K blocks of A x that
// block's weights, then SRS, ReLU. K blocks go in pairs when a load holds two (`paired`); an odd last
// block takes the odd half of the load that ends with it.
template <class Cfg>
void conv_memtile_body(const typename Cfg::a_type* __restrict in, const typename Cfg::b_type* __restrict w,
                       const typename Cfg::bias_type* __restrict bias, typename Cfg::c_type* __restrict c) {
  using D = typename Cfg::dense;
  using TB = typename Cfg::b_type;
  using TC = typename Cfg::c_type;
  using MMUL = typename D::mmul;
  constexpr dense_schedule S = D::schedule;
  constexpr unsigned SB = D::size_b, SC = D::size_c, TK = Cfg::shape.tile_k, KB = Cfg::k_blocks;
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
      auto step = [&](const auto& va0, const auto& va1) {  // one K block
        const auto vb0 = aie::load_v<SB>(b0);
        b0 += SB;
        const auto vb1 = aie::load_v<SB>(b1);
        b1 += SB;
        c00.mac(va0, vb0);
        c01.mac(va0, vb1);
        c10.mac(va1, vb0);
        c11.mac(va1, vb1);
      };
      if constexpr (Cfg::paired) {
        for (unsigned kb = 0; kb + 1 < KB; kb += 2) {
          const auto x0 = patch_rows<Cfg>(in, r0, kb), x1 = patch_rows<Cfg>(in, r1, kb);
          step(aie::filter_even(x0, TK), aie::filter_even(x1, TK));
          step(aie::filter_odd(x0, TK), aie::filter_odd(x1, TK));
        }
        if constexpr (KB % 2 == 1)
          step(aie::filter_odd(patch_rows<Cfg>(in, r0, KB - 2), TK), aie::filter_odd(patch_rows<Cfg>(in, r1, KB - 2), TK));
      } else if constexpr (KB == 1) {
        step(single_block_tile<Cfg>(in, r0), single_block_tile<Cfg>(in, r1));
      } else {
        for (unsigned kb = 0; kb < KB; ++kb) step(patch_rows<Cfg>(in, r0, kb), patch_rows<Cfg>(in, r1, kb));
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

// The kernel entry point: per chunk of Cfg::chunk samples, the GEMM over its patch rows into a tile-local
// tiled buffer, then conv.h's repack into Channels (<= N) channels-last channels (a fused MaxPool with Pool).
template <class Cfg, unsigned Channels, class Pool = conv_pool<>>
void conv_memtile_rows(adf::input_buffer<typename Cfg::a_type>& __restrict in,
                       adf::output_buffer<typename Cfg::c_type>& __restrict out,
                       const typename Cfg::b_type (&weights)[Cfg::weight_elems],
                       const typename Cfg::bias_type (&bias)[Cfg::bias_elems]) {
  static_assert(Channels > 0 && Channels <= Cfg::dense::schedule.n, "conv_memtile_rows: Channels must be in (0, N]");
  alignas(32) static typename Cfg::c_type tiles[Cfg::output_elems];  // one chunk
  const typename Cfg::a_type* src = in.data();
  typename Cfg::c_type* dst = out.data();
  for (unsigned chunk = 0; chunk < Cfg::chunks; ++chunk) {
    detail::conv_memtile_body<Cfg>(src, weights, bias, tiles);
    dst = detail::conv_untile<Cfg, Channels, Pool>(tiles, dst);
    src += Cfg::chunk_rows * Cfg::k;
  }
}

}  // namespace kernels
}  // namespace aie4ml
