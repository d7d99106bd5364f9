// Pass fuse_activation: Relu / LeakyRelu into the preceding Dense or Conv.
// Reads: Relu and LeakyRelu ops whose input is produced by a Dense or Conv with a linear activation and
//   read by nothing else (not a graph output either).
// Writes: the Dense/Conv gets attr activation = "relu" or "leaky_relu" (+ "alpha") and takes over the
//   activation's output tensor; the activation op is removed.
// Checks: nothing.
#pragma once
#include "ir/model.h"

namespace aie4ml::passes {

bool fuse_activation(Model& model);  // true when the model changed

}  // namespace aie4ml::passes
