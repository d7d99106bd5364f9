// What the generated project says about an attention tensor-op layer (LayerDesign::tensor_op with op
// MatMul, Softmax or LayerNorm; design/tensor_op_layout.h, passes/partition_attention.h):
//   MatMul:    one kernels/matmul_act.h GEMM per head, all heads in the layer's one kernel, each writing
//              its part of the graph's layout (scores [N][H][T][T], context merged [N][T][H Dh]); the
//              cast into the Quantize's type after the MatMul and the fused scalar scale are the kernel's
//              SRS steps (shift frac_a + frac_b - frac_c; scale shift frac_c + frac_s - frac_y).
//   Softmax:   kernels/softmax_rows.h over batch x rows rows, with the reference interpreter's exp
//              tables (codegen::softmax_kernel_table) as a constant array.
//   LayerNorm: kernels/layernorm.h over batch x rows rows, gamma / beta codes (ones / zeros when absent)
//              and the interpreter's epsilon code as constants.
//   Softmax and LayerNorm are followed by the Quantize ops fused after them as requant steps on the
//   output in place (kernels/tensor_ops.h), the same steps as the other tensor ops' epilogues.
// Reads: the LayerDesign, the Model (types, constants, the fused ops), the batch. Writes: the spec's
// tensor_op_cfg (members of the layer's config struct), tensor_op_call and tensor_op_headers. Checks (an
// InputError naming the layer): what the kernels take: the output type of an SRS is its container's
// width with an aie rounding and saturation mode, non-negative shifts, Softmax rows of at most 128,
// equal containers where a kernel works in place.
#pragma once
#include <cstdint>

#include "codegen/kernel_spec.h"

namespace aie4ml::codegen {

// `requant_steps`: the requant_step initialisers of the fused Quantize ops (Softmax / LayerNorm).
void attention_kernel_spec(const LayerDesign& layer, const Model& model, int64_t batch,
                           const std::vector<std::string>& requant_steps, DenseKernelSpec& spec);

}  // namespace aie4ml::codegen
