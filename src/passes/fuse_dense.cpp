// Pass fuse_dense (see fuse_dense.h).
#include "passes/fuse_dense.h"

#include <algorithm>
#include <cmath>

#include "passes/graph_rewrite.h"

namespace aie4ml::passes {

std::optional<std::vector<double>> per_column(const Tensor& c, int64_t n) {
  if (!c.is_constant) return std::nullopt;
  if (c.values.size() == 1) return std::vector<double>(static_cast<size_t>(n), c.values[0]);
  int64_t non_unit = 0;
  for (auto d : c.shape) non_unit += d != 1;
  if (static_cast<int64_t>(c.values.size()) != n || c.shape.empty() || c.shape.back() != n || non_unit > 1)
    return std::nullopt;
  return c.values;
}

namespace {

// The constant operand of an Add/Sub that reads `x`, with the sign it enters the sum with.
std::optional<std::pair<size_t, double>> constant_term(const Model& m, const Op& op, const std::string& x) {
  if (op.kind != OpKind::Add && op.kind != OpKind::Sub) return std::nullopt;
  if (op.inputs.size() != 2) return std::nullopt;
  if (op.inputs[0] == x && m.tensor(op.inputs[1]).is_constant) return std::pair{size_t{1}, op.kind == OpKind::Sub ? -1.0 : 1.0};
  if (op.kind == OpKind::Add && op.inputs[1] == x && m.tensor(op.inputs[0]).is_constant) return std::pair{size_t{0}, 1.0};
  return std::nullopt;
}

}  // namespace

bool fuse_dense(Model& m) {
  bool changed = false;
  for (size_t i = 0; i < m.ops.size(); ++i) {
    Op& dense = m.ops[i];
    if (dense.kind != OpKind::Dense || dense.get_string("activation", "linear") != "linear") continue;
    Op* add = sole_consumer(m, dense.outputs[0]);
    if (!add) continue;
    const auto term = constant_term(m, *add, dense.outputs[0]);
    if (!term) continue;
    const int64_t n = m.tensor(dense.inputs[1]).shape.back();
    const auto c = per_column(m.tensor(add->inputs[term->first]), n);
    // The output shape must not grow through broadcasting with the constant.
    if (!c || m.tensor(add->outputs[0]).shape != m.tensor(dense.outputs[0]).shape) continue;
    const bool has_bias = dense.inputs.size() >= 3 && !dense.inputs[2].empty();
    const auto& term_tensor = m.tensor(add->inputs[term->first]);
    if (!has_bias && term->second > 0 && term_tensor.shape == std::vector<int64_t>{n}) {
      // The constant is the bias as it is (keeps its name and a fixed-point type from a DequantizeLinear).
      dense.inputs.resize(3);
      dense.inputs[2] = add->inputs[term->first];
      absorb_into_producer(m, index_of(m, add), dense.outputs[0]);
      changed = true;
      continue;
    }
    if (!has_bias) {
      dense.inputs.resize(3);
      dense.inputs[2] = add_constant(m, dense.name + "/bias", {n}, std::vector<double>(static_cast<size_t>(n), 0.0));
    }
    auto& b = writable_constant(m, dense, 2);
    for (size_t k = 0; k < b.values.size(); ++k) b.values[k] += term->second * (*c)[k];
    if (b.type.is_fixed()) {
      const bool on_grid = std::all_of(b.values.begin(), b.values.end(), [&](double v) {
        const double q = v / b.type.fixed.lsb();
        return q == std::floor(q) && v >= b.type.fixed.min_value() && v <= b.type.fixed.max_value();
      });
      if (on_grid) {
        for (size_t k = 0; k < b.values.size(); ++k) b.codes[k] = static_cast<int64_t>(b.values[k] / b.type.fixed.lsb());
      } else {
        b.type = NumericType::f32();
        b.codes.clear();
      }
    }
    absorb_into_producer(m, index_of(m, add), dense.outputs[0]);
    changed = true;
  }
  return changed;
}

}  // namespace aie4ml::passes
