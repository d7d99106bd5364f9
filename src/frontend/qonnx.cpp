// Quantisers: ONNX QuantizeLinear / DequantizeLinear and the QONNX custom ops Quant, BipolarQuant and
// Trunc (domains onnx.brevitas, finn.custom_op.general, qonnx.custom_op.general).
//
// Reads: the node, its constant scale / zero point / bit width, the input's numeric type (Trunc).
// Writes, for a per-sample input:
//   - power-of-two scale, zero point 0, a rounding mode hls4ml can name: an IR Quantize op whose output
//     tensor has FixedType{width = bits, frac = -log2(scale), signed, rounding (ROUND -> AP_RND_CONV,
//     FLOOR -> AP_TRN, ...), overflow AP_SAT, or AP_SAT_SYM for signed narrow ranges}. The op computes
//     exactly that cast.
//   - anything else: an IR Quantize op with a float32 output and the exact parameters as attributes
//     ("scale", "zero_point", "bitwidth", "signed", "narrow", "rounding_mode" in QONNX names; Trunc adds
//     "in_bitwidth" and "out_scale"). Its output is scale * (clip(round(x / scale + zero_point)) -
//     zero_point). Later stages refuse such ops; import succeeds so `inspect` can show them.
//   - BipolarQuant: an IR Sign op (+scale / -scale), typed FixedType{2, -log2(scale)} when scale is a power
//     of two.
//   A Quantize output always holds the dequantised real value, so the DequantizeLinear after a
//   QuantizeLinear is an alias of it.
// Writes, for a constant input: the folded constant, computed in float32 as ONNX Runtime / QONNX do;
//   with a power-of-two scale and zero point 0 it carries the FixedType and its integer codes (exact).
// Checks: parameters are constants; per-tensor scales for activations; zero-point types int8, uint8,
//   int16, uint16 (int32 for a constant DequantizeLinear); integer bit widths; opset >= 10 for QDQ.
#include <cmath>

#include <fmt/format.h>

#include "frontend/constant_folding.h"
#include "frontend/op_importers.h"

namespace aie4ml::frontend {

namespace {

struct QuantSpec {
  double scale = 1, zero_point = 0;
  int bitwidth = 8;
  bool is_signed = true, narrow = false;
  std::string rounding = "ROUND";  // QONNX rounding-mode name

