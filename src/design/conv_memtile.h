// The memory-tile im2col of a conv layer (kernel variant "conv_memtile_im2col", kernels/conv_memtile.h):
// the ADF tiling parameters with which the memory tile's DMA reads a conv input as the patch matrix, and
// the DMA limits they must respect. Shared by partition (refuses the variant), plan_transport (the reader
// port's access), check_design (checks it again) and the tests.
// Reads: the conv geometry (LayerDesign::conv order, conv_layout.h), tile_k, element size, samples.
// Writes nothing; pure functions.
//
// The access (UG1603 tiling parameters; the memory tile reads 4-D and zero-pads on MM2S):
//   buffer_dimension   {CI, IW, IH, rows}      the channels-last input, rows >= samples (the shared buffer's)
//   tiling_dimension   {CIp, KW, KH, 1}        one output position's window, CIp = CI rounded up to tile_k
//   offset             {0, -PW, -PH, 0}
//   tile_traversal     {1, SW, OW}, {2, SH, OH}, {3, 1, samples}  (loops with wrap 1 are left out)
//   boundary_dimension {CI, IW, IH, rows}      taps outside the input and channels >= CI read zero
// so the stream is the patch matrix, row r = sample x OH x OW + oh * OW + ow of taps x CIp elements,
// k = (kh * KW + kw) * CIp + ci: the direct kernel's K order (conv_direct.h), zero padding included.
//
// The limits checked (patch_dma_obstacle), from UG1603 / AM020 as docs/aie-ml-facts.md states them:
// - dilation 1: a tile is a box of consecutive elements along every dimension;
// - the DMA moves 32-bit words: CI and CIp x element bytes are whole words (a pixel's channels start on a
//   word and the padding is whole words);
// - zero padding only in dimensions 0, 1 and 2, at most 64 words before / after in dimension 0 (channels),
//   32 in dimension 1 (columns) and 16 in dimension 2 (rows), counted here in units of the dimension
//   (columns, rows; channel words for dimension 0);
// - address dimensions: the memory-tile buffer descriptor generates 4-D addresses and repeats them with an
//   iteration offset (UG1603: 5-D). The access is six nested loops (ci, kw, kh inside a tile; ow, oh,
//   sample across tiles); a loop of extent 1 vanishes, and a loop merges into the one inside it when it
//   continues that one's addresses (stride = inner stride x inner extent) and the inner one pads nothing.
//   What remains must be at most 5 loops (patch_dma_loops). Which buffer descriptors the ADF compiler
//   builds from the tiling (tiles at the edges pad differently from inner ones) is its business; this is
//   the condition we require of the pattern, not a model of the compiler's lowering.
// Kernel limits (conv_memtile.h): tile_k x element bytes of 8 or 16 and tile_m 2 or 4.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "design/conv_layout.h"
#include "design/design.h"

