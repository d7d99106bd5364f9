// Tensor-op layers in the partition (see partition_tensor_ops.h).
#include "passes/partition_tensor_ops.h"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "design/tensor_op_layout.h"
#include "passes/channel_views.h"
#include "passes/fuse_output_activation.h"
#include "passes/partition_attention.h"
#include "passes/partition.h"
#include "passes/partition_conv.h"
#include "passes/tensor_op_vector.h"
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
         k == OpKind::GlobalAveragePool || k == OpKind::MatMul || k == OpKind::Softmax || k == OpKind::LayerNorm;
}

namespace {

bool is_attention_kind(OpKind k) { return k == OpKind::MatMul || k == OpKind::Softmax || k == OpKind::LayerNorm; }

// ReLU, LeakyReLU, Clip: a layer of their own when they cannot be fused (kernels/tensor_ops.h tensor_unary).
bool is_unary_kind(OpKind k) { return k == OpKind::Relu || k == OpKind::LeakyRelu || k == OpKind::Clip; }

// Whether `op` may become the epilogue of the Dense before it (passes/fuse_output_activation.h: between
// layers, or as the network's output activation): the op alone reads a linear Dense's output.
bool dense_epilogue_candidate(const Model& m, const Op& op) {
  if (is_hidden_activation(m, op)) return true;
  if (op.inputs.empty()) return false;
  const Op* p = m.producer(op.inputs[0]);
  return p && p->kind == OpKind::Dense && p->get_string("activation", "linear") == "linear" &&
         activation_name(op.kind) && m.consumers(op.inputs[0]).size() == 1 && !is_graph_output(m, op.inputs[0]);
}

bool is_constant(const Model& m, const std::string& t) { return t.empty() || (m.has_tensor(t) && m.tensor(t).is_constant); }

// A tensor-op layer for op `op` of the region: its kind, and for MatMul two activations, for Softmax rows.
bool is_layer_op(const Model& m, const Op& op) {
  if (!is_tensor_op_kind(op.kind) || op.outputs.size() != 1) return false;
  if (op.kind == OpKind::MatMul) return op.inputs.size() == 2 && !is_constant(m, op.inputs[0]) && !is_constant(m, op.inputs[1]);
  if (op.kind == OpKind::Softmax) return is_row_softmax(m, op);
  return true;
}

// Whether `op` (reading the output of layer `layer_kind`) is fused into that layer: Relu / Quantize after
// Add, Concat and pools (requant steps); Quantize, a Mul by a constant and views after the attention ops
// (partition_attention.h says which of them their kernels take).
bool fusable_after(const Op& op, OpKind layer_kind, const std::vector<std::string>& activations) {
  if (activations.size() != 1 || op.outputs.size() != 1) return false;
  if (op.kind == OpKind::Quantize) return op.inputs.size() == 1;
  if (!is_attention_kind(layer_kind)) return op.kind == OpKind::Relu && op.inputs.size() == 1;
  return op.kind == OpKind::Mul || op.kind == OpKind::Transpose || op.kind == OpKind::Reshape;
}

}  // namespace

