// Pass fuse_activation (see fuse_activation.h).
#include "passes/fuse_activation.h"

#include "passes/graph_rewrite.h"

namespace aie4ml::passes {

bool fuse_activation(Model& m) {
  bool changed = false;
  for (size_t i = 0; i < m.ops.size(); ++i) {
    const Op& act = m.ops[i];
    if (act.kind != OpKind::Relu && act.kind != OpKind::LeakyRelu) continue;
    Op* p = producer_of(m, act.inputs[0]);
    if (!p || (p->kind != OpKind::Dense && p->kind != OpKind::Conv)) continue;
    if (p->get_string("activation", "linear") != "linear") continue;
    if (use_count(m, act.inputs[0]) != 1 || is_graph_output(m, act.inputs[0])) continue;
    if (act.kind == OpKind::Relu) {
      p->attrs["activation"] = std::string("relu");
    } else {
      p->attrs["activation"] = std::string("leaky_relu");
      p->attrs["alpha"] = act.get_float("alpha", 0.01);
    }
    absorb_into_producer(m, i, m.ops[i].inputs[0]);
    changed = true;
    --i;
  }
  return changed;
}

}  // namespace aie4ml::passes
