// Double-precision kernels of the float interpreter (see float_kernels.h).
#include "sim/float_kernels.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include <fmt/format.h>

#include "ir/fixed_point.h"
#include "sim/shape_util.h"
#include "support/error.h"

namespace aie4ml::sim {

namespace {

using Inputs = std::span<const double* const>;

const Tensor& constant(const Model& m, const std::string& name, const Op& op) {
  const Tensor& t = m.tensor(name);
  if (!t.is_constant || t.values.size() != static_cast<size_t>(t.elements()))
    throw InputError(fmt::format("op '{}': '{}' must be a constant with values", op.name, name));
  return t;
}

int64_t sample_elems(const Model& m, const std::string& name) { return product(m.tensor(name).sample_shape()); }

double apply_activation(double v, int act, double alpha) {
  if (act == 1) return v > 0 ? v : 0;
  if (act == 2) return v >= 0 ? v : alpha * v;
  return v;
}

int activation_id(const Op& op) {
  const std::string a = op.get_string("activation", "linear");
  if (a == "linear") return 0;
  if (a == "relu") return 1;
  if (a == "leaky_relu") return 2;
  throw InputError(fmt::format("layer '{}': unknown activation '{}'", op.name, a));
}

class DenseKernel : public Kernel<double> {
 public:
  DenseKernel(const Model& m, const Op& op) : act_(activation_id(op)), alpha_(op.get_float("alpha", 0.01)) {
    const Tensor& w = constant(m, op.inputs.at(1), op);
    if (w.shape.size() != 2) throw InputError(fmt::format("layer '{}': weights must be [K, N]", op.name));
    k_ = w.shape[0], n_ = w.shape[1];
    const int64_t e = sample_elems(m, op.inputs[0]);
    if (k_ <= 0 || e % k_) throw InputError(fmt::format("layer '{}': input is not a multiple of K = {}", op.name, k_));
    rows_ = e / k_;
    w_ = w.values;
    if (op.inputs.size() > 2 && !op.inputs[2].empty()) bias_ = constant(m, op.inputs[2], op).values;
  }

  void run(Inputs in, double* out, int64_t batch) const override {
    for (int64_t r = 0; r < batch * rows_; ++r) {
      double* y = out + r * n_;
      for (int64_t n = 0; n < n_; ++n) y[n] = bias_.empty() ? 0.0 : bias_[n];
      for (int64_t k = 0; k < k_; ++k) {
        const double x = in[0][r * k_ + k];
        for (int64_t n = 0; n < n_; ++n) y[n] += x * w_[k * n_ + n];
      }
      for (int64_t n = 0; n < n_; ++n) y[n] = apply_activation(y[n], act_, alpha_);
    }
  }

 private:
  int64_t k_ = 0, n_ = 0, rows_ = 1;
  std::vector<double> w_, bias_;
  int act_;
  double alpha_;
};

class ConvKernel : public Kernel<double> {
 public:
  ConvKernel(const Model& m, const Op& op) : act_(activation_id(op)), alpha_(op.get_float("alpha", 0.01)) {
    const Tensor& w = constant(m, op.inputs.at(1), op);
    const auto in_sample = m.tensor(op.inputs[0]).sample_shape(), out_sample = m.tensor(op.outputs.at(0)).sample_shape();
    geo_ = window_geometry(op, in_sample, out_sample, {w.shape.begin() + 2, w.shape.end()});
    w_ = w.values;
    if (op.inputs.size() > 2 && !op.inputs[2].empty()) bias_ = constant(m, op.inputs[2], op).values;
    in_elems_ = product(in_sample), out_elems_ = product(out_sample);
    taps_ = product(geo_.kernel), in_spatial_ = product(geo_.in_spatial), out_spatial_ = product(geo_.out_spatial);
    index_.resize(static_cast<size_t>(out_spatial_ * taps_));
    for (int64_t o = 0; o < out_spatial_; ++o)
      for (int64_t t = 0; t < taps_; ++t) index_[o * taps_ + t] = window_input_index(geo_, o, t);
  }

