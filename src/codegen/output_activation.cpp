// The output activation epilogue of the last Dense layer (see output_activation.h).
#include "codegen/output_activation.h"

#include <cmath>
#include <cstdint>

#include <fmt/format.h>

#include "codegen/kernel_spec.h"
#include "codegen/tensor_op_spec.h"
#include "sim/reference_ops.h"
#include "support/error.h"

namespace aie4ml::codegen {

const char* softmax_overflow_enumerator(OverflowMode o) {
  switch (o) {
    case OverflowMode::Wrap: return "wrap";
    case OverflowMode::Sat: return "saturate";
    case OverflowMode::SatSym: return "symmetric";
    case OverflowMode::SatZero: return "zero";
  }
  return "saturate";
}

SoftmaxKernelTable softmax_kernel_table(const FixedType& in) {
  const SoftmaxTable ref = softmax_table(in);
  SoftmaxKernelTable t;
  t.index_shift = ref.index_shift;
  t.hi_size = static_cast<int>(ref.hi.size());
  t.lo_bits = ref.lo_bits;
  const int64_t one = int64_t{1} << SoftmaxTable::kExpFrac;
  if (ref.hi.empty() || ref.hi[0] != one || ref.lo.size() != (size_t{1} << ref.lo_bits) || ref.lo[0] != one)
    throw std::logic_error("softmax table: not the shape kernels/softmax.h reads");
  t.entries = ref.hi;
  t.entries.insert(t.entries.end(), ref.lo.begin(), ref.lo.end());
  if (t.entries.size() > size_t(SoftmaxKernelTable::kMaxEntries))
    throw std::logic_error("softmax table: more entries than kernels/softmax.h allows");
  return t;
}

ActivationKernelTable activation_kernel_table(const std::string& kind, const FixedType& in, const FixedType& out) {
  const ActivationTable ref = kind == "sigmoid" ? sigmoid_table(in, out) : tanh_table(in, out);
  ActivationKernelTable t;
  t.index_shift = in.frac - ref.index.frac;
  const int64_t lo = requantize(in.min_code(), in.frac, ref.index), hi = requantize(in.max_code(), in.frac, ref.index);
  t.index_lo = static_cast<int>(lo);
  for (int64_t c = lo; c <= hi; ++c) t.entries.push_back(ref.entries[static_cast<size_t>(c - ref.index.min_code())]);
  return t;
}

PiecewiseSpec piecewise_spec(OpKind kind, const Op& attrs, const FixedType& x, const FixedType& y) {
  PiecewiseSpec p;
  p.out = y;
  p.neg_from_frac = p.pos_from_frac = x.frac;
  switch (kind) {
    case OpKind::Relu:  // requantize(max(v, 0)): every negative code gives requantize(0) = 0
      p.lo_code = 0;
      break;
    case OpKind::LeakyRelu:  // reference_ops.h leaky_relu_code / the interpreter's LeakyRelu
      if (!attrs.has("alpha_code") || !attrs.has("alpha_frac"))
        throw InputError(fmt::format("op '{}': LeakyRelu without alpha_code/alpha_frac (not quantised)", attrs.name));
      p.neg_mul = attrs.get_int("alpha_code", 0);
      p.neg_from_frac = x.frac + static_cast<int>(attrs.get_int("alpha_frac", 0));
      break;
    case OpKind::Clip: {
      const ClipCodes c = clip_codes(attrs.get_float("min", -INFINITY), attrs.get_float("max", INFINITY), x, y);
      p.lo_code = c.lo_code, p.lo_out = c.lo_out, p.hi_code = c.hi_code, p.hi_out = c.hi_out;
      break;
    }
    default:
      throw InputError(fmt::format("op '{}' ({}) is not a piecewise-linear activation", attrs.name, to_string(kind)));
  }
  return p;
}

std::string piecewise_init(const PiecewiseSpec& p, const std::string& layer) {
  const auto limit = [](int64_t v) {
    if (v == INT64_MIN) return std::string("aie4ml::kernels::piecewise_no_lo");
    return v == INT64_MAX ? std::string("aie4ml::kernels::piecewise_no_hi") : fmt::format("{}LL", v);
  };
  return fmt::format("{{{}, {}LL, {}, {}LL, {}LL, {}, {}}}", limit(p.lo_code), p.lo_out, limit(p.hi_code), p.hi_out,
                     p.neg_mul, requant_step_init(p.neg_from_frac, p.out, false, layer),
                     requant_step_init(p.pos_from_frac, p.out, false, layer));
}

bool is_output_activation(const std::string& a) {
  return a == "softmax" || a == "sigmoid" || a == "tanh" || a == "leaky_relu" || a == "clip";
}

std::string dense_output_tensor(const LayerDesign& l, const Model& m) {
  if (!is_output_activation(l.activation) || l.activation == "leaky_relu") return l.output_tensor;
  const Op* dense = m.find_op(l.name);
  if (!dense || dense->outputs.empty())
    throw InputError(fmt::format("layer '{}': no Dense op of that name in the model", l.name));
  return dense->outputs[0];
}

namespace {

OpKind kind_of(const std::string& activation) {
  if (activation == "clip") return OpKind::Clip;
  return activation == "softmax" ? OpKind::Softmax : activation == "sigmoid" ? OpKind::Sigmoid : OpKind::Tanh;
}

std::string table_text(const std::vector<int64_t>& v) {
  std::string t;
  for (size_t i = 0; i < v.size(); ++i) t += (i % 16 == 0 ? "\n    " : " ") + std::to_string(v[i]) + ",";
  return t;
}

}  // namespace

OutputActivationSpec output_activation_spec(const LayerDesign& l, const Model& m) {
  OutputActivationSpec s;
  s.kind = l.activation;
  s.dense_tensor = dense_output_tensor(l, m);
  if (s.kind == "leaky_relu") s.op = l.name;  // fused into the Dense op itself
  for (const Op* c : m.consumers(s.dense_tensor))
    if (c->kind == kind_of(s.kind) && c->outputs.size() == 1 && c->outputs[0] == l.output_tensor) s.op = c->name;
  auto fail = [&](const std::string& why) {
    return InputError(fmt::format("layer '{}': its {} epilogue {}", l.name, s.kind, why));
  };
  if (s.op.empty()) throw fail(fmt::format("has no op from '{}' to '{}'", s.dense_tensor, l.output_tensor));
  const auto& xt = m.tensor(s.dense_tensor).type;
  const auto& yt = m.tensor(l.output_tensor).type;
  if (!xt.is_fixed() || !yt.is_fixed()) throw fail("needs fixed-point types");
  s.in = xt.fixed;
  s.out = yt.fixed;
  s.x_type = container_type(xt, l.output_bytes, fmt::format("layer '{}': output before the {}", l.name, s.kind));
  s.y_type = container_type(yt, l.output_bytes, fmt::format("layer '{}': {} output", l.name, s.kind));
  s.features = static_cast<int>(l.out_features);
  if (l.cas_num != 1) throw fail(fmt::format("needs the whole row on one kernel (cas_num 1, not {})", l.cas_num));
  if (s.kind == "leaky_relu" || s.kind == "clip") {
    const Op& attrs = *m.find_op(s.op);  // the Dense (alpha of a fused LeakyReLU) or the Clip (bounds)
    s.piecewise = piecewise_init(piecewise_spec(s.kind == "clip" ? OpKind::Clip : OpKind::LeakyRelu, attrs, s.in, s.out),
                                 l.name);
    return s;
  }
  if (s.kind != "softmax") {
    const auto t = activation_kernel_table(s.kind, s.in, s.out);
    s.index_shift = t.index_shift;
    s.index_lo = t.index_lo;
    s.table = t.entries;
    return s;
  }
  if (s.features > 128) throw fail(fmt::format("takes at most 128 features, not {}", s.features));
  if (s.out.frac < 0 || s.out.frac > 16) throw fail(fmt::format("needs 0..16 fractional output bits ({})", s.out.str()));
  const auto r = aie_rounding_mode(s.out.rounding);
  if (!r) throw fail(fmt::format("has no rounding mode for {}", to_string(s.out.rounding)));
  s.rounding = std::string(*r);
  s.overflow = softmax_overflow_enumerator(s.out.overflow);
  const auto t = softmax_kernel_table(s.in);
  s.index_shift = t.index_shift;
  s.hi_size = t.hi_size;
  s.lo_bits = t.lo_bits;
  s.table = t.entries;
  if (s.index_shift < 0 || s.index_shift > 24) throw fail(fmt::format("index shift {} out of range", s.index_shift));
  return s;
}

std::string output_activation_definitions(const OutputActivationSpec& s, const std::string& prefix, const std::string& ns) {
  if (s.kind == "softmax")
    return fmt::format(
        "\n// Softmax '{}' on this layer's output ({} -> {}; docs/numerics.md \"Softmax\"): exp index\n"
        "// t = -round(d / 2^{}) (resolution 2^-{}); the exp tables hi ({} entries) then lo (2^{}) of the reference\n"
        "// interpreter, values exp(-v) 2^24.\n"
        "namespace {{\nusing {}_act_cfg = aie4ml::kernels::softmax_config<{}, {}, {}::tile_m, {}::tile_n, {}::batch_padded,\n"
        "    {}::n_slice, {}, {}, {}, {}, {}, {}, {}, aie::rounding_mode::{}, aie4ml::kernels::softmax_overflow::{}>;\n"
        "alignas(32) const uint32 {}_act_table[{}] = {{{}\n}};\n}}  // namespace\n",
        s.op, s.in.str(), s.out.str(), s.index_shift, s.in.frac - s.index_shift, s.hi_size, s.lo_bits, prefix, s.x_type,
        s.y_type, ns, ns, ns, ns, s.features, s.index_shift, s.hi_size, s.lo_bits, s.out.frac, s.out.width,
        s.out.is_signed ? "true" : "false", s.rounding, s.overflow, prefix, s.table.size(), table_text(s.table));
  if (!s.has_table())
    return fmt::format(
        "\n// {} '{}' on this layer's output ({} -> {}; docs/numerics.md \"LeakyReLU and Clip\"): piecewise linear.\n"
        "namespace {{\nstruct {}_act_cfg : aie4ml::kernels::piecewise_config_base<{}, {}, {}::tile_m, {}::tile_n,\n"
        "    {}::batch_padded, {}::n_slice, {}> {{\n  static constexpr aie4ml::kernels::piecewise_params params = {};\n}};\n"
        "}}  // namespace\n",
        s.kind, s.op, s.in.str(), s.out.str(), prefix, s.x_type, s.y_type, ns, ns, ns, ns, s.features, s.piecewise);
  return fmt::format(
      "\n// {} '{}' on this layer's output ({} -> {}; docs/numerics.md \"Sigmoid and Tanh tables\"): output codes\n"
      "// by index code c = round(x / 2^{}) from {}, from the reference interpreter's table.\n"
      "namespace {{\nusing {}_act_cfg = aie4ml::kernels::activation_table_config<{}, {}, {}::tile_m, {}::tile_n,\n"
      "    {}::batch_padded, {}::n_slice, {}, {}, {}, {}>;\n"
      "alignas(32) const {} {}_act_table[{}] = {{{}\n}};\n}}  // namespace\n",
      s.kind, s.op, s.in.str(), s.out.str(), s.index_shift, s.index_lo, prefix, s.x_type, s.y_type, ns, ns, ns, ns,
      s.features, s.index_shift, s.index_lo, s.table.size(), s.y_type, prefix, s.table.size(), table_text(s.table));
}

std::string output_activation_function(const OutputActivationSpec& s, const std::string& suffix) {
  return fmt::format("{}_{}", s.kind == "softmax" ? "dense_softmax" : s.has_table() ? "dense_table" : "dense_piecewise", suffix);
}

std::string output_activation_header(const OutputActivationSpec& s) {
  return s.kind == "softmax" ? "softmax.h" : "activation_table.h";
}

}  // namespace aie4ml::codegen
