// Channel views (see channel_views.h).
#include "passes/channel_views.h"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include "passes/partition_conv.h"
#include "passes/partition_tensor_ops.h"

namespace aie4ml {

namespace {

bool is_graph_output(const Model& m, const std::string& t) {
  return std::find(m.outputs.begin(), m.outputs.end(), t) != m.outputs.end();
}

// The channel axis of a rank-r tensor [N, C, ...] as ONNX numbers it (negative axes count from the end).
int64_t normalized_axis(int64_t axis, size_t rank) { return axis < 0 ? axis + static_cast<int64_t>(rank) : axis; }

bool same_positions(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  return a.size() == b.size() && !a.empty() && std::equal(a.begin() + 1, a.end(), b.begin() + 1);
}

// Tensors a layer writes whole, channels-last: Conv, fused-pool and tensor-op outputs, and Concat views'
// outputs (their buffers hold whole rows).
std::set<std::string> channels_last_tensors(const Model& model, const TensorOpRegion& region) {
  std::set<std::string> out;
  const auto pools = fused_pools(model);
  for (auto& op : model.ops)
    if (op.kind == OpKind::Conv || pools.count(op.name) || region.concat_views.count(op.name))
      out.insert(op.outputs.begin(), op.outputs.end());
  for (auto& [layer, t] : region.output_of) out.insert(t);
  return out;
}

// Why Slice `op` is not a channel view; nullopt when it is.
std::optional<std::string> slice_view_obstacle(const Model& model, const Op& op, const std::set<std::string>& whole,
                                               const TensorOpRegion& region) {
  const std::string& x = op.inputs.at(0);
  const std::string& y = op.outputs.at(0);
  if (!whole.count(x))
    return fmt::format("it slices '{}', which no Conv, fused pool or tensor-op layer writes whole", x);
  const auto& xs = model.tensor(x).shape;
  const auto& ys = model.tensor(y).shape;
  if (xs.size() < 3 || ys.size() != xs.size()) return fmt::format("it slices a rank-{} tensor", xs.size());
  const auto starts = op.get_ints("starts"), steps = op.get_ints("steps");
  if (starts.size() != xs.size() || steps.size() != xs.size()) return std::string("its starts/steps do not cover every axis");
  for (size_t a = 2; a < xs.size(); ++a)
    if (ys[a] != xs[a] || starts[a] != 0 || steps[a] != 1)
      return fmt::format("it slices axis {} (a spatial axis)", a);
  if (steps[1] != 1) return fmt::format("it takes channels with step {}", steps[1]);
  if (!(model.tensor(y).type == model.tensor(x).type))  // a view copies codes; a requantisation needs a kernel
    return fmt::format("its output type {} is not its input's {}", model.tensor(y).type.str(), model.tensor(x).type.str());
  if (is_graph_output(model, y)) return fmt::format("its output '{}' is a graph output", y);
  for (const Op* c : model.consumers(y))
    if (c->kind != OpKind::Conv && !region.layers.count(c->name))
      return fmt::format("its output '{}' is read by {} '{}', which cannot read a view", y, to_string(c->kind), c->name);
  return std::nullopt;
}

// A layer must not read two windows of one tensor (its inputs are named by array tensor): refuse the
// Slices of such a layer.
void refuse_shared_roots(const Model& model, ChannelViews& v) {
  std::set<std::string> readers;
  for (auto& [t, w] : v.read_window)
    for (const Op* c : model.consumers(t)) readers.insert(c->name);
  for (auto& name : readers) {
    const Op* c = model.find_op(name);
    std::map<std::string, std::string> root_of_input;
    for (auto& t : c->inputs) {
      auto it = v.read_window.find(t);
      const std::string root = it == v.read_window.end() ? t : it->second.tensor;
      if (auto [prev, fresh] = root_of_input.emplace(root, t); !fresh) {
        const std::string& slice_out = it == v.read_window.end() ? prev->second : t;
        const std::string slice = model.producer(slice_out)->name;
        v.refused[slice] = fmt::format("{} '{}' reads '{}' and '{}', two parts of '{}' (a layer reads one window of a "
                                       "tensor)", to_string(c->kind), c->name, prev->second, t, root);
        v.ops.erase(slice);
        v.read_window.erase(slice_out);
        return refuse_shared_roots(model, v);
      }
    }
  }
}

}  // namespace

bool concat_is_view(const Model& model, const Op& concat, const std::set<std::string>& layer_written) {
  if (concat.kind != OpKind::Concat || concat.outputs.size() != 1 || concat.inputs.empty()) return false;
  const auto& out = model.tensor(concat.outputs[0]);
  if (out.shape.size() < 3 || normalized_axis(concat.get_int("axis", 1), out.shape.size()) != 1) return false;
  if (!out.type.is_fixed() || is_graph_output(model, out.name)) return false;
  for (const Op* c : model.consumers(out.name))
    if (c->kind == OpKind::Relu || c->kind == OpKind::Quantize) return false;  // fused into the Concat kernel
  std::set<std::string> seen;
  int64_t channels = 0;
  for (auto& t : concat.inputs) {
    if (t.empty() || !layer_written.count(t) || !seen.insert(t).second) return false;
    const auto& in = model.tensor(t);
    if (in.is_constant || !(in.type == out.type) || is_graph_output(model, t) || model.consumers(t).size() != 1) return false;
    if (!same_positions(in.sample_shape(), out.sample_shape())) return false;
    channels += in.sample_shape()[0];
  }
  return channels == out.sample_shape()[0];
}

ChannelViews channel_views(const Model& model) {
  ChannelViews v;
  const auto region = tensor_op_region(model);
  for (auto& name : region.concat_views) {
    const Op* op = model.find_op(name);
    const int64_t row = model.tensor(op->outputs[0]).sample_shape()[0];
    int64_t at = 0;
    for (auto& t : op->inputs) {
      const int64_t c = model.tensor(t).sample_shape()[0];
      v.write_window[t] = ChannelView{-1, op->outputs[0], {at, at + c}, row};
      at += c;
    }
    v.ops.insert(name);
  }
  const auto whole = channels_last_tensors(model, region);
  for (auto& op : model.ops) {
    if (op.kind != OpKind::Slice) continue;
    if (auto why = slice_view_obstacle(model, op, whole, region)) {
      v.refused[op.name] = *why;
      continue;
    }
    const int64_t begin = op.get_ints("starts")[1];
    const int64_t count = model.tensor(op.outputs[0]).shape[1];
    v.read_window[op.outputs[0]] = ChannelView{-1, op.inputs[0], {begin, begin + count}, model.tensor(op.inputs[0]).shape[1]};
    v.ops.insert(op.name);
  }
  refuse_shared_roots(model, v);
  return v;
}

void apply_channel_views(LayerDesign& l, const ChannelViews& views) {
  const auto ins = l.input_tensors();
  for (size_t i = 0; i < ins.size(); ++i) {
    auto it = views.read_window.find(ins[i]);
    if (it == views.read_window.end()) continue;
    ChannelView cv = it->second;
    cv.input = static_cast<int>(i);
    cv.tensor = ins[i];
    if (!l.inputs.empty()) l.inputs[i] = it->second.tensor;
    if (i == 0) l.input_tensor = it->second.tensor;
    l.input_views.push_back(cv);
  }
  if (auto it = views.write_window.find(l.output_tensor); it != views.write_window.end()) l.output_view = it->second;
}

}  // namespace aie4ml
