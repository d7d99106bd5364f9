// Frontend internals shared by the op importers: what each ONNX tensor name stands for while the nodes
// are imported in order, and the helpers that add IR tensors and ops.
//
// An ONNX name is bound to exactly one Value:
// - ConstTensor: known at import time (initializer, Constant node, or a folded sub-graph). Folding keeps
//   ONNX semantics: float32 results are rounded to float32, integer results stay integers.
// - ShapeVector: a 1-D integer tensor computed from an activation's shape (Shape -> Gather -> Concat ...),
//   known except for the entries that equal the batch size.
// - Activation: an IR tensor computed per sample (graph inputs and the outputs of emitted ops).
// - PendingCodes: the integer output of an ONNX QuantizeLinear on an activation. The IR Quantize op
//   already produced the dequantised value; only a DequantizeLinear with the same scale/zero point may
//   read it (it becomes an alias of that IR tensor).
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include <onnx/onnx_pb.h>

#include "ir/model.h"

namespace aie4ml::frontend {

struct ConstTensor {
  std::vector<int64_t> dims;
  std::vector<double> values;                // row-major real values
  int32_t elem_type = onnx::TensorProto::FLOAT;
  std::optional<FixedType> fixed;            // set when a quantiser made the values q * 2^-frac
  std::vector<int64_t> codes;                // the q of `fixed`

  int64_t size() const { return static_cast<int64_t>(values.size()); }
  bool is_integer() const;
  bool is_scalar() const { return values.size() == 1; }
};

struct ShapeVector {
  std::vector<std::optional<int64_t>> dims;  // nullopt: the batch size
  bool scalar = false;                       // a 0-D value (Gather with a scalar index)
};

struct Activation {
  std::string tensor;  // IR tensor name
};

struct PendingCodes {
  std::string tensor;  // IR tensor holding the dequantised values
  double scale = 1.0;
  double zero_point = 0.0;
};

using Value = std::variant<ConstTensor, ShapeVector, Activation, PendingCodes>;

// Round a double to the value ONNX would hold for `elem_type` (float32 rounding, integer truncation).
double round_to_elem_type(double v, int32_t elem_type);
std::string elem_type_name(int32_t elem_type);

class ImportContext {
 public:
  ImportContext(Model& model, int opset, std::set<std::string> onnx_names);

  Model& model;
  const int opset;  // default-domain opset version

  // --- values -------------------------------------------------------------------------------------
  void define(const onnx::NodeProto& node, const std::string& onnx_name, Value v);
  void define_graph_value(const std::string& onnx_name, Value v);
  bool defined(const std::string& onnx_name) const { return values_.count(onnx_name) != 0; }
  const Value& value(const onnx::NodeProto& node, const std::string& onnx_name) const;
  const ConstTensor* find_const(const onnx::NodeProto& node, const std::string& onnx_name) const;
  const ConstTensor& require_const(const onnx::NodeProto& node, size_t input, const std::string& what) const;
  const Tensor& require_activation(const onnx::NodeProto& node, size_t input) const;
  bool is_activation(const onnx::NodeProto& node, size_t input) const;
  bool has_input(const onnx::NodeProto& node, size_t input) const;

  // --- IR building --------------------------------------------------------------------------------
  // A fresh IR tensor name: `preferred` if neither the IR nor the ONNX graph uses it, else with a
  // numeric suffix.
  std::string fresh_name(const std::string& preferred) const;
  // The IR constant for an ONNX constant input (added once, under the ONNX name).
  std::string ir_constant(const onnx::NodeProto& node, size_t input);
  // Add a derived constant (transposed or scaled weights, ...) under a unique name.
  std::string add_constant(const std::string& preferred, const ConstTensor& c);
  // Add an activation tensor for node output `output` and bind the ONNX name to it.
  std::string add_output(const onnx::NodeProto& node, size_t output, std::vector<int64_t> shape, NumericType type);
  // The same without binding the ONNX name (the caller binds it, e.g. to PendingCodes).
  std::string add_output_tensor(const onnx::NodeProto& node, size_t output, std::vector<int64_t> shape, NumericType type);
  // Add an internal activation tensor (an op that expands into several IR ops).
  std::string add_activation(const std::string& preferred, std::vector<int64_t> shape, NumericType type);
  Op& emit(OpKind kind, const std::string& name, std::vector<std::string> inputs, std::vector<std::string> outputs);
  // Bind a node output to an existing IR tensor (Identity, Dropout, DequantizeLinear after Quantize).
  void alias(const onnx::NodeProto& node, size_t output, const std::string& ir_tensor);

  // The node's layer name: its ONNX name, or "<OpType>_<first output>" when it has none; unique.
  std::string op_name(const onnx::NodeProto& node);

 private:
  std::map<std::string, Value> values_;
  std::set<std::string> onnx_names_;
  std::map<const onnx::NodeProto*, std::string> op_names_;
  std::set<std::string> used_op_names_;
};

// "node 'NAME' (OpType)" for messages; unnamed nodes are described by their first output.
std::string describe(const onnx::NodeProto& node);
[[noreturn]] void fail(const onnx::NodeProto& node, const std::string& message);

// Attribute access with ONNX defaults.
const onnx::AttributeProto* find_attr(const onnx::NodeProto& node, const std::string& name);
int64_t attr_int(const onnx::NodeProto& node, const std::string& name, int64_t fallback);
double attr_float(const onnx::NodeProto& node, const std::string& name, double fallback);
std::string attr_string(const onnx::NodeProto& node, const std::string& name, const std::string& fallback);
std::vector<int64_t> attr_ints(const onnx::NodeProto& node, const std::string& name);
std::vector<double> attr_floats(const onnx::NodeProto& node, const std::string& name);

}  // namespace aie4ml::frontend