TensorOpRegion tensor_op_region(const Model& model) {
  TensorOpRegion r;
  const auto pools = fused_pools(model);
  std::set<std::string> array_side;  // tensors array layers produce
  std::map<std::string, std::string> tail_of;  // current output tensor -> tensor-op layer writing it
  std::set<std::string> head_views;  // Reshape / Transpose ops a MatMul kernel reads through
  for (auto& op : model.ops)
    if (is_layer_op(model, op) && op.kind == OpKind::MatMul)
      for (auto& v : head_view_ops(model, op)) head_views.insert(v);
  std::set<std::string> layer_written;         // tensors conv-like layers write whole (channel_views.h)
  for (auto& op : model.ops) {
    if (op.kind == OpKind::Conv || op.kind == OpKind::Dense || pools.count(op.name)) {
      array_side.insert(op.outputs.begin(), op.outputs.end());
      if (op.kind != OpKind::Dense) layer_written.insert(op.outputs.begin(), op.outputs.end());
      continue;
    }
    const bool reads_array = std::any_of(op.inputs.begin(), op.inputs.end(), [&](auto& t) { return array_side.count(t) > 0; });
    if (!reads_array) continue;
    if (head_views.count(op.name)) {
      r.fused.insert(op.name);
      array_side.insert(op.outputs.begin(), op.outputs.end());
      continue;
    }
    if (op.kind == OpKind::Slice || (op.kind == OpKind::Concat && concat_is_view(model, op, layer_written))) {
      if (op.kind == OpKind::Concat) r.concat_views.insert(op.name);
      array_side.insert(op.outputs.begin(), op.outputs.end());
      continue;
    }
    if (is_layer_op(model, op)) {
      r.layers.insert(op.name);
      r.output_of[op.name] = op.outputs[0];
      r.epilogue[op.name] = {};
      tail_of[op.outputs[0]] = op.name;
      array_side.insert(op.outputs[0]);
      layer_written.insert(op.outputs[0]);
      continue;
    }
    std::vector<std::string> activations;
    for (auto& t : op.inputs)
      if (!is_constant(model, t)) activations.push_back(t);
    const bool fuses = activations.size() == 1 && tail_of.count(activations[0]) &&
                       fusable_after(op, model.find_op(tail_of[activations[0]])->kind, activations) &&
                       model.consumers(activations[0]).size() == 1 && !is_graph_output(model, activations[0]);
    if (!fuses && is_unary_kind(op.kind) && activations.size() == 1 && op.outputs.size() == 1 &&
        !dense_epilogue_candidate(model, op)) {  // a ReLU / LeakyReLU / Clip that nothing could absorb
      r.layers.insert(op.name);
      r.output_of[op.name] = op.outputs[0];
      r.epilogue[op.name] = {};
      tail_of[op.outputs[0]] = op.name;
      array_side.insert(op.outputs[0]);
      layer_written.insert(op.outputs[0]);
      continue;
    }
    if (!fuses) continue;
    const std::string layer = tail_of[activations[0]];
    tail_of.erase(activations[0]);
    r.fused.insert(op.name);
    r.epilogue[layer].push_back(op.name);
    r.output_of[layer] = op.outputs[0];
    tail_of[op.outputs[0]] = layer;
    array_side.insert(op.outputs[0]);
    layer_written.insert(op.outputs[0]);
  }
  return r;
}

std::vector<BufferRequest> tensor_op_requests(const LayerDesign& l, int64_t batch, const Device& device) {
  std::vector<BufferRequest> r{{"output", tensor_op_layout::output_bytes(l, batch), 2}};
  for (size_t i = 0; i < l.input_tensors().size(); ++i)
    r.push_back({tensor_op_layout::input_role(i), tensor_op_layout::input_bytes(l, i, batch), 2});
  if (const int64_t c = tensor_op_layout::constant_bytes(l); c > 0) r.push_back({"constants", c, 1});
  std::stable_sort(r.begin(), r.end(), [](auto& a, auto& b) { return a.bytes > b.bytes; });
  r.push_back({"stack", device.stack_bytes + tensor_op_layout::matmul_scratch_bytes(l), 1});
  r.push_back({"heap", device.heap_bytes, 1});
  return r;
}

