// ONNX frontend: reads an ONNX model (libonnx + protobuf) into the Model IR.
//
// Reads: an ONNX ModelProto (opset 7-21, default domain plus the QONNX custom domains).
// Writes: a Model whose ops are the IR's op kinds, with constants folded (shape sub-graphs, QONNX
//   Quant on weights), shapes propagated with a free batch dimension, and numeric types from the
//   model's quantisers (float32 elsewhere). Structural clean-up (BatchNorm folding, activation fusion)
//   is left to passes/canonicalize.
// Checks: malformed or truncated files, unsupported ops (named with node name and op type), dynamic
//   non-batch dimensions, quantisers that cannot be represented; each throws InputError.
//
// What the importer produces (details in the per-family files of this folder):
// - Dimension 0 of every graph input is the batch (kBatch) whatever the file declares there (symbolic,
//   0, 1, 789444); any other dynamic dimension is an InputError naming the input. Initializers listed
//   among the graph inputs (IR version 3) are constants.
// - Names: an op is named after its ONNX node; an unnamed node gets "<OpType>_<first output>". Tensors
//   keep their ONNX names; graph outputs keep theirs also when an Identity/Dropout/DequantizeLinear
//   aliased them away.
// - Gemm -> Dense (W = alpha * B[^T] in x @ W orientation, b = beta * C); MatMul with a constant weight
//   -> Dense without bias (canonicalize fuses the following Add); MatMul of two activations -> MatMul.
// - LayerNormalization (opset 17) -> LayerNorm {x, gamma, beta} with attrs axis, epsilon (op_attention.cpp).
// - Identity, Dropout and the DequantizeLinear after an activation QuantizeLinear produce no IR op.
// - Quantisers (qonnx.cpp): a power-of-two scale with zero point 0 gives a Quantize op whose output has
//   a FixedType (AP_RND_CONV for ROUND, AP_SAT, or AP_SAT_SYM for narrow signed ranges); other
//   parameters give a Quantize op with a float32 output and the attributes scale, zero_point, bitwidth,
//   signed, narrow, rounding_mode (Trunc adds method="trunc", input_scale, in_bitwidth) that define
//   y = scale * (clip(round(x / scale + zero_point)) - zero_point) exactly; later stages refuse those.
//   QONNX BipolarQuant -> OpKind::Sign (attr scale). A Quantize output holds the real (dequantised)
//   value. Quantisers on constants are folded: the constant gets the FixedType and integer codes when the
//   scale is a power of two, else exact float32 values.
#pragma once
#include <filesystem>
#include <string>
#include <string_view>

#include "ir/model.h"

namespace aie4ml {

Model import_onnx(const std::filesystem::path& path);
// The same from bytes in memory (tests, fuzzing); `name` is used in messages.
Model import_onnx_bytes(std::string_view bytes, const std::string& name);

}  // namespace aie4ml
