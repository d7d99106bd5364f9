// Quantisation pass (see quantize.h for what it reads, writes and checks).
#include "passes/quantize.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

#include <fmt/format.h>

#include "ir/fixed_point.h"
#include "passes/absorb_quantizers.h"
#include "support/error.h"

namespace aie4ml {

FixedType fit_signed_type(double max_abs, int width, int margin) {
  // Integer bits I (sign included) such that [-2^(I-1), 2^(I-1)) holds max_abs: I = floor(log2) + 2.
  int int_bits = 1;
  if (max_abs > 0 && std::isfinite(max_abs)) int_bits = static_cast<int>(std::floor(std::log2(max_abs))) + 2;
  int_bits += margin;
  return FixedType{width, width - int_bits, true, RoundingMode::RndConv, OverflowMode::Sat};
}

namespace {

constexpr int kAlphaWidth = 16;  // LeakyReLU's alpha and BatchNorm's scale: 16-bit fixed point

int128 abs128(int128 v) { return v < 0 ? -v : v; }

// Bits of a signed integer that holds every value in [-bound, bound].
int signed_bits(int128 bound) {
  int bits = 1;
  while (bound > 0) ++bits, bound >>= 1;
  return bits;
}

int128 max_abs_code(const FixedType& t) {
  return std::max(abs128(t.min_code()), abs128(t.max_code()));
}

double max_abs_value(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m = std::max(m, std::abs(x));
  return m;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (auto& e : v) s += (s.empty() ? "" : ", ") + e;
  return s;
}

// Record the AIE rounding / saturation mode registers that implement `t` on the op that casts into it.
void record_aie_modes(Op& op, const FixedType& t) {
  op.attrs["aie_rounding_mode"] = std::string(*aie_rounding_mode(t.rounding));
  if (auto sat = aie_saturation_mode(t.overflow)) {
    op.attrs["aie_saturation_mode"] = std::string(*sat);
    op.attrs.erase("emulate_overflow");
  } else {
    op.attrs["aie_saturation_mode"] = std::string("emulate");
    op.attrs["emulate_overflow"] = std::string(to_string(t.overflow));
  }
}

class QuantizePass {
 public:
  QuantizePass(Model& m, const Config& c, const QuantizeOptions& o, QuantizeReport& r)
      : model_(m), config_(c), options_(o), report_(r) {}

  void run() {
    warn_unknown_layers();
    for (auto& in : model_.inputs) type_graph_input(in);
    // Ops may disappear behind the cursor's back (absorbed quantisers always come later), so walk by index.
    for (size_t i = 0; i < model_.ops.size(); ++i) quantize_op(i);
    model_.remove_dead_tensors();
    check_all_fixed();
  }

 private:
  // ---- precision sources ------------------------------------------------------------------------
  const LayerPrecision* layer_precision(const std::string& name) const {
    const LayerConfig* l = config_.layer(name);
    return l ? &l->precision : nullptr;
  }

  FixedType integer_type(const NumericType& t, const std::string& where) const {
    if (!t.is_fixed())
      throw InputError(fmt::format("{}: precision {} is not a fixed-point type; the integer path (and the AIE-ML "
                                   "int8/int16 kernels) need ap_fixed/ap_int precisions", where, t.str()));
    return t.fixed;
  }

  std::optional<FixedType> configured(const std::string& layer, std::optional<NumericType> LayerPrecision::*field,
                                      const char* role) const {
    const LayerPrecision* p = layer_precision(layer);
    if (!p || !(p->*field)) return std::nullopt;
    return integer_type(*(p->*field), fmt::format("LayerName.{}.Precision.{}", layer, role));
  }

  std::optional<FixedType> own(const Tensor& t) const {
    if (t.type.is_fixed()) return t.type.fixed;
    return std::nullopt;
  }

  std::optional<FixedType> calibrated(const std::string& tensor) const {
    auto it = options_.calibrated.find(tensor);
    if (it == options_.calibrated.end()) return std::nullopt;
    return it->second;
  }

  std::optional<FixedType> model_default() const {
    if (!config_.default_precision) return std::nullopt;
    return integer_type(*config_.default_precision, "Model.Precision");
  }