  void run(Inputs in, double* out, int64_t batch) const override {
    const int64_t cg = geo_.channels_in / geo_.groups, mg = geo_.channels_out / geo_.groups;
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t mo = 0; mo < geo_.channels_out; ++mo)
        for (int64_t o = 0; o < out_spatial_; ++o) {
          double a = bias_.empty() ? 0.0 : bias_[mo];
          for (int64_t c = 0; c < cg; ++c) {
            const double* x = in[0] + b * in_elems_ + ((mo / mg) * cg + c) * in_spatial_;
            const double* w = w_.data() + (mo * cg + c) * taps_;
            for (int64_t t = 0; t < taps_; ++t)
              if (const int64_t i = index_[o * taps_ + t]; i >= 0) a += x[i] * w[t];
          }
          out[b * out_elems_ + mo * out_spatial_ + o] = apply_activation(a, act_, alpha_);
        }
  }

 private:
  WindowGeometry geo_;
  std::vector<double> w_, bias_;
  std::vector<int64_t> index_;
  int64_t in_elems_ = 0, out_elems_ = 0, taps_ = 0, in_spatial_ = 0, out_spatial_ = 0;
  int act_;
  double alpha_;
};

// Pooling: max, or average (count_include_pad decides the divisor at the borders).
class PoolKernel : public Kernel<double> {
 public:
  PoolKernel(const Model& m, const Op& op) : max_(op.kind == OpKind::MaxPool) {
    const auto in_sample = m.tensor(op.inputs.at(0)).sample_shape(), out_sample = m.tensor(op.outputs.at(0)).sample_shape();
    if (op.get_int("ceil_mode", 0) != 0) throw InputError(fmt::format("pool '{}': ceil_mode is not supported", op.name));
    std::vector<int64_t> kernel = op.get_ints("kernel_shape");
    if (op.kind == OpKind::GlobalAveragePool) kernel.assign(in_sample.begin() + 1, in_sample.end());
    geo_ = window_geometry(op, in_sample, out_sample, kernel);
    include_pad_ = op.get_int("count_include_pad", 0) != 0;
    taps_ = product(geo_.kernel), in_spatial_ = product(geo_.in_spatial), out_spatial_ = product(geo_.out_spatial);
    index_.resize(static_cast<size_t>(out_spatial_ * taps_));
    for (int64_t o = 0; o < out_spatial_; ++o)
      for (int64_t t = 0; t < taps_; ++t) index_[o * taps_ + t] = window_input_index(geo_, o, t);
  }

  void run(Inputs in, double* out, int64_t batch) const override {
    for (int64_t bc = 0; bc < batch * geo_.channels_in; ++bc) {
      const double* x = in[0] + bc * in_spatial_;
      for (int64_t o = 0; o < out_spatial_; ++o) {
        double acc = max_ ? -INFINITY : 0.0;
        int64_t count = 0;
        for (int64_t t = 0; t < taps_; ++t) {
          const int64_t i = index_[o * taps_ + t];
          if (i < 0) continue;
          acc = max_ ? std::max(acc, x[i]) : acc + x[i];
          ++count;
        }
        out[bc * out_spatial_ + o] = max_ ? acc : acc / static_cast<double>(include_pad_ ? taps_ : count);
      }
    }
  }

 private:
  bool max_, include_pad_ = false;
  WindowGeometry geo_;
  std::vector<int64_t> index_;
  int64_t taps_ = 0, in_spatial_ = 0, out_spatial_ = 0;
};

class UnaryKernel : public Kernel<double> {
 public:
  UnaryKernel(int64_t elems, std::function<double(double)> fn, std::vector<int64_t> gather = {})
      : elems_(elems), fn_(std::move(fn)), gather_(std::move(gather)) {}
  void run(Inputs in, double* out, int64_t batch) const override {
    for (int64_t b = 0; b < batch; ++b) {
      const double* x = in[0] + b * elems_;
      double* y = out + b * elems_;
      for (int64_t i = 0; i < elems_; ++i) y[i] = fn_(gather_.empty() ? x[i] : x[gather_[i]]);
    }
  }

 private:
  int64_t elems_;
  std::function<double(double)> fn_;
  std::vector<int64_t> gather_;
};

// Slice: output element i of a sample copies input element offsets[i] (slice_offsets).
class GatherKernel : public Kernel<double> {
 public:
  GatherKernel(int64_t in_elems, std::vector<int64_t> offsets) : in_elems_(in_elems), offsets_(std::move(offsets)) {}
  void run(Inputs in, double* out, int64_t batch) const override {
    const auto out_elems = static_cast<int64_t>(offsets_.size());
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t i = 0; i < out_elems; ++i) out[b * out_elems + i] = in[0][b * in_elems_ + offsets_[i]];
  }

