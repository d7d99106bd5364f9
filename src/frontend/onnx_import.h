// ONNX frontend: reads an ONNX model (libonnx + protobuf) into the Model IR.
//
// Reads: an ONNX ModelProto (opset 7-21, default domain plus the QONNX custom domains).
// Writes: a Model whose ops are the IR's op kinds, with constants folded (shape sub-graphs, QONNX
//   Quant on weights), shapes propagated with a free batch dimension, and numeric types from the
//   model's quantisers (float32 elsewhere). Structural clean-up (BatchNorm folding, activation fusion)
//   is left to passes/canonicalize.
// Checks: malformed or truncated files, unsupported ops (named with node name and op type), dynamic
//   non-batch dimensions, quantisers that cannot be represented; each throws InputError.
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
