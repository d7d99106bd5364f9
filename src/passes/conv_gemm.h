// A quantised convolution as the im2col GEMM the AIE conv kernel (kernels/conv.h) computes: the first
// step of mapping a Conv onto the array with the dense kernels' layouts.
// Reads: a quantised Conv op of the Model IR (x [N, C_in, spatial...] with 1 or 2 spatial dimensions,
//   W [C_out, C_in, k...] codes, optional bias codes at the accumulator scale, explicit pads, group 1).
// Writes: ConvGemm: the geometry in 2-D form (a 1-D conv has H = KH = OH = 1), the GEMM matrix
//   Wg [window, C_out] in x @ W orientation with window index k = (kh * KW + kw) * C_in + ci, the bias.
//   GEMM rows are r = sample * positions + oh * OW + ow; the kernel reads x channels-last.
// Checks: group 1, one or two spatial dimensions, weight and bias codes present; InputError naming the
//   layer otherwise.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ir/model.h"

namespace aie4ml {

struct ConvGemm {
  std::string layer;
  int64_t channels_in = 1, in_h = 1, in_w = 1, kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1;
  int64_t dilation_h = 1, dilation_w = 1, pad_h = 0, pad_w = 0, out_h = 1, out_w = 1, channels_out = 1;
  std::vector<int64_t> weight_codes;  // window x channels_out, row-major
  std::vector<int64_t> bias_codes;    // channels_out, or empty

  int64_t positions() const { return out_h * out_w; }
  int64_t window() const { return kernel_h * kernel_w * channels_in; }
  // kernels::conv_geometry's template arguments: "CI, IH, IW, KH, KW, SH, SW, DH, DW, PH, PW, OH, OW".
  std::string geometry_args() const;
};

ConvGemm conv_gemm(const Model& model, const Op& conv);

// The direct kernel's weight matrix (kernels/conv_direct.h): Wd [taps x CIp, channels_out], row
// k = tap * CIp + ci with CIp = channels_in rounded up to tile_k; the rows of padding channels are zero.
std::vector<int64_t> direct_weight_codes(const ConvGemm& g, int64_t tile_k);

// Rows of the direct kernel's GEMM K: taps x channels_in rounded up to tile_k.
int64_t direct_gemm_k(const ConvGemm& g, int64_t tile_k);

// The im2col matrix (batch * positions rows x window columns, row-major; zero for taps in the padding)
// of `batch` samples stored channels-last (x[b][ih][iw][ci]). For host checks and tests.
std::vector<int64_t> im2col_channels_last(const ConvGemm& g, std::span<const int64_t> x, int64_t batch);

// NCHW sample-major codes -> channels-last (x[b][spatial][c]), the layout the conv kernel reads.
std::vector<int64_t> to_channels_last(std::span<const int64_t> x, int64_t batch, int64_t channels, int64_t spatial);

}  // namespace aie4ml
