// Importers for ONNX Slice and Split on activations. Both become IR Slice ops (one per Split output):
// attrs "starts" and "steps" over the full rank (batch entry 0 / 1), the output shape gives the counts.
//
// Reads: the node, its input shape, the constant starts/ends/axes/steps (Slice-10+; attributes in
//   Slice-1) or split sizes (input in Split-13+, attribute before, equal parts otherwise).
// Writes: Slice ops whose outputs keep the input's numeric type (the codes are copied unchanged).
// Checks: the index inputs are constants, the batch axis 0 is never sliced, no output is empty, axes
//   are not repeated, steps are non-zero, split sizes add up to the dimension.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "frontend/op_importers.h"
#include "frontend/shape_inference.h"

namespace aie4ml::frontend {

namespace {

// int64 index values are held as doubles; INT64_MAX / INT64_MIN ("to the end") do not convert back
// exactly, so clamp far beyond any dimension first (ONNX clamps them to the dimension anyway).
int64_t index_value(double v) {
  constexpr double kFar = 4.0e18;
  return static_cast<int64_t>(std::clamp(v, -kFar, kFar));
}

std::vector<int64_t> const_ints(ImportContext& ctx, const onnx::NodeProto& node, size_t input, const std::string& what) {
  const auto& c = ctx.require_const(node, input, what);
  if (c.dims.size() > 1) fail(node, fmt::format("the {} input '{}' must be 1-D", what, node.input(static_cast<int>(input))));
  std::vector<int64_t> out;
  for (double v : c.values) out.push_back(index_value(v));
  return out;
}

// One window per axis, resolved per the ONNX Slice spec: negative indices count from the end, then
// starts clamp to [0, d] (step > 0) or [0, d - 1] (step < 0), ends to [0, d] or [-1, d - 1].
struct AxisWindow {
  int64_t start = 0, step = 1, count = 0;
};

AxisWindow resolve_window(const onnx::NodeProto& node, int64_t axis, int64_t dim, int64_t start, int64_t end, int64_t step) {
  if (step == 0) fail(node, fmt::format("step 0 on axis {}", axis));
  if (start < 0) start += dim;
  if (end < 0) end += dim;
  AxisWindow w;
  w.step = step;
  if (step > 0) {
    start = std::clamp<int64_t>(start, 0, dim);
    end = std::clamp<int64_t>(end, 0, dim);
    w.count = end > start ? (end - start + step - 1) / step : 0;
  } else {
    start = std::clamp<int64_t>(start, 0, dim - 1);
    end = std::clamp<int64_t>(end, -1, dim - 1);
    w.count = start > end ? (start - end + (-step) - 1) / (-step) : 0;
  }
  w.start = start;
  if (w.count == 0)
    fail(node, fmt::format("the slice of axis {} (size {}) is empty; empty tensors are not supported", axis, dim));
  return w;
}

void emit_slice(ImportContext& ctx, const onnx::NodeProto& node, size_t output, const std::string& op_name,
                const Tensor& x, const std::vector<int64_t>& starts, const std::vector<int64_t>& steps, Shape out_shape) {
  const auto x_name = x.name;
  const auto type = same_type(x);
  const auto out = ctx.add_output(node, output, std::move(out_shape), type);
  auto& op = ctx.emit(OpKind::Slice, op_name, {x_name}, {out});
  op.attrs["starts"] = starts;
  op.attrs["steps"] = steps;
}

void refuse_batch_axis(const onnx::NodeProto& node, int64_t axis) {
  if (axis == 0) fail(node, "axis 0 is the batch dimension; aie4ml slices and splits per-sample axes only");
}

}  // namespace

void import_slice(ImportContext& ctx, const onnx::NodeProto& node) {
  const auto& x = ctx.require_activation(node, 0);
  const size_t rank = x.shape.size();
  std::vector<int64_t> starts, ends, axes, steps;
  if (ctx.opset >= 10) {
    starts = const_ints(ctx, node, 1, "starts");
    ends = const_ints(ctx, node, 2, "ends");
    if (ctx.has_input(node, 3)) axes = const_ints(ctx, node, 3, "axes");
    if (ctx.has_input(node, 4)) steps = const_ints(ctx, node, 4, "steps");
  } else {
    starts = attr_ints(node, "starts");
    ends = attr_ints(node, "ends");
    axes = attr_ints(node, "axes");
  }
  if (starts.size() != ends.size())
    fail(node, fmt::format("starts has {} entries but ends has {}", starts.size(), ends.size()));
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (axes.size() != starts.size() || steps.size() != starts.size())
    fail(node, fmt::format("starts, ends, axes and steps must have the same length ({}, {}, {}, {})", starts.size(),
                           ends.size(), axes.size(), steps.size()));

  std::vector<int64_t> full_starts(rank, 0), full_steps(rank, 1);
  Shape out_shape = x.shape;
  std::vector<bool> seen(rank, false);
  for (size_t i = 0; i < axes.size(); ++i) {
    const auto axis = normalize_axis(node, axes[i], rank);
    const auto a = static_cast<size_t>(axis);
    if (seen[a]) fail(node, fmt::format("axis {} is listed twice", axis));
    seen[a] = true;
    refuse_batch_axis(node, axis);
    const auto w = resolve_window(node, axis, x.shape[a], starts[i], ends[i], steps[i]);
    full_starts[a] = w.start;
    full_steps[a] = w.step;
    out_shape[a] = w.count;
  }
  emit_slice(ctx, node, 0, ctx.op_name(node), x, full_starts, full_steps, std::move(out_shape));
}

void import_split(ImportContext& ctx, const onnx::NodeProto& node) {
  const auto& x = ctx.require_activation(node, 0);
  const size_t rank = x.shape.size();
  const auto axis = normalize_axis(node, attr_int(node, "axis", 0), rank);
  refuse_batch_axis(node, axis);
  const auto a = static_cast<size_t>(axis);
  const int64_t dim = x.shape[a];
  const auto parts = static_cast<int64_t>(node.output_size());

  std::vector<int64_t> sizes;
  if (ctx.opset >= 13 && ctx.has_input(node, 1)) {
    sizes = const_ints(ctx, node, 1, "split");
  } else if (ctx.opset < 13) {
    sizes = attr_ints(node, "split");
  }
  if (sizes.empty()) {  // equal parts; Split-18 num_outputs lets the last part be smaller
    const int64_t n = attr_int(node, "num_outputs", parts);
    if (n != parts) fail(node, fmt::format("num_outputs is {} but the node has {} outputs", n, parts));
    const int64_t chunk = (dim + n - 1) / n;
    if (find_attr(node, "num_outputs") == nullptr && dim % n != 0)
      fail(node, fmt::format("axis {} (size {}) does not split into {} equal parts", axis, dim, n));
    for (int64_t i = 0, left = dim; i < n; ++i, left -= chunk) sizes.push_back(std::min(chunk, left));
  }
  if (static_cast<int64_t>(sizes.size()) != parts)
    fail(node, fmt::format("split has {} sizes but the node has {} outputs", sizes.size(), parts));
  int64_t total = 0;
  for (auto s : sizes) {
    if (s <= 0) fail(node, fmt::format("split size {} on axis {}; empty or negative parts are not supported", s, axis));
    total += s;
  }
  if (total != dim) fail(node, fmt::format("split sizes add up to {} but axis {} has size {}", total, axis, dim));

  const std::string base = ctx.op_name(node);
  std::vector<int64_t> starts(rank, 0), steps(rank, 1);
  for (int64_t i = 0, offset = 0; i < parts; offset += sizes[static_cast<size_t>(i)], ++i) {
    if (node.output(static_cast<int>(i)).empty()) continue;  // an unused output
    starts[a] = offset;
    Shape out_shape = x.shape;
    out_shape[a] = sizes[static_cast<size_t>(i)];
    emit_slice(ctx, node, static_cast<size_t>(i), parts == 1 ? base : fmt::format("{}_part{}", base, i), x, starts,
               steps, std::move(out_shape));
  }
}

}  // namespace aie4ml::frontend
