// aie4ml kernel library: which A tiles of the direct convolution kernel (conv_direct.h) are one vector
// load and which are gathered lane by lane, as constexpr arithmetic. The kernel decides with these
// functions at run time, and the host cost model (src/sim/conv_direct_cost.cpp) counts with them, so the
// two cannot drift apart. Plain C++ only (no headers): it compiles for the AIE and for the host alike.
//
// An A tile of the direct kernel is tile_m consecutive GEMM rows (output positions r0 .. r0 + tile_m - 1
// of one chunk: r = sample * OH * OW + oh * OW + ow) x tile_k input channels [ci0, ci0 + tile_k) of one
// kernel tap (kh, kw): element (rr, c) = x[b][oh * SH + kh * DH - PH][ow * SW + kw * DW - PW][ci0 + c],
// zero outside the input, past the real rows of the chunk or past the real channels.
#pragma once

namespace aie4ml {
namespace kernels {

struct conv_direct_shape {
  unsigned ci, ih, iw, kh, kw, sh, sw, dh, dw, ph, pw, oh, ow;  // conv_geometry's parameters
  unsigned tile_m, tile_k;                                     // mmul A tile
  unsigned chunk_rows;                                         // real GEMM rows of one chunk

  constexpr unsigned positions() const { return oh * ow; }
  constexpr unsigned taps() const { return kh * kw; }
  constexpr unsigned channel_blocks() const { return (ci + tile_k - 1) / tile_k; }
  constexpr unsigned channels_padded() const { return channel_blocks() * tile_k; }
  constexpr unsigned input_elems() const { return ih * iw * ci; }  // per sample
  // A tile is contiguous in a channels-last input when a pixel is exactly one channel block and the
  // rows step one pixel (stride 1 along W; dilation only moves the start).
  constexpr bool contiguous_rows() const { return ci == tile_k && sw == 1; }

  // Input row of output row oh at kernel row kh, and input column of output column ow at kernel column kw
  // (negative: in the leading padding).
  constexpr int in_row(unsigned oh_, unsigned kh_) const { return int(oh_ * sh + kh_ * dh) - int(ph); }
  constexpr int in_col(unsigned ow_, unsigned kw_) const { return int(ow_ * sw + kw_ * dw) - int(pw); }
  constexpr bool inside(int r, int c) const { return r >= 0 && r < int(ih) && c >= 0 && c < int(iw); }

  // The tile of rows [r0, r0 + tile_m) at `tap` is one contiguous run of tile_m x tile_k input elements:
  // contiguous_rows(), every row real, all in one output row of one sample, and every pixel inside.
  constexpr bool vector_tile(unsigned r0, unsigned tap) const {
    if (!contiguous_rows() || r0 + tile_m > chunk_rows) return false;
    const unsigned p0 = r0 % positions(), ow0 = p0 % ow;
    if (ow0 + tile_m > ow) return false;
    const int r = in_row(p0 / ow, tap / kw), c0 = in_col(ow0, tap % kw);
    return inside(r, c0) && inside(r, c0 + int(tile_m) - 1);
  }
  // Element offset (from the chunk's first sample) of the first pixel of a vector_tile.
  constexpr unsigned vector_tile_offset(unsigned r0, unsigned tap) const {
    const unsigned b = r0 / positions(), p0 = r0 % positions();
    const int r = in_row(p0 / ow, tap / kw), c0 = in_col(p0 % ow, tap % kw);
    return b * input_elems() + (unsigned(r) * iw + unsigned(c0)) * ci;
  }
  // Real input elements of a gathered tile (rows real and inside, channels below ci): the lanes it sets.
  constexpr unsigned gathered_elements(unsigned r0, unsigned tap, unsigned block) const {
    const unsigned ci0 = block * tile_k;
    if (ci0 >= ci) return 0;
    const unsigned per_pixel = ci - ci0 < tile_k ? ci - ci0 : tile_k;
    unsigned n = 0;
    for (unsigned rr = 0; rr < tile_m; ++rr) {
      const unsigned r = r0 + rr;
      if (r >= chunk_rows) break;
      const unsigned p = r % positions();
      if (inside(in_row(p / ow, tap / kw), in_col(p % ow, tap % kw))) n += per_pixel;
    }
    return n;
  }
};

}  // namespace kernels
}  // namespace aie4ml
