// ONNX reader: protobuf parsing and the checks every model passes before any node is imported.
//
// Reads: the bytes of an ONNX file. Writes: the parsed ModelProto and the default-domain opset version;
//   TensorProto -> ConstTensor conversion (all storage variants: typed fields and raw_data).
// Checks: the bytes parse as a ModelProto (truncated or foreign files fail here or in the structural
//   checks), ir_version 3..10, a default-domain opset import with version 7..21, the graph exists,
//   every tensor's data matches its declared shape, no external data.
#pragma once
#include <string>
#include <string_view>

#include <onnx/onnx_pb.h>

#include "frontend/import_context.h"

namespace aie4ml::frontend {

inline constexpr int kMinOpset = 7, kMaxOpset = 21;
inline constexpr int64_t kMinIrVersion = 3, kMaxIrVersion = 10;
// Most elements a constant or one sample of a graph input may have (far beyond any model an AIE array
// holds); keeps every later size computation clear of int64 overflow.
inline constexpr int64_t kMaxElements = int64_t{1} << 31;

// The QONNX custom-op domains found in real files. Matched exactly; any other non-default domain is
// refused with the domain named.
bool is_qonnx_domain(const std::string& domain);
bool is_default_domain(const std::string& domain);

onnx::ModelProto parse_model(std::string_view bytes, const std::string& name);
// Checks the header and returns the default-domain opset version.
int check_model_header(const onnx::ModelProto& proto, const std::string& name);
// `what` names the tensor in messages (initializer 'W', attribute 'value' of node ...).
ConstTensor tensor_from_proto(const onnx::TensorProto& t, const std::string& what);

}  // namespace aie4ml::frontend
