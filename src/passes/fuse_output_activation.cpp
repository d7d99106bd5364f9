// Pass fuse_output_activation (see fuse_output_activation.h).
#include "passes/fuse_output_activation.h"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "ir/fixed_point.h"

namespace aie4ml {

namespace {

// Byte size of the 8/16-bit container a fixed-point type travels in, or 0.
int container_bytes(const NumericType& t) {
  if (!t.is_fixed()) return 0;
  return t.fixed.width <= 8 ? 1 : (t.fixed.width <= 16 ? 2 : 0);
}

// Why `op` cannot be the epilogue of `layer` (nullopt: it can).
std::optional<std::string> refusal(const Op& op, const LayerDesign& layer, const Model& m) {
  const std::string& x = op.inputs.at(0);
  if (layer.activation != "linear") return fmt::format("layer '{}' has activation {}", layer.name, layer.activation);
  if (m.consumers(x).size() != 1 || std::count(m.outputs.begin(), m.outputs.end(), x))
    return fmt::format("'{}' is read by more than '{}'", x, op.name);
  if (layer.cas_num != 1) return fmt::format("layer '{}' has {} chains; the row must be on one kernel", layer.name, layer.cas_num);
  const Tensor& xt = m.tensor(x);
  const Tensor& yt = m.tensor(op.outputs.at(0));
  const int bx = container_bytes(xt.type), by = container_bytes(yt.type);
  if (bx == 0 || by == 0 || bx != layer.output_bytes || by != bx)
    return fmt::format("types {} -> {} are not fixed point in one 8/16-bit container", xt.type.str(), yt.type.str());
  if (op.kind != OpKind::Softmax) return std::nullopt;
  const int64_t axis = op.get_int("axis", -1);
  if (xt.shape.size() != 2 || (axis != -1 && axis != 1)) return "only the last axis of a [batch, features] tensor is supported";
  if (layer.out_features > 128) return fmt::format("{} features (at most 128)", layer.out_features);
  if (yt.type.fixed.frac < 0 || yt.type.fixed.frac > 16) return fmt::format("output {} needs 0..16 fractional bits", yt.type.str());
  return std::nullopt;
}

}  // namespace

int64_t epilogue_table_bytes(OpKind kind, const Model& m, const Op& op) {
  const auto& y = m.tensor(op.outputs.at(0)).type;
  if (kind == OpKind::Softmax) return 1067 * 4;  // kernels/softmax.h's bound on its uint32 exp tables
  if (kind != OpKind::Sigmoid && kind != OpKind::Tanh) return 0;  // piecewise epilogues have no table
  return activation_table_entries(m.tensor(op.inputs.at(0)).type.fixed) * container_bytes(y);
}

namespace {

bool is_elementwise_epilogue(OpKind k) { return k == OpKind::Sigmoid || k == OpKind::Tanh || k == OpKind::Clip; }

}  // namespace

std::optional<std::string> activation_name(OpKind k) {
  switch (k) {
    case OpKind::Softmax: return "softmax";
    case OpKind::Sigmoid: return "sigmoid";
    case OpKind::Tanh: return "tanh";
    case OpKind::Clip: return "clip";
    default: return std::nullopt;
  }
}

const Op* hidden_activation_of(const Model& m, const Op& dense) {
  if (dense.kind != OpKind::Dense || dense.outputs.size() != 1 || dense.get_string("activation", "linear") != "linear")
    return nullptr;
  const std::string& x = dense.outputs[0];
  const auto readers = m.consumers(x);
  if (readers.size() != 1 || std::count(m.outputs.begin(), m.outputs.end(), x)) return nullptr;
  const Op& op = *readers[0];
  if (!is_elementwise_epilogue(op.kind) || op.inputs.size() != 1 || op.outputs.size() != 1) return nullptr;
  const std::string& y = op.outputs[0];
  if (m.consumers(y).empty() || std::count(m.outputs.begin(), m.outputs.end(), y)) return nullptr;  // output: fuse_output_activation
  const int bx = container_bytes(m.tensor(x).type), by = container_bytes(m.tensor(y).type);
  return bx != 0 && bx == by ? &op : nullptr;
}

bool is_hidden_activation(const Model& m, const Op& op) {
  if (!is_elementwise_epilogue(op.kind) || op.inputs.size() != 1) return false;
  const Op* dense = m.producer(op.inputs[0]);
  return dense && hidden_activation_of(m, *dense) == &op;
}

void fuse_output_activation(PartitionResult& parts, const Model& m, const Config& config,
                            std::map<std::string, std::string>* why_not) {
  std::vector<HostOp> kept;
  for (auto& h : parts.host_ops) {
    const Op* op = m.find_op(h.name);
    const auto activation = op ? activation_name(op->kind) : std::nullopt;
    const bool candidate = h.stage == "after" && activation && op->inputs.size() == 1 && op->outputs.size() == 1;
    auto layer = candidate ? std::find_if(parts.layers.begin(), parts.layers.end(),
                                          [&](const LayerDesign& l) { return l.output_tensor == op->inputs[0]; })
                           : parts.layers.end();
    std::optional<std::string> why;
    if (!candidate) why = "";  // not an output activation: nothing to say
    else if (layer == parts.layers.end()) why = "its input is not a mapped layer's output";
    else if (const LayerConfig* c = config.layer(h.name); c && c->target == "host") why = "the config asks for the host";
    else why = refusal(*op, *layer, m);
    if (why) {
      if (why_not && !why->empty()) (*why_not)[h.name] = *why;
      kept.push_back(h);
      continue;
    }
    layer->activation = *activation;
    layer->epilogue_table_bytes = epilogue_table_bytes(op->kind, m, *op);
    layer->output_tensor = op->outputs[0];
    layer->output_type = m.tensor(layer->output_tensor).type.str();
  }
  parts.host_ops = std::move(kept);
}

}  // namespace aie4ml