 private:
  int64_t in_elems_;
  std::vector<int64_t> offsets_;
};

// Elementwise ops over any number of broadcast operands (activations or constants).
class BroadcastKernel : public Kernel<double> {
 public:
  using Fn = std::function<double(const double*)>;  // operand values -> result
  BroadcastKernel(const Model& m, const Op& op, Fn fn) : fn_(std::move(fn)) {
    const auto out_sample = m.tensor(op.outputs.at(0)).sample_shape();
    out_elems_ = product(out_sample);
    for (auto& name : op.inputs) {
      if (name.empty()) continue;
      const Tensor& t = m.tensor(name);
      Operand o;
      o.constant = t.is_constant;
      if (t.is_constant) o.values = constant(m, name, op).values;
      else o.elems = product(t.sample_shape());
      o.offsets = broadcast_offsets(out_sample, t.shape, !t.is_constant, op.name);
      operands_.push_back(std::move(o));
    }
  }

  void run(Inputs in, double* out, int64_t batch) const override {
    std::vector<const double*> base(operands_.size());
    std::vector<double> args(operands_.size());
    for (int64_t b = 0; b < batch; ++b) {
      size_t next = 0;
      for (size_t i = 0; i < operands_.size(); ++i)
        base[i] = operands_[i].constant ? operands_[i].values.data() : in[next++] + b * operands_[i].elems;
      for (int64_t e = 0; e < out_elems_; ++e) {
        for (size_t i = 0; i < operands_.size(); ++i) args[i] = base[i][operands_[i].offsets[e]];
        out[b * out_elems_ + e] = fn_(args.data());
      }
    }
  }

 private:
  struct Operand {
    bool constant = false;
    std::vector<double> values;
    std::vector<int64_t> offsets;
    int64_t elems = 0;
  };
  Fn fn_;
  std::vector<Operand> operands_;
  int64_t out_elems_ = 0;
};

// Reductions along one axis of the sample: Softmax and LayerNorm.
class AxisKernel : public Kernel<double> {
 public:
  using Fn = std::function<void(const double* x, double* y, int64_t n, int64_t stride, int64_t pos)>;
  AxisKernel(const Model& m, const Op& op, int64_t default_axis, bool to_end, Fn fn) : fn_(std::move(fn)) {
    const Tensor& t = m.tensor(op.inputs.at(0));
    const auto s = t.sample_shape();
    const int axis = sample_axis(op.get_int("axis", default_axis), t.shape.size(), op.name);
    // LayerNorm normalises over every axis from `axis` on; Softmax over one.
    len_ = to_end ? product({s.begin() + axis, s.end()}) : s[axis];
    inner_ = to_end ? 1 : product({s.begin() + axis + 1, s.end()});
    outer_ = product({s.begin(), s.begin() + axis});
    elems_ = product(s);
  }
  void run(Inputs in, double* out, int64_t batch) const override {
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t o = 0; o < outer_; ++o)
        for (int64_t i = 0; i < inner_; ++i) {
          const int64_t off = b * elems_ + o * len_ * inner_ + i;
          fn_(in[0] + off, out + off, len_, inner_, i);
        }
  }

 private:
  Fn fn_;
  int64_t len_ = 1, inner_ = 1, outer_ = 1, elems_ = 1;
};

class ConcatKernel : public Kernel<double> {
 public:
  ConcatKernel(const Model& m, const Op& op) {
    const Tensor& out = m.tensor(op.outputs.at(0));
    const int axis = sample_axis(op.get_int("axis", 1), out.shape.size(), op.name);
    const auto so = out.sample_shape();
    outer_ = product({so.begin(), so.begin() + axis});
    out_elems_ = product(so);
    for (auto& name : op.inputs) {
      const Tensor& t = m.tensor(name);
      if (t.is_constant) throw InputError(fmt::format("Concat '{}': constant inputs are not supported", op.name));
      const auto s = t.sample_shape();
      parts_.push_back({product(s), product({s.begin() + axis, s.end()})});
    }
  }
  void run(Inputs in, double* out, int64_t batch) const override {
    for (int64_t b = 0; b < batch; ++b) {
      double* y = out + b * out_elems_;
      for (int64_t o = 0; o < outer_; ++o)
        for (size_t p = 0; p < parts_.size(); ++p) {
          const double* x = in[p] + b * parts_[p].first + o * parts_[p].second;
          y = std::copy(x, x + parts_[p].second, y);
        }
    }
  }