  [[noreturn]] void no_precision(const std::string& layer, const std::string& tensor, const char* role) const {
    throw InputError(fmt::format(
        "layer '{}': no {} precision for tensor '{}': the model has no quantiser there; give "
        "LayerName.{}.Precision.{} or Model.Precision in the config, or use --calibrate", layer, role, tensor, layer,
        role));
  }

  const FixedType& fixed_of(const std::string& tensor, const Op& reader) const {
    const Tensor& t = model_.tensor(tensor);
    if (!t.type.is_fixed())
      throw InputError(fmt::format("op '{}' ({}): input '{}' has type {}, not fixed point", reader.name,
                                   to_string(reader.kind), tensor, t.type.str()));
    return t.type.fixed;
  }

  // ---- constants ---------------------------------------------------------------------------------
  // Codes of `t` in `type`; weights that do not fit are saturated/wrapped by the type and reported.
  void quantize_constant(Tensor& t, const FixedType& type, const std::string& layer, const char* role) {
    t.type = NumericType::of(type);
    t.codes.resize(t.values.size());
    FixedType wide = type;
    wide.width = 64, wide.overflow = OverflowMode::Sat;
    int64_t clipped = 0;
    for (size_t i = 0; i < t.values.size(); ++i) {
      t.codes[i] = quantize(t.values[i], type);
      const int64_t unclipped = quantize(t.values[i], wide);
      if (std::isnan(t.values[i]) || unclipped < type.min_code() || unclipped > type.max_code()) ++clipped;
    }
    if (clipped)
      report_.warnings.push_back(fmt::format("layer '{}': {} of {} {} values of '{}' do not fit {} (range [{}, {}], "
                                             "max |value| {}); they were {}", layer, clipped, t.values.size(), role,
                                             t.name, type.str(), type.min_value(), type.max_value(),
                                             max_abs_value(t.values),
                                             type.overflow == OverflowMode::Wrap ? "wrapped (AP_WRAP)" : "saturated"));
  }

  // A constant operand of an elementwise op: config weight, own type, calibration, else 16 bits.
  void quantize_operand_constant(Tensor& t, const Op& op) {
    auto type = configured(op.name, &LayerPrecision::weight, "weight");
    if (!type) type = own(t);
    if (!type) type = calibrated(t.name);
    if (!type) type = fit_signed_type(max_abs_value(t.values), 16);
    quantize_constant(t, *type, op.name, "constant");
  }

  // ---- graph inputs ------------------------------------------------------------------------------
  void type_graph_input(const std::string& name) {
    Tensor& t = model_.tensor(name);
    if (auto c = configured(name, &LayerPrecision::result, "result")) {
      t.type = NumericType::of(*c);
      return;
    }
    if (own(t)) return;  // the frontend already typed it (e.g. an integer model input)
    if (Op* q = sole_quantizer_consumer(model_, name)) {
      const FixedType qtype = quantizer_type(*q);
      const std::string qname = q->name;
      if (absorb_input_quantizer(model_, name, qtype)) {
        report_.notes.push_back(fmt::format("input '{}': quantiser '{}' ({}) applied when the input is read", name,
                                            qname, qtype.str()));
        return;
      }
    }
    if (auto c = calibrated(name)) return void(t.type = NumericType::of(*c));
    if (auto d = model_default()) return void(t.type = NumericType::of(*d));
    throw InputError(fmt::format("graph input '{}': no precision: the model does not quantise it; give "
                                 "LayerName.{}.Precision or Model.Precision in the config, or use --calibrate",
                                 name, name));
  }

  // The type a (power-of-two) Quantize op casts into: its config entry, else the model's.
  FixedType quantizer_type(const Op& q) const {
    if (auto c = configured(q.name, &LayerPrecision::result, "result")) return *c;
    return model_.tensor(q.outputs.at(0)).type.fixed;
  }

