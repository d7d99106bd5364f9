// ONNX import driver: parse, check, bind initializers and graph inputs, import the nodes in order
// (folding constants and shape sub-graphs, dispatching the rest to the op importers), then bind the
// graph outputs. See onnx_import.h for the contract.
#include "frontend/onnx_import.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <onnx/defs/schema.h>

#include "frontend/constant_folding.h"
#include "frontend/import_context.h"
#include "frontend/onnx_reader.h"
#include "frontend/op_importers.h"
#include "support/error.h"

namespace aie4ml {

namespace {

using namespace frontend;

std::set<std::string> all_names(const onnx::GraphProto& g) {
  std::set<std::string> names;
  for (const auto& t : g.initializer()) names.insert(t.name());
  for (const auto& i : g.input()) names.insert(i.name());
  for (const auto& n : g.node())
    for (const auto& o : n.output()) names.insert(o);
  return names;
}

std::string dim_str(const onnx::TensorShapeProto::Dimension& d) {
  if (d.has_dim_value()) return std::to_string(d.dim_value());
  if (d.has_dim_param() && !d.dim_param().empty()) return fmt::format("'{}'", d.dim_param());
  return "?";
}

// Graph inputs without an initializer are per-sample tensors. Dimension 0 is the batch whatever the
// file says there (symbolic, 0, 1 or the export batch size); every other dimension must be fixed.
void bind_graph_input(ImportContext& ctx, const onnx::ValueInfoProto& in) {
  const auto& name = in.name();
  if (!in.type().has_tensor_type())
    throw InputError(fmt::format("graph input '{}' is not a tensor", name));
  const auto& tt = in.type().tensor_type();
  if (tt.elem_type() != onnx::TensorProto::FLOAT)
    throw InputError(fmt::format("graph input '{}' has element type {}; aie4ml models take float32 inputs", name,
                                 elem_type_name(tt.elem_type())));
  if (!tt.has_shape() || tt.shape().dim_size() == 0)
    throw InputError(fmt::format("graph input '{}' has no shape; aie4ml needs [batch, features...]", name));
  Tensor t;
  t.name = name;
  t.shape.push_back(kBatch);
  int64_t per_sample = 1;
  for (int i = 1; i < tt.shape().dim_size(); ++i) {
    const auto& d = tt.shape().dim(i);
    if (!d.has_dim_value() || d.dim_value() <= 0)
      throw InputError(fmt::format("graph input '{}' has a dynamic dimension {} ({}); only dimension 0 (the batch) "
                                   "may be dynamic", name, i, dim_str(d)));
    if (d.dim_value() > kMaxElements / per_sample)
      throw InputError(fmt::format("graph input '{}' has more than {} elements per sample", name, kMaxElements));
    per_sample *= d.dim_value();
    t.shape.push_back(d.dim_value());
  }
  ctx.model.add_tensor(std::move(t));
  ctx.model.inputs.push_back(name);
  ctx.define_graph_value(name, Activation{name});
}

// Input and output counts of default-domain nodes against the ONNX schema of the model's opset, so the
// importers may read the inputs the op always has (QONNX ops have no registered schema; their importers
// check their inputs).
void check_arity(const ImportContext& ctx, const onnx::NodeProto& node) {
  if (node.output_size() == 0 || node.output(0).empty()) fail(node, "the node has no output");
  if (!is_default_domain(node.domain())) return;
  const auto* schema = onnx::OpSchemaRegistry::Schema(node.op_type(), ctx.opset, "");
  if (!schema) return;
  if (node.input_size() < schema->min_input() || node.input_size() > schema->max_input())
    fail(node, fmt::format("has {} inputs; {} (opset {}) takes {} to {}", node.input_size(), node.op_type(),
                           ctx.opset, schema->min_input(), schema->max_input()));
  if (node.output_size() > schema->max_output())
    fail(node, fmt::format("has {} outputs; {} (opset {}) has at most {}", node.output_size(), node.op_type(),
                           ctx.opset, schema->max_output()));
}

void import_node(ImportContext& ctx, const onnx::NodeProto& node) {
  if (node.op_type().empty()) fail(node, "the node has no op type");
  check_arity(ctx, node);
  for (const auto& in : node.input())
    if (!in.empty()) ctx.value(node, in);  // every input must be defined before use
  if (!is_default_domain(node.domain()) && !is_qonnx_domain(node.domain())) find_importer(node);  // names the domain
  if (fold_constant_node(ctx, node) || fold_shape_node(ctx, node)) return;
  const auto importer = find_importer(node);
  if (!importer)
    fail(node, fmt::format("unsupported op type '{}' (aie4ml imports: {})", node.op_type(), supported_op_list()));
  importer(ctx, node);
}

void rename_tensor(Model& m, const std::string& from, const std::string& to) {
  auto node = m.tensors.extract(from);
  node.key() = to;
  node.mapped().name = to;
  m.tensors.insert(std::move(node));
  for (auto& op : m.ops) {
    for (auto& i : op.inputs)
      if (i == from) i = to;
    for (auto& o : op.outputs)
      if (o == from) o = to;
  }
  for (auto& o : m.outputs)
    if (o == from) o = to;
}

// Graph outputs keep their ONNX names where an alias (Identity, Dropout, DequantizeLinear) left them
// bound to a differently named IR tensor that nothing else exposes.
void bind_graph_outputs(ImportContext& ctx, const onnx::GraphProto& g) {
  auto& m = ctx.model;
  for (const auto& out : g.output()) {
    if (!ctx.defined(out.name()))
      throw InputError(fmt::format("graph output '{}' is not produced by any node (truncated or incomplete graph)",
                                   out.name()));
    onnx::NodeProto none;
    none.set_name("graph output");
    const auto& v = ctx.value(none, out.name());
    const auto* a = std::get_if<Activation>(&v);
    if (!a) {
      if (std::holds_alternative<PendingCodes>(v))
        throw InputError(fmt::format("graph output '{}' is the integer output of a QuantizeLinear; aie4ml models "
                                     "output real values (add a DequantizeLinear)", out.name()));
      throw InputError(fmt::format("graph output '{}' is a constant; there is nothing to compute", out.name()));
    }
    m.outputs.push_back(a->tensor);
  }
  for (size_t i = 0; i < m.outputs.size(); ++i) {
    const auto& onnx_name = g.output(static_cast<int>(i)).name();
    const auto ir = m.outputs[i];
    if (ir == onnx_name || m.has_tensor(onnx_name) || !m.producer(ir)) continue;
    if (std::count(m.outputs.begin(), m.outputs.end(), ir) > 1) continue;
    if (std::find(m.inputs.begin(), m.inputs.end(), ir) != m.inputs.end()) continue;
    rename_tensor(m, ir, onnx_name);
  }
}

}  // namespace

Model import_onnx_bytes(std::string_view bytes, const std::string& name) {
  const auto proto = parse_model(bytes, name);
  const int opset = check_model_header(proto, name);
  const auto& g = proto.graph();
  Model model;
  model.name = std::filesystem::path(name).stem().string();
  if (model.name.empty()) model.name = g.name();
  ImportContext ctx(model, opset, all_names(g));
  if (g.sparse_initializer_size() > 0) throw InputError(fmt::format("'{}': sparse initializers are not supported", name));
  std::set<std::string> initialized;
  for (const auto& t : g.initializer()) {
    ctx.define_graph_value(t.name(), tensor_from_proto(t, fmt::format("initializer '{}'", t.name())));
    initialized.insert(t.name());
  }
  // IR version 3 files list initializers among the graph inputs too; those are constants.
  for (const auto& in : g.input())
    if (!initialized.count(in.name())) bind_graph_input(ctx, in);
  if (model.inputs.empty()) throw InputError(fmt::format("'{}': the graph has no per-sample input", name));
  for (const auto& node : g.node()) import_node(ctx, node);
  bind_graph_outputs(ctx, g);
  model.sort();
  model.remove_dead_tensors();
  return model;
}

Model import_onnx(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw InputError(fmt::format("cannot read '{}': no such file", path.string()));
  if (std::filesystem::is_directory(path, ec))
    throw InputError(fmt::format("cannot read '{}': it is a directory, not an ONNX file", path.string()));
  std::ifstream f(path, std::ios::binary);
  if (!f) throw InputError(fmt::format("cannot open '{}' for reading", path.string()));
  std::ostringstream buf;
  buf << f.rdbuf();
  return import_onnx_bytes(buf.str(), path.string());
}

}  // namespace aie4ml
