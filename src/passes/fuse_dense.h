// Pass fuse_dense: MatMul + Add(constant) -> Dense with bias. (The importer already turns a MatMul with a
// constant weight into a bias-free Dense named after the MatMul node, and Gemm into a Dense with bias.)
// Reads: Dense ops with a linear activation whose output feeds only an Add(out, c), Add(c, out) or
//   Sub(out, c), with c a constant holding one value per output column (shape [N], [1, N]) or a scalar.
// Writes: b' = b + c (or b - c) in double precision; the Dense takes over the Add's output tensor and
//   keeps its name (the MatMul node's name). A fixed-point bias becomes float32 when the sum leaves its grid.
// Checks: nothing (other patterns are left alone).
#pragma once
#include <optional>
#include <vector>

#include "ir/model.h"

namespace aie4ml::passes {

bool fuse_dense(Model& model);  // true when the model changed

// The values of constant `c` as one value per column of an [.., n] tensor, if it broadcasts that way.
std::optional<std::vector<double>> per_column(const Tensor& c, int64_t n);

}  // namespace aie4ml::passes
