// Double-precision kernels of the float interpreter: ONNX semantics evaluated in double; only Quantize
// ops cast (power-of-two: into their FixedType; otherwise QONNX's scale / zero point formula) and Sign
// (BipolarQuant) maps to +-scale.
#pragma once
#include <memory>

#include "ir/model.h"
#include "sim/program.h"

namespace aie4ml::sim {

std::unique_ptr<Kernel<double>> make_float_kernel(const Model& model, const Op& op);

}  // namespace aie4ml::sim