  // ---- ops ---------------------------------------------------------------------------------------
  void quantize_op(size_t index) {
    Op& op = model_.ops[index];
    switch (op.kind) {
      case OpKind::Dense:
      case OpKind::Conv: return weighted(index);
      case OpKind::Quantize: return quantizer(op);
      case OpKind::Relu:
      case OpKind::Clip:
      case OpKind::MaxPool:
      case OpKind::Flatten:
      case OpKind::Reshape:
      case OpKind::Slice:
      case OpKind::Transpose: return set_output(op, inherit_rule(op));
      case OpKind::LeakyRelu: {
        set_alpha(op);
        return set_output(op, default_rule(op, inherit_rule(op)));
      }
      case OpKind::Sigmoid:
      case OpKind::Softmax:
      case OpKind::Tanh: return set_output(op, table_rule(op));
      case OpKind::Add:
      case OpKind::Sub:
      case OpKind::Mul:
      case OpKind::Concat: return elementwise(op);
      case OpKind::MatMul: return matmul(op);
      case OpKind::Sign: return sign(op);
      case OpKind::BatchNorm: return batchnorm(op);
      case OpKind::Div:
      case OpKind::AveragePool:
      case OpKind::GlobalAveragePool: return average_pool(index);
      case OpKind::LayerNorm: return layernorm(index);
    }
  }

  // Output precedence shared by every op: config result, the model's own type, then `fallback`.
  using Rule = std::function<std::optional<FixedType>()>;

  void set_output(Op& op, const Rule& fallback) {
    Tensor& out = model_.tensor(op.outputs.at(0));
    std::optional<FixedType> t = configured(op.name, &LayerPrecision::result, "result");
    if (!t) t = own(out);
    if (!t && fallback) t = fallback();
    if (!t) no_precision(op.name, out.name, "result");
    out.type = NumericType::of(*t);
    record_aie_modes(op, *t);
  }

  Rule inherit_rule(const Op& op) const {
    return [this, &op]() -> std::optional<FixedType> { return fixed_of(op.inputs.at(0), op); };
  }

  // Calibration, then Model.Precision, then `last`.
  Rule default_rule(const Op& op, Rule last = {}) const {
    return [this, &op, last]() -> std::optional<FixedType> {
      if (auto c = calibrated(op.outputs.at(0))) return c;
      if (auto d = model_default()) return d;
      return last ? last() : std::nullopt;
    };
  }

  // Sigmoid and Softmax land in [0, 1], Tanh in [-1, 1]: the natural type of the default width.
  Rule table_rule(const Op& op) const {
    return [this, &op]() -> std::optional<FixedType> {
      const FixedType& in = fixed_of(op.inputs.at(0), op);
      int width = std::min(in.width, 16);
      if (auto d = model_default()) width = d->width;
      const bool is_tanh = op.kind == OpKind::Tanh;
      return FixedType{width, is_tanh ? width - 1 : width, is_tanh, RoundingMode::RndConv, OverflowMode::Sat};
    };
  }

  void quantizer(Op& op) {
    Tensor& out = model_.tensor(op.outputs.at(0));
    if (!out.type.is_fixed() && !layer_precision(op.name))
      throw InputError(fmt::format(
          "quantiser '{}': scale {} is not a power of two, so it is not a fixed-point cast; the integer path "
          "refuses it (requantise the model with power-of-two scales, or give LayerName.{}.Precision.result)",
          op.name, op.get_float("scale", std::nan("")), op.name));
    fixed_of(op.inputs.at(0), op);
    set_output(op, [] { return std::nullopt; });
  }

  void set_alpha(Op& op) {
    const double alpha = op.get_float("alpha", 0.01);
    const FixedType t = fit_signed_type(std::abs(alpha), kAlphaWidth);
    op.attrs["alpha_code"] = quantize(alpha, t);
    op.attrs["alpha_frac"] = static_cast<int64_t>(t.frac);
  }

