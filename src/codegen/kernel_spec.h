// What the generated project says about each mapped layer's kernels: C element types, accumulator,
// shift-round-saturate parameters, ReLU, and the packed weight and bias arrays, derived from a Design
// layer and the quantised Model (the numerics contract of kernels/README.md).
// Reads: a LayerDesign, the Model's tensors (types, weight and bias codes), the batch.
// Conv layers (LayerDesign::conv) get the same spec for their im2col GEMM (weights from passes/conv_gemm.h)
//   plus the conv geometry; a layer with input_order gets its weight rows in the array's feature order.
// Writes: a DenseKernelSpec. Checks: that the kernels compute this layer bit-exactly: fixed-point
//   operands in their containers, an output type exactly as wide as its 8/16-bit container (the kernel
//   saturates or wraps at the container width), bias at the accumulator scale, an hls4ml rounding and
//   overflow mode the AIE mode registers implement, linear or ReLU activation (or a fused output
//   activation, codegen/output_activation.h), a legal shift. bf16 layers (passes/to_bf16.h): bfloat16
//   operands and output, accfloat, linear or ReLU, bias as float (docs/numerics.md "bf16"). Anything
//   else is an InputError naming the layer and what is not supported.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "design/design.h"
#include "ir/model.h"
#include "codegen/output_activation.h"
#include "passes/pack_weights.h"

namespace aie4ml::codegen {

struct DenseKernelSpec {
  std::string layer;          // layer name as in the Design
  std::string prefix;         // C identifier for the layer (functions, namespaces, macros)
  std::string a_type, b_type, c_type;  // kernel element types: "int8", "uint8", "int16", "uint16"
  std::string acc;            // "acc32" | "acc64"
  int shift = 0;              // frac_in + frac_w - frac_out
  bool relu = false;
  std::string rounding, saturation;  // aie::rounding_mode / aie::saturation_mode enumerators
  DenseGrid grid;
  PackedDense packed;         // weights per kernel (chain-major), bias per chain (zeros when none)
  // activation softmax / sigmoid / tanh: the epilogue on the output kernel (c_type is then its output)
  std::optional<OutputActivationSpec> output_activation;
  // Conv layers (kernels/conv.h): conv_geometry's template arguments and the batch in samples; empty
  // for dense layers. grid then describes the im2col GEMM (rows batch x positions, K the window).
  std::string conv_geometry;
  int64_t conv_batch = 0, conv_input_elems = 0;  // samples; one kernel's input buffer (batch x in_features;
                                                // the memtile im2col kernel: its patch matrix)
  // Tensor-op layers (kernels/tensor_ops.h, codegen/tensor_op_spec.h): the members of the layer's config
  // struct, the body of its kernel function, and the C type of every input (a_type is input 0's); empty
  // for dense and conv layers.
  std::string tensor_op_cfg, tensor_op_call;
  std::vector<std::string> tensor_op_headers;  // kernels/ headers the layer's source includes, in order
  std::vector<std::string> input_types;
  bool is_tensor_op() const { return !tensor_op_cfg.empty(); }
  const std::string& dense_c_type() const { return output_activation ? output_activation->x_type : c_type; }
  // bfloat16 x bfloat16 -> bfloat16 with accfloat (docs/numerics.md "bf16"): codes are bf16 bit patterns,
  // the bias array is float.
  bool is_bf16() const { return a_type == "bfloat16"; }
};

// A C identifier from any name: non-alphanumerics become '_', a leading digit gets "l_".
std::string c_identifier(const std::string& name);

// The spec of one Dense layer; throws InputError (naming the layer) when the kernels cannot compute it
// exactly.
DenseKernelSpec dense_kernel_spec(const LayerDesign& layer, const Model& model, int64_t batch);

// Specs of every layer of a design, with prefixes made unique.
std::vector<DenseKernelSpec> kernel_specs(const Design& design, const Model& model);

// The container a fixed-point type travels in on the array: "int8", "uint8", "int16" or "uint16"
// (`bytes` from the Design), "bfloat16" for bf16; throws InputError when the type does not fit it.
std::string container_type(const NumericType& t, int bytes, const std::string& what);

}  // namespace aie4ml::codegen
