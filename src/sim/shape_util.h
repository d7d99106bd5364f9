// Index arithmetic shared by the integer and float interpreters: numpy broadcasting, transposition,
// concatenation and convolution/pooling geometry over per-sample shapes (batch dimension excluded).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ir/model.h"

namespace aie4ml::sim {

int64_t product(const std::vector<int64_t>& dims);

// For every element of the output sample (row-major over out_sample), the offset of the element of an
// operand that numpy broadcasting reads. `operand` is the operand's full shape: with the batch first
// when it is an activation (has_batch), without when it is a constant. Throws InputError naming `op`
// when the shapes do not broadcast.
std::vector<int64_t> broadcast_offsets(const std::vector<int64_t>& out_sample, const std::vector<int64_t>& operand,
                                       bool has_batch, const std::string& op);

// Output element i of a Transpose with `perm` (over the full shape, perm[0] == 0) reads input offset
// result[i]. in_sample excludes the batch.
std::vector<int64_t> transpose_offsets(const std::vector<int64_t>& in_sample, const std::vector<int64_t>& perm,
                                       const std::string& op);

// Output element i of a Slice reads input offset result[i]: along each per-sample axis d the output
// index k reads input index starts[d + 1] + k * steps[d + 1] (starts/steps over the full shape, batch
// entry first). in_sample / out_sample exclude the batch. Throws InputError naming `op` when an index
// falls outside the input.
std::vector<int64_t> slice_offsets(const std::vector<int64_t>& in_sample, const std::vector<int64_t>& out_sample,
                                   const std::vector<int64_t>& starts, const std::vector<int64_t>& steps,
                                   const std::string& op);

// Normalise an axis attribute of a full-rank shape (negative counts from the end); the batch axis 0 is
// refused, the result counts from the first per-sample axis (0-based).
int sample_axis(int64_t axis, size_t full_rank, const std::string& op);

// Convolution and pooling geometry (ONNX NC[D]HW layout, explicit pads).
struct WindowGeometry {
  int64_t channels_in = 0, channels_out = 0, groups = 1;
  std::vector<int64_t> in_spatial, out_spatial, kernel, strides, dilations, pads_begin;
};
WindowGeometry window_geometry(const Op& op, const std::vector<int64_t>& in_sample, const std::vector<int64_t>& out_sample,
                               const std::vector<int64_t>& kernel_shape);

// For output position `out_index` (flattened over out_spatial) and kernel tap `tap` (flattened over
// kernel): the flattened input spatial index, or -1 when the tap falls into padding.
int64_t window_input_index(const WindowGeometry& g, int64_t out_index, int64_t tap);

}  // namespace aie4ml::sim
