// Conv layers in the partition: what partition.cpp needs to map a Conv op like a Dense layer onto
// the conv kernel (kernels/conv.h), and the layout ops the array realises as views.
//
// Reads: the quantised Model (Conv ops with integer codes; Reshape / Flatten / Transpose ops after them),
//   the Config batch and the Device.
// Writes: conv LayerShapes (K = window KH x KW x CI, N = output channels, GEMM rows = batch x OH x OW),
//   legal candidates (one kernel per conv layer for now: cas_length = cas_num = 1), and the conv
//   fields of a LayerDesign (geometry, in_features = one sample's channels-last input elements, variant
//   conv_single, conv_direct or conv_memtile_im2col).
// Kernel variant (config LayerName.<conv>.ConvKernel): "im2col" (kernels/conv.h, variant conv_single),
//   "direct" (kernels/conv_direct.h, variant conv_direct: K = taps x CI padded to tile_k, no im2col
//   buffer), "memtile_im2col" (kernels/conv_memtile.h, variant conv_memtile_im2col: the memory tile's DMA
//   makes the patch matrix, K as direct's; only where design/conv_memtile.h patch_dma_obstacle finds
//   nothing: dilation 1, whole DMA words, padding and address-loop limits) or "auto" (default): of the
//   variants that fit, the one the PartitionCost predicts faster (PartitionCost::conv_kernel_cycles:
//   kernel plus input stream; im2col, then direct, when it has no kernel model or on a tie). InputError
//   naming the layer when the forced variant does not fit. For a layer reading a conv output through views: the array tensor and the order of its
//   input features (LayerDesign::input_order).
// A MaxPool that alone reads a conv's output (no padding, ceil_mode 0, dilation 1, the same type in and
// out) is fused into that conv layer: the kernel writes the pooled tensor (LayerDesign::pool), so the
// pool is neither a host op nor a layer and the next layer reads the pool's output.
// Checks: the per-tile memory of a conv kernel (weights in one bank; input, im2col scratch, output, bias,
//   stack and heap in the banks). The kernel runs the batch in chunks of whole samples (kernels/conv.h
//   Chunk): a candidate takes the largest divisor of the batch whose im2col and GEMM-result buffers fit
//   (LayerCandidate / LayerDesign conv_chunk, 0 when the whole batch fits); views only between a Conv and layers; a Conv reads a graph-side tensor
//   or another Conv's output directly; a conv output is read only by layers (or views to them). InputError
//   naming the op otherwise.
#pragma once
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "design/design.h"
#include "device/device.h"
#include "ir/model.h"
#include "passes/allocate_buffers.h"
#include "passes/partition_cost.h"

namespace aie4ml {

// Reshape / Flatten / Transpose ops between a Conv output and the layers that read it: the array holds a
// conv output channels-last, and such an op only renames which array element is which model feature, so
// it becomes the reading layer's input_order instead of a host op. Names of those ops.
std::set<std::string> array_views(const Model& model);

// Names of the MaxPool ops fused into the conv that produces their input (see above).
std::set<std::string> fused_pools(const Model& model);

// Why `pool` (a MaxPool reading a conv output) cannot be fused into that conv; nullopt when it can.
std::optional<std::string> pool_fusion_obstacle(const Model& model, const Op& pool);

// Checks the conv ops of the array region (see above); throws InputError naming the op.
void check_conv_region(const Model& model, const std::vector<const Op*>& layers, const std::set<std::string>& views);

// K, N and GEMM rows of a conv layer into `s` (types are filled by the caller as for Dense).
void conv_layer_dims(LayerShape& s, const Model& model, const Op& conv, int64_t batch);

// The data memory one conv kernel asks for, largest first (they are packed in order).
std::vector<BufferRequest> conv_kernel_requests(int64_t weight_bytes, int64_t input_bytes, int64_t im2col_bytes,
                                                int64_t out_tiles_bytes, int64_t output_bytes, int64_t bias_bytes,
                                                const Device& device);

// The layer's ConvKernel setting ("auto" when absent); InputError naming the layer on another value.
std::string conv_kernel_mode(const LayerConfig* overrides, const std::string& layer);

// Legal candidates of a conv layer (one kernel: cas_length = cas_num = 1, the chosen kernel variant), and
// why the most parallel try fails when there are none. `cost` prices the variants for ConvKernel "auto".
std::vector<LayerCandidate> enumerate_conv_candidates(const LayerShape& s, const Model& model, const Op& conv,
                                                      const LayerConfig* overrides, const Device& device,
                                                      std::string* why_none = nullptr,
                                                      const PartitionCost* cost = nullptr);

// Conv fields of a layer lowered from `conv` (op, in_features, geometry, kernel variants; with a fused
// MaxPool the pool window / stride and the pool's output as the layer's output tensor).
// `direct` / `memtile`: the candidate runs the direct kernel (LayerCandidate::conv_direct) / the memory-tile
// im2col kernel (LayerCandidate::conv_memtile).
void lower_conv_fields(LayerDesign& l, const Model& model, const Op& conv, bool direct = false, bool memtile = false);

// A layer whose input is produced through views: its input tensor becomes the conv output the array
// carries, and input_order maps array features to the model's (empty when the identity).
void resolve_view_input(LayerDesign& l, const Model& model, const std::set<std::string>& views);

}  // namespace aie4ml