namespace aie4ml::conv_memtile {

inline constexpr int kMaxDmaLoops = 5;  // 4-D addressing + the iteration dimension

inline int64_t channels_padded(const std::vector<int64_t>& g, int64_t tile_k) {
  using namespace conv_layout;
  return (g[CI] + tile_k - 1) / tile_k * tile_k;
}

// The reader access of a conv input buffer of `rows` samples, walking `samples` of them (see above).
inline TilingParams patch_access(const std::vector<int64_t>& g, int64_t tile_k, int64_t samples, int64_t rows) {
  using namespace conv_layout;
  TilingParams t;
  t.buffer_dimension = {g[CI], g[IW], g[IH], rows};
  t.tiling_dimension = {channels_padded(g, tile_k), g[KW], g[KH], 1};
  t.offset = {0, -g[PW], -g[PH], 0};
  if (g[OW] > 1) t.tile_traversal.push_back({1, g[SW], g[OW]});
  if (g[OH] > 1) t.tile_traversal.push_back({2, g[SH], g[OH]});
  if (samples > 1) t.tile_traversal.push_back({3, 1, samples});
  t.boundary_dimension = t.buffer_dimension;
  return t;
}

// Zero padding of the access before / after the buffer along dimension `dim` (0 channels, 1 columns, 2 rows).
inline std::pair<int64_t, int64_t> padding(const std::vector<int64_t>& g, int64_t tile_k, int dim) {
  using namespace conv_layout;
  if (dim == 0) return {0, channels_padded(g, tile_k) - g[CI]};
  const int64_t in = dim == 1 ? g[IW] : g[IH], k = dim == 1 ? g[KW] : g[KH], s = dim == 1 ? g[SW] : g[SH];
  const int64_t out = dim == 1 ? g[OW] : g[OH], pad = dim == 1 ? g[PW] : g[PH];
  return {pad, std::max<int64_t>(0, (out - 1) * s + k - pad - in)};
}

// The address loops of the access after dropping extent-1 loops and merging contiguous ones (see above).
inline int patch_dma_loops(const std::vector<int64_t>& g, int64_t tile_k, int64_t samples) {
  using namespace conv_layout;
  struct Loop {
    int64_t stride, extent;
    bool pads;
  };
  const int64_t cp = channels_padded(g, tile_k), row = g[IW] * g[CI];
  const auto pads = [&](int dim) {
    const auto [b, a] = padding(g, tile_k, dim);
    return b > 0 || a > 0;
  };
  const std::vector<Loop> loops{{1, cp, pads(0)},          {g[CI], g[KW], pads(1)},         {row, g[KH], pads(2)},
                                {g[SW] * g[CI], g[OW], pads(1)}, {g[SH] * row, g[OH], pads(2)}, {g[IH] * row, samples, false}};
  int count = 0;
  std::optional<Loop> inner;  // the innermost loop left so far (merged ones included)
  for (auto& l : loops) {
    if (l.extent <= 1) continue;
    if (inner && !inner->pads && l.stride == inner->stride * inner->extent) {  // continues `inner`
      inner = Loop{inner->stride, inner->extent * l.extent, l.pads};
      continue;
    }
    ++count;
    inner = l;
  }
  return count;
}

// Why the memory tile cannot do this layer's im2col (the limits above), nullopt when it can.
inline std::optional<std::string> patch_dma_obstacle(const std::vector<int64_t>& g, int64_t tile_m, int64_t tile_k,
                                                     int element_bytes, int64_t samples) {
  using namespace conv_layout;
  if (g.size() != kGeometrySize) return "no conv geometry";
  if (g[DH] != 1 || g[DW] != 1)
    return fmt::format("dilation {} x {}: the memory-tile im2col needs dilation 1 (a tile is a box of consecutive "
                       "elements)", g[DH], g[DW]);
  const int64_t cp = channels_padded(g, tile_k);
  if (g[CI] * element_bytes % 4 != 0 || cp * element_bytes % 4 != 0)
    return fmt::format("{} input channels of {} bytes are not whole 32-bit DMA words", g[CI], element_bytes);
  if (tile_k * element_bytes != 8 && tile_k * element_bytes != 16)
    return fmt::format("mmul tile_k {} x {} bytes: the kernel loads A tile rows of 8 or 16 bytes", tile_k, element_bytes);
  if (tile_m != 2 && tile_m != 4) return fmt::format("mmul tile_m {}: the kernel takes 2 or 4", tile_m);
  const int64_t words0 = (cp - g[CI]) * element_bytes / 4;
  if (words0 > 64) return fmt::format("{} words of channel padding exceed the DMA's 64 in dimension 0", words0);
  for (int dim : {1, 2}) {
    const auto [before, after] = padding(g, tile_k, dim);
    const int64_t limit = dim == 1 ? 32 : 16;
    if (before > limit || after > limit)
      return fmt::format("zero padding of {} / {} {} exceeds the DMA's {} in dimension {}", before, after,
                         dim == 1 ? "columns" : "rows", limit, dim);
  }
  if (const int loops = patch_dma_loops(g, tile_k, samples); loops > kMaxDmaLoops)
    return fmt::format("the patch walk needs {} DMA address loops after merging contiguous ones; the memory tile has "
                       "{} (4-D addressing + iteration)", loops, kMaxDmaLoops);
  return std::nullopt;
}

}  // namespace aie4ml::conv_memtile