  // Dense and Conv: weights, bias at the accumulator scale, accumulator width, output.
  void weighted(size_t index) {
    Op& op = model_.ops[index];
    const FixedType x = fixed_of(op.inputs.at(0), op);
    Tensor& w = model_.tensor(op.inputs.at(1));
    if (!w.is_constant)
      throw InputError(fmt::format("layer '{}': weights '{}' are not constant", op.name, w.name));
    std::optional<FixedType> wt = configured(op.name, &LayerPrecision::weight, "weight");
    if (!wt) wt = own(w);
    if (!wt) wt = calibrated(w.name);
    if (!wt) wt = model_default();
    if (!wt) no_precision(op.name, w.name, "weight");
    quantize_constant(w, *wt, op.name, "weight");
    if (op.get_string("activation", "linear") == "leaky_relu") set_alpha(op);

    const int acc_frac = x.frac + wt->frac;
    const int128 product_bound = max_column_sum(op, w) * max_abs_code(x);
    Tensor* bias = op.inputs.size() > 2 && !op.inputs[2].empty() ? &model_.tensor(op.inputs[2]) : nullptr;
    int128 bias_bound = 0;
    if (bias) bias_bound = quantize_bias(op, *bias, acc_frac);
    const int128 bound = product_bound + bias_bound;
    const FixedType acc = accumulator_type(op, x, *wt, acc_frac, bound);
    if (bias) requantize_bias_width(*bias, acc.width);
    op.attrs["accum"] = acc.str();
    op.attrs["acc_bound_bits"] = static_cast<int64_t>(signed_bits(bound));
    weighted_output(index, acc, bound);
  }

  // max over output channels of sum |w| (Dense: a column of W [K, N]; Conv: a row of W [C_out, ...]).
  int128 max_column_sum(const Op& op, const Tensor& w) const {
    const auto& shape = w.shape;
    if (shape.size() < 2) throw InputError(fmt::format("layer '{}': weights '{}' are not a matrix", op.name, w.name));
    std::vector<int128> sums;
    if (op.kind == OpKind::Dense) {
      const size_t n = static_cast<size_t>(shape.back());
      sums.assign(n, 0);
      for (size_t i = 0; i < w.codes.size(); ++i) sums[i % n] += abs128(w.codes[i]);
    } else {
      const size_t c = static_cast<size_t>(shape.front()), per = w.codes.size() / std::max<size_t>(c, 1);
      sums.assign(c, 0);
      for (size_t i = 0; i < w.codes.size(); ++i) sums[i / per] += abs128(w.codes[i]);
    }
    return sums.empty() ? 0 : *std::max_element(sums.begin(), sums.end());
  }

  // Bias values (optionally first cast into the configured bias type), then at the accumulator scale in
  // 64 bits; returns max |code|. The width is narrowed to the accumulator's afterwards.
  int128 quantize_bias(const Op& op, Tensor& bias, int acc_frac) {
    RoundingMode rnd = RoundingMode::RndConv;
    std::vector<double> values = bias.values;
    if (auto bt = configured(op.name, &LayerPrecision::bias, "bias")) {
      Tensor as_configured = bias;
      quantize_constant(as_configured, *bt, op.name, "bias");
      for (size_t i = 0; i < values.size(); ++i) values[i] = dequantize(as_configured.codes[i], *bt);
      rnd = bt->rounding;
      if (bt->frac > acc_frac)
        report_.warnings.push_back(fmt::format(
            "layer '{}': bias precision {} is finer than the accumulator scale 2^-{}; the bias is rounded ({})",
            op.name, bt->str(), acc_frac, to_string(rnd)));
    } else if (auto own_type = own(bias); own_type && own_type->frac > acc_frac) {
      report_.warnings.push_back(fmt::format(
          "layer '{}': the model's bias type {} is finer than the accumulator scale 2^-{}; the bias is rounded "
          "to nearest even", op.name, own_type->str(), acc_frac));
    }
    const FixedType acc64{64, acc_frac, true, rnd, OverflowMode::Sat};
    bias.type = NumericType::of(acc64);
    bias.codes.resize(values.size());
    int128 m = 0;
    for (size_t i = 0; i < values.size(); ++i) {
      bias.codes[i] = quantize(values[i], acc64);
      m = std::max(m, abs128(bias.codes[i]));
    }
    return m;
  }

  void requantize_bias_width(Tensor& bias, int width) {
    FixedType t = bias.type.fixed;
    t.width = width;
    for (auto& c : bias.codes) c = apply_overflow(c, width, true, OverflowMode::Sat);
    bias.type = NumericType::of(t);
  }

