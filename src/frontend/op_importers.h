// The op importers: one function per ONNX op (family), each turning one node with per-sample inputs
// into IR ops with propagated shapes and types. Nodes whose inputs are all constants never get here
// (constant_folding.h), except the quantisers, which fold their constant case themselves.
//
// Files: op_linear.cpp (Gemm, MatMul, Conv, pooling), op_elementwise.cpp (arithmetic, activations,
// Softmax, Clip, BatchNormalization), op_shape.cpp (Reshape, Flatten, Transpose, Identity, Dropout,
// Squeeze/Unsqueeze, Concat), op_slice.cpp (Slice, Split), op_attention.cpp (LayerNormalization), qonnx.cpp (QuantizeLinear, DequantizeLinear, QONNX Quant, BipolarQuant, Trunc).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "frontend/import_context.h"

namespace aie4ml::frontend {

using Importer = void (*)(ImportContext&, const onnx::NodeProto&);

// The importer for (domain, op_type), or nullptr when aie4ml does not support the op. Throws InputError
// for an unknown domain (naming it).
Importer find_importer(const onnx::NodeProto& node);
// For messages: the default-domain op types aie4ml imports.
std::string supported_op_list();

// op_linear.cpp
void import_gemm(ImportContext& ctx, const onnx::NodeProto& node);
void import_matmul(ImportContext& ctx, const onnx::NodeProto& node);
void import_conv(ImportContext& ctx, const onnx::NodeProto& node);
void import_pool(ImportContext& ctx, const onnx::NodeProto& node);
void import_global_average_pool(ImportContext& ctx, const onnx::NodeProto& node);
// op_elementwise.cpp
void import_binary(ImportContext& ctx, const onnx::NodeProto& node);
void import_activation(ImportContext& ctx, const onnx::NodeProto& node);
void import_softmax(ImportContext& ctx, const onnx::NodeProto& node);
void import_clip(ImportContext& ctx, const onnx::NodeProto& node);
void import_batchnorm(ImportContext& ctx, const onnx::NodeProto& node);
// op_attention.cpp
void import_layernorm(ImportContext& ctx, const onnx::NodeProto& node);
// op_shape.cpp
void import_reshape(ImportContext& ctx, const onnx::NodeProto& node);
void import_flatten(ImportContext& ctx, const onnx::NodeProto& node);
void import_transpose(ImportContext& ctx, const onnx::NodeProto& node);
void import_identity(ImportContext& ctx, const onnx::NodeProto& node);
void import_squeeze(ImportContext& ctx, const onnx::NodeProto& node);
void import_concat(ImportContext& ctx, const onnx::NodeProto& node);
// op_slice.cpp
void import_slice(ImportContext& ctx, const onnx::NodeProto& node);
void import_split(ImportContext& ctx, const onnx::NodeProto& node);
// qonnx.cpp
void import_quantize_linear(ImportContext& ctx, const onnx::NodeProto& node);
void import_dequantize_linear(ImportContext& ctx, const onnx::NodeProto& node);
void import_qonnx_quant(ImportContext& ctx, const onnx::NodeProto& node);
void import_bipolar_quant(ImportContext& ctx, const onnx::NodeProto& node);
void import_trunc(ImportContext& ctx, const onnx::NodeProto& node);

// Shared by importers: the output type of a shape-only op (same as its input).
inline NumericType same_type(const Tensor& t) { return t.type; }

}  // namespace aie4ml::frontend
