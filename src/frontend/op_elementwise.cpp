// Importers for elementwise ops: Add/Sub/Mul/Div (activation with a constant or with another
// activation), activations (Relu, LeakyRelu, Sigmoid, Tanh), Softmax, Clip, BatchNormalization.
//
// Reads: the node and its constant operands. Writes: one IR op each; numpy broadcasting of a constant
//   operand is kept as is (the constant tensor is stored with its ONNX shape). Types: Relu and Clip keep
//   a fixed-point input's type when the result stays on its grid; everything else computes in float32.
// Checks: broadcasting never depends on the batch size; Pow needs constant operands (folded earlier);
//   Softmax is not taken over the batch; BatchNormalization is in inference mode with one value per channel.
#include <cmath>

#include <fmt/format.h>

#include "frontend/op_importers.h"
#include "frontend/shape_inference.h"

namespace aie4ml::frontend {

namespace {

OpKind binary_kind(const std::string& op) {
  if (op == "Add") return OpKind::Add;
  if (op == "Sub") return OpKind::Sub;
  if (op == "Mul") return OpKind::Mul;
  return OpKind::Div;
}

std::string operand(ImportContext& ctx, const onnx::NodeProto& node, size_t i, Shape& shape) {
  if (ctx.find_const(node, node.input(static_cast<int>(i)))) {
    const auto name = ctx.ir_constant(node, i);
    shape = ctx.model.tensor(name).shape;
    return name;
  }
  const auto& t = ctx.require_activation(node, i);
  shape = t.shape;
  return t.name;
}

bool on_grid(double v, const FixedType& t) {
  const double q = v / t.lsb();
  return std::isfinite(q) && q == std::floor(q) && v >= t.min_value() && v <= t.max_value();
}

}  // namespace

void import_binary(ImportContext& ctx, const onnx::NodeProto& node) {
  if (node.op_type() == "Pow")
    fail(node, "Pow of a per-sample tensor is not supported (only constant sub-graphs with Pow are folded)");
  if (node.input_size() != 2) fail(node, "expects two inputs");
  Shape sa, sb;
  const auto a = operand(ctx, node, 0, sa);
  const auto b = operand(ctx, node, 1, sb);
  const bool a_act = !ctx.model.tensor(a).is_constant, b_act = !ctx.model.tensor(b).is_constant;
  const auto& act_shape = a_act ? sa : sb;
  if ((a_act ? sb : sa).size() > act_shape.size() && !(a_act && b_act))
    fail(node, fmt::format("the constant operand has more dimensions ({}) than the per-sample operand ({})",
                           (a_act ? sb : sa).size(), act_shape.size()));
  const auto out_shape = broadcast_shapes(node, sa, sb);
  if (out_shape.empty() || out_shape[0] != kBatch) fail(node, "the result has no batch dimension");
  const auto out = ctx.add_output(node, 0, out_shape, NumericType::f32());
  ctx.emit(binary_kind(node.op_type()), ctx.op_name(node), {a, b}, {out});
}

void import_activation(ImportContext& ctx, const onnx::NodeProto& node) {
  const auto& x = ctx.require_activation(node, 0);
  const auto& op = node.op_type();
  OpKind kind = op == "Relu" ? OpKind::Relu : op == "LeakyRelu" ? OpKind::LeakyRelu
              : op == "Sigmoid" ? OpKind::Sigmoid : OpKind::Tanh;
  // ReLU only selects between x and 0, both on a fixed-point input's grid.
  const auto type = kind == OpKind::Relu ? x.type : NumericType::f32();
  const auto x_name = x.name;
  const auto out = ctx.add_output(node, 0, x.shape, type);
  auto& ir = ctx.emit(kind, ctx.op_name(node), {x_name}, {out});
  if (kind == OpKind::LeakyRelu) ir.attrs["alpha"] = attr_float(node, "alpha", 0.01);
}

void import_softmax(ImportContext& ctx, const onnx::NodeProto& node) {
  const auto& x = ctx.require_activation(node, 0);
  const size_t rank = x.shape.size();
  // Opset < 13 coerces the input to 2-D at `axis` (default 1) and normalises over all trailing
  // dimensions; opset >= 13 normalises along `axis` only (default -1). Both agree when the axis is the
  // last dimension, the only case supported here.
  const int64_t fallback = ctx.opset < 13 ? 1 : -1;
  const auto axis = normalize_axis(node, attr_int(node, "axis", fallback), rank);
  if (axis == 0) fail(node, "softmax over the batch dimension is not supported");
  if (axis != static_cast<int64_t>(rank) - 1) {
    if (ctx.opset < 13)
      fail(node, fmt::format("softmax (opset {}) over dimensions {}..{} of a rank-{} tensor is not supported; only "
                             "the last dimension", ctx.opset, axis, rank - 1, rank));
    fail(node, fmt::format("softmax along axis {} of a rank-{} tensor is not supported; only the last dimension",
                           axis, rank));
  }
  const auto x_name = x.name;
  const auto out = ctx.add_output(node, 0, x.shape, NumericType::f32());
  auto& op = ctx.emit(OpKind::Softmax, ctx.op_name(node), {x_name}, {out});
  op.attrs["axis"] = axis;
}

void import_clip(ImportContext& ctx, const onnx::NodeProto& node) {
  const auto& x = ctx.require_activation(node, 0);
  std::optional<double> lo, hi;
  if (ctx.opset < 11) {
    if (find_attr(node, "min")) lo = attr_float(node, "min", 0);
    if (find_attr(node, "max")) hi = attr_float(node, "max", 0);
  } else {
    auto bound = [&](size_t i, const char* what) -> std::optional<double> {
      if (!ctx.has_input(node, i)) return std::nullopt;
      const auto& c = ctx.require_const(node, i, what);
      if (c.size() != 1) fail(node, fmt::format("the {} bound must be a scalar", what));
      return c.values[0];
    };
    lo = bound(1, "min");
    hi = bound(2, "max");
  }
  NumericType type = NumericType::f32();
  if (x.type.is_fixed() && (!lo || on_grid(*lo, x.type.fixed)) && (!hi || on_grid(*hi, x.type.fixed))) type = x.type;
  const auto x_name = x.name;
  const auto out = ctx.add_output(node, 0, x.shape, type);
  auto& op = ctx.emit(OpKind::Clip, ctx.op_name(node), {x_name}, {out});
  if (lo) op.attrs["min"] = *lo;
  if (hi) op.attrs["max"] = *hi;
}

void import_batchnorm(ImportContext& ctx, const onnx::NodeProto& node) {
  const auto& x = ctx.require_activation(node, 0);
  if (attr_int(node, "training_mode", 0) != 0) fail(node, "training_mode=1 is not supported (inference only)");
  if (x.shape.size() < 2) fail(node, "the input needs a channel dimension");
  if (ctx.opset < 9 && attr_int(node, "spatial", 1) == 0 && x.shape.size() > 2)
    fail(node, "spatial=0 (per-element statistics) is not supported");
  const char* names[] = {"scale", "bias", "mean", "var"};
  const auto& scale = ctx.require_const(node, 1, names[0]);
  const int64_t channels = scale.size();
  for (size_t i = 1; i <= 4; ++i) {
    const auto& c = ctx.require_const(node, i, names[i - 1]);
    if (c.size() != channels) fail(node, fmt::format("{} has {} values, scale has {}", names[i - 1], c.size(), channels));
  }
  // The channel axis is 1. tf2onnx's Transpose-BatchNormalization-Transpose puts the batch there and the
  // features in dimension 0; canonicalize rewrites that pattern, so it is accepted here when the input
  // comes straight from a Transpose.
  const bool transposed_pattern = x.shape[1] == kBatch && x.shape[0] == channels;
  const auto* producer = ctx.model.producer(x.name);
  if (transposed_pattern) {
    if (!producer || producer->kind != OpKind::Transpose)
      fail(node, "the channel axis is the batch dimension");
  } else if (x.shape[1] != channels) {
    fail(node, fmt::format("the input has {} channels (axis 1) but scale has {} values", x.shape[1], channels));
  }
  std::vector<std::string> inputs{x.name};
  for (size_t i = 1; i <= 4; ++i) inputs.push_back(ctx.ir_constant(node, i));
  const auto out = ctx.add_output(node, 0, x.shape, NumericType::f32());
  auto& op = ctx.emit(OpKind::BatchNorm, ctx.op_name(node), inputs, {out});
  op.attrs["epsilon"] = attr_float(node, "epsilon", 1e-5);
}

}  // namespace aie4ml::frontend