  FixedType accumulator_type(const Op& op, const FixedType& x, const FixedType& w, int acc_frac, int128 bound) {
    const int needed = signed_bits(bound);
    int width = (x.width > 8 && w.width > 8) || needed > 32 ? 64 : 32;
    if (auto a = configured(op.name, &LayerPrecision::accum, "accum")) {
      width = a->width;
      if (a->frac != acc_frac)
        report_.warnings.push_back(fmt::format(
            "LayerName.{}.Precision.accum: only the width of {} is used; the accumulator holds exact products "
            "at scale 2^-{} (frac_x + frac_w)", op.name, a->str(), acc_frac));
    }
    if (needed > width)
      report_.warnings.push_back(fmt::format("layer '{}': the worst-case sum needs {} bits but the accumulator has {}; "
                                             "it wraps on overflow", op.name, needed, width));
    if (needed > 64)
      throw InputError(fmt::format("layer '{}': the worst-case sum needs {} bits, more than a 64-bit accumulator",
                                   op.name, needed));
    return FixedType{width, acc_frac, true, RoundingMode::Trn, OverflowMode::Wrap};
  }

  void weighted_output(size_t index, const FixedType& acc, int128 bound) {
    Op& op = model_.ops[index];
    const std::string out = op.outputs.at(0);
    if (auto c = configured(op.name, &LayerPrecision::result, "result")) return set_output(op, {});
    if (Op* q = sole_quantizer_consumer(model_, out)) {
      const FixedType qtype = quantizer_type(*q);
      const std::string qname = q->name;
      const bool commutes = activation_commutes_with_cast(op, qtype);
      const bool f32_exact = float32_sum_is_exact(bound, acc.frac);
      if (commutes && (f32_exact || !options_.keep_inexact_quantizers)) {
        model_.tensor(q->outputs[0]).type = NumericType::of(qtype);
        absorb_into_producer(model_, op, *q);
        Op& dense = model_.ops[index];  // absorb_into_producer erased a later op
        record_aie_modes(dense, qtype);
        dense.attrs["onnx_float32_exact"] = int64_t{f32_exact};
        report_.notes.push_back(fmt::format(
            "layer '{}': quantiser '{}' ({}) absorbed into the layer's output{}", dense.name, qname, qtype.str(),
            f32_exact ? ""
                      : fmt::format("; the sum can reach 2^{}, beyond float32's exact 2^24, so ONNX's float32 "
                                    "evaluation may differ from the exact result computed here",
                                    signed_bits(bound) - 1)));
        return;
      }
      // Kept: the layer writes its exact accumulator and the quantiser casts it.
      report_.notes.push_back(fmt::format(
          "layer '{}': quantiser '{}' kept as its own op: {} (the layer writes its exact {} accumulator)", op.name,
          qname, commutes ? fmt::format("the sum can reach 2^{}, beyond float32's exact 2^24", signed_bits(bound) - 1)
                          : "its activation does not commute with the cast",
          acc.str()));
      return set_output(op, [acc] { return acc; });
    }
    set_output(op, default_rule(op));
  }

  // An op whose result is rounded once (pooled mean, LayerNorm): without a configured or own result type,
  // a sole following power-of-two quantiser (QDQ) becomes its output type instead of rounding a second
  // time. Returns whether one was absorbed; `what` names the result in the report's note.
  bool absorb_following_quantizer(size_t index, const char* what) {
    Op& op = model_.ops[index];
    if (configured(op.name, &LayerPrecision::result, "result") || own(model_.tensor(op.outputs.at(0)))) return false;
    Op* q = sole_quantizer_consumer(model_, op.outputs[0]);
    if (!q) return false;
    const FixedType qtype = quantizer_type(*q);
    const std::string qname = q->name;
    model_.tensor(q->outputs[0]).type = NumericType::of(qtype);
    absorb_into_producer(model_, op, *q);
    Op& absorbed = model_.ops[index];
    record_aie_modes(absorbed, qtype);
    report_.notes.push_back(
        fmt::format("layer '{}': quantiser '{}' ({}) absorbed into {}", absorbed.name, qname, qtype.str(), what));
    return true;
  }

  // AveragePool / GlobalAveragePool: the mean is rounded once into the output type, so a following
  // power-of-two quantiser (QDQ) is absorbed rather than rounding a second time; otherwise the config,
  // the model's type, calibration, Model.Precision, and last the input's type (a mean stays in range).
  void average_pool(size_t index) {
    Op& op = model_.ops[index];
    if (absorb_following_quantizer(index, "the pooled mean")) return;
    set_output(op, default_rule(op, inherit_rule(op)));
  }