 private:
  std::vector<std::pair<int64_t, int64_t>> parts_;  // elements per sample, block per outer index
  int64_t outer_ = 1, out_elems_ = 0;
};

class MatMulKernel : public Kernel<double> {
 public:
  MatMulKernel(const Model& m, const Op& op) {
    const Tensor &a = m.tensor(op.inputs.at(0)), &b = m.tensor(op.inputs.at(1));
    if (a.is_constant || b.is_constant)
      throw InputError(fmt::format("MatMul '{}': a constant operand should have become a Dense", op.name));
    const auto sa = a.sample_shape(), sb = b.sample_shape();
    if (sa.empty() || sb.size() < 2 || sa.back() != sb[sb.size() - 2])
      throw InputError(fmt::format("MatMul '{}': operand shapes do not match", op.name));
    m_ = sa.size() >= 2 ? sa[sa.size() - 2] : 1, k_ = sa.back(), n_ = sb.back();
    a_elems_ = product(sa), b_elems_ = product(sb);
    groups_ = a_elems_ / (m_ * k_);
    if (groups_ * k_ * n_ != b_elems_) throw InputError(fmt::format("MatMul '{}': broadcasting is not supported", op.name));
  }
  void run(Inputs in, double* out, int64_t batch) const override {
    for (int64_t s = 0; s < batch; ++s)
      for (int64_t g = 0; g < groups_; ++g)
        for (int64_t i = 0; i < m_; ++i)
          for (int64_t j = 0; j < n_; ++j) {
            double acc = 0;
            for (int64_t k = 0; k < k_; ++k)
              acc += in[0][s * a_elems_ + (g * m_ + i) * k_ + k] * in[1][s * b_elems_ + (g * k_ + k) * n_ + j];
            out[s * groups_ * m_ * n_ + (g * m_ + i) * n_ + j] = acc;
          }
  }

 private:
  int64_t m_ = 1, k_ = 1, n_ = 1, a_elems_ = 0, b_elems_ = 0, groups_ = 1;
};

// Per-channel (axis 1) y = x * scale + shift, from BatchNorm's five inputs or the quantised form.
std::unique_ptr<Kernel<double>> batchnorm(const Model& m, const Op& op) {
  std::vector<double> scale, shift;
  if (op.get_string("form", "") == "scale_shift") {
    scale = constant(m, op.inputs.at(1), op).values;
    shift = constant(m, op.inputs.at(2), op).values;
  } else {
    if (op.inputs.size() != 5) throw InputError(fmt::format("BatchNorm '{}': expected 5 inputs", op.name));
    const auto &g = constant(m, op.inputs[1], op).values, &b = constant(m, op.inputs[2], op).values,
               &mean = constant(m, op.inputs[3], op).values, &var = constant(m, op.inputs[4], op).values;
    const double eps = op.get_float("epsilon", 1e-5);
    for (size_t c = 0; c < g.size(); ++c) {
      // ONNX: (x - mean) / sqrt(var + eps) * gamma + beta
      scale.push_back(g[c] / std::sqrt(var.at(c) + eps));
      shift.push_back(b.at(c) - mean.at(c) * scale.back());
    }
  }
  const auto s = m.tensor(op.inputs[0]).sample_shape();
  if (s.empty() || s[0] != static_cast<int64_t>(scale.size()))
    throw InputError(fmt::format("BatchNorm '{}': {} channels expected on axis 1", op.name, scale.size()));
  const int64_t elems = product(s), inner = elems / s[0];
  std::vector<int64_t> gather;
  struct ScaleShift : Kernel<double> {
    std::vector<double> scale, shift;
    int64_t elems, inner;
    void run(Inputs in, double* out, int64_t batch) const override {
      for (int64_t b = 0; b < batch; ++b)
        for (int64_t e = 0; e < elems; ++e) {
          const auto c = static_cast<size_t>(e / inner);
          out[b * elems + e] = in[0][b * elems + e] * scale[c] + shift[c];
        }
    }
  };
  auto k = std::make_unique<ScaleShift>();
  k->scale = std::move(scale), k->shift = std::move(shift), k->elems = elems, k->inner = inner;
  return k;
}

