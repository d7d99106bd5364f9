// Tensor-op layers in the partition: residual Add, channel Concat and pools between array layers, each
// mapped to one kernels/tensor_ops.h kernel on one tile, and the attention ops (MatMul of two activations,
// row Softmax, LayerNorm; passes/partition_attention.h), each one attention kernel on one tile
// (design/tensor_op_layout.h), or, for a multi-head attention chain, one per head (passes/split_heads.h,
// which the partition applies to the lowered layers).
//
// Reads: the quantised Model (ops in topological order, tensor shapes and fixed-point types), the Config
//   batch and the Device.
// Writes: which ops are tensor-op layers and which ops are fused into them (TensorOpRegion), their 1-tile
//   LayerCandidate and their LayerDesign (op, inputs, tensor_op geometry, rows_per_sample, types, one
//   "tensor_op" kernel).
// An op of kind Add, Concat, MaxPool (not fused into a conv), AveragePool, GlobalAveragePool, MatMul (two
// activations), Softmax (rank >= 3: rows of a sample) or LayerNorm that reads a tensor an array layer
// produces is a tensor-op layer. A Relu or Quantize that alone reads such a layer's output (not a graph
// output) is fused into it; after an attention op also a Mul by a constant and Reshape / Transpose views
// (partition_attention.h says which the kernels take); the Reshape / Transpose ops in front of a MatMul
// are its head-split views. The layer then writes the last fused op's output. A Concat that is a channel
// view (channel_views.h) is no layer; a Slice's output counts as an array tensor (the Slice is a view or
// array_region refuses it).
// Layouts: ops on conv outputs read and write channels-last rows; ops on Dense outputs, graph inputs and
// attention outputs (row-major, token tensors [N, T, F] as T rows per sample) keep the model's layout and
// may write a graph output.
// Checks (InputError naming the op): Add of exactly two non-constant inputs of the output's shape (no
// broadcasting) in one layout, Concat on the channel axis (1) of non-constant inputs, 1-D / 2-D pools
// without ceil_mode or dilation, the attention patterns, fixed-point tensors of at most 16 bits, every
// input an array tensor or a graph input, distinct inputs, the kernel's buffers in one tile's data memory.
#pragma once
#include <map>
#include <set>
#include <string>
#include <vector>

#include "design/design.h"
#include "device/device.h"
#include "io/config.h"
#include "ir/model.h"
#include "passes/allocate_buffers.h"
#include "passes/partition_cost.h"

namespace aie4ml {

bool is_tensor_op_kind(OpKind k);

struct TensorOpRegion {
  std::set<std::string> layers;                 // op names of tensor-op layers
  std::set<std::string> fused;                  // Relu / Quantize ops fused after them
  std::map<std::string, std::string> output_of; // layer op name -> the tensor its kernel writes
  std::map<std::string, std::vector<std::string>> epilogue;  // layer op name -> fused op names in order
  std::set<std::string> concat_views;           // channel Concats realised as views, no layer (channel_views.h)
};

// Tensor-op layers of the model (see above). Does not validate them (tensor_op_candidate does).
TensorOpRegion tensor_op_region(const Model& model);

// The data memory one tensor-op kernel asks for: each input and the output double-buffered, stack, heap.
std::vector<BufferRequest> tensor_op_requests(const LayerDesign& l, int64_t batch, const Device& device);

// The checks of lower_tensor_op_layer that need no device and batch (array_region runs them, so that an
// unsupported tensor op means "no AIE project" rather than a failed compile). Throws InputError naming the op.
void check_tensor_op(const Op& op, const Model& model, const TensorOpRegion& region);

// The layer of tensor op `op` (no tiles yet): validates it, fills every LayerDesign field but origin and
// tiles. Throws InputError naming the op when it is not supported or does not fit a tile.
LayerDesign lower_tensor_op_layer(const Op& op, const Model& model, const TensorOpRegion& region, int64_t batch,
                                  const Device& device, const std::string& kernel_prefix);

// The single 1 x 1 candidate of a lowered tensor-op layer (for the band layout of the partition).
LayerCandidate tensor_op_candidate(const LayerDesign& l, int64_t batch);

}  // namespace aie4ml
