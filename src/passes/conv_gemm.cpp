// Conv -> im2col GEMM description (see conv_gemm.h).
#include "passes/conv_gemm.h"

#include <algorithm>

#include <fmt/format.h>

#include "support/error.h"

namespace aie4ml {

namespace {

const Tensor& codes_of(const Model& m, const std::string& name, const Op& op, const char* role) {
  const Tensor& t = m.tensor(name);
  if (!t.is_constant || !t.type.is_fixed() || t.codes.size() != static_cast<size_t>(t.elements()))
    throw InputError(fmt::format("conv '{}': {} '{}' has no integer codes (quantise the model first)", op.name, role,
                                 name));
  return t;
}

// Attribute list of `n` spatial values, or `fallback` for each when absent.
std::vector<int64_t> per_axis(const Op& op, const char* key, size_t n, int64_t fallback) {
  auto v = op.get_ints(key);
  if (v.empty()) v.assign(n, fallback);
  return v;
}

}  // namespace

std::string ConvGemm::geometry_args() const {
  return fmt::format("{}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}", channels_in, in_h, in_w, kernel_h, kernel_w,
                     stride_h, stride_w, dilation_h, dilation_w, pad_h, pad_w, out_h, out_w);
}

ConvGemm conv_gemm(const Model& m, const Op& op) {
  if (op.kind != OpKind::Conv) throw InputError(fmt::format("op '{}' is not a Conv", op.name));
  if (op.get_int("group", 1) != 1)
    throw InputError(fmt::format("conv '{}': group {} is not supported by the conv kernel (group 1 only)", op.name,
                                 op.get_int("group", 1)));
  const auto in = m.tensor(op.inputs.at(0)).sample_shape(), out = m.tensor(op.outputs.at(0)).sample_shape();
  const size_t nd = in.size() - 1;
  if (nd < 1 || nd > 2 || out.size() != in.size())
    throw InputError(fmt::format("conv '{}': {} spatial dimensions; the conv kernel takes 1 or 2", op.name, nd));
  const Tensor& w = codes_of(m, op.inputs.at(1), op, "weight");
  const auto kernel = per_axis(op, "kernel_shape", nd, 1), strides = per_axis(op, "strides", nd, 1),
             dilations = per_axis(op, "dilations", nd, 1), pads = per_axis(op, "pads", 2 * nd, 0);
  ConvGemm g;
  g.layer = op.name;
  g.channels_in = in[0];
  g.channels_out = out[0];
  const size_t h = nd == 2 ? 0 : nd, wd = nd - 1;  // h == nd: no H axis (1-D)
  auto axis = [&](const std::vector<int64_t>& v, size_t a, int64_t none) { return a < nd ? v[a] : none; };
  g.in_h = axis({in.begin() + 1, in.end()}, h, 1), g.in_w = in[1 + wd];
  g.out_h = axis({out.begin() + 1, out.end()}, h, 1), g.out_w = out[1 + wd];
  g.kernel_h = axis(kernel, h, 1), g.kernel_w = kernel[wd];
  g.stride_h = axis(strides, h, 1), g.stride_w = strides[wd];
  g.dilation_h = axis(dilations, h, 1), g.dilation_w = dilations[wd];
  g.pad_h = axis(pads, h, 0), g.pad_w = pads[wd];
  if (w.shape.size() != nd + 2 || w.shape[0] != g.channels_out || w.shape[1] != g.channels_in)
    throw InputError(fmt::format("conv '{}': weight '{}' does not have shape [{}, {}, kernel...]", op.name, w.name,
                                 g.channels_out, g.channels_in));
  // Wg[(t * CI + ci) * CO + n] = W[n][ci][t] with t = kh * KW + kw, the flattened tap.
  const int64_t taps = g.kernel_h * g.kernel_w;
  g.weight_codes.assign(static_cast<size_t>(g.window() * g.channels_out), 0);
  for (int64_t n = 0; n < g.channels_out; ++n)
    for (int64_t ci = 0; ci < g.channels_in; ++ci)
      for (int64_t t = 0; t < taps; ++t)
        g.weight_codes[static_cast<size_t>((t * g.channels_in + ci) * g.channels_out + n)] =
            w.codes[static_cast<size_t>((n * g.channels_in + ci) * taps + t)];
  if (op.inputs.size() > 2 && !op.inputs[2].empty()) g.bias_codes = codes_of(m, op.inputs[2], op, "bias").codes;
  return g;
}

int64_t direct_gemm_k(const ConvGemm& g, int64_t tile_k) {
  if (tile_k < 1) throw InputError(fmt::format("conv '{}': tile_k {} is not positive", g.layer, tile_k));
  return g.kernel_h * g.kernel_w * ((g.channels_in + tile_k - 1) / tile_k * tile_k);
}

std::vector<int64_t> direct_weight_codes(const ConvGemm& g, int64_t tile_k) {
  const int64_t padded = direct_gemm_k(g, tile_k) / (g.kernel_h * g.kernel_w), taps = g.kernel_h * g.kernel_w;
  std::vector<int64_t> wd(static_cast<size_t>(direct_gemm_k(g, tile_k) * g.channels_out), 0);
  for (int64_t t = 0; t < taps; ++t)
    for (int64_t ci = 0; ci < g.channels_in; ++ci)
      std::copy_n(g.weight_codes.begin() + (t * g.channels_in + ci) * g.channels_out, g.channels_out,
                  wd.begin() + (t * padded + ci) * g.channels_out);
  return wd;
}

std::vector<int64_t> im2col_channels_last(const ConvGemm& g, std::span<const int64_t> x, int64_t batch) {
  const int64_t sample = g.in_h * g.in_w * g.channels_in, window = g.window();
  if (static_cast<int64_t>(x.size()) != batch * sample)
    throw InputError(fmt::format("conv '{}': {} input codes for {} samples of {}", g.layer, x.size(), batch, sample));
  std::vector<int64_t> a(static_cast<size_t>(batch * g.positions() * window), 0);
  size_t i = 0;
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t oh = 0; oh < g.out_h; ++oh)
      for (int64_t ow = 0; ow < g.out_w; ++ow)
        for (int64_t kh = 0; kh < g.kernel_h; ++kh)
          for (int64_t kw = 0; kw < g.kernel_w; ++kw) {
            const int64_t ih = oh * g.stride_h + kh * g.dilation_h - g.pad_h;
            const int64_t iw = ow * g.stride_w + kw * g.dilation_w - g.pad_w;
            const bool inside = ih >= 0 && ih < g.in_h && iw >= 0 && iw < g.in_w;
            for (int64_t ci = 0; ci < g.channels_in; ++ci, ++i)
              if (inside) a[i] = x[static_cast<size_t>(b * sample + (ih * g.in_w + iw) * g.channels_in + ci)];
          }
  return a;
}

std::vector<int64_t> to_channels_last(std::span<const int64_t> x, int64_t batch, int64_t channels, int64_t spatial) {
  std::vector<int64_t> y(x.size());
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t p = 0; p < spatial; ++p)
        y[static_cast<size_t>((b * spatial + p) * channels + c)] = x[static_cast<size_t>((b * channels + c) * spatial + p)];
  return y;
}

}  // namespace aie4ml
