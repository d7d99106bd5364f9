// Canonicalisation pipeline run after import: the IR every later stage expects.
// Reads: an imported Model. Writes: the same model with BatchNorm folded into the preceding Dense/Conv
//   (including tf2onnx's Transpose-BatchNorm-Transpose), MatMul + Add(constant) fused into Dense,
//   Relu/LeakyRelu fused into the preceding Dense/Conv when it has no other consumer, no-op
//   Identity/Dropout/Reshape/Flatten/Transpose removed, constant elementwise scalings folded.
// Checks: nothing beyond the IR's invariants; unsupported leftovers are reported by later stages.
#pragma once
#include "ir/model.h"

namespace aie4ml {

void canonicalize(Model& model);

}  // namespace aie4ml
