// Pass fold_batchnorm (see fold_batchnorm.h).
#include "passes/fold_batchnorm.h"

#include <cmath>

#include <fmt/format.h>

#include "passes/graph_rewrite.h"
#include "support/error.h"

namespace aie4ml::passes {

namespace {

bool is_2d_swap(const Op* op) {
  return op && op->kind == OpKind::Transpose && op->get_ints("perm") == std::vector<int64_t>{1, 0};
}

// Transpose([1,0]) -> BatchNorm -> Transpose([1,0]) => BatchNorm on the untransposed tensor.
bool undo_transposed_batchnorm(Model& m) {
  for (size_t i = 0; i < m.ops.size(); ++i) {
    Op& bn = m.ops[i];
    if (bn.kind != OpKind::BatchNorm) continue;
    Op* before = producer_of(m, bn.inputs[0]);
    Op* after = sole_consumer(m, bn.outputs[0]);
    if (!is_2d_swap(before) || !is_2d_swap(after) || use_count(m, before->outputs[0]) != 1) continue;
    const auto source = before->inputs[0];
    const auto target = after->outputs[0];
    const auto bn_name = bn.name;
    const auto before_name = before->name, after_name = after->name;
    bn.inputs[0] = source;
    bn.outputs[0] = target;
    std::erase_if(m.ops, [&](const Op& op) { return op.name == before_name || op.name == after_name; });
    m.remove_dead_tensors();
    return true;
  }
  return false;
}

struct Affine {
  std::vector<double> scale, shift;  // y = x * scale + shift, per channel
};

Affine batchnorm_affine(const Model& m, const Op& bn) {
  const auto& gamma = m.tensor(bn.inputs[1]).values;
  const auto& beta = m.tensor(bn.inputs[2]).values;
  const auto& mean = m.tensor(bn.inputs[3]).values;
  const auto& var = m.tensor(bn.inputs[4]).values;
  const double eps = bn.get_float("epsilon", 1e-5);
  Affine a;
  for (size_t c = 0; c < gamma.size(); ++c) {
    const double s = gamma[c] / std::sqrt(var[c] + eps);
    a.scale.push_back(s);
    a.shift.push_back(beta[c] - mean[c] * s);
  }
  return a;
}

bool foldable_producer(const Model& m, const Op* p, size_t channels) {
  if (!p || (p->kind != OpKind::Dense && p->kind != OpKind::Conv)) return false;
  if (p->get_string("activation", "linear") != "linear") return false;
  const auto& w = m.tensor(p->inputs.at(1));
  if (!w.is_constant || !w.type.is_float()) return false;
  if (p->inputs.size() > 2 && !m.tensor(p->inputs[2]).type.is_float()) return false;
  const auto out_channels = p->kind == OpKind::Dense ? w.shape.back() : w.shape.front();
  return static_cast<size_t>(out_channels) == channels;
}

void fold_into(Model& m, Op& producer, const Affine& a) {
  const size_t channels = a.scale.size();
  auto& w = writable_constant(m, producer, 1);
  const size_t per_channel = w.values.size() / channels;
  for (size_t i = 0; i < w.values.size(); ++i) {
    // Dense W is [K, N]: channel = column; Conv W is [C_out, ...]: channel = leading index.
    const size_t c = producer.kind == OpKind::Dense ? i % channels : i / per_channel;
    w.values[i] *= a.scale[c];
  }
  if (producer.inputs.size() < 3 || producer.inputs[2].empty()) {
    producer.inputs.resize(3);
    producer.inputs[2] = add_constant(m, producer.name + "/bias", {static_cast<int64_t>(channels)},
                                      std::vector<double>(channels, 0.0));
  }
  auto& b = writable_constant(m, producer, 2);
  for (size_t c = 0; c < channels; ++c) b.values[c] = b.values[c] * a.scale[c] + a.shift[c];
}

}  // namespace

bool fold_batchnorm(Model& m) {
  bool changed = false;
  while (undo_transposed_batchnorm(m)) changed = true;
  for (size_t i = 0; i < m.ops.size(); ++i) {
    const Op& bn = m.ops[i];
    if (bn.kind != OpKind::BatchNorm) continue;
    const auto& x = m.tensor(bn.inputs[0]);
    if (x.shape.size() >= 2 && x.shape[1] == kBatch)
      throw InputError(fmt::format("BatchNorm '{}': its channel axis is the batch dimension (a transposed "
                                   "BatchNormalization that is not tf2onnx's Transpose-BN-Transpose pattern)", bn.name));
    const auto affine = batchnorm_affine(m, bn);
    Op* producer = producer_of(m, bn.inputs[0]);
    if (!foldable_producer(m, producer, affine.scale.size()) || use_count(m, bn.inputs[0]) != 1 ||
        is_graph_output(m, bn.inputs[0]))
      continue;
    fold_into(m, *producer, affine);
    absorb_into_producer(m, i, m.ops[i].inputs[0]);
    changed = true;
    --i;
  }
  return changed;
}

}  // namespace aie4ml::passes
