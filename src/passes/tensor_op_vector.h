// Which requantisation chains of an Add / Concat tensor-op layer run as vector code: reads the model's
// fixed-point types of the op's inputs, its output and the fused Relu / Quantize ops after it, builds the
// same requant steps codegen gives the kernel (codegen/tensor_op_spec.cpp) and asks the kernel's own rule
// (kernels/tensor_ops_plan.h). Writes LayerDesign::tensor_vector ([steps, relu_steps, v0, v1, ..]; empty
// when nothing is vectorised), which the cost model reads (design/tensor_op_layout.h kernel_cycles).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "design/design.h"
#include "ir/model.h"

namespace aie4ml {

// `epilogue`: the names of the fused ops after `op`, in order.
std::vector<int64_t> tensor_vector_plan(const Model& model, const Op& op, const std::vector<std::string>& epilogue,
                                        const LayerDesign& layer);

}  // namespace aie4ml
