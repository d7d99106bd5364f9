// Sizes of a conv layer of the Design (LayerDesign::conv set), shared by partition, transport, buffer
// allocation, check_design, codegen and the performance model so that they agree.
//
// A conv layer runs kernels/conv.h: each kernel reads the whole batch of its input in channels-last
// order (batch rows of in_features = IH x IW x CI elements, no padding), gathers its window (im2col) into a
// tile-local scratch buffer of (chunk rows padded) x k_slice elements, one chunk of conv_chunk samples at a
// time (the whole batch when conv_chunk is 0: batch_padded rows), and writes the dense output layout with
// GEMM rows r = sample x OH x OW + position and n_slice channels. On the memory tile the output is the
// tensor [batch, OH x OW x C_out] channels-last: the kernel repacks its tiled GEMM result into plain
// rows of its out_features real channels (conv_single_rows), so the memory-tile writer needs no padding.
// With a fused MaxPool (LayerDesign::pool) the repack writes the pooled positions instead: the tensor is
// [batch, POH x POW x C_out], the max of each pool window's output codes.
// A conv layer is one kernel (cas_length = cas_num = 1). Kernel variant "conv_direct" (kernels/conv_direct.h)
// instead: no im2col buffer, GEMM K = taps x CI padded to tile_k (k = tap * CIp + ci), the rest as above.
// Kernel variant "conv_memtile_im2col" (kernels/conv_memtile.h): K as conv_direct's, no im2col buffer, and
// its input buffer is the patch matrix the memory tile's DMA makes (design/conv_memtile.h): batch x OH x OW
// rows of taps x CIp elements.
// Reads/writes nothing; pure functions of a LayerDesign.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "design/design.h"

