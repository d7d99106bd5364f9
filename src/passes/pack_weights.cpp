#include "passes/pack_weights.h"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <numeric>

#include <fmt/format.h>

#include "support/error.h"

namespace aie4ml {

namespace {

int round_up(int v, int multiple) { return (v + multiple - 1) / multiple * multiple; }
int ceil_div(int a, int b) { return (a + b - 1) / b; }

void require(bool ok, const std::string& layer, const std::string& what) {
  if (!ok) throw InputError(fmt::format("layer '{}': {}", layer, what));
}

}  // namespace

DenseGrid DenseGrid::make(int batch, int in_features, int out_features, int cas_length, int cas_num,
                          MmulTiling tiling, const std::string& layer, int k_align, int n_align) {
  require(batch > 0 && in_features > 0 && out_features > 0, layer,
          fmt::format("shape {}x{}->{} must be positive", batch, in_features, out_features));
  require(cas_length > 0 && cas_num > 0, layer,
          fmt::format("cascade grid {}x{} must be positive", cas_length, cas_num));
  require(tiling.m > 0 && tiling.k > 0 && tiling.n > 0, layer, "mmul tiling must be positive");
  require(k_align > 0 && n_align > 0, layer, "slice alignments must be positive");
  DenseGrid g;
  g.batch = batch;
  g.in_features = in_features;
  g.out_features = out_features;
  g.cas_length = cas_length;
  g.cas_num = cas_num;
  g.tiling = tiling;
  g.m_padded = round_up(batch, 2 * tiling.m);
  g.k_slice = round_up(ceil_div(in_features, cas_length), std::lcm(tiling.k, k_align));
  g.n_slice = round_up(ceil_div(out_features, cas_num), std::lcm(2 * tiling.n, n_align));
  g.validate(layer);
  return g;
}

void DenseGrid::validate(const std::string& layer) const {
  require(batch > 0 && in_features > 0 && out_features > 0 && cas_length > 0 && cas_num > 0, layer,
          "shape and cascade grid must be positive");
  require(tiling.m > 0 && tiling.k > 0 && tiling.n > 0, layer, "mmul tiling must be positive");
  require(m_padded >= batch && m_padded % (2 * tiling.m) == 0, layer,
          fmt::format("padded batch {} must cover batch {} and be a multiple of 2 x tile_m = {}", m_padded, batch,
                      2 * tiling.m));
  require(k_slice > 0 && k_slice % tiling.k == 0, layer,
          fmt::format("input slice {} must be a positive multiple of tile_k = {}", k_slice, tiling.k));
  require(n_slice > 0 && n_slice % (2 * tiling.n) == 0, layer,
          fmt::format("output slice {} must be a positive multiple of 2 x tile_n = {}", n_slice, 2 * tiling.n));
  require(int64_t{k_slice} * cas_length >= in_features, layer,
          fmt::format("{} kernels x {} input features do not cover {}", cas_length, k_slice, in_features));
  require(int64_t{n_slice} * cas_num >= out_features, layer,
          fmt::format("{} chains x {} output features do not cover {}", cas_num, n_slice, out_features));
}

std::vector<int64_t> weight_pack_map(const DenseGrid& g, int chain, int position) {
  const auto [tm, tk, tn] = g.tiling;
  (void)tm;
  const int k_tiles = g.k_slice / tk, n_tiles = g.n_slice / tn;
  std::vector<int64_t> map;
  map.reserve(static_cast<size_t>(g.weight_elems()));
  // Column tiles one after another; within a column, its K tiles in order; each tile tk x tn row-major.
  for (int nj = 0; nj < n_tiles; ++nj)
    for (int ki = 0; ki < k_tiles; ++ki)
      for (int r = 0; r < tk; ++r)
        for (int c = 0; c < tn; ++c) {
          const int k = position * g.k_slice + ki * tk + r;
          const int n = chain * g.n_slice + nj * tn + c;
          map.push_back(k < g.in_features && n < g.out_features ? int64_t{k} * g.out_features + n : -1);
        }
  return map;
}

std::vector<int64_t> bias_pack_map(const DenseGrid& g, int chain) {
  const auto [tm, tk, tn] = g.tiling;
  (void)tk;
  std::vector<int64_t> map;
  map.reserve(static_cast<size_t>(g.bias_elems()));
  // Per column tile, a tm x tn tile whose every row is that tile's tn biases.
  for (int nj = 0; nj < g.n_slice / tn; ++nj)
    for (int r = 0; r < tm; ++r)
      for (int c = 0; c < tn; ++c) {
        const int n = chain * g.n_slice + nj * tn + c;
        map.push_back(n < g.out_features ? n : -1);
      }
  return map;
}

std::vector<int64_t> input_pack_map(const DenseGrid& g, int position) {
  const auto [tm, tk, tn] = g.tiling;
  (void)tn;
  std::vector<int64_t> map;
  map.reserve(static_cast<size_t>(g.input_elems()));
  // Row tiles one after another; within a row, its K tiles in order; each tile tm x tk row-major.
  for (int mi = 0; mi < g.m_padded / tm; ++mi)
    for (int ki = 0; ki < g.k_slice / tk; ++ki)
      for (int r = 0; r < tm; ++r)
        for (int c = 0; c < tk; ++c) {
          const int b = mi * tm + r;
          const int k = position * g.k_slice + ki * tk + c;
          map.push_back(b < g.batch && k < g.in_features ? int64_t{b} * g.in_features + k : -1);
        }
  return map;
}

std::vector<int64_t> output_pack_map(const DenseGrid& g, int chain) {
  const auto [tm, tk, tn] = g.tiling;
  (void)tk;
  std::vector<int64_t> map;
  map.reserve(static_cast<size_t>(g.output_elems()));
  // Row tiles one after another; within a row, its N tiles in order; each tile tm x tn row-major.
  for (int mi = 0; mi < g.m_padded / tm; ++mi)
    for (int nj = 0; nj < g.n_slice / tn; ++nj)
      for (int r = 0; r < tm; ++r)
        for (int c = 0; c < tn; ++c) {
          const int b = mi * tm + r;
          const int n = chain * g.n_slice + nj * tn + c;
          map.push_back(b < g.batch && n < g.out_features ? int64_t{b} * g.out_features + n : -1);
        }
  return map;
}

PackedDense pack_dense_codes(const DenseGrid& g, std::span<const int64_t> w, std::span<const int64_t> bias,
                             const std::string& layer) {
  g.validate(layer);
  require(w.size() == static_cast<size_t>(g.in_features) * g.out_features, layer,
          fmt::format("weight array has {} codes, expected {} x {}", w.size(), g.in_features, g.out_features));
  require(bias.empty() || bias.size() == static_cast<size_t>(g.out_features), layer,
          fmt::format("bias array has {} codes, expected {}", bias.size(), g.out_features));
  for (size_t n = 0; n < bias.size(); ++n)
    require(bias[n] >= std::numeric_limits<int32_t>::min() && bias[n] <= std::numeric_limits<int32_t>::max(), layer,
            fmt::format("bias code {} of output {} does not fit the kernels' int32 bias", bias[n], n));
  PackedDense p;
  p.grid = g;
  for (int c = 0; c < g.cas_num; ++c)
    for (int pos = 0; pos < g.cas_length; ++pos) p.weights.push_back(apply_pack_map(w, weight_pack_map(g, c, pos)));
  for (int c = 0; c < g.cas_num; ++c)
    p.bias.push_back(bias.empty() ? std::vector<int64_t>(static_cast<size_t>(g.bias_elems()), 0)
                                  : apply_pack_map(bias, bias_pack_map(g, c)));
  return p;
}

int dense_accumulator_bits(std::span<const int64_t> w, std::span<const int64_t> bias, int in_features,
                           int out_features, int64_t x_min, int64_t x_max) {
  if (w.size() != static_cast<size_t>(in_features) * out_features || x_min > x_max)
    throw InputError("dense_accumulator_bits: weight array or activation range inconsistent");
  __int128 worst = 0;  // the largest |partial sum| any column can reach
  for (int n = 0; n < out_features; ++n) {
    __int128 pos = 0, neg = 0;  // most positive / most negative sums of the K terms
    for (int k = 0; k < in_features; ++k) {
      const __int128 wk = w[static_cast<size_t>(k) * out_features + n];
      const __int128 a = wk * x_min, b = wk * x_max;
      pos += std::max<__int128>({a, b, 0});
      neg += std::min<__int128>({a, b, 0});
    }
    const __int128 b = bias.empty() ? 0 : bias[static_cast<size_t>(n)];
    const __int128 hi = std::max<__int128>(b, 0) + pos, lo = std::min<__int128>(b, 0) + neg;
    worst = std::max({worst, hi, -lo - 1});
  }
  int bits = 1;  // signed: need 2^(bits-1) > worst
  while ((static_cast<__int128>(1) << (bits - 1)) <= worst) ++bits;
  return bits;
}

}  // namespace aie4ml
