// Pass remove_noops: data-movement ops that do not change the data.
// Reads: Transpose, Reshape and Flatten ops.
// Writes: removes a Transpose with the identity permutation, a Reshape/Flatten whose output shape equals
//   its input shape, and a pair of Transposes that undo each other; turns a Transpose that only moves
//   size-1 dimensions (row-major order unchanged) into a Reshape; merges a Reshape/Flatten chain into one
//   Reshape. Graph output names are kept (see graph_rewrite.h bypass).
// Checks: nothing.
#pragma once
#include "ir/model.h"

namespace aie4ml::passes {

bool remove_noops(Model& model);  // true when the model changed

}  // namespace aie4ml::passes