std::unique_ptr<Kernel<double>> layernorm(const Model& m, const Op& op) {
  const double eps = op.get_float("epsilon", 1e-5);
  std::vector<double> gamma, beta;
  if (op.inputs.size() > 1 && !op.inputs[1].empty()) gamma = constant(m, op.inputs[1], op).values;
  if (op.inputs.size() > 2 && !op.inputs[2].empty()) beta = constant(m, op.inputs[2], op).values;
  return std::make_unique<AxisKernel>(m, op, -1, true, [=](const double* x, double* y, int64_t n, int64_t, int64_t) {
    double mean = 0, var = 0;
    for (int64_t j = 0; j < n; ++j) mean += x[j];
    mean /= static_cast<double>(n);
    for (int64_t j = 0; j < n; ++j) var += (x[j] - mean) * (x[j] - mean);
    var /= static_cast<double>(n);
    const double inv = 1.0 / std::sqrt(var + eps);
    for (int64_t j = 0; j < n; ++j) {
      const double g = gamma.empty() ? 1.0 : gamma[static_cast<size_t>(j) % gamma.size()];
      const double b = beta.empty() ? 0.0 : beta[static_cast<size_t>(j) % beta.size()];
      y[j] = (x[j] - mean) * inv * g + b;
    }
  });
}

std::unique_ptr<Kernel<double>> softmax(const Model& m, const Op& op) {
  return std::make_unique<AxisKernel>(m, op, -1, false, [](const double* x, double* y, int64_t n, int64_t stride, int64_t) {
    double mx = -INFINITY, sum = 0;
    for (int64_t j = 0; j < n; ++j) mx = std::max(mx, x[j * stride]);
    for (int64_t j = 0; j < n; ++j) sum += (y[j * stride] = std::exp(x[j * stride] - mx));
    for (int64_t j = 0; j < n; ++j) y[j * stride] /= sum;
  });
}

// QONNX rounding-mode names -> a rounding function of a double.
double round_qonnx(double v, const std::string& mode, const std::string& op) {
  if (mode == "ROUND" || mode == "HALF_EVEN") return std::nearbyint(v);  // ties to even (default FE mode)
  if (mode == "FLOOR" || (mode == "DOWN" && v >= 0)) return std::floor(v);
  if (mode == "CEIL" || (mode == "UP" && v >= 0)) return std::ceil(v);
  if (mode == "DOWN" || mode == "ROUND_TO_ZERO") return std::trunc(v);
  if (mode == "UP") return v >= 0 ? std::ceil(v) : std::floor(v);
  if (mode == "HALF_UP") return std::round(v);  // ties away from zero
  if (mode == "HALF_DOWN") return v >= 0 ? std::ceil(v - 0.5) : std::floor(v + 0.5);
  throw InputError(fmt::format("quantiser '{}': unknown rounding mode '{}'", op, mode));
}

// The quantiser: a fixed-point cast when the output type is fixed point, else QONNX's formula
// y = scale * (clip(round(x / scale + zero_point), qmin, qmax) - zero_point), evaluated in double.
std::unique_ptr<Kernel<double>> quantizer(const Model& m, const Op& op, int64_t elems) {
  const Tensor& out = m.tensor(op.outputs.at(0));
  if (out.type.is_fixed()) {
    const FixedType t = out.type.fixed;
    return std::make_unique<UnaryKernel>(elems, [t](double x) { return dequantize(quantize(x, t), t); });
  }
  if (!op.has("scale"))
    throw InputError(fmt::format("quantiser '{}': neither a fixed-point output type nor a scale", op.name));
  if (op.has("method"))
    throw InputError(fmt::format("quantiser '{}': the float interpreter does not evaluate '{}' quantisers off the "
                                 "power-of-two grid", op.name, op.get_string("method", "")));
  const double scale = op.get_float("scale", 1.0), zp = op.get_float("zero_point", 0.0);
  const int bits = static_cast<int>(op.get_int("bitwidth", 8));
  const bool is_signed = op.get_int("signed", 1) != 0, narrow = op.get_int("narrow", 0) != 0;
  const double qmin = is_signed ? -std::ldexp(1.0, bits - 1) + (narrow ? 1 : 0) : 0;
  const double qmax = is_signed ? std::ldexp(1.0, bits - 1) - 1 : std::ldexp(1.0, bits) - 1 - (narrow ? 1 : 0);
  const std::string mode = op.get_string("rounding_mode", "ROUND"), name = op.name;
  if (!(scale > 0)) throw InputError(fmt::format("quantiser '{}': scale {} is not positive", op.name, scale));
  round_qonnx(0.0, mode, name);  // validate the mode now
  return std::make_unique<UnaryKernel>(elems, [=](double x) {
    const double q = std::clamp(round_qonnx(x / scale + zp, mode, name), qmin, qmax);
    return (q - zp) * scale;
  });
}

}  // namespace

