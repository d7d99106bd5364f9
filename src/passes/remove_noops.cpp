// Pass remove_noops (see remove_noops.h).
#include "passes/remove_noops.h"

#include "passes/graph_rewrite.h"

namespace aie4ml::passes {

namespace {

bool is_identity(const std::vector<int64_t>& perm) {
  for (size_t i = 0; i < perm.size(); ++i)
    if (perm[i] != static_cast<int64_t>(i)) return false;
  return true;
}

// True when permuting `shape` by `perm` keeps the dimensions larger than 1 in their order, so the
// row-major data is unchanged.
bool moves_only_unit_dims(const std::vector<int64_t>& shape, const std::vector<int64_t>& perm) {
  int64_t last = -1;
  for (auto p : perm) {
    const auto d = shape[static_cast<size_t>(p)];
    if (d == 1) continue;
    if (p < last) return false;
    last = p;
  }
  return true;
}

bool is_reshape_like(const Op& op) { return op.kind == OpKind::Reshape || op.kind == OpKind::Flatten; }

bool simplify(Model& m, size_t i) {
  Op& op = m.ops[i];
  const auto& in = m.tensor(op.inputs[0]);
  const auto& out = m.tensor(op.outputs[0]);
  if (op.kind == OpKind::Transpose) {
    const auto perm = op.get_ints("perm");
    if (is_identity(perm)) return bypass(m, i), true;
    // A pair of Transposes that cancel.
    if (Op* next = sole_consumer(m, op.outputs[0]); next && next->kind == OpKind::Transpose) {
      const auto second = next->get_ints("perm");
      std::vector<int64_t> composed(perm.size());
      for (size_t k = 0; k < perm.size(); ++k) composed[k] = perm[static_cast<size_t>(second[k])];
      if (is_identity(composed)) {
        const size_t j = index_of(m, next);
        bypass(m, j);
        bypass(m, i);
        return true;
      }
    }
    if (in.shape[0] == kBatch && perm[0] == 0 && moves_only_unit_dims(in.shape, perm)) {
      op.kind = OpKind::Reshape;
      op.attrs.clear();
      op.attrs["shape"] = out.shape;
      return true;
    }
    return false;
  }
  if (!is_reshape_like(op)) return false;
  if (in.shape == out.shape) return bypass(m, i), true;
  // Reshape(Reshape(x)) -> Reshape(x): read the first op's input when nothing else needs its output.
  if (Op* prev = producer_of(m, op.inputs[0]); prev && is_reshape_like(*prev) && use_count(m, op.inputs[0]) == 1 &&
                                               !is_graph_output(m, op.inputs[0])) {
    op.inputs[0] = prev->inputs[0];
    op.kind = OpKind::Reshape;
    op.attrs.clear();
    op.attrs["shape"] = out.shape;
    m.ops.erase(m.ops.begin() + static_cast<long>(index_of(m, prev)));
    m.remove_dead_tensors();
    return true;
  }
  return false;
}

}  // namespace

bool remove_noops(Model& m) {
  bool changed = false;
  for (bool again = true; again;) {
    again = false;
    for (size_t i = 0; i < m.ops.size(); ++i)
      if (simplify(m, i)) {
        again = changed = true;
        break;
      }
  }
  return changed;
}

}  // namespace aie4ml::passes
