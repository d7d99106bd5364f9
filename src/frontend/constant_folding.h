// Constant folding at import time: nodes whose inputs are all known are evaluated instead of being
// imported (weights transposed by the exporter, Pow(var, 0.5), Constant nodes, shape sub-graphs such as
// Shape -> Gather -> Unsqueeze -> Concat -> Reshape whose only unknown is the batch size).
//
// Reads: constant / shape-vector inputs. Writes: the folded output values (ONNX semantics: float32
//   results rounded to float32, integer division truncating). Checks: shapes of folded operands.
#pragma once
#include <functional>
#include <optional>
#include <vector>

#include "frontend/import_context.h"

namespace aie4ml::frontend {

// Fold a node whose non-empty inputs are all ConstTensors. Returns false when the op has no folding
// rule (the caller then imports it or reports it).
bool fold_constant_node(ImportContext& ctx, const onnx::NodeProto& node);
// Fold a shape sub-graph node (Shape of an activation, or an op reading a ShapeVector). Returns false
// when the node is not part of a shape sub-graph.
bool fold_shape_node(ImportContext& ctx, const onnx::NodeProto& node);

// Helpers shared with the op importers.
ConstTensor transpose_const(const ConstTensor& c, const std::vector<int64_t>& perm);
ConstTensor broadcast_binary(const onnx::NodeProto& node, const ConstTensor& a, const ConstTensor& b,
                             const std::function<double(double, double)>& f, int32_t result_type);
// A 1-D integer value (constant or shape vector) as a reshape target / shape; nullopt entries = batch.
std::optional<std::vector<std::optional<int64_t>>> as_int_vector(const Value& v);
ConstTensor make_scalar(double v, int32_t elem_type = onnx::TensorProto::FLOAT);

}  // namespace aie4ml::frontend
