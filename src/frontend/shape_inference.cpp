// Shape propagation helpers for the op importers (see shape_inference.h).
#include "frontend/shape_inference.h"

#include <algorithm>
#include <limits>
#include <numeric>

#include <fmt/format.h>

#include "frontend/import_context.h"

namespace aie4ml::frontend {

namespace {

std::string shape_str(const Shape& s) {
  std::vector<std::string> parts;
  for (auto d : s) parts.push_back(d == kBatch ? "N" : std::to_string(d));
  return fmt::format("[{}]", fmt::join(parts, ","));
}

// Saturates at INT64_MAX instead of overflowing (a shape constant may hold any int64); callers compare the
// result with a real element count, so a saturated product fails their check with a message.
int64_t product(const Shape& s, size_t from = 0) {
  int64_t p = 1;
  for (size_t i = from; i < s.size(); ++i)
    if (__builtin_mul_overflow(p, s[i], &p)) return std::numeric_limits<int64_t>::max();
  return p;
}

}  // namespace

Shape broadcast_shapes(const onnx::NodeProto& node, const Shape& a, const Shape& b) {
  const size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da == db) out[i] = da;
    else if (da == 1) out[i] = db;
    else if (db == 1) out[i] = da;
    else if (da == kBatch || db == kBatch)
      fail(node, fmt::format("operands {} and {} broadcast a constant dimension of size {} against the batch "
                             "dimension; the result would depend on the batch size",
                             shape_str(a), shape_str(b), da == kBatch ? db : da));
    else
      fail(node, fmt::format("operand shapes {} and {} do not broadcast", shape_str(a), shape_str(b)));
  }
  return out;
}

int64_t normalize_axis(const onnx::NodeProto& node, int64_t axis, size_t rank) {
  const auto r = static_cast<int64_t>(rank);
  if (axis < -r || axis >= r) fail(node, fmt::format("axis {} is out of range for a rank-{} tensor", axis, rank));
  return axis < 0 ? axis + r : axis;
}

std::vector<int64_t> transpose_perm(const onnx::NodeProto& node, size_t rank) {
  auto perm = attr_ints(node, "perm");
  if (perm.empty()) {
    perm.resize(rank);
    std::iota(perm.rbegin(), perm.rend(), 0);
    return perm;
  }
  if (perm.size() != rank) fail(node, fmt::format("perm has {} entries for a rank-{} input", perm.size(), rank));
  auto sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < rank; ++i)
    if (sorted[i] != static_cast<int64_t>(i)) fail(node, fmt::format("perm [{}] is not a permutation", fmt::join(perm, ",")));
  return perm;
}

Shape permute(const Shape& shape, const std::vector<int64_t>& perm) {
  Shape out(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) out[i] = shape[static_cast<size_t>(perm[i])];
  return out;
}

Shape resolve_reshape(const onnx::NodeProto& node, const Shape& input, const std::vector<std::optional<int64_t>>& target,
                      bool allow_zero) {
  if (input.empty() || input[0] != kBatch) fail(node, "the reshaped tensor has no batch dimension");
  if (target.empty()) fail(node, "the target shape is empty, which would drop the batch dimension");
  const int64_t sample = product(input, 1);
  // Dimension 0 of the result is the batch, whatever the exporter wrote there (the batch size symbol, 0
  // = copy, -1 = infer, or the batch size the model was exported with).
  Shape out{kBatch};
  int infer_at = -1;
  for (size_t i = 1; i < target.size(); ++i) {
    const auto& t = target[i];
    if (!t) fail(node, fmt::format("target dimension {} is the batch size; only dimension 0 may hold it", i));
    int64_t d = *t;
    if (d == 0 && !allow_zero) {
      if (i >= input.size()) fail(node, fmt::format("target dimension {} copies a missing input dimension", i));
      d = input[i];
    } else if (d == -1) {
      if (infer_at >= 0) fail(node, "the target shape has more than one -1");
      infer_at = static_cast<int>(i);
      d = 1;
    } else if (d < 0) {
      fail(node, fmt::format("target dimension {} is {}", i, d));
    }
    out.push_back(d);
  }
  const int64_t known = product(out, 1);
  if (infer_at >= 0) {
    if (known == 0 || sample % known != 0)
      fail(node, fmt::format("cannot infer the -1 dimension: {} elements per sample do not divide by {}", sample, known));
    out[static_cast<size_t>(infer_at)] = sample / known;
  } else if (target[0] && *target[0] == -1) {
    // -1 in dimension 0 infers the batch; the other dimensions must then hold exactly one sample.
  }
  if (product(out, 1) != sample)
    fail(node, fmt::format("reshaping {} to {} would move data across the batch dimension ({} elements per sample "
                           "become {})", shape_str(input), shape_str(out), sample, product(out, 1)));
  return out;
}

