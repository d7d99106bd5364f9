// Kernel parameters of mapped layers (see kernel_spec.h).
#include "codegen/kernel_spec.h"

#include <cctype>
#include <set>

#include <fmt/format.h>

#include "codegen/tensor_op_spec.h"
#include "design/conv_layout.h"
#include "passes/conv_gemm.h"
#include "support/error.h"

namespace aie4ml::codegen {

std::string c_identifier(const std::string& name) {
  std::string out;
  for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "l_" + out;
  return out;
}

std::string container_type(const NumericType& t, int bytes, const std::string& what) {
  if (t.kind == ScalarKind::BFloat16 && bytes == 2) return "bfloat16";
  if (!t.is_fixed())
    throw InputError(fmt::format("{} is {}; the generated project carries fixed-point layers only (bf16 kernels "
                                 "are not emitted yet)",
                                 what, t.str()));
  const int bits = bytes * 8;
  if (bits != 8 && bits != 16)
    throw InputError(fmt::format("{} travels in {}-bit elements; the dense kernels take 8 or 16", what, bits));
  if (t.fixed.width > bits)
    throw InputError(fmt::format("{} has type {} ({} bits), wider than its {}-bit container", what, t.str(),
                                 t.fixed.width, bits));
  return fmt::format("{}int{}", t.fixed.is_signed ? "" : "u", bits);
}

namespace {

const FixedType& fixed_of(const Model& m, const std::string& tensor, const std::string& layer, const char* role) {
  const auto& t = m.tensor(tensor);
  if (!t.type.is_fixed())
    throw InputError(fmt::format("layer '{}': {} tensor '{}' is {}; the generated project carries fixed-point "
                                 "layers only",
                                 layer, role, tensor, t.type.str()));
  return t.type.fixed;
}

std::vector<int64_t> codes_of(const Model& m, const std::string& tensor, const std::string& layer, size_t expected) {
  const auto& t = m.tensor(tensor);
  if (t.codes.size() != expected)
    throw InputError(fmt::format("layer '{}': tensor '{}' has {} integer codes, expected {} (is the model quantised?)",
                                 layer, tensor, t.codes.size(), expected));
  return t.codes;
}

void check_output(const LayerDesign& l, const FixedType& y, const std::string& c_type) {
  const int bits = l.output_bytes * 8;
  if (y.width != bits)
    throw InputError(fmt::format(
        "layer '{}': output type {} is {} bits wide but travels in {} elements; the dense kernel rounds and "
        "saturates (or wraps) at the container width, so it would not be bit-exact (use a {}-bit result type)",
        l.name, y.str(), y.width, c_type, bits));
}

std::string rounding_of(const LayerDesign& l, const FixedType& y) {
  const auto r = aie_rounding_mode(y.rounding);
  if (!r) throw InputError(fmt::format("layer '{}': rounding mode {} has no AIE equivalent", l.name, to_string(y.rounding)));
  return std::string(*r);
}

std::string saturation_of(const LayerDesign& l, const FixedType& y) {
  const auto s = aie_saturation_mode(y.overflow);
  if (!s)
    throw InputError(fmt::format("layer '{}': overflow mode {} of output type {} has no AIE saturation mode and the "
                                 "dense kernel does not emulate it; use AP_SAT, AP_SAT_SYM or AP_WRAP",
                                 l.name, to_string(y.overflow), y.str()));
  return std::string(*s);
}

// The kernel grid of a layer whose GEMM has `rows` rows and `k` inputs (a Dense: the batch and its
// features; a conv: batch x positions and the window).
DenseGrid layer_grid(const LayerDesign& l, int64_t rows, int64_t k) {
  DenseGrid g;
  g.batch = static_cast<int>(rows);
  g.in_features = static_cast<int>(k);
  g.out_features = static_cast<int>(l.out_features);
  g.cas_length = l.cas_length;
  g.cas_num = l.cas_num;
  g.tiling = {l.tile_m, l.tile_k, l.tile_n};
  g.m_padded = static_cast<int>(l.batch_padded);
  g.k_slice = static_cast<int>(l.k_slice);
  g.n_slice = static_cast<int>(l.n_slice);
  g.validate(l.name);
  return g;
}

}  // namespace

// A bf16 layer (passes/to_bf16.h): bfloat16 x bfloat16 -> bfloat16, accfloat, bias added after the
// sum (kernels/dense.h), round to nearest even, linear or ReLU.
static DenseKernelSpec bf16_dense_kernel_spec(const LayerDesign& l, const Model& m, int64_t batch) {
  DenseKernelSpec s;
  s.layer = l.name;
  s.prefix = c_identifier(l.name);
  for (auto [tensor, role] : {std::pair{&l.input_tensor, "input"}, std::pair{&l.weight_tensor, "weight"},
                              std::pair{&l.output_tensor, "output"}, std::pair{&l.bias_tensor, "bias"}})
    if (!tensor->empty() && m.tensor(*tensor).type.kind != ScalarKind::BFloat16)
      throw InputError(fmt::format("layer '{}': {} tensor '{}' is {}; a bf16 layer takes bf16 only", l.name, role,
                                   *tensor, m.tensor(*tensor).type.str()));
  s.a_type = container_type(m.tensor(l.input_tensor).type, l.input_bytes, fmt::format("layer '{}': input", l.name));
  s.b_type = container_type(m.tensor(l.weight_tensor).type, l.weight_bytes, fmt::format("layer '{}': weight", l.name));
  s.c_type = container_type(m.tensor(l.output_tensor).type, l.output_bytes, fmt::format("layer '{}': output", l.name));
  s.acc = "accfloat";
  if (l.activation != "linear" && l.activation != "relu")
    throw InputError(fmt::format("layer '{}': activation {} has no bf16 kernel variant (linear and relu do)", l.name,
                                 l.activation));
  s.relu = l.activation == "relu";
  s.rounding = "conv_even";
  s.saturation = "none";
  s.grid = layer_grid(l, conv_layout::gemm_rows(l, batch), l.in_features);
  const auto wc = codes_of(m, l.weight_tensor, l.name, static_cast<size_t>(l.in_features * l.out_features));
  std::vector<int64_t> bc;
  if (!l.bias_tensor.empty()) bc = codes_of(m, l.bias_tensor, l.name, static_cast<size_t>(l.out_features));
  s.packed = pack_dense_codes(s.grid, wc, bc, l.name);  // bf16 codes are 16-bit: they fit the int32 check
  if (s.packed.bias.size() != static_cast<size_t>(l.cas_num) || s.packed.bias[0].empty())
    s.packed.bias.assign(l.cas_num, std::vector<int64_t>(static_cast<size_t>(s.grid.bias_elems()), 0));
  return s;
}

DenseKernelSpec dense_kernel_spec(const LayerDesign& l, const Model& m, int64_t batch) {
  if (l.is_tensor_op()) return tensor_op_kernel_spec(l, m, batch);
  if (l.op != "Dense" && !l.is_conv()) throw InputError(fmt::format("layer '{}': op {} has no kernel in the project writer", l.name, l.op));
  if (m.tensor(l.input_tensor).type.kind == ScalarKind::BFloat16) return bf16_dense_kernel_spec(l, m, batch);
  DenseKernelSpec s;
  s.layer = l.name;
  s.prefix = c_identifier(l.name);
  const FixedType& x = fixed_of(m, l.input_tensor, l.name, "input");
  const FixedType& w = fixed_of(m, l.weight_tensor, l.name, "weight");
  // With a fused output activation the layer's output is the activation's; shift and modes are the Dense's.
  const std::string dense_out = dense_output_tensor(l, m);
  const FixedType& y = fixed_of(m, dense_out, l.name, "output");
  s.a_type = container_type(m.tensor(l.input_tensor).type, l.input_bytes, fmt::format("layer '{}': input", l.name));
  s.b_type = container_type(m.tensor(l.weight_tensor).type, l.weight_bytes, fmt::format("layer '{}': weight", l.name));
  s.c_type = container_type(m.tensor(l.output_tensor).type, l.output_bytes, fmt::format("layer '{}': output", l.name));
  check_output(l, y, container_type(m.tensor(dense_out).type, l.output_bytes, fmt::format("layer '{}': output", l.name)));
  s.acc = l.acc_bits <= 32 ? "acc32" : "acc64";
  s.shift = x.frac + w.frac - y.frac;
  if (s.shift < -31 || s.shift > 63)
    throw InputError(fmt::format("layer '{}': output shift {} (frac {} + {} - {}) is outside the kernels' range "
                                 "[-31, 63]",
                                 l.name, s.shift, x.frac, w.frac, y.frac));
  if (l.activation == "relu") s.relu = true;
  else if (is_output_activation(l.activation)) s.output_activation = output_activation_spec(l, m);
  else if (l.activation != "linear")
    throw InputError(fmt::format("layer '{}': activation {} has no dense kernel variant (linear and relu do; "
                                 "softmax, sigmoid, tanh, clip and leaky_relu as epilogues)",
                                 l.name,
                                 l.activation));
  s.rounding = rounding_of(l, y);
  s.saturation = saturation_of(l, y);

  s.grid = layer_grid(l, conv_layout::gemm_rows(l, batch), conv_layout::gemm_k(l));

  std::vector<int64_t> wc;
  if (l.is_conv()) {  // the im2col GEMM matrix, or the per-tap one of the direct / memtile kernels (passes/conv_gemm.h)
    const Op* op = m.find_op(l.name);
    if (!op || op->kind != OpKind::Conv) throw InputError(fmt::format("layer '{}': no Conv op of that name", l.name));
    const ConvGemm g = conv_gemm(m, *op);
    wc = conv_layout::has_tap_k(l) ? direct_weight_codes(g, l.tile_k) : g.weight_codes;
    s.conv_geometry = g.geometry_args();
    s.conv_batch = batch;
    s.conv_input_elems = conv_layout::input_buffer_bytes(l, batch) / l.input_bytes;  // samples, or their patches
  } else {
    wc = codes_of(m, l.weight_tensor, l.name, static_cast<size_t>(l.in_features * l.out_features));
  }
  if (!l.input_order.empty()) {  // the array holds the input in another feature order (a conv output)
    if (l.input_order.size() != static_cast<size_t>(l.in_features))
      throw InputError(fmt::format("layer '{}': input_order has {} entries for {} features", l.name,
                                   l.input_order.size(), l.in_features));
    std::vector<int64_t> ordered(wc.size());
    const auto n = static_cast<size_t>(l.out_features);
    for (size_t k = 0; k < l.input_order.size(); ++k)
      std::copy_n(wc.begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(l.input_order[k]) * n), n,
                  ordered.begin() + static_cast<std::ptrdiff_t>(k * n));
    wc = std::move(ordered);
  }
  std::vector<int64_t> bc;
  if (!l.bias_tensor.empty()) {
    const FixedType& b = fixed_of(m, l.bias_tensor, l.name, "bias");
    if (b.frac != x.frac + w.frac)
      throw InputError(fmt::format("layer '{}': bias '{}' has {} fractional bits; the kernels add it at the "
                                   "accumulator scale {} + {} = {}",
                                   l.name, l.bias_tensor, b.frac, x.frac, w.frac, x.frac + w.frac));
    bc = codes_of(m, l.bias_tensor, l.name, static_cast<size_t>(l.out_features));
  }
  s.packed = pack_dense_codes(s.grid, wc, bc, l.name);
  if (s.packed.bias.size() != static_cast<size_t>(l.cas_num) || s.packed.bias[0].empty())
    s.packed.bias.assign(l.cas_num, std::vector<int64_t>(static_cast<size_t>(s.grid.bias_elems()), 0));
  return s;
}

std::vector<DenseKernelSpec> kernel_specs(const Design& design, const Model& model) {
  std::vector<DenseKernelSpec> specs;
  std::set<std::string> taken;
  for (auto& l : design.layers) {
    auto s = dense_kernel_spec(l, model, design.batch);
    const std::string base = s.prefix;
    for (int i = 2; !taken.insert(s.prefix).second; ++i) s.prefix = fmt::format("{}_{}", base, i);
    specs.push_back(std::move(s));
  }
  return specs;
}

}  // namespace aie4ml::codegen