  double min_code() const {
    if (!is_signed) return 0;
    return -std::ldexp(1.0, bitwidth - 1) + (narrow ? 1 : 0);
  }
  double max_code() const {
    if (!is_signed) return std::ldexp(1.0, bitwidth) - 1 - (narrow ? 1 : 0);
    return std::ldexp(1.0, bitwidth - 1) - 1;
  }
};

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

double round_half_even(double v) {
  const double f = std::floor(v), d = v - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return std::fmod(f, 2.0) == 0 ? f : f + 1;
}

double apply_rounding(const std::string& mode, double v) {
  if (mode == "ROUND" || mode == "HALF_EVEN") return round_half_even(v);
  if (mode == "FLOOR") return std::floor(v);
  if (mode == "CEIL") return std::ceil(v);
  if (mode == "DOWN") return std::trunc(v);
  if (mode == "UP") return v < 0 ? std::floor(v) : std::ceil(v);
  if (mode == "HALF_UP") return std::round(v);  // ties away from zero
  // HALF_DOWN: ties toward zero
  const double r = std::round(v);
  return std::fabs(r - v) == 0.5 ? std::trunc(v) : r;
}

bool known_rounding(const std::string& mode) {
  for (const char* m : {"ROUND", "HALF_EVEN", "FLOOR", "CEIL", "DOWN", "UP", "HALF_UP", "HALF_DOWN"})
    if (mode == m) return true;
  return false;
}

std::optional<RoundingMode> hls_rounding(const std::string& mode) {
  if (mode == "ROUND" || mode == "HALF_EVEN") return RoundingMode::RndConv;
  if (mode == "FLOOR") return RoundingMode::Trn;
  if (mode == "DOWN") return RoundingMode::TrnZero;
  if (mode == "HALF_UP") return RoundingMode::RndInf;
  if (mode == "HALF_DOWN") return RoundingMode::RndZero;
  return std::nullopt;  // CEIL, UP: no ap_fixed mode
}

// -log2(s) when s is a positive power of two.
std::optional<int> pow2_frac(double s) {
  if (!(s > 0) || !std::isfinite(s)) return std::nullopt;
  int exp = 0;
  if (std::frexp(s, &exp) != 0.5) return std::nullopt;
  return -(exp - 1);
}

std::optional<FixedType> exact_fixed_type(const QuantSpec& q) {
  const auto frac = pow2_frac(q.scale);
  const auto rounding = hls_rounding(q.rounding);
  if (!frac || !rounding || q.zero_point != 0 || q.bitwidth < 1 || q.bitwidth > 64) return std::nullopt;
  if (q.narrow && !q.is_signed) return std::nullopt;  // [0, 2^b - 2] has no ap_fixed overflow mode
  if (q.narrow && q.bitwidth < 2) return std::nullopt;
  return FixedType{q.bitwidth, *frac, q.is_signed, *rounding, q.narrow ? OverflowMode::SatSym : OverflowMode::Sat};
}

float f32(double v) { return static_cast<float>(v); }

int bits_of(int32_t elem_type) {
  switch (elem_type) {
    case onnx::TensorProto::INT8: case onnx::TensorProto::UINT8: return 8;
    case onnx::TensorProto::INT16: case onnx::TensorProto::UINT16: return 16;
    case onnx::TensorProto::INT32: return 32;
    default: return 0;
  }
}

bool signed_type(int32_t elem_type) {
  return elem_type == onnx::TensorProto::INT8 || elem_type == onnx::TensorProto::INT16 ||
         elem_type == onnx::TensorProto::INT32;
}

const ConstTensor& scalar_param(ImportContext& ctx, const onnx::NodeProto& node, size_t i, const char* what) {
  const auto& c = ctx.require_const(node, i, what);
  if (c.size() != 1)
    fail(node, fmt::format("the {} has {} values; per-channel quantisation of a per-sample tensor is not supported "
                           "(only per-tensor)", what, c.size()));
  return c;
}

int integer_bitwidth(const onnx::NodeProto& node, double b, const char* what) {
  if (b != std::floor(b) || b < 1 || b > 32)
    fail(node, fmt::format("the {} {} is not an integer number of bits in 1..32", what, b));
  return static_cast<int>(b);
}

void set_general_attrs(Op& op, const QuantSpec& q) {
  op.attrs["scale"] = q.scale;
  op.attrs["zero_point"] = q.zero_point;
  op.attrs["bitwidth"] = int64_t{q.bitwidth};
  op.attrs["signed"] = int64_t{q.is_signed};
  op.attrs["narrow"] = int64_t{q.narrow};
  op.attrs["rounding_mode"] = q.rounding;
}

// Give a folded constant its FixedType: codes q and values exactly q * 2^-frac (float32 arithmetic, as
// the runtimes use, would round codes wider than 24 bits, e.g. int32 biases).
void set_codes(ConstTensor& c, const FixedType& t, const std::vector<double>& codes) {
  c.fixed = t;
  c.codes.clear();
  for (size_t i = 0; i < codes.size(); ++i) {
    c.codes.push_back(static_cast<int64_t>(codes[i]));
    c.values[i] = std::ldexp(codes[i], -t.frac);
  }
}

// Emit the IR Quantize op for a per-sample input; returns the output IR tensor (not bound).
std::string emit_quantize(ImportContext& ctx, const onnx::NodeProto& node, const Tensor& x, const QuantSpec& q) {
  const auto fixed = exact_fixed_type(q);
  const auto x_name = x.name;
  const auto out = ctx.add_output_tensor(node, 0, x.shape, fixed ? NumericType::of(*fixed) : NumericType::f32());
  auto& op = ctx.emit(OpKind::Quantize, ctx.op_name(node), {x_name}, {out});
  if (!fixed) set_general_attrs(op, q);
  return out;
}

// Fold a quantiser on a constant: scale and zero point broadcast against x (per-tensor or per-channel).
ConstTensor fold_quantize(const onnx::NodeProto& node, const ConstTensor& x, const ConstTensor& scale,
                          const ConstTensor& zero_point, const QuantSpec& q) {
  // First the codes (scale/zero point broadcast as numpy does), then the values.
  const auto codes = broadcast_binary(
      node, broadcast_binary(node, x, scale, [](double a, double s) { return f32(f32(a) / f32(s)); },
                             onnx::TensorProto::FLOAT),
      zero_point,
      [&](double a, double z) {
        return std::clamp(apply_rounding(q.rounding, f32(a + f32(z))), q.min_code(), q.max_code());
      },
      onnx::TensorProto::DOUBLE);
  const auto values = broadcast_binary(
      node, broadcast_binary(node, codes, zero_point, [](double c, double z) { return f32(c - z); },
                             onnx::TensorProto::FLOAT),
      scale, [](double d, double s) { return f32(d * f32(s)); }, onnx::TensorProto::FLOAT);
  ConstTensor out = values;
  if (scale.size() == 1 && zero_point.size() == 1) {
    QuantSpec per_tensor = q;
    per_tensor.scale = scale.values[0];
    per_tensor.zero_point = zero_point.values[0];
    if (auto fixed = exact_fixed_type(per_tensor)) set_codes(out, *fixed, codes.values);
  }
  return out;
}

QuantSpec qonnx_spec(const onnx::NodeProto& node) {
  QuantSpec q;
  q.is_signed = attr_int(node, "signed", 1) != 0;
  q.narrow = attr_int(node, "narrow", 0) != 0;
  q.rounding = upper(attr_string(node, "rounding_mode", "ROUND"));
  if (!known_rounding(q.rounding)) fail(node, fmt::format("unknown rounding_mode '{}'", q.rounding));
  return q;
}

// QuantizeLinear / DequantizeLinear: the integer type (from the zero point, output_dtype or uint8).
int32_t qdq_integer_type(ImportContext& ctx, const onnx::NodeProto& node, bool dequantize) {
  int32_t t = onnx::TensorProto::UINT8;
  if (dequantize) {
    // DequantizeLinear's integer type is its input's; the zero point, when given, must agree.
    if (const auto* x = ctx.find_const(node, node.input(0))) t = x->elem_type;
    if (ctx.has_input(node, 2)) t = ctx.require_const(node, 2, "zero point").elem_type;
  } else if (ctx.has_input(node, 2)) {
    t = ctx.require_const(node, 2, "zero point").elem_type;
  } else if (auto o = attr_int(node, "output_dtype", 0); o != 0) {
    t = static_cast<int32_t>(o);
  }
  const bool ok = t == onnx::TensorProto::INT8 || t == onnx::TensorProto::UINT8 || t == onnx::TensorProto::INT16 ||
                  t == onnx::TensorProto::UINT16 || (dequantize && t == onnx::TensorProto::INT32);
  if (!ok)
    fail(node, fmt::format("integer type {} is not supported (int8, uint8, int16, uint16{})", elem_type_name(t),
                           dequantize ? ", int32 for constants" : ""));
  return t;
}

void check_qdq_opset(ImportContext& ctx, const onnx::NodeProto& node) {
  if (ctx.opset < 10) fail(node, fmt::format("{} needs opset 10 or later (the model declares {})", node.op_type(), ctx.opset));
  if (attr_int(node, "block_size", 0) != 0) fail(node, "blocked quantisation (block_size) is not supported");
}

// Scale / zero point of a QDQ node reshaped for broadcasting along `axis` of a rank-`rank` tensor.
ConstTensor along_axis(const onnx::NodeProto& node, ConstTensor c, int64_t axis, size_t rank) {
  if (c.size() == 1) return c;
  if (c.dims.size() != 1) fail(node, "the scale / zero point must be a scalar or 1-D");
  if (axis < 0) axis += static_cast<int64_t>(rank);
  if (axis < 0 || axis >= static_cast<int64_t>(rank)) fail(node, "axis is out of range");
  std::vector<int64_t> dims(rank - static_cast<size_t>(axis), 1);
  dims[0] = c.dims[0];
  c.dims = dims;
  return c;
}

}  // namespace

void import_quantize_linear(ImportContext& ctx, const onnx::NodeProto& node) {
  check_qdq_opset(ctx, node);
  const int32_t type = qdq_integer_type(ctx, node, false);
  QuantSpec q;
  q.bitwidth = bits_of(type);
  q.is_signed = signed_type(type);
  const auto& scale = ctx.require_const(node, 1, "scale");
  const ConstTensor zero = ctx.has_input(node, 2) ? ctx.require_const(node, 2, "zero point") : make_scalar(0);
  if (const auto* x = ctx.find_const(node, node.input(0))) {
    const auto axis = attr_int(node, "axis", 1);
    auto s = along_axis(node, scale, axis, x->dims.size());
    auto z = along_axis(node, zero, axis, x->dims.size());
    // The ONNX output is the integer code; DequantizeLinear folds it back.
    auto codes = broadcast_binary(
        node, broadcast_binary(node, *x, s, [](double a, double sc) { return f32(f32(a) / f32(sc)); },
                               onnx::TensorProto::FLOAT),
        z, [&](double a, double zp) { return std::clamp(round_half_even(a) + zp, q.min_code(), q.max_code()); },
        type);
    ctx.define(node, node.output(0), codes);
    return;
  }
  const auto& x = ctx.require_activation(node, 0);
  q.scale = scalar_param(ctx, node, 1, "scale").values[0];
  q.zero_point = ctx.has_input(node, 2) ? scalar_param(ctx, node, 2, "zero point").values[0] : 0.0;
  const auto out = emit_quantize(ctx, node, x, q);
  ctx.define(node, node.output(0), PendingCodes{out, q.scale, q.zero_point});
}

void import_dequantize_linear(ImportContext& ctx, const onnx::NodeProto& node) {
  check_qdq_opset(ctx, node);
  const auto& v = ctx.value(node, node.input(0));
  if (const auto* pending = std::get_if<PendingCodes>(&v)) {
    const double scale = scalar_param(ctx, node, 1, "scale").values[0];
    const double zero = ctx.has_input(node, 2) ? scalar_param(ctx, node, 2, "zero point").values[0] : 0.0;
    if (f32(scale) != f32(pending->scale) || zero != pending->zero_point)
      fail(node, fmt::format("dequantises with scale {} / zero point {} codes that were quantised with scale {} / zero "
                             "point {}; only matching QuantizeLinear-DequantizeLinear pairs are supported",
                             scale, zero, pending->scale, pending->zero_point));
    ctx.alias(node, 0, pending->tensor);
    return;
  }
  const auto* x = std::get_if<ConstTensor>(&v);
  if (!x || !x->is_integer())
    fail(node, fmt::format("input '{}' is not an integer tensor from a QuantizeLinear or a constant", node.input(0)));
  const int32_t type = qdq_integer_type(ctx, node, true);
  if (x->elem_type != type)
    fail(node, fmt::format("input type {} differs from the zero point type {}", elem_type_name(x->elem_type),
                           elem_type_name(type)));
  const auto& scale = ctx.require_const(node, 1, "scale");
  const ConstTensor zero = ctx.has_input(node, 2) ? ctx.require_const(node, 2, "zero point") : make_scalar(0);
  const auto axis = attr_int(node, "axis", 1);
  const auto s = along_axis(node, scale, axis, x->dims.size());
  const auto z = along_axis(node, zero, axis, x->dims.size());
  auto values = broadcast_binary(
      node, broadcast_binary(node, *x, z, [](double c, double zp) { return c - zp; }, onnx::TensorProto::DOUBLE), s,
      [](double d, double sc) { return f32(f32(d) * f32(sc)); }, onnx::TensorProto::FLOAT);
  if (scale.size() == 1 && zero.size() == 1 && zero.values[0] == 0) {
    if (auto frac = pow2_frac(scale.values[0]))
      set_codes(values, FixedType{bits_of(type), *frac, signed_type(type), RoundingMode::RndConv, OverflowMode::Sat},
                x->values);
  }
  ctx.define(node, node.output(0), values);
}

void import_qonnx_quant(ImportContext& ctx, const onnx::NodeProto& node) {
  QuantSpec q = qonnx_spec(node);
  const auto& bw = scalar_param(ctx, node, 3, "bit width");
  q.bitwidth = integer_bitwidth(node, bw.values[0], "bit width");
  if (const auto* x = ctx.find_const(node, node.input(0))) {
    const auto& scale = ctx.require_const(node, 1, "scale");
    const auto& zero = ctx.require_const(node, 2, "zero point");
    ctx.define(node, node.output(0), fold_quantize(node, *x, scale, zero, q));
    return;
  }
  const auto& x = ctx.require_activation(node, 0);
  q.scale = scalar_param(ctx, node, 1, "scale").values[0];
  q.zero_point = scalar_param(ctx, node, 2, "zero point").values[0];
  if (!(q.scale > 0)) fail(node, fmt::format("scale {} is not positive", q.scale));
  const auto out = emit_quantize(ctx, node, x, q);
  ctx.define(node, node.output(0), Activation{out});
}

void import_bipolar_quant(ImportContext& ctx, const onnx::NodeProto& node) {
  const auto& scale_c = ctx.require_const(node, 1, "scale");
  if (const auto* x = ctx.find_const(node, node.input(0))) {
    auto out = broadcast_binary(node, *x, scale_c, [](double a, double s) { return a >= 0 ? f32(s) : -f32(s); },
                                onnx::TensorProto::FLOAT);
    if (scale_c.size() == 1)
      if (auto frac = pow2_frac(scale_c.values[0])) {
        std::vector<double> codes;
        for (auto xv : x->values) codes.push_back(xv >= 0 ? 1 : -1);
        set_codes(out, FixedType{2, *frac, true, RoundingMode::RndConv, OverflowMode::Sat}, codes);
      }
    ctx.define(node, node.output(0), out);
    return;
  }
  const auto& x = ctx.require_activation(node, 0);
  const double scale = scalar_param(ctx, node, 1, "scale").values[0];
  if (!(scale > 0)) fail(node, fmt::format("scale {} is not positive", scale));
  const auto frac = pow2_frac(scale);
  const auto type = frac ? NumericType::of(FixedType{2, *frac, true, RoundingMode::RndConv, OverflowMode::Sat})
                         : NumericType::f32();
  const auto x_name = x.name;
  const auto out = ctx.add_output(node, 0, x.shape, type);
  auto& op = ctx.emit(OpKind::Sign, ctx.op_name(node), {x_name}, {out});
  op.attrs["scale"] = scale;
}

void import_trunc(ImportContext& ctx, const onnx::NodeProto& node) {
  QuantSpec q = qonnx_spec(node);
  q.rounding = upper(attr_string(node, "rounding_mode", "FLOOR"));
  const auto& x = ctx.require_activation(node, 0);
  // Version 1 has no "signed" attribute: truncation keeps the input's signedness (as Brevitas' TruncIntQuant).
  if (!find_attr(node, "signed") && x.type.is_fixed()) q.is_signed = x.type.fixed.is_signed;
  const double scale = scalar_param(ctx, node, 1, "scale").values[0];
  const double zero = scalar_param(ctx, node, 2, "zero point").values[0];
  const int in_bits = integer_bitwidth(node, scalar_param(ctx, node, 3, "input bit width").values[0], "input bit width");
  double out_scale = 0;
  int out_bits = 0;
  if (node.input_size() == 5) {  // version 1: x, scale, zeropt, in_bitwidth, out_bitwidth
    out_bits = integer_bitwidth(node, scalar_param(ctx, node, 4, "output bit width").values[0], "output bit width");
    out_scale = scale * std::ldexp(1.0, in_bits - out_bits);
  } else if (node.input_size() == 6 || node.input_size() == 7) {  // version 2: ..., out_scale, [out_zeropt,] out_bitwidth
    out_scale = scalar_param(ctx, node, 4, "output scale").values[0];
    out_bits = integer_bitwidth(node, scalar_param(ctx, node, static_cast<size_t>(node.input_size() - 1), "output bit width").values[0],
                                "output bit width");
  } else {
    fail(node, fmt::format("expects 5, 6 or 7 inputs, got {}", node.input_size()));
  }
  // Trunc rounds x / scale to an integer first, then drops low bits with `rounding_mode`. When x is
  // already on the grid of `scale` (a fixed-point input with at most -log2(scale) fractional bits), the
  // first rounding is exact and the whole op is one cast to the output grid.
  q.scale = out_scale;
  q.zero_point = zero;
  q.bitwidth = out_bits;
  const auto in_frac = pow2_frac(scale);
  const bool on_grid = in_frac && x.type.is_fixed() && x.type.fixed.frac <= *in_frac;
  std::string out;
  if (on_grid) {
    out = emit_quantize(ctx, node, x, q);
  } else {
    const auto x_name = x.name;
    out = ctx.add_output_tensor(node, 0, x.shape, NumericType::f32());
    ctx.emit(OpKind::Quantize, ctx.op_name(node), {x_name}, {out});
  }
  if (!ctx.model.tensor(out).type.is_fixed()) {
    auto& op = ctx.model.ops.back();
    set_general_attrs(op, q);
    op.attrs["method"] = std::string("trunc");
    op.attrs["input_scale"] = scale;
    op.attrs["in_bitwidth"] = int64_t{in_bits};
  }
  ctx.define(node, node.output(0), Activation{out});
}

}  // namespace aie4ml::frontend
