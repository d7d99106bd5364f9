// Canonicalisation pipeline run after import: the IR every later stage expects.
// Reads: an imported Model. Writes: the same model with BatchNorm folded into the preceding Dense/Conv
//   (including tf2onnx's Transpose-BatchNorm-Transpose), MatMul + Add(constant) fused into Dense,
//   Relu/LeakyRelu fused into the preceding Dense/Conv when it has no other consumer, no-op
//   Identity/Dropout/Reshape/Flatten/Transpose removed, constant elementwise scalings folded.
//   One file per pass: fold_batchnorm, fuse_dense, fold_constant_scaling, fuse_activation, remove_noops
//   (each header says exactly what it rewrites). Folding never touches fixed-point weights: a BatchNorm or
//   a scaling after a quantised Dense stays an op. Edited constants shared with other ops are copied first.
// Checks: nothing beyond the IR's invariants (and a BatchNorm whose channel axis is the batch, which
//   throws InputError); unsupported leftovers are reported by later stages.
#pragma once
#include "ir/model.h"

namespace aie4ml {

void canonicalize(Model& model);

}  // namespace aie4ml