  // LayerNorm (sim/layernorm_ops.h): gamma / beta like elementwise constants; the result is rounded once,
  // so a following power-of-two quantiser (QDQ) is absorbed as for AveragePool; otherwise config, own type,
  // calibration, Model.Precision, and last a 16-bit type holding sqrt(n - 1) * max|gamma| + max|beta|
  // (the largest |normalised value| of n elements is sqrt(n - 1)).
  void layernorm(size_t index) {
    Op& op = model_.ops[index];
    const auto& x = model_.tensor(op.inputs.at(0));
    fixed_of(x.name, op);
    double gamma = 1;  // max |gamma| (1 without gamma)
    for (size_t i = 1; i < op.inputs.size() && i <= 2; ++i) {
      if (op.inputs[i].empty()) continue;
      Tensor& t = model_.tensor(op.inputs[i]);
      quantize_operand_constant(t, op);
      if (i == 1) gamma = max_abs_value(t.values);
    }
    const int64_t rank = static_cast<int64_t>(x.shape.size());
    int64_t axis = op.get_int("axis", -1), n = 1;
    if (axis < 0) axis += rank;
    for (int64_t d = std::max<int64_t>(axis, 1); d < rank; ++d) n *= x.shape[static_cast<size_t>(d)];
    double beta = 0;
    if (op.inputs.size() > 2 && !op.inputs[2].empty()) beta = max_abs_value(model_.tensor(op.inputs[2]).values);
    const double out_max = std::sqrt(static_cast<double>(std::max<int64_t>(n - 1, 1))) * gamma + beta;
    if (absorb_following_quantizer(index, "the normalised output")) return;
    set_output(op, default_rule(op, [out_max]() -> std::optional<FixedType> { return fit_signed_type(out_max, 16); }));
  }

  // Add/Sub/Mul/Concat: constant operands get codes; the output defaults to the exact result type.
  void elementwise(Op& op) {
    std::vector<FixedType> ins;
    for (auto& name : op.inputs) {
      if (name.empty()) continue;
      Tensor& t = model_.tensor(name);
      if (t.is_constant) quantize_operand_constant(t, op);
      ins.push_back(fixed_of(name, op));
    }
    set_output(op, default_rule(op, [this, &op, ins]() -> std::optional<FixedType> {
      return exact_result_type(op, ins);
    }));
  }

  std::optional<FixedType> exact_result_type(const Op& op, const std::vector<FixedType>& ins) const {
    int frac = 0, int_bits = 0, width = 0;
    if (op.kind == OpKind::Mul) {
      for (auto& t : ins) frac += t.frac, width += t.width;
      int_bits = width - frac;
    } else {
      frac = INT32_MIN, int_bits = INT32_MIN;
      for (auto& t : ins) frac = std::max(frac, t.frac), int_bits = std::max(int_bits, t.integer_bits());
      if (op.kind != OpKind::Concat) int_bits += 1;  // the carry of a sum or difference
      width = int_bits + frac;
    }
    if (width > 64) return std::nullopt;
    return FixedType{width, frac, true, RoundingMode::Trn, OverflowMode::Wrap};
  }

  void matmul(Op& op) {
    const FixedType a = fixed_of(op.inputs.at(0), op), b = fixed_of(op.inputs.at(1), op);
    const auto& a_shape = model_.tensor(op.inputs[0]).shape;
    const int64_t k = a_shape.empty() ? 1 : a_shape.back();
    const int width = a.width + b.width + signed_bits(std::max<int64_t>(k, 1)) - 1;
    set_output(op, default_rule(op, [a, b, width]() -> std::optional<FixedType> {
      if (width > 64) return std::nullopt;
      return FixedType{width, a.frac + b.frac, true, RoundingMode::Trn, OverflowMode::Wrap};
    }));
  }

