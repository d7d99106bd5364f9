// Value bindings and IR-building helpers used by every op importer (see import_context.h).
#include "frontend/import_context.h"

#include <cmath>

#include <fmt/format.h>

#include "frontend/onnx_reader.h"
#include "support/error.h"

namespace aie4ml::frontend {

bool ConstTensor::is_integer() const {
  switch (elem_type) {
    case onnx::TensorProto::FLOAT:
    case onnx::TensorProto::DOUBLE:
    case onnx::TensorProto::FLOAT16:
    case onnx::TensorProto::BFLOAT16:
      return false;
    default:
      return true;
  }
}

double round_to_elem_type(double v, int32_t elem_type) {
  switch (elem_type) {
    case onnx::TensorProto::FLOAT:
    case onnx::TensorProto::FLOAT16:  // folded in float32, as runtimes without fp16 kernels do
    case onnx::TensorProto::BFLOAT16:
      return static_cast<double>(static_cast<float>(v));
    case onnx::TensorProto::DOUBLE:
      return v;
    case onnx::TensorProto::BOOL:
      return v != 0 ? 1.0 : 0.0;
    default:
      return std::trunc(v);
  }
}

std::string elem_type_name(int32_t elem_type) {
  if (onnx::TensorProto_DataType_IsValid(elem_type))
    return onnx::TensorProto_DataType_Name(static_cast<onnx::TensorProto_DataType>(elem_type));
  return fmt::format("type #{}", elem_type);
}

ImportContext::ImportContext(Model& m, int opset_version, std::set<std::string> onnx_names)
    : model(m), opset(opset_version), onnx_names_(std::move(onnx_names)) {}

void ImportContext::define(const onnx::NodeProto& node, const std::string& onnx_name, Value v) {
  if (onnx_name.empty()) return;  // an unused optional output
  if (values_.count(onnx_name))
    fail(node, fmt::format("output '{}' is already defined by an earlier node or initializer (ONNX tensors "
                           "are assigned once)", onnx_name));
  values_.emplace(onnx_name, std::move(v));
}

void ImportContext::define_graph_value(const std::string& onnx_name, Value v) {
  if (values_.count(onnx_name))
    throw InputError(fmt::format("model '{}': tensor '{}' is defined twice in the graph", model.name, onnx_name));
  values_.emplace(onnx_name, std::move(v));
}

const Value& ImportContext::value(const onnx::NodeProto& node, const std::string& onnx_name) const {
  auto it = values_.find(onnx_name);
  if (it == values_.end())
    fail(node, fmt::format("input '{}' is not defined by any earlier node, initializer or graph input "
                           "(nodes must be in topological order)", onnx_name));
  return it->second;
}

const ConstTensor* ImportContext::find_const(const onnx::NodeProto& node, const std::string& onnx_name) const {
  return std::get_if<ConstTensor>(&value(node, onnx_name));
}

bool ImportContext::has_input(const onnx::NodeProto& node, size_t input) const {
  return input < static_cast<size_t>(node.input_size()) && !node.input(static_cast<int>(input)).empty();
}

const ConstTensor& ImportContext::require_const(const onnx::NodeProto& node, size_t input,
                                                const std::string& what) const {
  if (!has_input(node, input)) fail(node, fmt::format("the {} input (#{}) is missing", what, input));
  const auto& name = node.input(static_cast<int>(input));
  const auto* c = find_const(node, name);
  if (!c)
    fail(node, fmt::format("the {} input '{}' must be a constant (initializer or constant sub-graph); it is "
                           "computed at run time", what, name));
  return *c;
}

bool ImportContext::is_activation(const onnx::NodeProto& node, size_t input) const {
  return has_input(node, input) &&
         std::holds_alternative<Activation>(value(node, node.input(static_cast<int>(input))));
}

const Tensor& ImportContext::require_activation(const onnx::NodeProto& node, size_t input) const {
  if (!has_input(node, input)) fail(node, fmt::format("input #{} is missing", input));
  const auto& name = node.input(static_cast<int>(input));
  const auto& v = value(node, name);
  if (const auto* a = std::get_if<Activation>(&v)) return model.tensor(a->tensor);
  if (std::holds_alternative<PendingCodes>(v))
    fail(node, fmt::format("input '{}' holds the integer codes of a QuantizeLinear; only DequantizeLinear may "
                           "read them (integer-domain ops are not supported)", name));
  fail(node, fmt::format("input '{}' is expected to be computed per sample, but it is a constant", name));
}

std::string ImportContext::fresh_name(const std::string& preferred) const {
  auto taken = [&](const std::string& n) { return n.empty() || model.has_tensor(n) || onnx_names_.count(n); };
  if (!taken(preferred)) return preferred;
  for (int i = 2;; ++i) {
    auto candidate = fmt::format("{}_{}", preferred.empty() ? "t" : preferred, i);
    if (!taken(candidate)) return candidate;
  }
}

std::string ImportContext::ir_constant(const onnx::NodeProto& node, size_t input) {
  const auto& onnx_name = node.input(static_cast<int>(input));
  const auto& c = require_const(node, input, fmt::format("#{}", input));
  if (model.has_tensor(onnx_name)) return onnx_name;
  Tensor t;
  t.name = onnx_name;
  t.shape = c.dims;
  t.type = c.fixed ? NumericType::of(*c.fixed) : NumericType::f32();
  t.is_constant = true;
  t.values = c.values;
  t.codes = c.codes;
  model.add_tensor(std::move(t));
  return onnx_name;
}

std::string ImportContext::add_constant(const std::string& preferred, const ConstTensor& c) {
  auto name = fresh_name(preferred);
  Tensor t;
  t.name = name;
  t.shape = c.dims;
  t.type = c.fixed ? NumericType::of(*c.fixed) : NumericType::f32();
  t.is_constant = true;
  t.values = c.values;
  t.codes = c.codes;
  model.add_tensor(std::move(t));
  return name;
}

std::string ImportContext::add_output_tensor(const onnx::NodeProto& node, size_t output, std::vector<int64_t> shape,
                                             NumericType type) {
  const auto& onnx_name = node.output(static_cast<int>(output));
  auto name = model.has_tensor(onnx_name) ? fresh_name(onnx_name) : onnx_name;
  Tensor t;
  t.name = name;
  t.shape = std::move(shape);
  t.type = type;
  model.add_tensor(std::move(t));
  return name;
}

std::string ImportContext::add_output(const onnx::NodeProto& node, size_t output, std::vector<int64_t> shape,
                                      NumericType type) {
  auto name = add_output_tensor(node, output, std::move(shape), type);
  define(node, node.output(static_cast<int>(output)), Activation{name});
  return name;
}

std::string ImportContext::add_activation(const std::string& preferred, std::vector<int64_t> shape, NumericType type) {
  auto name = fresh_name(preferred);
  Tensor t;
  t.name = name;
  t.shape = std::move(shape);
  t.type = type;
  model.add_tensor(std::move(t));
  return name;
}

Op& ImportContext::emit(OpKind kind, const std::string& name, std::vector<std::string> inputs,
                        std::vector<std::string> outputs) {
  Op op;
  op.kind = kind;
  op.name = name;
  op.inputs = std::move(inputs);
  op.outputs = std::move(outputs);
  model.ops.push_back(std::move(op));
  return model.ops.back();
}

void ImportContext::alias(const onnx::NodeProto& node, size_t output, const std::string& ir_tensor) {
  if (static_cast<int>(output) >= node.output_size()) return;
  define(node, node.output(static_cast<int>(output)), Activation{ir_tensor});
}

std::string ImportContext::op_name(const onnx::NodeProto& node) {
  auto it = op_names_.find(&node);
  if (it != op_names_.end()) return it->second;
  std::string base = node.name();
  if (base.empty()) base = fmt::format("{}_{}", node.op_type(), node.output_size() ? node.output(0) : "out");
  auto name = base;
  for (int i = 2; used_op_names_.count(name); ++i) name = fmt::format("{}_{}", base, i);
  used_op_names_.insert(name);
  op_names_.emplace(&node, name);
  return name;
}

std::string describe(const onnx::NodeProto& node) {
  const auto op = node.domain().empty() || node.domain() == "ai.onnx"
                      ? node.op_type()
                      : fmt::format("{}.{}", node.domain(), node.op_type());
  if (!node.name().empty()) return fmt::format("node '{}' (op {})", node.name(), op);
  return fmt::format("unnamed node with output '{}' (op {})", node.output_size() ? node.output(0) : "", op);
}

void fail(const onnx::NodeProto& node, const std::string& message) {
  throw InputError(fmt::format("{}: {}", describe(node), message));
}

const onnx::AttributeProto* find_attr(const onnx::NodeProto& node, const std::string& name) {
  for (const auto& a : node.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

int64_t attr_int(const onnx::NodeProto& node, const std::string& name, int64_t fallback) {
  const auto* a = find_attr(node, name);
  if (!a) return fallback;
  if (a->type() == onnx::AttributeProto::INT || a->has_i()) return a->i();
  if (a->type() == onnx::AttributeProto::FLOAT) return static_cast<int64_t>(a->f());
  fail(node, fmt::format("attribute '{}' must be an integer", name));
}

double attr_float(const onnx::NodeProto& node, const std::string& name, double fallback) {
  const auto* a = find_attr(node, name);
  if (!a) return fallback;
  if (a->type() == onnx::AttributeProto::FLOAT || a->has_f()) return a->f();
  if (a->type() == onnx::AttributeProto::INT) return static_cast<double>(a->i());
  fail(node, fmt::format("attribute '{}' must be a float", name));
}

std::string attr_string(const onnx::NodeProto& node, const std::string& name, const std::string& fallback) {
  const auto* a = find_attr(node, name);
  if (!a) return fallback;
  if (a->type() == onnx::AttributeProto::STRING || a->has_s()) return a->s();
  fail(node, fmt::format("attribute '{}' must be a string", name));
}

std::vector<int64_t> attr_ints(const onnx::NodeProto& node, const std::string& name) {
  const auto* a = find_attr(node, name);
  if (!a) return {};
  return {a->ints().begin(), a->ints().end()};
}

std::vector<double> attr_floats(const onnx::NodeProto& node, const std::string& name) {
  const auto* a = find_attr(node, name);
  if (!a) return {};
  return {a->floats().begin(), a->floats().end()};
}

}  // namespace aie4ml::frontend
