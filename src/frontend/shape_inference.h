// Shape propagation for the supported ops. aie4ml does its own (ONNX 1.12's shape inference knows
// neither opsets above 17 nor the QONNX domains). Activation shapes carry the batch as dimension 0,
// written kBatch; every function here keeps the batch in place or refuses with the node named.
//
// Reads: input shapes and node attributes. Writes: output shapes, explicit pads. Checks: broadcasting
//   that would depend on the batch size, reshapes that move data across the batch dimension, kernel
//   and channel sizes that do not fit.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include <onnx/onnx_pb.h>

namespace aie4ml::frontend {

using Shape = std::vector<int64_t>;

// Numpy broadcasting; kBatch broadcasts with 1 and with itself only.
Shape broadcast_shapes(const onnx::NodeProto& node, const Shape& a, const Shape& b);
// Axis in [-rank, rank) -> [0, rank).
int64_t normalize_axis(const onnx::NodeProto& node, int64_t axis, size_t rank);
// The perm attribute (reversed dimensions when absent), checked to be a permutation of `rank` axes.
std::vector<int64_t> transpose_perm(const onnx::NodeProto& node, size_t rank);
Shape permute(const Shape& shape, const std::vector<int64_t>& perm);

// Reshape target resolution: entries nullopt (the batch size, from a shape sub-graph), 0 (copy the
// input dimension unless allowzero), -1 (inferred). Output dimension 0 is the batch.
Shape resolve_reshape(const onnx::NodeProto& node, const Shape& input, const std::vector<std::optional<int64_t>>& target,
                      bool allow_zero);

// Conv / pooling geometry, resolved to explicit pads (begin..., end...).
struct Window {
  std::vector<int64_t> kernel, strides, dilations, pads;
  bool ceil_mode = false;
};
Window read_window(const onnx::NodeProto& node, const Shape& input, const std::vector<int64_t>& kernel_from_weights);
Shape window_output(const onnx::NodeProto& node, const Shape& input, const Window& w, int64_t out_channels);

}  // namespace aie4ml::frontend
