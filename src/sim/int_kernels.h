// Integer kernels of the reference interpreter: one prepared kernel per op of a quantised Model.
// Every kernel computes the op's exact result from the input codes and casts it once into the output
// type (requantize: rounding, then overflow), as the Model IR specifies; docs/numerics.md lists the
// per-op definitions.
#pragma once
#include <memory>

#include "ir/model.h"
#include "sim/program.h"

namespace aie4ml::sim {

// Throws InputError naming the op when it has no fixed-point implementation or its types are not fixed.
std::unique_ptr<Kernel<int64_t>> make_int_kernel(const Model& model, const Op& op);

}  // namespace aie4ml::sim
