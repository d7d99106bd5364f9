// Importers for the weight-carrying and windowed ops: Gemm and MatMul (-> Dense, or MatMul of two
// activations), Conv, MaxPool / AveragePool / GlobalAveragePool.
//
// Reads: the node, its constant weights. Writes: Dense with W in x @ W orientation [K, N] (Gemm's transB
//   undone, alpha folded into W and beta into b exactly, in double precision), Conv with W [C_out,
//   C_in/group, k...] and explicit pads, pooling ops with their window attributes.
// Checks: weights are constants, transA is 0, the bias does not depend on the batch, channel counts fit.
#include <cmath>

#include <fmt/format.h>

#include "frontend/constant_folding.h"
#include "frontend/op_importers.h"
#include "frontend/shape_inference.h"

namespace aie4ml::frontend {

namespace {

// Multiply a constant by s. A fixed-point constant stays fixed point when s is a power of two (only its
// frac changes); otherwise it becomes a float constant with the exact products.
ConstTensor scaled(ConstTensor c, double s) {
  if (s == 1.0) return c;
  int exp = 0;
  const double mant = std::frexp(s, &exp);
  for (auto& v : c.values) v *= s;
  if (c.fixed && std::fabs(mant) == 0.5 && s > 0) {
    c.fixed->frac -= exp - 1;
  } else {
    c.fixed.reset();
    c.codes.clear();
  }
  return c;
}

// Gemm's C (or an Add's constant) as a per-output-column bias of length n, or nothing if it is not one.
ConstTensor bias_vector(const onnx::NodeProto& node, const ConstTensor& c, int64_t n) {
  int64_t non_unit = 0;
  for (auto d : c.dims) non_unit += d != 1;
  const bool per_column = c.size() == n && (c.dims.empty() || c.dims.back() == n) && non_unit <= 1;
  if (c.size() == 1) {
    ConstTensor out = c;
    out.dims = {n};
    out.values.assign(static_cast<size_t>(n), c.values[0]);
    if (!c.codes.empty()) out.codes.assign(static_cast<size_t>(n), c.codes[0]);
    return out;
  }
  if (!per_column)
    fail(node, fmt::format("the bias has shape [{}]; only a scalar or one value per output column ({}) is "
                           "supported (a bias with rows would depend on the batch)", fmt::join(c.dims, ","), n));
  ConstTensor out = c;
  out.dims = {n};
  return out;
}

std::string weight_name(ImportContext& ctx, const onnx::NodeProto& node, size_t input, const ConstTensor& original,
                        const ConstTensor& w, const std::string& suffix) {
  if (w.dims == original.dims && w.values == original.values && w.fixed == original.fixed)
    return ctx.ir_constant(node, input);
  return ctx.add_constant(ctx.op_name(node) + suffix, w);
}

void emit_dense(ImportContext& ctx, const onnx::NodeProto& node, const std::string& x, const ConstTensor& w,
                const std::string& w_name, const std::optional<std::string>& b_name) {
  const auto& xs = ctx.model.tensor(x).shape;
  auto out_shape = xs;
  out_shape.back() = w.dims[1];
  const auto out = ctx.add_output(node, 0, out_shape, NumericType::f32());
  std::vector<std::string> inputs{x, w_name};
  if (b_name) inputs.push_back(*b_name);
  auto& op = ctx.emit(OpKind::Dense, ctx.op_name(node), inputs, {out});
  op.attrs["activation"] = std::string("linear");
}

}  // namespace

void import_gemm(ImportContext& ctx, const onnx::NodeProto& node) {
  const auto& x = ctx.require_activation(node, 0);
  if (attr_int(node, "transA", 0) != 0)
    fail(node, "transA=1 would transpose the batch dimension into the features; not supported");
  if (x.shape.size() != 2) fail(node, fmt::format("Gemm needs a 2-D input, got rank {}", x.shape.size()));
  const auto& b_in = ctx.require_const(node, 1, "weight (B)");
  if (b_in.dims.size() != 2) fail(node, "the weight (B) must be 2-D");
  ConstTensor w = attr_int(node, "transB", 0) ? transpose_const(b_in, {1, 0}) : b_in;
  const int64_t k = w.dims[0], n = w.dims[1];
  if (x.shape[1] != k)
    fail(node, fmt::format("input has {} features but the weight expects {}", x.shape[1], k));
  w = scaled(w, attr_float(node, "alpha", 1.0));
  const auto x_name = x.name;
  const auto w_name = weight_name(ctx, node, 1, b_in, w, "/weight");
  std::optional<std::string> b_name;
  if (ctx.has_input(node, 2)) {
    const auto& c = ctx.require_const(node, 2, "bias (C)");
    auto b = scaled(bias_vector(node, c, n), attr_float(node, "beta", 1.0));
    b_name = weight_name(ctx, node, 2, c, b, "/bias");
  }
  emit_dense(ctx, node, x_name, w, w_name, b_name);
}

void import_matmul(ImportContext& ctx, const onnx::NodeProto& node) {
  if (ctx.find_const(node, node.input(0)))
    fail(node, "a constant first operand (W @ x) is not supported; export the layer as x @ W");
  const auto& a = ctx.require_activation(node, 0);
  const auto a_name = a.name;
  const auto a_shape = a.shape;
  if (a_shape.size() < 2) fail(node, "the activation operand must have at least 2 dimensions");
  if (const auto* w = ctx.find_const(node, node.input(1))) {
    if (w->dims.size() != 2) fail(node, fmt::format("the constant operand must be 2-D, got rank {}", w->dims.size()));
    if (w->dims[0] != a_shape.back())
      fail(node, fmt::format("input has {} features but the weight expects {}", a_shape.back(), w->dims[0]));
    const auto w_name = ctx.ir_constant(node, 1);
    emit_dense(ctx, node, a_name, *w, w_name, std::nullopt);
    return;
  }
  // Product of two activations (attention-style): numpy matmul on the last two dimensions.
  const auto& b = ctx.require_activation(node, 1);
  if (b.shape.size() != a_shape.size()) fail(node, "both operands must have the same rank");
  if (a_shape.back() != b.shape[b.shape.size() - 2])
    fail(node, fmt::format("inner dimensions {} and {} differ", a_shape.back(), b.shape[b.shape.size() - 2]));
  auto out_shape = a_shape;
  out_shape.back() = b.shape.back();
  const auto b_name = b.name;
  const auto type = NumericType::f32();
  const auto out = ctx.add_output(node, 0, out_shape, type);
  ctx.emit(OpKind::MatMul, ctx.op_name(node), {a_name, b_name}, {out});
}

void import_conv(ImportContext& ctx, const onnx::NodeProto& node) {
  const auto& x = ctx.require_activation(node, 0);
  const auto x_name = x.name;
  const auto x_shape = x.shape;
  const auto& w = ctx.require_const(node, 1, "weight");
  if (w.dims.size() != x_shape.size())
    fail(node, fmt::format("weight rank {} does not match input rank {}", w.dims.size(), x_shape.size()));
  const int64_t group = attr_int(node, "group", 1);
  if (group < 1 || w.dims[0] % group != 0 || x_shape[1] != w.dims[1] * group)
    fail(node, fmt::format("input has {} channels, weight [{}] with group {} expects {}", x_shape[1],
                           fmt::join(w.dims, ","), group, w.dims[1] * group));
  const auto window = read_window(node, x_shape, {w.dims.begin() + 2, w.dims.end()});
  const auto out_shape = window_output(node, x_shape, window, w.dims[0]);
  std::vector<std::string> inputs{x_name, ctx.ir_constant(node, 1)};
  if (ctx.has_input(node, 2)) {
    const auto& b = ctx.require_const(node, 2, "bias");
    if (b.size() != w.dims[0]) fail(node, fmt::format("bias has {} values for {} output channels", b.size(), w.dims[0]));
    inputs.push_back(ctx.ir_constant(node, 2));
  }
  const auto out = ctx.add_output(node, 0, out_shape, NumericType::f32());
  auto& op = ctx.emit(OpKind::Conv, ctx.op_name(node), inputs, {out});
  op.attrs["kernel_shape"] = window.kernel;
  op.attrs["strides"] = window.strides;
  op.attrs["dilations"] = window.dilations;
  op.attrs["pads"] = window.pads;
  op.attrs["group"] = group;
  op.attrs["activation"] = std::string("linear");
}

void import_pool(ImportContext& ctx, const onnx::NodeProto& node) {
  const auto& x = ctx.require_activation(node, 0);
  const auto x_name = x.name;
  const auto x_shape = x.shape;
  const auto x_type = x.type;
  const bool is_max = node.op_type() == "MaxPool";
  if (is_max && node.output_size() > 1 && !node.output(1).empty())
    fail(node, "the Indices output of MaxPool is not supported");
  if (attr_ints(node, "kernel_shape").empty()) fail(node, "kernel_shape is required");
  const auto window = read_window(node, x_shape, {});
  const auto out_shape = window_output(node, x_shape, window, x_shape[1]);
  // Max pooling selects input values, so it keeps the input's type; averaging leaves the grid.
  const auto out = ctx.add_output(node, 0, out_shape, is_max ? x_type : NumericType::f32());
  auto& op = ctx.emit(is_max ? OpKind::MaxPool : OpKind::AveragePool, ctx.op_name(node), {x_name}, {out});
  op.attrs["kernel_shape"] = window.kernel;
  op.attrs["strides"] = window.strides;
  op.attrs["pads"] = window.pads;
  op.attrs["ceil_mode"] = int64_t{window.ceil_mode};
  if (is_max) op.attrs["dilations"] = window.dilations;
  else op.attrs["count_include_pad"] = attr_int(node, "count_include_pad", 0);
}

void import_global_average_pool(ImportContext& ctx, const onnx::NodeProto& node) {
  const auto& x = ctx.require_activation(node, 0);
  if (x.shape.size() < 3) fail(node, "the input needs at least one spatial dimension");
  const auto x_name = x.name;
  Shape out_shape{x.shape[0], x.shape[1]};
  out_shape.resize(x.shape.size(), 1);
  const auto out = ctx.add_output(node, 0, out_shape, NumericType::f32());
  ctx.emit(OpKind::GlobalAveragePool, ctx.op_name(node), {x_name}, {out});
}

}  // namespace aie4ml::frontend