std::unique_ptr<Kernel<double>> make_float_kernel(const Model& m, const Op& op) {
  if (op.outputs.size() != 1) throw InputError(fmt::format("op '{}': exactly one output expected", op.name));
  const int64_t in = op.inputs.empty() || op.inputs[0].empty() ? 0 : sample_elems(m, op.inputs[0]);
  auto elementwise = [&](std::function<double(double)> fn) { return std::make_unique<UnaryKernel>(in, std::move(fn)); };
  switch (op.kind) {
    case OpKind::Dense: return std::make_unique<DenseKernel>(m, op);
    case OpKind::Conv: return std::make_unique<ConvKernel>(m, op);
    case OpKind::MaxPool:
    case OpKind::AveragePool:
    case OpKind::GlobalAveragePool: return std::make_unique<PoolKernel>(m, op);
    case OpKind::Quantize: return quantizer(m, op, in);
    case OpKind::Flatten:
    case OpKind::Reshape: return elementwise([](double x) { return x; });
    case OpKind::Transpose:
      return std::make_unique<UnaryKernel>(in, [](double x) { return x; },
                                           transpose_offsets(m.tensor(op.inputs[0]).sample_shape(), op.get_ints("perm"), op.name));
    case OpKind::Slice:
      return std::make_unique<GatherKernel>(in, slice_offsets(m.tensor(op.inputs[0]).sample_shape(),
                                                              m.tensor(op.outputs[0]).sample_shape(),
                                                              op.get_ints("starts"), op.get_ints("steps"), op.name));
    case OpKind::Relu: return elementwise([](double x) { return x > 0 ? x : 0.0; });
    case OpKind::LeakyRelu: {
      const double a = op.get_float("alpha", 0.01);
      return elementwise([a](double x) { return x >= 0 ? x : a * x; });
    }
    case OpKind::Sigmoid: return elementwise([](double x) { return 1.0 / (1.0 + std::exp(-x)); });
    case OpKind::Tanh: return elementwise([](double x) { return std::tanh(x); });
    case OpKind::Clip: {
      const double lo = op.get_float("min", -INFINITY), hi = op.get_float("max", INFINITY);
      return elementwise([lo, hi](double x) { return std::min(std::max(x, lo), hi); });
    }
    case OpKind::Softmax: return softmax(m, op);
    case OpKind::LayerNorm: return layernorm(m, op);
    case OpKind::Add: return std::make_unique<BroadcastKernel>(m, op, [](const double* v) { return v[0] + v[1]; });
    case OpKind::Sub: return std::make_unique<BroadcastKernel>(m, op, [](const double* v) { return v[0] - v[1]; });
    case OpKind::Mul: return std::make_unique<BroadcastKernel>(m, op, [](const double* v) { return v[0] * v[1]; });
    case OpKind::Div: return std::make_unique<BroadcastKernel>(m, op, [](const double* v) { return v[0] / v[1]; });
    case OpKind::Concat: return std::make_unique<ConcatKernel>(m, op);
    case OpKind::BatchNorm: return batchnorm(m, op);
    case OpKind::MatMul: return std::make_unique<MatMulKernel>(m, op);
    case OpKind::Sign: {
      const double scale = op.get_float("scale", 1.0);
      return elementwise([scale](double x) { return x >= 0 ? scale : -scale; });
    }
  }
  throw InputError(fmt::format("op '{}' ({}) is not supported by the float interpreter", op.name, to_string(op.kind)));
}

}  // namespace aie4ml::sim
