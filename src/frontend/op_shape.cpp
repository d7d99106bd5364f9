// Importers for data-movement ops on activations: Reshape (constant target or a folded shape sub-graph),
// Flatten, Transpose, Identity / Dropout (aliases: no IR op), Squeeze / Unsqueeze (-> Reshape), Concat.
//
// Reads: the node, its input shape, constant or shape-vector targets. Writes: Reshape / Flatten /
//   Transpose / Concat ops that keep the input's numeric type. Checks: the batch stays dimension 0
//   (Transpose may move it only for tf2onnx's Transpose-BatchNorm-Transpose, which canonicalize undoes),
//   reshapes keep one sample per batch row, Dropout's mask output is unused.
#include <algorithm>

#include <fmt/format.h>

#include "frontend/constant_folding.h"
#include "frontend/op_importers.h"
#include "frontend/shape_inference.h"

namespace aie4ml::frontend {

namespace {

void emit_reshape(ImportContext& ctx, const onnx::NodeProto& node, OpKind kind, const Tensor& x, Shape out_shape) {
  const auto x_name = x.name;
  const auto type = x.type;
  const auto out = ctx.add_output(node, 0, std::move(out_shape), type);
  auto& op = ctx.emit(kind, ctx.op_name(node), {x_name}, {out});
  op.attrs["shape"] = std::vector<int64_t>(ctx.model.tensor(out).shape);
}

}  // namespace

void import_reshape(ImportContext& ctx, const onnx::NodeProto& node) {
  const auto& x = ctx.require_activation(node, 0);
  std::optional<std::vector<std::optional<int64_t>>> target;
  if (ctx.has_input(node, 1)) {
    target = as_int_vector(ctx.value(node, node.input(1)));
    if (!target)
      fail(node, fmt::format("the target shape '{}' is neither a constant nor a shape sub-graph aie4ml can fold",
                             node.input(1)));
  } else {
    std::vector<std::optional<int64_t>> t;
    for (auto d : attr_ints(node, "shape")) t.push_back(d);  // Reshape-1 attribute form
    target = t;
  }
  const bool allow_zero = attr_int(node, "allowzero", 0) != 0;
  emit_reshape(ctx, node, OpKind::Reshape, x, resolve_reshape(node, x.shape, *target, allow_zero));
}

void import_flatten(ImportContext& ctx, const onnx::NodeProto& node) {
  const auto& x = ctx.require_activation(node, 0);
  const size_t rank = x.shape.size();
  auto axis = normalize_axis(node, attr_int(node, "axis", 1), rank + 1);
  // axis 0 folds the batch into the features: the same as axis 1 for the batch size 1 exporters use,
  // and the only reading under which the rest of such a graph (Gemm on [1, F]) works for every batch.
  if (axis == 0) axis = 1;
  for (int64_t i = 1; i < axis; ++i)
    if (x.shape[static_cast<size_t>(i)] != 1)
      fail(node, fmt::format("axis {} would merge dimension {} (size {}) into the batch", axis, i, x.shape[static_cast<size_t>(i)]));
  int64_t inner = 1;
  for (size_t i = static_cast<size_t>(axis); i < rank; ++i) inner *= x.shape[i];
  emit_reshape(ctx, node, OpKind::Flatten, x, {kBatch, inner});
}

void import_transpose(ImportContext& ctx, const onnx::NodeProto& node) {
  const auto& x = ctx.require_activation(node, 0);
  const auto perm = transpose_perm(node, x.shape.size());
  if (perm[0] != 0 && !(x.shape.size() == 2 && perm[0] == 1))
    fail(node, fmt::format("perm [{}] moves the batch dimension; only 2-D transposes (tf2onnx's layout changes "
                           "around BatchNormalization) may do that", fmt::join(perm, ",")));
  const auto x_name = x.name;
  const auto type = x.type;
  const auto out = ctx.add_output(node, 0, permute(x.shape, perm), type);
  auto& op = ctx.emit(OpKind::Transpose, ctx.op_name(node), {x_name}, {out});
  op.attrs["perm"] = perm;
}

void import_identity(ImportContext& ctx, const onnx::NodeProto& node) {
  const auto& x = ctx.require_activation(node, 0);
  if (node.op_type() == "Dropout" && node.output_size() > 1 && !node.output(1).empty())
    fail(node, "the mask output of Dropout is not supported (inference graphs do not use it)");
  ctx.alias(node, 0, x.name);
}

void import_squeeze(ImportContext& ctx, const onnx::NodeProto& node) {
  const auto& x = ctx.require_activation(node, 0);
  std::vector<int64_t> axes;
  if (ctx.has_input(node, 1)) {
    const auto& c = ctx.require_const(node, 1, "axes");
    for (auto v : c.values) axes.push_back(static_cast<int64_t>(v));
  } else {
    axes = attr_ints(node, "axes");
  }
  const bool unsqueeze = node.op_type() == "Unsqueeze";
  const size_t rank = x.shape.size() + (unsqueeze ? axes.size() : 0);
  for (auto& a : axes) a = normalize_axis(node, a, rank);
  if (std::find(axes.begin(), axes.end(), 0) != axes.end()) fail(node, "axis 0 is the batch dimension");
  Shape out;
  if (unsqueeze) {
    size_t src = 0;
    for (size_t i = 0; i < rank; ++i)
      out.push_back(std::find(axes.begin(), axes.end(), static_cast<int64_t>(i)) != axes.end() ? 1 : x.shape[src++]);
  } else {
    for (size_t i = 0; i < x.shape.size(); ++i) {
      const bool listed = std::find(axes.begin(), axes.end(), static_cast<int64_t>(i)) != axes.end();
      if (listed && x.shape[i] != 1) fail(node, fmt::format("cannot squeeze dimension {} of size {}", i, x.shape[i]));
      if (!(listed || (axes.empty() && i > 0 && x.shape[i] == 1))) out.push_back(x.shape[i]);
    }
  }
  emit_reshape(ctx, node, OpKind::Reshape, x, out);
}

void import_concat(ImportContext& ctx, const onnx::NodeProto& node) {
  const auto& first = ctx.require_activation(node, 0);
  const auto axis = normalize_axis(node, attr_int(node, "axis", 0), first.shape.size());
  if (axis == 0) fail(node, "concatenation along the batch dimension is not supported");
  std::vector<std::string> inputs;
  Shape out_shape = first.shape;
  out_shape[static_cast<size_t>(axis)] = 0;
  bool same_type = true;
  for (int i = 0; i < node.input_size(); ++i) {
    if (ctx.find_const(node, node.input(i)))
      fail(node, fmt::format("concatenating the constant '{}' is not supported", node.input(i)));
    const auto& t = ctx.require_activation(node, static_cast<size_t>(i));
    if (t.shape.size() != first.shape.size()) fail(node, "inputs have different ranks");
    for (size_t d = 0; d < t.shape.size(); ++d)
      if (static_cast<int64_t>(d) != axis && t.shape[d] != first.shape[d])
        fail(node, fmt::format("input '{}' differs in dimension {}", node.input(i), d));
    out_shape[static_cast<size_t>(axis)] += t.shape[static_cast<size_t>(axis)];
    same_type = same_type && t.type == first.type;
    inputs.push_back(t.name);
  }
  const auto type = same_type ? first.type : NumericType::f32();
  const auto out = ctx.add_output(node, 0, out_shape, type);
  auto& op = ctx.emit(OpKind::Concat, ctx.op_name(node), inputs, {out});
  op.attrs["axis"] = axis;
}

}  // namespace aie4ml::frontend
