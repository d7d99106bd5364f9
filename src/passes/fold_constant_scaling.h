// Pass fold_constant_scaling: elementwise arithmetic with constants, folded into neighbouring Dense ops
// or merged.
// Reads: Mul / Div / Add / Sub ops with one constant operand (scalar or one value per feature).
// Writes, in double precision:
//   - after a Dense (float weights, linear activation, sole reader): y * a -> W[:, n] * a[n], b[n] * a[n]
//     (Div: a = 1 / c).
//   - before a Dense (float weights, 2-D input, the op's sole reader): (x * a) @ W -> x @ (a[k] * W[k, :]);
//     (x + c) @ W -> x @ W + (c @ W) added to the bias (Sub: -c). This is how input scaling such as
//     (x + 1) / 2 disappears into the first layer.
//   - two consecutive scalings (or two shifts) with compatible constants merge into one op.
//   Fixed-point weights are left alone (the scaled values would leave their grid).
// Checks: nothing.
#pragma once
#include "ir/model.h"

namespace aie4ml::passes {

bool fold_constant_scaling(Model& model);  // true when the model changed

}  // namespace aie4ml::passes
