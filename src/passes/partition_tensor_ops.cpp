// Tensor-op layers in the partition (see partition_tensor_ops.h).
#include "passes/partition_tensor_ops.h"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "design/tensor_op_layout.h"
#include "passes/channel_views.h"
#include "passes/partition_conv.h"
#include "support/error.h"

namespace aie4ml {

namespace {

int64_t product(const std::vector<int64_t>& v) {
  return std::accumulate(v.begin(), v.end(), int64_t{1}, std::multiplies<>());
}

bool is_graph_output(const Model& m, const std::string& t) {
  return std::find(m.outputs.begin(), m.outputs.end(), t) != m.outputs.end();
}

[[noreturn]] void refuse(const Op& op, const std::string& why) {
  throw InputError(fmt::format("op '{}' ({}) cannot be mapped to the AIE array: {}", op.name, to_string(op.kind), why));
}

// Container bytes of a fixed-point activation the tensor-op kernels take (8- or 16-bit codes).
int element_bytes(const Model& m, const Op& op, const std::string& t) {
  const auto& type = m.tensor(t).type;
  if (!type.is_fixed()) refuse(op, fmt::format("tensor '{}' has type {}; tensor-op kernels take fixed point", t, type.str()));
  if (type.fixed.width > 16) refuse(op, fmt::format("tensor '{}' has {} bits; tensor-op kernels take at most 16", t, type.fixed.width));
  return type.fixed.width <= 8 ? 1 : 2;
}

std::vector<int64_t> ints_or(const Op& op, const std::string& key, std::vector<int64_t> fallback) {
  return op.has(key) ? op.get_ints(key) : fallback;
}

// [C, IH, IW, KH, KW, SH, SW, PH, PW, OH, OW, include_pad] of a 1-D or 2-D pool (1-D: H = 1).
std::vector<int64_t> pool_geometry(const Model& m, const Op& op) {
  auto in = m.tensor(op.inputs.at(0)).sample_shape(), out = m.tensor(op.outputs.at(0)).sample_shape();
  if (in.size() < 2 || in.size() > 3 || out.size() != in.size()) refuse(op, "only 1-D and 2-D pools map to the array");
  if (in.size() == 2) in.insert(in.begin() + 1, 1), out.insert(out.begin() + 1, 1);
  const auto x = m.tensor(op.inputs[0]).sample_shape();
  const size_t nd = x.size() - 1;
  std::vector<int64_t> kernel =
      op.kind == OpKind::GlobalAveragePool ? std::vector<int64_t>(x.begin() + 1, x.end()) : op.get_ints("kernel_shape");
  std::vector<int64_t> strides = op.kind == OpKind::GlobalAveragePool ? std::vector<int64_t>(nd, 1)
                                                                       : ints_or(op, "strides", std::vector<int64_t>(nd, 1));
  std::vector<int64_t> pads = op.kind == OpKind::GlobalAveragePool ? std::vector<int64_t>(2 * nd, 0)
                                                                    : ints_or(op, "pads", std::vector<int64_t>(2 * nd, 0));
  if (kernel.size() != nd || strides.size() != nd || pads.size() != 2 * nd) refuse(op, "kernel_shape / strides / pads do not match the input rank");
  if (op.get_int("ceil_mode", 0) != 0) refuse(op, "ceil_mode 1 is not supported");
  if (const auto a = op.get_string("auto_pad", "NOTSET"); a != "NOTSET" && a != "VALID")
    refuse(op, fmt::format("auto_pad {} is not supported", a));
  if (op.has("dilations"))
    for (auto d : op.get_ints("dilations"))
      if (d != 1) refuse(op, "dilations other than 1 are not supported");
  if (nd == 1) {
    kernel.insert(kernel.begin(), 1), strides.insert(strides.begin(), 1);
    pads = {0, pads[0], 0, pads[1]};
  }
  if (in[0] != out[0]) refuse(op, "input and output channels differ");
  for (int i = 0; i < 2; ++i) {
    const int64_t expect = (in[1 + i] + pads[i] + pads[2 + i] - kernel[i]) / strides[i] + 1;
    if (kernel[i] < 1 || strides[i] < 1 || pads[i] < 0 || expect != out[1 + i])
      refuse(op, fmt::format("window {} / strides {} / pads {} do not give its output shape", kernel, strides, pads));
  }
  return {in[0], in[1], in[2], kernel[0], kernel[1], strides[0], strides[1], pads[0], pads[1], out[1], out[2],
          op.get_int("count_include_pad", 0) != 0 ? 1 : 0};
}

std::vector<int64_t> concat_geometry(const Model& m, const Op& op) {
  const auto& out_t = m.tensor(op.outputs.at(0));
  const int64_t rank = static_cast<int64_t>(out_t.shape.size());
  int64_t axis = op.get_int("axis", 1);
  if (axis < 0) axis += rank;
  if (axis != 1 || rank < 3)
    refuse(op, fmt::format("Concat on axis {} of a rank-{} tensor; the array concatenates channels (axis 1 of [N, C, ...])",
                           op.get_int("axis", 1), rank));
  const auto out = out_t.sample_shape();
  const int64_t positions = product({out.begin() + 1, out.end()});
  std::vector<int64_t> g{positions};
  int64_t channels = 0;
  for (auto& t : op.inputs) {
    const auto s = m.tensor(t).sample_shape();
    if (s.size() != out.size() || !std::equal(s.begin() + 1, s.end(), out.begin() + 1))
      refuse(op, fmt::format("input '{}' has spatial shape other than the output's", t));
    g.push_back(s[0]);
    channels += s[0];
  }
  if (channels != out[0]) refuse(op, "the input channels do not add up to the output's");
  return g;
}

}  // namespace

bool is_tensor_op_kind(OpKind k) {
  return k == OpKind::Add || k == OpKind::Concat || k == OpKind::MaxPool || k == OpKind::AveragePool ||
         k == OpKind::GlobalAveragePool;
}

TensorOpRegion tensor_op_region(const Model& model) {
  TensorOpRegion r;
  const auto pools = fused_pools(model);
  std::set<std::string> array_side;  // tensors array layers produce
  std::map<std::string, std::string> tail_of;  // current output tensor -> tensor-op layer writing it
  std::set<std::string> layer_written;         // tensors conv-like layers write whole (channel_views.h)
  for (auto& op : model.ops) {
    if (op.kind == OpKind::Conv || op.kind == OpKind::Dense || pools.count(op.name)) {
      array_side.insert(op.outputs.begin(), op.outputs.end());
      if (op.kind != OpKind::Dense) layer_written.insert(op.outputs.begin(), op.outputs.end());
      continue;
    }
    const bool reads_array = std::any_of(op.inputs.begin(), op.inputs.end(), [&](auto& t) { return array_side.count(t) > 0; });
    if (!reads_array) continue;
    if (op.kind == OpKind::Slice || (op.kind == OpKind::Concat && concat_is_view(model, op, layer_written))) {
      if (op.kind == OpKind::Concat) r.concat_views.insert(op.name);
      array_side.insert(op.outputs.begin(), op.outputs.end());
      continue;
    }
    if (is_tensor_op_kind(op.kind) && op.outputs.size() == 1) {
      r.layers.insert(op.name);
      r.output_of[op.name] = op.outputs[0];
      r.epilogue[op.name] = {};
      tail_of[op.outputs[0]] = op.name;
      array_side.insert(op.outputs[0]);
      layer_written.insert(op.outputs[0]);
      continue;
    }
    const bool unary = (op.kind == OpKind::Relu || op.kind == OpKind::Quantize) && op.inputs.size() == 1 && op.outputs.size() == 1;
    if (unary && tail_of.count(op.inputs[0]) && model.consumers(op.inputs[0]).size() == 1 &&
        !is_graph_output(model, op.inputs[0])) {
      const std::string layer = tail_of[op.inputs[0]];
      tail_of.erase(op.inputs[0]);
      r.fused.insert(op.name);
      r.epilogue[layer].push_back(op.name);
      r.output_of[layer] = op.outputs[0];
      tail_of[op.outputs[0]] = layer;
      array_side.insert(op.outputs[0]);
      layer_written.insert(op.outputs[0]);
    }
  }
  return r;
}

std::vector<BufferRequest> tensor_op_requests(const LayerDesign& l, int64_t batch, const Device& device) {
  std::vector<BufferRequest> r{{"output", tensor_op_layout::output_bytes(l, batch), 2}};
  for (size_t i = 0; i < l.input_tensors().size(); ++i)
    r.push_back({tensor_op_layout::input_role(i), tensor_op_layout::input_bytes(l, i, batch), 2});
  std::stable_sort(r.begin(), r.end(), [](auto& a, auto& b) { return a.bytes > b.bytes; });
  r.push_back({"stack", device.stack_bytes, 1});
  r.push_back({"heap", device.heap_bytes, 1});
  return r;
}

namespace {

// Every field of the layer but its tiles, after the checks that do not depend on the device.
LayerDesign tensor_op_fields(const Op& op, const Model& model, const TensorOpRegion& region, int64_t batch,
                             const std::string& kernel_prefix) {
  if (op.outputs.size() != 1) refuse(op, "exactly one output expected");
  const std::set<std::string> distinct(op.inputs.begin(), op.inputs.end());
  if (distinct.size() != op.inputs.size()) refuse(op, "it reads the same tensor twice");
  for (auto& t : op.inputs)
    if (t.empty() || model.tensor(t).is_constant) refuse(op, fmt::format("input '{}' is a constant; tensor-op layers read array tensors", t));
  LayerDesign l;
  l.name = op.name;
  l.op = std::string(to_string(op.kind));
  l.inputs = op.inputs;
  l.input_tensor = op.inputs.at(0);
  l.output_tensor = region.output_of.at(op.name);
  const auto& y = model.tensor(op.outputs[0]).sample_shape();
  switch (op.kind) {
    case OpKind::Add:
      if (op.inputs.size() != 2) refuse(op, "Add takes two inputs");
      for (auto& t : op.inputs)
        if (model.tensor(t).sample_shape() != y) refuse(op, fmt::format("input '{}' would be broadcast; the array adds tensors of the same shape", t));
      if (y.empty()) refuse(op, "Add of scalars per sample is not supported");
      l.tensor_op = {y[0], product({y.begin() + 1, y.end()})};
      break;
    case OpKind::Concat: l.tensor_op = concat_geometry(model, op); break;
    default: l.tensor_op = pool_geometry(model, op); break;
  }
  l.in_features = product(model.tensor(l.input_tensor).sample_shape());
  l.out_features = product(model.tensor(l.output_tensor).sample_shape());
  if (l.out_features != product(y)) refuse(op, "the fused ops after it change the tensor size");
  l.input_bytes = element_bytes(model, op, l.input_tensor);
  for (auto& t : op.inputs)
    if (element_bytes(model, op, t) != l.input_bytes) refuse(op, "its inputs have different element sizes");
  l.output_bytes = element_bytes(model, op, l.output_tensor);
  for (auto& f : region.epilogue.at(op.name)) {
    const Op* e = model.find_op(f);
    for (auto& t : {e->inputs[0], e->outputs[0]})
      if (!model.tensor(t).type.is_fixed())
        refuse(*e, fmt::format("tensor '{}' has type {}; fused tensor-op epilogues take fixed point", t, model.tensor(t).type.str()));
  }
  l.input_type = model.tensor(l.input_tensor).type.str();
  l.output_type = model.tensor(l.output_tensor).type.str();
  l.weight_bytes = 0;
  l.bias_bytes = 0;
  l.type_pair = "";
  l.in_padded = l.k_slice = l.in_features;
  l.out_padded = l.n_slice = l.out_features;
  l.tile_m = l.tile_k = l.tile_n = 1;
  l.batch_padded = batch;
  l.cost = static_cast<double>(tensor_op_layout::kernel_cycles(l, batch));
  KernelInstance k;
  k.name = fmt::format("{}_c0_p0", kernel_prefix);
  k.variant = "tensor_op";
  k.k_range = {0, l.in_features};
  k.n_range = {0, l.out_features};
  k.writes_output = true;
  l.kernels.push_back(k);
  if (is_graph_output(model, l.output_tensor))
    refuse(op, fmt::format("its output '{}' is a graph output, which tensor-op layers do not write yet", l.output_tensor));
  // Channels-last rows in, channels-last rows out: inputs from conv-like layers, outputs to layers or views.
  const auto pools = fused_pools(model);
  for (auto& t : op.inputs) {
    const Op* p = model.producer(t);
    // A Slice is a channel view of such an output, or array_region refuses it (channel_views.h).
    if (!p || !(p->kind == OpKind::Conv || pools.count(p->name) || region.layers.count(p->name) ||
                region.fused.count(p->name) || p->kind == OpKind::Slice))
      refuse(op, fmt::format("input '{}' is made by {}; tensor-op layers read conv, fused-pool or tensor-op outputs", t,
                             p ? fmt::format("{} '{}'", to_string(p->kind), p->name) : std::string("no array layer")));
  }
  const auto views = array_views(model);
  for (const Op* c : model.consumers(l.output_tensor))
    if (c->kind != OpKind::Conv && c->kind != OpKind::Dense && !region.layers.count(c->name) && !views.count(c->name) &&
        c->kind != OpKind::Slice && !region.concat_views.count(c->name))
      refuse(op, fmt::format("its output '{}' is read by {} '{}', which is not an array layer", l.output_tensor,
                             to_string(c->kind), c->name));
  return l;
}

}  // namespace

void check_tensor_op(const Op& op, const Model& model, const TensorOpRegion& region) {
  tensor_op_fields(op, model, region, 1, "check");
}

LayerDesign lower_tensor_op_layer(const Op& op, const Model& model, const TensorOpRegion& region, int64_t batch,
                                  const Device& device, const std::string& kernel_prefix) {
  LayerDesign l = tensor_op_fields(op, model, region, batch, kernel_prefix);
  if (!pack_tile_memory(tensor_op_requests(l, batch, device), device)) {
    int64_t total = device.stack_bytes + device.heap_bytes;
    for (auto& r : tensor_op_requests(l, batch, device)) total += r.role == "stack" || r.role == "heap" ? 0 : 2 * r.bytes;
    refuse(op, fmt::format("its kernel needs {} bytes of data memory (every input and the output double-buffered, "
                           "batch {}); a tile has {} banks of {} bytes (a smaller BatchSize helps)",
                           total, batch, device.data_memory_banks, device.bank_bytes()));
  }
  return l;
}

LayerCandidate tensor_op_candidate(const LayerDesign& l, int64_t batch) {
  LayerCandidate c;
  c.layer.name = l.name;
  c.layer.in_features = l.in_features;
  c.layer.out_features = l.out_features;
  c.layer.batch = batch;
  c.layer.input_bytes = l.input_bytes;
  c.layer.output_bytes = l.output_bytes;
  c.tiling = {1, 1, 1};
  c.batch_padded = batch;
  c.k_slice = l.in_features;
  c.n_slice = l.out_features;
  c.input_bytes = tensor_op_layout::input_bytes(l, 0, batch);
  c.output_bytes = tensor_op_layout::output_bytes(l, batch);
  return c;
}

}  // namespace aie4ml
