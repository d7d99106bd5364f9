// What the generated project says about a tensor-op layer (LayerDesign::tensor_op: Add, Concat, MaxPool,
// AveragePool, GlobalAveragePool on one kernels/tensor_ops.h kernel): the C types of its inputs and
// output, and the members of its config struct: sizes from the Design geometry, and the integer steps of
// the reference interpreter (src/sim/int_kernels.cpp) as requant_steps: the op's own cast into its output
// type, then one step per Relu / Quantize fused after it (found in the model between the op's output and
// the layer's output_tensor).
// Reads: a LayerDesign, the Model (op attributes, tensor types), the batch. Writes: a DenseKernelSpec with
// tensor_op_cfg / tensor_op_call / input_types set (its tensor_op_call names the config struct "CFG"; the
// source writer substitutes the layer's struct name). Checks: fixed-point tensors in 8/16-bit containers,
// shifts within +-40 bits; InputError naming the layer otherwise.
#pragma once
#include <cstdint>

#include "codegen/kernel_spec.h"

namespace aie4ml::codegen {

DenseKernelSpec tensor_op_kernel_spec(const LayerDesign& layer, const Model& model, int64_t batch);

// requantize(v, from_frac, to) (ir/fixed_point.h) as a fully qualified kernels/tensor_ops.h requant_step
// initialiser (also the steps of the piecewise activation epilogues, codegen/output_activation.h).
std::string requant_step_init(int from_frac, const FixedType& to, bool relu, const std::string& layer);

}  // namespace aie4ml::codegen
