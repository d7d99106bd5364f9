// The activation epilogue of a Dense layer in the generated project: a final Softmax (kernels/softmax.h),
// a Sigmoid / Tanh (kernels/activation_table.h tables; final or between layers), or a LeakyReLU / Clip
// (the piecewise-linear epilogue of kernels/activation_table.h) run on the layer's output kernel.
// Reads: a LayerDesign whose activation is "softmax", "sigmoid", "tanh" or "clip" (passes/
//   fuse_output_activation.h put it there: its output_tensor is the activation's output, the Dense op of
//   the same name writes the activation's input) or "leaky_relu" (fused into the Dense op by canonicalize:
//   its output is the layer's) and the quantised Model (the two types, alpha, the Clip bounds).
// Writes: the kernel parameters and the table, taken from the reference interpreter's own tables
//   (sim/reference_ops.h softmax_table, sigmoid_table, tanh_table), so kernel and reference share every
//   entry; and the text the layer's kernel source needs.
// Checks: what the kernels support (equal 8/16-bit containers, cas_num 1; Softmax: at most 128 features,
//   output frac 0..16); anything else is an InputError naming the layer.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "design/design.h"
#include "ir/fixed_point.h"
#include "ir/model.h"

namespace aie4ml::codegen {

// The exp tables of kernels/softmax.h for an input type: the reference's hi table followed by its lo
// table (sim/reference_ops.h SoftmaxTable), uint32 values exp(-v) 2^24.
struct SoftmaxKernelTable {
  static constexpr int kMaxEntries = 1067;  // kernels/softmax.h's bound: 4268 bytes (index_frac 14)
  int index_shift = 0;            // in.frac - index_frac
  int hi_size = 0;                // entries of hi
  int lo_bits = 0;                // lo has 2^lo_bits entries
  std::vector<int64_t> entries;   // hi_size + 2^lo_bits uint32 values
};
SoftmaxKernelTable softmax_kernel_table(const FixedType& in);

// The overflow enumerator (kernels/softmax.h softmax_overflow, also used by kernels/layernorm.h) of a mode.
const char* softmax_overflow_enumerator(OverflowMode o);

// The table of kernels/activation_table.h: output codes for the index codes [index_lo, index_lo + size)
// that inputs of type `in` reach.
struct ActivationKernelTable {
  int index_shift = 0;
  int index_lo = 0;
  std::vector<int64_t> entries;   // output codes
};
ActivationKernelTable activation_kernel_table(const std::string& kind, const FixedType& in, const FixedType& out);

struct OutputActivationSpec {
  std::string kind;               // "softmax" | "sigmoid" | "tanh" | "leaky_relu" | "clip"
  std::string op;                 // the model's activation op
  std::string dense_tensor;       // the Dense's own output (the activation's input)
  FixedType in, out;
  std::string x_type, y_type;     // containers: Dense output, activation output
  int features = 0;
  int index_shift = 0;
  // Softmax
  int hi_size = 0, lo_bits = 0;   // the exp tables' shape (SoftmaxKernelTable)
  std::string rounding;           // aie::rounding_mode enumerator
  std::string overflow;           // aie4ml::kernels::softmax_overflow enumerator
  // Softmax: uint32 exp tables hi then lo; Sigmoid/Tanh: output codes from index_lo
  std::vector<int64_t> table;
  int index_lo = 0;
  // LeakyReLU / Clip: the kernels::piecewise_params initialiser (no table)
  std::string piecewise;
  bool has_table() const { return piecewise.empty(); }
};

// The kernels::piecewise_params (kernels/tensor_ops.h) of a ReLU, LeakyReLU or Clip from input codes of
// type x to type y, from the reference's definitions (reference_ops.h leaky_relu_code, ClipCodes). `attrs`:
// the op holding alpha_code/alpha_frac (a LeakyRelu, or a Dense with a fused one) or the Clip bounds.
struct PiecewiseSpec {
  int64_t lo_code = INT64_MIN, lo_out = 0, hi_code = INT64_MAX, hi_out = 0, neg_mul = 1;
  int neg_from_frac = 0, pos_from_frac = 0;  // the steps: requantize(., from_frac, out)
  FixedType out;
};
PiecewiseSpec piecewise_spec(OpKind kind, const Op& attrs, const FixedType& x, const FixedType& y);
std::string piecewise_init(const PiecewiseSpec& p, const std::string& layer);  // C++ initialiser text

bool is_output_activation(const std::string& activation);  // softmax, sigmoid, tanh, leaky_relu, clip

// The Dense's own output tensor of a layer (the activation's input when one is fused).
std::string dense_output_tensor(const LayerDesign& l, const Model& m);

OutputActivationSpec output_activation_spec(const LayerDesign& l, const Model& m);

// Text for the layer's kernel source: the config alias `<prefix>_act_cfg` and the table
// `<prefix>_act_table`; and the kernel library function of a variant ("single" / "last").
std::string output_activation_definitions(const OutputActivationSpec& s, const std::string& prefix, const std::string& params_ns);
std::string output_activation_function(const OutputActivationSpec& s, const std::string& variant_suffix);
std::string output_activation_header(const OutputActivationSpec& s);  // "softmax.h" | "activation_table.h"

}  // namespace aie4ml::codegen