namespace aie4ml::conv_layout {

enum Geometry { CI, IH, IW, KH, KW, SH, SW, DH, DW, PH, PW, OH, OW, kGeometrySize };

// A fused MaxPool (LayerDesign::pool): window and stride; the kernel writes the pooled positions.
enum PoolGeometry { PKH, PKW, PSH, PSW, kPoolGeometrySize };

// The GEMM rows of one sample: a conv's output positions OH x OW, before any fused pool; a dense layer's
// rows_per_sample (T for a Dense over a [batch, T, F] token sequence, else 1).
inline int64_t positions(const LayerDesign& l) { return l.is_conv() ? l.conv[OH] * l.conv[OW] : l.rows_per_sample; }
inline bool has_pool(const LayerDesign& l) { return l.is_conv() && l.pool.size() == kPoolGeometrySize; }
// Pooled output rows and columns (no padding, floor): (O - PK) / PS + 1; the conv's OH / OW without a pool.
inline int64_t pooled_h(const LayerDesign& l) { return has_pool(l) ? (l.conv[OH] - l.pool[PKH]) / l.pool[PSH] + 1 : l.conv[OH]; }
inline int64_t pooled_w(const LayerDesign& l) { return has_pool(l) ? (l.conv[OW] - l.pool[PKW]) / l.pool[PSW] + 1 : l.conv[OW]; }
// Positions per sample of the tensor the layer writes: the pooled ones with a fused MaxPool.
inline int64_t out_positions(const LayerDesign& l) { return l.is_conv() ? pooled_h(l) * pooled_w(l) : 1; }
inline int64_t window(const LayerDesign& l) { return l.is_conv() ? l.conv[KH] * l.conv[KW] * l.conv[CI] : l.in_features; }
// GEMM rows of one batch: batch x output positions (a dense layer: batch x rows_per_sample).
inline int64_t gemm_rows(const LayerDesign& l, int64_t batch) { return batch * positions(l); }
// A conv layer running the direct kernel (kernels/conv_direct.h, variant "conv_direct").
inline bool is_direct(const LayerDesign& l) {
  return l.is_conv() && !l.kernels.empty() && l.kernels.front().variant == "conv_direct";
}
// A conv layer whose im2col the memory tile does (kernels/conv_memtile.h, variant "conv_memtile_im2col").
inline bool is_memtile_im2col(const LayerDesign& l) {
  return l.is_conv() && !l.kernels.empty() && l.kernels.front().variant == "conv_memtile_im2col";
}
// The conv kernels whose K runs over taps x padded channels (direct and memory-tile im2col).
inline bool has_tap_k(const LayerDesign& l) { return is_direct(l) || is_memtile_im2col(l); }
// The direct kernel's GEMM K: taps x input channels padded to tile_k.
inline int64_t direct_k(const LayerDesign& l) {
  return l.conv[KH] * l.conv[KW] * ((l.conv[CI] + l.tile_k - 1) / l.tile_k * l.tile_k);
}
// GEMM K of the layer (real): the window for an im2col conv, taps x padded channels for a direct conv,
// the input features for a dense layer.
inline int64_t gemm_k(const LayerDesign& l) {
  return has_tap_k(l) ? direct_k(l) : l.is_conv() ? window(l) : l.in_features;
}
// Per-sample elements of the layer's output tensor as the array holds it.
inline int64_t output_elements(const LayerDesign& l) { return out_positions(l) * l.out_features; }
// One copy of a kernel's input buffer.
// (The memory-tile im2col kernel's is the patch matrix.)
inline int64_t input_buffer_bytes(const LayerDesign& l, int64_t batch) {
  if (is_memtile_im2col(l)) return batch * positions(l) * direct_k(l) * l.input_bytes;
  return l.is_conv() ? batch * l.in_features * l.input_bytes : l.batch_padded * l.k_slice * l.input_bytes;
}
// One copy of a kernel's output buffer: a conv kernel writes plain channels-last rows of its real
// channels (batch x positions x out_features), a dense kernel its tiled M x n_slice block.
inline int64_t output_buffer_bytes(const LayerDesign& l, int64_t batch) {
  return l.is_conv() ? batch * output_elements(l) * l.output_bytes : l.batch_padded * l.n_slice * l.output_bytes;
}
// GEMM rows of `samples` samples of a conv with `positions` output positions, padded to 2 x tile_m (the
// dense schedule's row unit): the rows one chunk of the conv kernel multiplies.
inline int64_t padded_rows(int64_t samples, int64_t positions, int64_t tile_m) {
  const int64_t unit = 2 * tile_m;
  return (samples * positions + unit - 1) / unit * unit;
}
// The conv kernel runs the batch in chunks of LayerDesign::conv_chunk samples (kernels/conv.h Chunk;
// 0: the whole batch in one chunk, then batch_padded rows). Padded GEMM rows of one chunk.
inline int64_t chunk_rows_padded(const LayerDesign& l) {
  return l.is_conv() && l.conv_chunk > 0 ? padded_rows(l.conv_chunk, positions(l), l.tile_m) : l.batch_padded;
}
// The conv kernel's tile-local working buffers (0 for dense layers): the im2col A matrix and the tiled
// GEMM result it repacks into its output rows, both for one chunk.
// (The direct and memory-tile im2col kernels have no im2col buffer: 0.)
inline int64_t im2col_bytes(const LayerDesign& l) {
  return l.is_conv() && !has_tap_k(l) ? chunk_rows_padded(l) * l.k_slice * l.input_bytes : 0;
}
inline int64_t out_tiles_bytes(const LayerDesign& l) {
  return l.is_conv() ? chunk_rows_padded(l) * l.n_slice * l.output_bytes : 0;
}

// `values` of `tensor` (samples x the model's per-sample layout) as the array carries them: the input of a
// conv layer goes channels-last (NCHW -> NHWC, what the host streams in); other tensors are unchanged.
inline std::vector<int64_t> to_array_layout(const Design& d, const std::string& tensor, std::vector<int64_t> values,
                                            int64_t samples) {
  for (auto& l : d.layers) {
    if (!l.is_conv() || l.input_tensor != tensor) continue;
    const int64_t channels = l.conv[CI], spatial = l.conv[IH] * l.conv[IW], per_sample = channels * spatial;
    std::vector<int64_t> out(values.size());
    for (int64_t b = 0; b < samples && (b + 1) * per_sample <= static_cast<int64_t>(values.size()); ++b)
      for (int64_t c = 0; c < channels; ++c)
        for (int64_t s = 0; s < spatial; ++s)
          out[static_cast<size_t>(b * per_sample + s * channels + c)] =
              values[static_cast<size_t>(b * per_sample + c * spatial + s)];
    return out;
  }
  return values;
}

}  // namespace aie4ml::conv_layout