Window read_window(const onnx::NodeProto& node, const Shape& input, const std::vector<int64_t>& kernel_from_weights) {
  if (input.size() < 3) fail(node, fmt::format("input {} needs a batch, a channel and at least one spatial dimension",
                                               shape_str(input)));
  const size_t spatial = input.size() - 2;
  Window w;
  w.kernel = attr_ints(node, "kernel_shape");
  if (w.kernel.empty()) w.kernel = kernel_from_weights;
  if (w.kernel.size() != spatial)
    fail(node, fmt::format("kernel_shape has {} entries for {} spatial dimensions", w.kernel.size(), spatial));
  w.strides = attr_ints(node, "strides");
  if (w.strides.empty()) w.strides.assign(spatial, 1);
  w.dilations = attr_ints(node, "dilations");
  if (w.dilations.empty()) w.dilations.assign(spatial, 1);
  w.ceil_mode = attr_int(node, "ceil_mode", 0) != 0;
  if (w.strides.size() != spatial || w.dilations.size() != spatial)
    fail(node, "strides/dilations do not match the number of spatial dimensions");
  for (size_t i = 0; i < spatial; ++i)
    if (w.kernel[i] < 1 || w.strides[i] < 1 || w.dilations[i] < 1)
      fail(node, "kernel_shape, strides and dilations must be positive");
  const auto auto_pad = attr_string(node, "auto_pad", "NOTSET");
  w.pads.assign(2 * spatial, 0);
  if (auto_pad == "NOTSET") {
    auto pads = attr_ints(node, "pads");
    if (!pads.empty()) {
      if (pads.size() != 2 * spatial) fail(node, fmt::format("pads has {} entries, expected {}", pads.size(), 2 * spatial));
      w.pads = pads;
    }
  } else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    for (size_t i = 0; i < spatial; ++i) {
      const int64_t in = input[2 + i];
      const int64_t out = (in + w.strides[i] - 1) / w.strides[i];
      const int64_t total =
          std::max<int64_t>(0, (out - 1) * w.strides[i] + (w.kernel[i] - 1) * w.dilations[i] + 1 - in);
      const int64_t small = total / 2, large = total - small;
      w.pads[i] = auto_pad == "SAME_UPPER" ? small : large;
      w.pads[i + spatial] = auto_pad == "SAME_UPPER" ? large : small;
    }
  } else if (auto_pad != "VALID") {
    fail(node, fmt::format("auto_pad '{}' is not an ONNX padding mode", auto_pad));
  }
  for (auto p : w.pads)
    if (p < 0) fail(node, "negative pads are not supported");
  return w;
}

Shape window_output(const onnx::NodeProto& node, const Shape& input, const Window& w, int64_t out_channels) {
  const size_t spatial = input.size() - 2;
  Shape out{input[0], out_channels};
  for (size_t i = 0; i < spatial; ++i) {
    const int64_t span = (w.kernel[i] - 1) * w.dilations[i] + 1;
    const int64_t padded = input[2 + i] + w.pads[i] + w.pads[i + spatial];
    if (padded < span)
      fail(node, fmt::format("the window ({}) is larger than padded spatial dimension {} ({})", span, i, padded));
    const int64_t steps = padded - span;
    int64_t o = (w.ceil_mode ? (steps + w.strides[i] - 1) / w.strides[i] : steps / w.strides[i]) + 1;
    // With ceil_mode the last window must start inside the input or its left padding (ONNX rule).
    if (w.ceil_mode && (o - 1) * w.strides[i] >= input[2 + i] + w.pads[i]) --o;
    out.push_back(o);
  }
  return out;
}

}  // namespace aie4ml::frontend
