// Packing a Dense layer for the dense kernels (kernels/dense.h), exactly in the layouts that
// kernels/README.md documents.
// Reads: the layer's logical shape (batch x in_features -> out_features), its split over the array
//   (cas_length kernels per chain along K, cas_num parallel chains along N) and the mmul tiling.
// Writes: per kernel, the packed weight array and (for the chain's single/last kernel) the packed bias
//   array; per cascade position, the tiled input slice; per chain, where each packed output element
//   lands in the layer's output. Packing is expressed as index maps (packed element -> flat source
//   index, or -1 for zero padding), so one map serves int8/int16 codes, bf16 values and codegen alike.
// Checks: slice geometry legal for the kernels, bias codes representable in the kernel's bias type.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace aie4ml {

struct MmulTiling {
  int m = 4, k = 8, n = 8;
  bool operator==(const MmulTiling&) const = default;
};

// Geometry of one Dense layer split over cas_num chains x cas_length kernels.
// Kernel (chain c, position p) -- index c * cas_length + p -- computes output features
// [c * n_slice, (c+1) * n_slice) from input features [p * k_slice, (p+1) * k_slice), for all
// m_padded batch rows; everything beyond the logical shape is zero padding.
struct DenseGrid {
  int batch = 1, in_features = 1, out_features = 1;  // logical layer shape
  int cas_length = 1, cas_num = 1;
  MmulTiling tiling;
  int m_padded = 0;  // batch rows a kernel processes: multiple of 2 * tiling.m
  int k_slice = 0;   // input features per kernel: multiple of tiling.k
  int n_slice = 0;   // output features per chain: multiple of 2 * tiling.n

  // The smallest legal slices: m_padded = batch rounded up to 2*tile_m, k_slice = ceil(in/cas_length)
  // rounded up to a multiple of lcm(tile_k, k_align), n_slice = ceil(out/cas_num) rounded up to a
  // multiple of lcm(2*tile_n, n_align). Throws InputError (naming `layer`) on impossible parameters.
  static DenseGrid make(int batch, int in_features, int out_features, int cas_length, int cas_num,
                        MmulTiling tiling, const std::string& layer = "dense", int k_align = 1, int n_align = 1);
  // Throws InputError naming `layer` unless the slices are legal for the kernels and cover the layer.
  void validate(const std::string& layer = "dense") const;

  int kernels() const { return cas_length * cas_num; }
  int kernel_index(int chain, int position) const { return chain * cas_length + position; }
  int k_padded() const { return k_slice * cas_length; }
  int n_padded() const { return n_slice * cas_num; }
  int weight_elems() const { return k_slice * n_slice; }       // per kernel
  int bias_elems() const { return n_slice * tiling.m; }        // per chain (its single/last kernel)
  int input_elems() const { return m_padded * k_slice; }       // per cascade position
  int output_elems() const { return m_padded * n_slice; }      // per chain
};

// Index maps. Each returns, for every element of the packed array in kernel order, the flat index of
// its source element, or -1 where the packed array holds zero padding.
//   weights: source W is in_features x out_features, row-major (x @ W orientation)
//   bias:    source b has out_features elements
//   input:   source x is batch x in_features, row-major
//   output:  destination y is batch x out_features, row-major
std::vector<int64_t> weight_pack_map(const DenseGrid& g, int chain, int position);
std::vector<int64_t> bias_pack_map(const DenseGrid& g, int chain);
std::vector<int64_t> input_pack_map(const DenseGrid& g, int position);
std::vector<int64_t> output_pack_map(const DenseGrid& g, int chain);

// Gather `src` through a map (padding -> T{}).
template <class T>
std::vector<T> apply_pack_map(std::span<const T> src, std::span<const int64_t> map) {
  std::vector<T> out(map.size(), T{});
  for (size_t i = 0; i < map.size(); ++i)
    if (map[i] >= 0) out[i] = src[static_cast<size_t>(map[i])];
  return out;
}

// Scatter a chain's packed output into the layer output y (batch x out_features, row-major).
template <class T>
void scatter_output(std::span<const T> packed, std::span<const int64_t> map, std::span<T> y) {
  for (size_t i = 0; i < map.size(); ++i)
    if (map[i] >= 0) y[static_cast<size_t>(map[i])] = packed[i];
}

// All packed arrays of an integer Dense layer, from its integer codes.
struct PackedDense {
  DenseGrid grid;
  std::vector<std::vector<int64_t>> weights;  // [kernel_index(chain, position)]
  std::vector<std::vector<int64_t>> bias;     // [chain]; empty vectors when the layer has no bias
};

// Packs weight codes (in_features x out_features) and bias codes (out_features, or empty) at the
// accumulator scale. Throws InputError naming `layer` if a bias code does not fit the kernels' int32
// bias array or an operand has the wrong size.
PackedDense pack_dense_codes(const DenseGrid& g, std::span<const int64_t> w, std::span<const int64_t> bias,
                             const std::string& layer = "dense");

// Bits a two's complement accumulator needs so that no partial sum of the layer can overflow, for
// activation codes in [x_min, x_max] and the given weight and bias codes (the bias is added first, as
// the kernels do; any order of the K terms is covered). The kernels need acc64 when this exceeds 32.
int dense_accumulator_bits(std::span<const int64_t> w, std::span<const int64_t> bias, int in_features,
                           int out_features, int64_t x_min, int64_t x_max);

}  // namespace aie4ml
