// Pass fold_constant_scaling (see fold_constant_scaling.h).
#include "passes/fold_constant_scaling.h"

#include "passes/fuse_dense.h"
#include "passes/graph_rewrite.h"

namespace aie4ml::passes {

namespace {

// x * a (Mul, Div) or x + c (Add, Sub) with one constant operand, normalised to multiply / add form.
struct Affine {
  bool is_scale = false;  // multiply by `constant` (else add it)
  size_t data_input = 0;  // the per-sample operand
  std::vector<double> constant;
  std::vector<int64_t> constant_shape;
};

std::optional<Affine> as_affine(const Model& m, const Op& op) {
  if (op.inputs.size() != 2) return std::nullopt;
  const auto& a = m.tensor(op.inputs[0]);
  const auto& b = m.tensor(op.inputs[1]);
  if (a.is_constant == b.is_constant || !(a.is_constant ? a : b).type.is_float()) return std::nullopt;
  const size_t ci = a.is_constant ? 0 : 1;
  const auto& c = ci == 0 ? a : b;
  Affine f;
  f.data_input = 1 - ci;
  f.constant = c.values;
  f.constant_shape = c.shape;
  switch (op.kind) {
    case OpKind::Mul: f.is_scale = true; break;
    case OpKind::Add: break;
    case OpKind::Div:
      if (ci == 0) return std::nullopt;  // c / x is not affine
      f.is_scale = true;
      for (auto& v : f.constant) v = 1.0 / v;
      break;
    case OpKind::Sub:
      if (ci == 0) return std::nullopt;  // c - x negates x
      for (auto& v : f.constant) v = -v;
      break;
    default: return std::nullopt;
  }
  return f;
}

bool float_dense(const Model& m, const Op* op) {
  return op && op->kind == OpKind::Dense && m.tensor(op->inputs.at(1)).type.is_float() &&
         (op->inputs.size() < 3 || op->inputs[2].empty() || m.tensor(op->inputs[2]).type.is_float());
}

void ensure_bias(Model& m, Op& dense) {
  if (dense.inputs.size() >= 3 && !dense.inputs[2].empty()) return;
  const auto n = m.tensor(dense.inputs[1]).shape.back();
  dense.inputs.resize(3);
  dense.inputs[2] = add_constant(m, dense.name + "/bias", {n}, std::vector<double>(static_cast<size_t>(n), 0.0));
}

// Dense -> (x * a | x + c): fold into the Dense's columns.
bool fold_after_dense(Model& m, size_t i) {
  Op& op = m.ops[i];
  const auto f = as_affine(m, op);
  if (!f) return false;
  Op* dense = producer_of(m, op.inputs[f->data_input]);
  if (!float_dense(m, dense) || dense->get_string("activation", "linear") != "linear") return false;
  if (use_count(m, dense->outputs[0]) != 1 || is_graph_output(m, dense->outputs[0])) return false;
  if (m.tensor(op.outputs[0]).shape != m.tensor(dense->outputs[0]).shape) return false;
  Tensor probe;
  probe.is_constant = true;
  probe.values = f->constant;
  probe.shape = f->constant_shape;
  const int64_t n = m.tensor(dense->inputs[1]).shape.back();
  const auto col = per_column(probe, n);
  if (!col) return false;
  ensure_bias(m, *dense);
  auto& b = writable_constant(m, *dense, 2);
  if (f->is_scale) {
    auto& w = writable_constant(m, *dense, 1);
    for (size_t k = 0; k < w.values.size(); ++k) w.values[k] *= (*col)[k % static_cast<size_t>(n)];
    for (size_t j = 0; j < b.values.size(); ++j) b.values[j] *= (*col)[j];
  } else {
    for (size_t j = 0; j < b.values.size(); ++j) b.values[j] += (*col)[j];
  }
  absorb_into_producer(m, i, m.ops[i].inputs[f->data_input]);
  return true;
}

// (x * a | x + c) -> Dense: fold into the Dense's rows / bias.
bool fold_before_dense(Model& m, size_t i) {
  Op& op = m.ops[i];
  const auto f = as_affine(m, op);
  if (!f) return false;
  Op* dense = sole_consumer(m, op.outputs[0]);
  if (!float_dense(m, dense) || dense->inputs[0] != op.outputs[0]) return false;
  const auto& x = m.tensor(op.inputs[f->data_input]);
  if (x.shape.size() != 2 || x.shape != m.tensor(op.outputs[0]).shape) return false;
  const auto& wt = m.tensor(dense->inputs[1]);
  const int64_t k_dim = wt.shape[0], n = wt.shape[1];
  Tensor probe;
  probe.is_constant = true;
  probe.values = f->constant;
  probe.shape = f->constant_shape;
  const auto row = per_column(probe, k_dim);
  if (!row) return false;
  ensure_bias(m, *dense);
  auto& w = writable_constant(m, *dense, 1);
  auto& b = writable_constant(m, *dense, 2);
  for (int64_t k = 0; k < k_dim; ++k)
    for (int64_t j = 0; j < n; ++j) {
      auto& wkj = w.values[static_cast<size_t>(k * n + j)];
      if (f->is_scale) wkj *= (*row)[static_cast<size_t>(k)];
      else b.values[static_cast<size_t>(j)] += (*row)[static_cast<size_t>(k)] * wkj;
    }
  dense->inputs[0] = op.inputs[f->data_input];
  m.ops.erase(m.ops.begin() + static_cast<long>(i));
  m.remove_dead_tensors();
  return true;
}

// (x * a) * b -> x * (a * b); (x + c) + d -> x + (c + d), for equal constant shapes or a scalar.
bool merge_pair(Model& m, size_t i) {
  Op& first = m.ops[i];
  const auto f = as_affine(m, first);
  if (!f) return false;
  Op* second = sole_consumer(m, first.outputs[0]);
  if (!second) return false;
  const auto g = as_affine(m, *second);
  if (!g || g->is_scale != f->is_scale || second->inputs[g->data_input] != first.outputs[0]) return false;
  std::vector<double> merged;
  std::vector<int64_t> shape;
  if (f->constant.size() == g->constant.size() && f->constant_shape == g->constant_shape) {
    shape = f->constant_shape;
    for (size_t k = 0; k < f->constant.size(); ++k)
      merged.push_back(f->is_scale ? f->constant[k] * g->constant[k] : f->constant[k] + g->constant[k]);
  } else if (f->constant.size() == 1 || g->constant.size() == 1) {
    const auto& big = f->constant.size() == 1 ? *g : *f;
    const double s = (f->constant.size() == 1 ? *f : *g).constant[0];
    shape = big.constant_shape;
    for (auto v : big.constant) merged.push_back(f->is_scale ? v * s : v + s);
  } else {
    return false;
  }
  const auto name = add_constant(m, second->name + (f->is_scale ? "/scale" : "/shift"), shape, merged);
  Op& s = *second;
  s.kind = f->is_scale ? OpKind::Mul : OpKind::Add;
  s.inputs = {first.inputs[f->data_input], name};
  m.ops.erase(m.ops.begin() + static_cast<long>(i));
  m.remove_dead_tensors();
  return true;
}

}  // namespace

bool fold_constant_scaling(Model& m) {
  bool changed = false;
  for (bool again = true; again;) {
    again = false;
    for (size_t i = 0; i < m.ops.size() && !again; ++i)
      again = fold_after_dense(m, i) || fold_before_dense(m, i) || merge_pair(m, i);
    changed = changed || again;
  }
  return changed;
}

}  // namespace aie4ml::passes
