// Canonicalisation pipeline (see canonicalize.h): runs the clean-up passes until none changes the model.
// Order inside one round: BatchNorm folding first (it needs the Dense/Conv before any bias or activation
// fusion), then bias fusion, constant scalings, activation fusion, and finally no-op removal, which can
// expose new patterns for the next round.
#include "passes/canonicalize.h"

#include "passes/fold_batchnorm.h"
#include "passes/fold_constant_scaling.h"
#include "passes/fuse_activation.h"
#include "passes/fuse_dense.h"
#include "passes/remove_noops.h"

namespace aie4ml {

void canonicalize(Model& model) {
  // Every pass removes at least one op when it reports a change, so the loop ends.
  for (bool changed = true; changed;) {
    changed = false;
    changed |= passes::fold_batchnorm(model);
    changed |= passes::fuse_dense(model);
    changed |= passes::fold_constant_scaling(model);
    changed |= passes::fuse_activation(model);
    changed |= passes::remove_noops(model);
  }
  model.sort();
  model.remove_dead_tensors();
}

}  // namespace aie4ml
