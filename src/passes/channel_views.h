// Channel views: Slice/Split and Concat ops the array realises without a kernel, by where layers read and
// write in memory-tile shared buffers (design.json "input_views" / "output_view", design/design.h).
//
// Reads: the quantised Model (Slice, Concat, the Conv / pool / tensor-op layers around them; tensor shapes
//   and numeric types) and the tensor-op region (partition_tensor_ops.h).
// Writes: which ops are views, and for every tensor they touch where it lives in a shared buffer: a
//   ChannelView per Slice output (the channels its readers read of the sliced tensor) and per Concat input
//   (the channels its producer writes of the Concat's output).
// Array tensors between conv-like layers are channels-last rows ([positions x channels] per sample,
// channels fastest), so a channel range of every row is one ADF access pattern (offset, stride = row):
// - A Slice (an ONNX Split output is one) is a view when it takes channels [b, e) with step 1 of a tensor
//   a Conv, fused pool or tensor-op layer writes (or of a Concat view's output), leaves every other axis
//   whole, keeps the input's type, and only Conv and tensor-op layers read its output, none of them two
//   windows of one tensor.
//   Its readers read channels [b, e) of the sliced tensor's buffer.
// - A Concat on channels is a view when every input is written by its own Conv, fused pool or tensor-op
//   layer, read by the Concat alone, and has exactly the output's numeric type (no requantisation), and no
//   Relu/Quantize would be fused after it (that needs the kernel). Each producer writes its channels of the
//   output's buffer. Otherwise the Concat stays a tensor-op layer (kernels/tensor_ops.h).
// Checks: slice_view_obstacle says why a Slice is not a view; array_region refuses such a Slice by name
// (InputError): the array has no gather kernel for strided, spatial or otherwise-read slices yet.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>

#include "design/design.h"
#include "ir/model.h"

namespace aie4ml {

struct ChannelViews {
  std::set<std::string> ops;                        // Slice and Concat ops realised as views
  std::map<std::string, ChannelView> read_window;   // Slice output -> channels of the sliced array tensor
  std::map<std::string, ChannelView> write_window;  // Concat input -> channels of the Concat's output
  std::map<std::string, std::string> refused;       // Slice op -> why it is not a view
};

// Is `concat` a view, given the tensors layers write whole and channels-last so far (the tensor-op region
// asks while it walks the model, so that a view Concat is not a tensor-op layer)?
bool concat_is_view(const Model& model, const Op& concat, const std::set<std::string>& layer_written);

// The channel views of the model (see above).
ChannelViews channel_views(const Model& model);

// Sets a lowered layer's channel views: an input that is a Slice view's output becomes the sliced array
// tensor with an input view; an output that feeds a Concat view gets an output view.
void apply_channel_views(LayerDesign& l, const ChannelViews& views);

}  // namespace aie4ml