  // BipolarQuant: +-scale; a power-of-two scale fits a 2-bit type exactly.
  void sign(Op& op) {
    fixed_of(op.inputs.at(0), op);
    const double scale = op.get_float("scale", 1.0);
    set_output(op, default_rule(op, [scale]() -> std::optional<FixedType> {
      int exp = 0;
      if (std::frexp(scale, &exp) != 0.5) return std::nullopt;
      return FixedType{2, 1 - exp, true, RoundingMode::RndConv, OverflowMode::Sat};
    }));
  }

  // Standalone BatchNorm: y = x * s + t per channel with s = gamma / sqrt(var + eps), t = beta - mean * s.
  void batchnorm(Op& op) {
    const FixedType x = fixed_of(op.inputs.at(0), op);
    if (op.inputs.size() != 5) throw InputError(fmt::format("BatchNorm '{}': expected 5 inputs", op.name));
    auto values = [&](size_t i) -> const std::vector<double>& {
      const Tensor& t = model_.tensor(op.inputs[i]);
      if (!t.is_constant) throw InputError(fmt::format("BatchNorm '{}': input '{}' is not constant", op.name, t.name));
      return t.values;
    };
    const auto &gamma = values(1), &beta = values(2), &mean = values(3), &var = values(4);
    const double eps = op.get_float("epsilon", 1e-5);
    std::vector<double> s(gamma.size()), t(gamma.size());
    for (size_t c = 0; c < gamma.size(); ++c) {
      s[c] = gamma[c] / std::sqrt(var.at(c) + eps);
      t[c] = beta.at(c) - mean.at(c) * s[c];
    }
    Tensor scale{fresh_name(op.name + "_scale"), {static_cast<int64_t>(s.size())}, {}, true, s, {}};
    Tensor shift{fresh_name(op.name + "_shift"), {static_cast<int64_t>(t.size())}, {}, true, t, {}};
    std::optional<FixedType> st = configured(op.name, &LayerPrecision::weight, "weight");
    if (!st) st = fit_signed_type(max_abs_value(s), kAlphaWidth);
    quantize_constant(scale, *st, op.name, "scale");
    const int frac = x.frac + st->frac;
    const double shift_bound = max_abs_value(t) * std::ldexp(1.0, frac) +
                               std::ldexp(max_abs_value(s), frac) * static_cast<double>(max_abs_code(x));
    const int width = shift_bound < 0x1p31 ? 32 : 64;
    quantize_constant(shift, FixedType{width, frac, true, RoundingMode::RndConv, OverflowMode::Sat}, op.name, "shift");
    const std::string x_name = op.inputs[0];
    op.inputs = {x_name, scale.name, shift.name};
    op.attrs["form"] = std::string("scale_shift");
    model_.add_tensor(std::move(scale));
    model_.add_tensor(std::move(shift));
    set_output(op, default_rule(op));
  }

  std::string fresh_name(const std::string& base) const {
    std::string name = base;
    for (int i = 1; model_.has_tensor(name); ++i) name = fmt::format("{}_{}", base, i);
    return name;
  }

  // ---- checks ------------------------------------------------------------------------------------
  void warn_unknown_layers() {
    std::set<std::string> names(model_.inputs.begin(), model_.inputs.end());
    for (auto& op : model_.ops) names.insert(op.name);
    for (auto& [name, l] : config_.layers)
      if (!names.count(name)) {
        std::vector<std::string> known;
        for (auto& op : model_.ops)
          if (op.kind == OpKind::Dense || op.kind == OpKind::Conv) known.push_back(op.name);
        report_.warnings.push_back(fmt::format("LayerName.{}: the model has no layer or input named '{}' (layers: {})",
                                               name, name, join(known)));
      }
  }

  void check_all_fixed() const {
    for (auto& op : model_.ops)
      for (auto& out : op.outputs)
        if (!model_.tensor(out).type.is_fixed())
          throw InputError(fmt::format("op '{}': output '{}' was left as {}", op.name, out, model_.tensor(out).type.str()));
  }

  Model& model_;
  const Config& config_;
  const QuantizeOptions& options_;
  QuantizeReport& report_;
};

}  // namespace

QuantizeReport quantize_model(Model& model, const Config& config, const QuantizeOptions& options) {
  QuantizeReport report;
  QuantizePass(model, config, options, report).run();
  return report;
}

}  // namespace aie4ml
