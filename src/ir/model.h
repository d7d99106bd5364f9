// Model IR (level 1 of 3): a DAG of ops over named tensors with shapes and numeric types.
//
// Conventions every pass relies on:
// - Activation tensors carry the batch as their first dimension, written kBatch (-1) when it is free;
//   the other dimensions are per sample. Constant tensors (weights, biases) have no batch dimension.
// - A tensor with a FixedType holds only values q * 2^-frac; an op computes its exact real result and
//   casts it into its output tensor's type (rounding, then overflow), as hls4ml's ap_fixed does.
// - Dense: inputs {x [N,K], W [K,N_out], b [N_out] (optional)}; W is stored in x @ W orientation.
//   Attribute "activation" is "linear", "relu" or "leaky_relu" (with "alpha"); ReLU is applied to the
//   output codes after the cast (as the kernel does after shift-round-saturate). Attribute "accum" may
//   hold an accumulator type.
// - `ops` is kept in topological order (Model::sort checks it is a DAG).
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "ir/numeric_type.h"

namespace aie4ml {

inline constexpr int64_t kBatch = -1;

enum class OpKind : uint8_t {
  Dense,              // fully connected, fused bias and activation
  MatMul,             // product of two activations (attention); weights-free
  Add, Sub, Mul, Div, // elementwise, numpy broadcasting; a constant operand is allowed
  Relu, LeakyRelu, Sigmoid, Tanh, Softmax, Clip,
  BatchNorm,          // inputs x, scale, bias, mean, var; attr epsilon (folded into Dense when possible)
  LayerNorm,
  Quantize,           // cast input to the output tensor's type (QDQ / QONNX quantisers)
  Conv, MaxPool, AveragePool, GlobalAveragePool,
  Flatten, Reshape, Transpose, Concat,
  Sign,               // QONNX BipolarQuant: +scale where x >= 0, else -scale (attr "scale"); unlike ONNX
                      // Sign, 0 maps to +scale
  Slice,              // per-sample strided window: attrs "starts", "steps" over the full rank (batch
                      // entry 0 / 1); the output shape gives the counts. ONNX Split imports as Slices
};

std::string_view to_string(OpKind k);
std::optional<OpKind> parse_op_kind(std::string_view s);

struct Tensor {
  std::string name;
  std::vector<int64_t> shape;      // activations: shape[0] is the batch dimension
  NumericType type;
  bool is_constant = false;
  std::vector<double> values;      // constants: real values, row-major
  std::vector<int64_t> codes;      // constants after quantisation: integer codes in `type`

  int64_t elements() const;        // product of the dimensions (batch counted as 1)
  std::vector<int64_t> sample_shape() const;  // shape without the batch dimension (activations)
};

using AttrValue = std::variant<int64_t, double, std::string, std::vector<int64_t>, std::vector<double>>;

struct Op {
  OpKind kind{};
  std::string name;                 // the ONNX node name that carries the weights (layer name)
  std::vector<std::string> inputs;  // tensor names; "" marks an absent optional input
  std::vector<std::string> outputs;
  std::map<std::string, AttrValue> attrs;

  bool has(const std::string& key) const { return attrs.count(key) != 0; }
  int64_t get_int(const std::string& key, int64_t fallback) const;
  double get_float(const std::string& key, double fallback) const;
  std::string get_string(const std::string& key, const std::string& fallback) const;
  std::vector<int64_t> get_ints(const std::string& key) const;
};

class Model {
 public:
  std::string name;
  std::map<std::string, Tensor> tensors;  // ordered: deterministic dumps
  std::vector<Op> ops;                    // topological order
  std::vector<std::string> inputs, outputs;

  Tensor& tensor(const std::string& name);              // throws InputError when absent
  const Tensor& tensor(const std::string& name) const;
  bool has_tensor(const std::string& name) const { return tensors.count(name) != 0; }
  Tensor& add_tensor(Tensor t);                         // throws when the name exists

  const Op* producer(const std::string& tensor) const;  // nullptr for graph inputs and constants
  std::vector<const Op*> consumers(const std::string& tensor) const;
  Op* find_op(const std::string& name);
  const Op* find_op(const std::string& name) const;

  // Re-establish topological order (stable: ties keep their current order); throws InputError on a
  // cycle or on an op reading a tensor nobody defines.
  void sort();
  // Drop tensors no op or graph IO references.
  void remove_dead_tensors();
  // Parameters (constant elements) and multiply-accumulates per sample, for `inspect`.
  int64_t parameter_count() const;
  int64_t macs_per_sample() const;

  nlohmann::json to_json(bool with_values = false) const;
  static Model from_json(const nlohmann::json& j);
};

}  // namespace aie4ml