namespace {

// Whether tensor `t` is in the model's row-major layout on the array (a Dense output, a graph input, an
// attention layer's output) rather than channels-last (a conv's, a fused pool's, and the tensor ops
// reading them).
bool row_major_tensor(const Model& m, const TensorOpRegion& region, const std::string& t) {
  const Op* p = m.producer(t);
  if (!p) return true;
  if (p->kind == OpKind::Dense) return true;
  if (p->kind == OpKind::Conv || p->kind == OpKind::MaxPool) return false;
  if (is_attention_kind(p->kind)) return true;
  if (region.layers.count(p->name) || region.fused.count(p->name) || is_unary_kind(p->kind) || p->kind == OpKind::Quantize)
    for (auto& in : p->inputs)
      if (!is_constant(m, in)) return row_major_tensor(m, region, in);
  return false;
}

// Whether tensor `t` enters the array from the host: a graph input, or made from graph inputs by ops the
// host runs before the layers (casts, layout ops, constant scalings; partition.h array_region).
bool enters_from_host(const Model& m, const TensorOpRegion& region, const std::string& t) {
  const Op* p = m.producer(t);
  if (!p) return std::find(m.inputs.begin(), m.inputs.end(), t) != m.inputs.end();
  if (region.layers.count(p->name) || region.fused.count(p->name)) return false;
  switch (p->kind) {
    case OpKind::Quantize: case OpKind::Reshape: case OpKind::Flatten: case OpKind::Transpose: case OpKind::Add:
    case OpKind::Sub: case OpKind::Mul: case OpKind::Div: case OpKind::Clip: break;
    default: return false;
  }
  for (auto& in : p->inputs)
    if (!is_constant(m, in) && !enters_from_host(m, region, in)) return false;
  return true;
}

// Whether the op's inputs are row-major (InputError when they mix layouts).
bool row_major_layout(const Model& m, const TensorOpRegion& region, const Op& op) {
  if (is_attention_kind(op.kind)) return true;
  if (is_unary_kind(op.kind)) return row_major_tensor(m, region, op.inputs.at(0));
  if (op.kind != OpKind::Add) return false;
  const bool first = row_major_tensor(m, region, op.inputs.at(0));
  for (auto& t : op.inputs)
    if (row_major_tensor(m, region, t) != first)
      refuse(op, "its inputs mix channels-last (conv) and row-major (Dense) layouts");
  return first;
}

// Token rows per sample of a row-major tensor: the rows of the Dense layer or attention op that makes it
// ([N, T, F]: T), or for a graph input the dimensions between the batch and the last.
int64_t token_rows(const Model& m, const TensorOpRegion& region, const std::string& t) {
  const Op* p = m.producer(t);
  if (!p) {
    const auto s = m.tensor(t).sample_shape();
    return s.size() >= 2 ? product({s.begin(), s.end() - 1}) : 1;
  }
  if (p->kind == OpKind::Dense) return dense_rows_per_sample(m, *p);
  if (p->kind == OpKind::MatMul) {
    const auto s = m.tensor(p->outputs.at(0)).sample_shape();
    return s.size() == 3 ? s[1] : 1;  // [H, T, T] or [H, T, Dh]: T rows per head
  }
  for (auto& in : p->inputs)
    if (!is_constant(m, in)) return token_rows(m, region, in);
  return 1;
}

// Every field of the layer but its tiles, after the checks that do not depend on the device.
LayerDesign tensor_op_fields(const Op& op, const Model& model, const TensorOpRegion& region, int64_t batch,
                             const std::string& kernel_prefix) {
  if (op.outputs.size() != 1) refuse(op, "exactly one output expected");
  // LayerNorm's gamma and beta are constants of the kernel; every other input is an array tensor.
  const std::vector<std::string> reads =
      op.kind == OpKind::LayerNorm ? std::vector<std::string>{op.inputs.at(0)} : op.inputs;
  const std::set<std::string> distinct(reads.begin(), reads.end());
  if (distinct.size() != reads.size()) refuse(op, "it reads the same tensor twice");
  for (auto& t : reads)
    if (t.empty() || model.tensor(t).is_constant) refuse(op, fmt::format("input '{}' is a constant; tensor-op layers read array tensors", t));
  LayerDesign l;
  l.name = op.name;
  l.op = std::string(to_string(op.kind));
  l.inputs = reads;
  l.input_tensor = reads.at(0);
  l.output_tensor = region.output_of.at(op.name);
  const auto& y = model.tensor(op.outputs[0]).sample_shape();
  const bool row_major = row_major_layout(model, region, op);
  switch (op.kind) {
    case OpKind::Add:
      if (op.inputs.size() != 2) refuse(op, "Add takes two inputs");
      for (auto& t : op.inputs)
        if (model.tensor(t).sample_shape() != y) refuse(op, fmt::format("input '{}' would be broadcast; the array adds tensors of the same shape", t));
      if (y.empty()) refuse(op, "Add of scalars per sample is not supported");
      l.tensor_op = row_major ? std::vector<int64_t>{product(y), 1} : std::vector<int64_t>{y[0], product({y.begin() + 1, y.end()})};
      l.rows_per_sample = row_major ? token_rows(model, region, op.inputs[0]) : 1;
      break;
    case OpKind::Concat: l.tensor_op = concat_geometry(model, op); break;
    case OpKind::Relu: case OpKind::LeakyRelu: case OpKind::Clip:  // elementwise: the Add's geometry
      if (y.empty() || model.tensor(op.inputs[0]).sample_shape() != y) refuse(op, "its input and output shapes differ");
      l.tensor_op = row_major ? std::vector<int64_t>{product(y), 1} : std::vector<int64_t>{y[0], product({y.begin() + 1, y.end()})};
      l.rows_per_sample = row_major ? token_rows(model, region, op.inputs[0]) : 1;
      break;
    case OpKind::MatMul: case OpKind::Softmax: case OpKind::LayerNorm: {
      const auto a = attention_layer(model, op, region.epilogue.at(op.name));
      l.inputs = a.inputs;
      l.input_tensor = a.inputs.at(0);
      l.tensor_op = a.geometry;
      l.rows_per_sample = op.kind == OpKind::MatMul ? a.rows_per_sample : token_rows(model, region, op.inputs[0]);
      break;
    }
    default: l.tensor_op = pool_geometry(model, op); break;
  }
  l.in_features = product(model.tensor(l.input_tensor).sample_shape());
  l.out_features = product(model.tensor(l.output_tensor).sample_shape());
  if (l.out_features != product(y)) refuse(op, "the fused ops after it change the tensor size");
  l.input_bytes = element_bytes(model, op, l.input_tensor);
  for (auto& t : l.inputs)
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
  l.tensor_vector = tensor_vector_plan(model, op, region.epilogue.at(op.name), l);
  l.cost = static_cast<double>(tensor_op_layout::kernel_cycles(l, batch));
  KernelInstance k;
  k.name = fmt::format("{}_c0_p0", kernel_prefix);
  k.variant = "tensor_op";
  k.k_range = {0, l.in_features};
  k.n_range = {0, l.out_features};
  k.writes_output = true;
  l.kernels.push_back(k);
  if (is_graph_output(model, l.output_tensor) && !row_major)
    refuse(op, fmt::format("its output '{}' is a graph output in channels-last order, which tensor-op layers do not write "
                           "yet", l.output_tensor));
  // Channels-last ops read conv-like layers; row-major ops read Dense layers, graph inputs and row-major ops.
  const auto pools = fused_pools(model);
  for (auto& t : l.input_tensors()) {
    const Op* p = model.producer(t);
    // A Slice is a channel view of a conv-like output, or array_region refuses it (channel_views.h).
    const bool conv_like = p && (p->kind == OpKind::Conv || pools.count(p->name) || p->kind == OpKind::Slice);
    const bool tensor_op = p && (region.layers.count(p->name) || region.fused.count(p->name));
    // a Dense output, also through its fused Sigmoid/Tanh/Clip epilogue (fuse_output_activation.h)
    const bool row_source = (p && (p->kind == OpKind::Dense || is_hidden_activation(model, *p))) || enters_from_host(model, region, t);
    if (!(tensor_op || (row_major ? row_source : conv_like)))
      refuse(op, fmt::format("input '{}' is made by {}; {}", t,
                             p ? fmt::format("{} '{}'", to_string(p->kind), p->name) : std::string("no array layer"),
                             row_major ? "this tensor-op layer reads Dense, graph-input or tensor-op outputs"
                                       : "tensor-op layers read conv, fused-pool or tensor-op outputs"));
  }
  const auto views = array_views(model);
  for (const Op* c : model.consumers(l.output_tensor))
    if (c->kind != OpKind::Conv && c->kind != OpKind::Dense && !region.layers.count(c->name) && !views.count(c->name) &&
        !region.fused.count(c->name) && c->kind != OpKind::Slice && !region.concat_views.count(c->name))
      refuse(op, fmt::format("its output '{}' is read by {} '{}', which is not an array layer", l.output_tensor,
                             to_string(c->kind), c->name));
  if (l.rows_per_sample < 1 || l.in_features % l.rows_per_sample || l.out_features % l.rows_per_sample)
    refuse(op, fmt::format("its tensors do not split into {} token rows per sample", l.rows_per_sample));
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
