// Integer kernels of the reference interpreter (see int_kernels.h and docs/numerics.md).
#include "sim/int_kernels.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include <fmt/format.h>

#include "ir/fixed_point.h"
#include "sim/dense_kernel.h"
#include "sim/layernorm_ops.h"
#include "sim/reference_ops.h"
#include "sim/shape_util.h"
#include "support/error.h"

namespace aie4ml::sim {

namespace {

using Inputs = std::span<const int64_t* const>;

int128 abs128(int128 v) { return v < 0 ? -v : v; }

int bits_for(int128 bound) {
  int bits = 1;
  while (bound > 0) ++bits, bound >>= 1;
  return bits;
}

const FixedType& fixed(const Model& m, const std::string& name, const Op& op) {
  const Tensor& t = m.tensor(name);
  if (!t.type.is_fixed())
    throw InputError(fmt::format("op '{}' ({}): tensor '{}' has type {}; the integer interpreter needs fixed point "
                                 "(run `aie4ml compile` to quantise the model)", op.name, to_string(op.kind), name,
                                 t.type.str()));
  return t.type.fixed;
}

const Tensor& constant(const Model& m, const std::string& name, const Op& op) {
  const Tensor& t = m.tensor(name);
  if (!t.is_constant || t.codes.size() != static_cast<size_t>(t.elements()))
    throw InputError(fmt::format("op '{}': '{}' must be a quantised constant (codes missing)", op.name, name));
  return t;
}

int128 max_abs_code(const FixedType& t) { return std::max(abs128(t.min_code()), abs128(t.max_code())); }

// ---- Dense and Conv ---------------------------------------------------------------------------------
// The exact accumulation, then (if the configured accumulator is narrower than the worst case) its
// wrap-around, then the cast and the activation on the output codes.
struct Epilogue {
  FixedType acc, out;
  bool wrap = false, leaky = false;
  Requantizer cast;  // includes a relu activation
  int64_t alpha_code = 0;
  int alpha_frac = 0;

  Epilogue(const Op& op, const FixedType& acc_type, const FixedType& out_type, int bound_bits)
      : acc(acc_type), out(out_type), wrap(acc_type.width < bound_bits),
        leaky(activation(op) == "leaky_relu"),
        cast(acc_type.frac, out_type, std::min(bound_bits, acc_type.width), activation(op) == "relu") {
    if (leaky) {
      if (!op.has("alpha_code") || !op.has("alpha_frac"))
        throw InputError(fmt::format("layer '{}': leaky_relu without alpha_code/alpha_frac (not quantised)", op.name));
      alpha_code = op.get_int("alpha_code", 0);
      alpha_frac = static_cast<int>(op.get_int("alpha_frac", 0));
    }
  }

  static std::string activation(const Op& op) {
    const std::string a = op.get_string("activation", "linear");
    if (a != "linear" && a != "relu" && a != "leaky_relu")
      throw InputError(fmt::format("layer '{}': unknown activation '{}'", op.name, a));
    return a;
  }

  // y[r * n + i] from a[r * stride + i].
  template <class Acc>
  void apply(const Acc* a, int64_t stride, int64_t* y, int64_t rows, int64_t n) const {
    auto generic = [&] {
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t i = 0; i < n; ++i) {
          const int128 v = a[r * stride + i];
          y[r * n + i] = cast(wrap ? apply_overflow(v, acc.width, true, OverflowMode::Wrap) : v);
        }
    };
    if constexpr (sizeof(Acc) > 8) {
      generic();
    } else {
      if (wrap) generic();
      else cast.apply_rows(a, stride, y, rows, n);
    }
    if (leaky)
      for (int64_t i = 0; i < rows * n; ++i) y[i] = leaky_relu_code(y[i], alpha_code, alpha_frac, out);
  }
};

FixedType accumulator_of(const Op& op, int acc_frac) {
  FixedType acc{64, acc_frac, true, RoundingMode::Trn, OverflowMode::Wrap};
  if (op.has("accum")) {
    const FixedType declared = parse_fixed_type(op.get_string("accum", ""));
    acc.width = declared.width;
    if (declared.frac != acc_frac)
      throw InputError(fmt::format("layer '{}': accumulator {} does not sit at the product scale 2^-{}", op.name,
                                   declared.str(), acc_frac));
  }
  return acc;
}

class DenseKernel : public Kernel<int64_t> {
 public:
  DenseKernel(const Model& m, const Op& op) {
    const FixedType& x = fixed(m, op.inputs.at(0), op);
    const Tensor& w = constant(m, op.inputs.at(1), op);
    const FixedType& wt = fixed(m, w.name, op);
    const FixedType& y = fixed(m, op.outputs.at(0), op);
    if (w.shape.size() != 2) throw InputError(fmt::format("layer '{}': weights must be [K, N]", op.name));
    k_ = w.shape[0], n_ = w.shape[1];
    const int64_t in_elems = product(m.tensor(op.inputs[0]).sample_shape());
    if (k_ <= 0 || in_elems % k_ != 0)
      throw InputError(fmt::format("layer '{}': input of {} elements per sample is not a multiple of K = {}", op.name,
                                   in_elems, k_));
    rows_ = in_elems / k_;
    w_ = w.codes;
    if (op.inputs.size() > 2 && !op.inputs[2].empty()) {
      const Tensor& b = constant(m, op.inputs[2], op);
      if (b.type.fixed.frac != x.frac + wt.frac || static_cast<int64_t>(b.codes.size()) != n_)
        throw InputError(fmt::format("layer '{}': bias '{}' must hold {} codes at the accumulator scale 2^-{}", op.name,
                                     b.name, n_, x.frac + wt.frac));
      bias_ = b.codes;
    }
    // Worst case |sum| from the actual weights and the input type's range.
    int128 bound = 0, wmax = 0;
    for (int64_t nn = 0; nn < n_; ++nn) {
      int128 col = 0;
      for (int64_t kk = 0; kk < k_; ++kk) col += abs128(w_[kk * n_ + nn]), wmax = std::max(wmax, abs128(w_[kk * n_ + nn]));
      col = col * max_abs_code(x) + (bias_.empty() ? 0 : abs128(bias_[nn]));
      bound = std::max(bound, col);
    }
    const int bound_bits = bits_for(bound);
    epilogue_ = std::make_unique<Epilogue>(op, accumulator_of(op, x.frac + wt.frac), y, bound_bits);
    if (x.min_code() >= -32768 && x.max_code() <= 32767 && wmax <= 32767 && bound < (int128{1} << 31)) {
      fast_ = std::make_unique<DenseInt16>(k_, n_, w_, bias_);
    } else if (bound_bits > 63) {
      wide_ = true;
    }
  }

  void run(Inputs in, int64_t* out, int64_t batch) const override {
    const int64_t rows = batch * rows_;
    if (fast_) {
      thread_local std::vector<int32_t> acc;
      const int64_t np = fast_->padded_n();
      acc.resize(static_cast<size_t>(rows * np));
      fast_->run(in[0], rows, acc.data());
      epilogue_->apply(acc.data(), np, out, rows, n_);
    } else if (!wide_) {
      thread_local std::vector<int64_t> acc;
      acc.resize(static_cast<size_t>(rows * n_));
      dense_int64(in[0], rows, k_, n_, w_.data(), bias_.empty() ? nullptr : bias_.data(), acc.data());
      epilogue_->apply(acc.data(), n_, out, rows, n_);
    } else {
      std::vector<int128> acc(static_cast<size_t>(n_));
      for (int64_t r = 0; r < rows; ++r) {
        for (int64_t nn = 0; nn < n_; ++nn) acc[nn] = bias_.empty() ? 0 : bias_[nn];
        for (int64_t kk = 0; kk < k_; ++kk)
          for (int64_t nn = 0; nn < n_; ++nn) acc[nn] += static_cast<int128>(in[0][r * k_ + kk]) * w_[kk * n_ + nn];
        epilogue_->apply(acc.data(), n_, out + r * n_, 1, n_);
      }
    }
  }

 private:
  int64_t k_ = 0, n_ = 0, rows_ = 1;
  std::vector<int64_t> w_, bias_;
  std::unique_ptr<DenseInt16> fast_;
  bool wide_ = false;
  std::unique_ptr<Epilogue> epilogue_;
};

class ConvKernel : public Kernel<int64_t> {
 public:
  ConvKernel(const Model& m, const Op& op) {
    const FixedType& x = fixed(m, op.inputs.at(0), op);
    const Tensor& w = constant(m, op.inputs.at(1), op);
    const FixedType& wt = fixed(m, w.name, op);
    const auto in_sample = m.tensor(op.inputs[0]).sample_shape();
    const auto out_sample = m.tensor(op.outputs.at(0)).sample_shape();
    geo_ = window_geometry(op, in_sample, out_sample, {w.shape.begin() + 2, w.shape.end()});
    w_ = w.codes;
    if (op.inputs.size() > 2 && !op.inputs[2].empty()) bias_ = constant(m, op.inputs[2], op).codes;
    in_elems_ = product(in_sample), out_elems_ = product(out_sample);
    taps_ = product(geo_.kernel), in_spatial_ = product(geo_.in_spatial), out_spatial_ = product(geo_.out_spatial);
    index_.resize(static_cast<size_t>(out_spatial_ * taps_));
    for (int64_t o = 0; o < out_spatial_; ++o)
      for (int64_t t = 0; t < taps_; ++t) index_[o * taps_ + t] = window_input_index(geo_, o, t);
    const int64_t cg = geo_.channels_in / geo_.groups;
    int128 bound = 0;
    for (int64_t mo = 0; mo < geo_.channels_out; ++mo) {
      int128 s = 0;
      for (int64_t i = 0; i < cg * taps_; ++i) s += abs128(w_[mo * cg * taps_ + i]);
      bound = std::max(bound, s * max_abs_code(x) + (bias_.empty() ? 0 : abs128(bias_[mo])));
    }
    if (bits_for(bound) > 63) throw InputError(fmt::format("conv '{}': worst-case sum exceeds 63 bits", op.name));
    epilogue_ = std::make_unique<Epilogue>(op, accumulator_of(op, x.frac + wt.frac), fixed(m, op.outputs[0], op),
                                           bits_for(bound));
  }

  void run(Inputs in, int64_t* out, int64_t batch) const override {
    const int64_t cg = geo_.channels_in / geo_.groups, mg = geo_.channels_out / geo_.groups;
    std::vector<int64_t> acc(static_cast<size_t>(out_spatial_));
    for (int64_t b = 0; b < batch; ++b) {
      const int64_t* x = in[0] + b * in_elems_;
      for (int64_t mo = 0; mo < geo_.channels_out; ++mo) {
        const int64_t g = mo / mg;
        for (int64_t o = 0; o < out_spatial_; ++o) {
          int64_t a = bias_.empty() ? 0 : bias_[mo];
          for (int64_t c = 0; c < cg; ++c) {
            const int64_t* xc = x + (g * cg + c) * in_spatial_;
            const int64_t* wc = w_.data() + (mo * cg + c) * taps_;
            const int64_t* idx = index_.data() + o * taps_;
            for (int64_t t = 0; t < taps_; ++t)
              if (idx[t] >= 0) a += xc[idx[t]] * wc[t];
          }
          acc[o] = a;
        }
        epilogue_->apply(acc.data(), out_spatial_, out + b * out_elems_ + mo * out_spatial_, 1, out_spatial_);
      }
    }
  }

 private:
  WindowGeometry geo_;
  std::vector<int64_t> w_, bias_, index_;
  int64_t in_elems_ = 0, out_elems_ = 0, taps_ = 0, in_spatial_ = 0, out_spatial_ = 0;
  std::unique_ptr<Epilogue> epilogue_;
};

// ---- elementwise and data movement --------------------------------------------------------------------
// y[i] = f(x[gather[i]]) for a per-element function of one input code (cast, relu, leaky relu, clip,
// table lookups), with an optional gather (Transpose) over the sample.
class UnaryKernel : public Kernel<int64_t> {
 public:
  using Fn = std::function<int64_t(int64_t)>;
  UnaryKernel(int64_t in_elems, int64_t out_elems, Fn fn, std::vector<int64_t> gather = {})
      : in_elems_(in_elems), out_elems_(out_elems), fn_(std::move(fn)), gather_(std::move(gather)) {}

  void run(Inputs in, int64_t* out, int64_t batch) const override {
    for (int64_t b = 0; b < batch; ++b) {
      const int64_t* x = in[0] + b * in_elems_;
      int64_t* y = out + b * out_elems_;
      if (gather_.empty())
        for (int64_t i = 0; i < out_elems_; ++i) y[i] = fn_(x[i]);
      else
        for (int64_t i = 0; i < out_elems_; ++i) y[i] = fn_(x[gather_[i]]);
    }
  }

 private:
  int64_t in_elems_, out_elems_;
  Fn fn_;
  std::vector<int64_t> gather_;
};

// Add / Sub / Mul with numpy broadcasting; a constant operand uses its codes.
class BinaryKernel : public Kernel<int64_t> {
 public:
  BinaryKernel(const Model& m, const Op& op) : kind_(op.kind), out_(fixed(m, op.outputs.at(0), op)) {
    if (op.inputs.size() != 2) throw InputError(fmt::format("op '{}': expected two inputs", op.name));
    const auto out_sample = m.tensor(op.outputs[0]).sample_shape();
    out_elems_ = product(out_sample);
    for (int i = 0; i < 2; ++i) {
      const Tensor& t = m.tensor(op.inputs[i]);
      Operand& o = operand_[i];
      o.type = fixed(m, t.name, op);
      o.constant = t.is_constant;
      if (t.is_constant) o.codes = constant(m, t.name, op).codes;
      else o.elems = product(t.sample_shape());
      o.offsets = broadcast_offsets(out_sample, t.shape, !t.is_constant, op.name);
    }
    frac_ = kind_ == OpKind::Mul ? operand_[0].type.frac + operand_[1].type.frac
                                 : std::max(operand_[0].type.frac, operand_[1].type.frac);
  }

  void run(Inputs in, int64_t* out, int64_t batch) const override {
    int input = 0;
    const int64_t* src[2];
    for (int i = 0; i < 2; ++i) src[i] = operand_[i].constant ? operand_[i].codes.data() : in[input++];
    for (int64_t b = 0; b < batch; ++b) {
      const int64_t* a = operand_[0].constant ? src[0] : src[0] + b * operand_[0].elems;
      const int64_t* c = operand_[1].constant ? src[1] : src[1] + b * operand_[1].elems;
      for (int64_t e = 0; e < out_elems_; ++e) {
        const int128 x = a[operand_[0].offsets[e]], y = c[operand_[1].offsets[e]];
        int128 v;
        if (kind_ == OpKind::Mul) v = x * y;
        else {
          const int128 xs = x << (frac_ - operand_[0].type.frac), ys = y << (frac_ - operand_[1].type.frac);
          v = kind_ == OpKind::Add ? xs + ys : xs - ys;
        }
        out[b * out_elems_ + e] = requantize(v, frac_, out_);
      }
    }
  }

 private:
  struct Operand {
    FixedType type;
    bool constant = false;
    std::vector<int64_t> codes, offsets;
    int64_t elems = 0;
  };
  OpKind kind_;
  FixedType out_;
  Operand operand_[2];
  int frac_ = 0;
  int64_t out_elems_ = 0;
};

class ConcatKernel : public Kernel<int64_t> {
 public:
  ConcatKernel(const Model& m, const Op& op) {
    const auto& out_t = m.tensor(op.outputs.at(0));
    const FixedType& y = fixed(m, out_t.name, op);
    const int axis = sample_axis(op.get_int("axis", 1), out_t.shape.size(), op.name);
    const auto out_sample = out_t.sample_shape();
    outer_ = product({out_sample.begin(), out_sample.begin() + axis});
    out_elems_ = product(out_sample);
    for (auto& name : op.inputs) {
      const Tensor& t = m.tensor(name);
      if (t.is_constant) throw InputError(fmt::format("Concat '{}': constant inputs are not supported", op.name));
      const auto s = t.sample_shape();
      Part p{fixed(m, name, op), product(s), product({s.begin() + axis, s.end()})};
      parts_.push_back(p);
      casts_.emplace_back(p.type.frac, y, p.type.width + 1);
    }
  }

  void run(Inputs in, int64_t* out, int64_t batch) const override {
    for (int64_t b = 0; b < batch; ++b) {
      int64_t* y = out + b * out_elems_;
      for (int64_t o = 0; o < outer_; ++o)
        for (size_t p = 0; p < parts_.size(); ++p) {
          const int64_t* x = in[p] + b * parts_[p].elems + o * parts_[p].block;
          casts_[p].apply(x, y, parts_[p].block);
          y += parts_[p].block;
        }
    }
  }

 private:
  struct Part {
    FixedType type;
    int64_t elems, block;
  };
  std::vector<Part> parts_;
  std::vector<Requantizer> casts_;
  int64_t outer_ = 1, out_elems_ = 0;
};

class SoftmaxKernel : public Kernel<int64_t> {
 public:
  SoftmaxKernel(const Model& m, const Op& op) : table_(softmax_table(fixed(m, op.inputs.at(0), op))),
                                                out_(fixed(m, op.outputs.at(0), op)) {
    const Tensor& t = m.tensor(op.inputs[0]);
    const auto s = t.sample_shape();
    const int axis = sample_axis(op.get_int("axis", -1), t.shape.size(), op.name);
    len_ = s[axis];
    inner_ = product({s.begin() + axis + 1, s.end()});
    outer_ = product({s.begin(), s.begin() + axis});
    elems_ = product(s);
  }

  void run(Inputs in, int64_t* out, int64_t batch) const override {
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t o = 0; o < outer_; ++o)
        for (int64_t i = 0; i < inner_; ++i) {
          const int64_t off = b * elems_ + o * len_ * inner_ + i;
          softmax_codes(table_, out_, in[0] + off, out + off, len_, inner_);
        }
  }

 private:
  SoftmaxTable table_;
  FixedType out_;
  int64_t len_ = 1, inner_ = 1, outer_ = 1, elems_ = 1;
};

// y = x * scale[c] + shift[c] per channel (axis 1 of the full shape), cast into the output type.
class ScaleShiftKernel : public Kernel<int64_t> {
 public:
  ScaleShiftKernel(const Model& m, const Op& op) {
    if (op.get_string("form", "") != "scale_shift" || op.inputs.size() != 3)
      throw InputError(fmt::format("BatchNorm '{}' was not quantised (expected the scale/shift form)", op.name));
    x_ = fixed(m, op.inputs[0], op);
    scale_ = constant(m, op.inputs[1], op).codes;
    shift_ = constant(m, op.inputs[2], op).codes;
    frac_ = x_.frac + fixed(m, op.inputs[1], op).frac;
    if (fixed(m, op.inputs[2], op).frac != frac_)
      throw InputError(fmt::format("BatchNorm '{}': shift must sit at scale 2^-{}", op.name, frac_));
    out_ = fixed(m, op.outputs.at(0), op);
    const auto s = m.tensor(op.inputs[0]).sample_shape();
    if (s.empty() || s[0] != static_cast<int64_t>(scale_.size()))
      throw InputError(fmt::format("BatchNorm '{}': {} channels expected on axis 1", op.name, scale_.size()));
    elems_ = product(s);
    inner_ = elems_ / s[0];
  }

  void run(Inputs in, int64_t* out, int64_t batch) const override {
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t e = 0; e < elems_; ++e) {
        const auto c = static_cast<size_t>(e / inner_);
        const int128 v = static_cast<int128>(in[0][b * elems_ + e]) * scale_[c] + shift_[c];
        out[b * elems_ + e] = requantize(v, frac_, out_);
      }
  }

 private:
  FixedType x_, out_;
  std::vector<int64_t> scale_, shift_;
  int frac_ = 0;
  int64_t elems_ = 0, inner_ = 1;
};

// Batched product of two activations: per sample a [..., M, K] x b [..., K, N] (same leading dims).
class MatMulKernel : public Kernel<int64_t> {
 public:
  MatMulKernel(const Model& m, const Op& op) {
    const Tensor &a = m.tensor(op.inputs.at(0)), &b = m.tensor(op.inputs.at(1));
    if (a.is_constant || b.is_constant)
      throw InputError(fmt::format("MatMul '{}': a constant operand should have become a Dense", op.name));
    const auto sa = a.sample_shape(), sb = b.sample_shape();
    if (sa.size() < 1 || sb.size() < 2 || sa.back() != sb[sb.size() - 2])
      throw InputError(fmt::format("MatMul '{}': operand shapes do not match", op.name));
    m_ = sa.size() >= 2 ? sa[sa.size() - 2] : 1, k_ = sa.back(), n_ = sb.back();
    a_elems_ = product(sa), b_elems_ = product(sb);
    groups_ = a_elems_ / (m_ * k_);
    if (groups_ * k_ * n_ != b_elems_) throw InputError(fmt::format("MatMul '{}': broadcasting is not supported", op.name));
    frac_ = fixed(m, a.name, op).frac + fixed(m, b.name, op).frac;
    out_ = fixed(m, op.outputs.at(0), op);
  }

  void run(Inputs in, int64_t* out, int64_t batch) const override {
    const int64_t out_elems = groups_ * m_ * n_;
    for (int64_t s = 0; s < batch; ++s)
      for (int64_t g = 0; g < groups_; ++g) {
        const int64_t* a = in[0] + s * a_elems_ + g * m_ * k_;
        const int64_t* b = in[1] + s * b_elems_ + g * k_ * n_;
        for (int64_t i = 0; i < m_; ++i)
          for (int64_t j = 0; j < n_; ++j) {
            int128 acc = 0;
            for (int64_t kk = 0; kk < k_; ++kk) acc += static_cast<int128>(a[i * k_ + kk]) * b[kk * n_ + j];
            out[s * out_elems + (g * m_ + i) * n_ + j] = requantize(acc, frac_, out_);
          }
      }
  }

 private:
  int64_t m_ = 1, k_ = 1, n_ = 1, a_elems_ = 0, b_elems_ = 0, groups_ = 1;
  int frac_ = 0;
  FixedType out_;
};

class MaxPoolKernel : public Kernel<int64_t> {
 public:
  MaxPoolKernel(const Model& m, const Op& op) : in_(fixed(m, op.inputs.at(0), op)), out_(fixed(m, op.outputs.at(0), op)) {
    const auto in_sample = m.tensor(op.inputs[0]).sample_shape(), out_sample = m.tensor(op.outputs[0]).sample_shape();
    if (op.get_int("ceil_mode", 0) != 0) throw InputError(fmt::format("MaxPool '{}': ceil_mode is not supported", op.name));
    geo_ = window_geometry(op, in_sample, out_sample, op.get_ints("kernel_shape"));
    taps_ = product(geo_.kernel), in_spatial_ = product(geo_.in_spatial), out_spatial_ = product(geo_.out_spatial);
    index_.resize(static_cast<size_t>(out_spatial_ * taps_));
    for (int64_t o = 0; o < out_spatial_; ++o)
      for (int64_t t = 0; t < taps_; ++t) index_[o * taps_ + t] = window_input_index(geo_, o, t);
  }

  void run(Inputs in, int64_t* out, int64_t batch) const override {
    const int64_t channels = geo_.channels_in;
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t c = 0; c < channels; ++c) {
        const int64_t* x = in[0] + (b * channels + c) * in_spatial_;
        for (int64_t o = 0; o < out_spatial_; ++o) {
          int64_t best = INT64_MIN;
          for (int64_t t = 0; t < taps_; ++t)
            if (const int64_t i = index_[o * taps_ + t]; i >= 0) best = std::max(best, x[i]);
          out[(b * channels + c) * out_spatial_ + o] = requantize(best, in_.frac, out_);
        }
      }
  }

 private:
  FixedType in_, out_;
  WindowGeometry geo_;
  std::vector<int64_t> index_;
  int64_t taps_ = 0, in_spatial_ = 0, out_spatial_ = 0;
};

// AveragePool / GlobalAveragePool: the exact mean sum / count of the window's codes (count: the taps
// inside the input, or every tap with count_include_pad, padding adding 0), rounded once into the output
// type as an exact rational (round_div), then the overflow mode. One rounding of the exact mean is what
// ONNX Runtime's float32 average followed by QuantizeLinear gives for these small integer sums.
class AveragePoolKernel : public Kernel<int64_t> {
 public:
  AveragePoolKernel(const Model& m, const Op& op) : in_(fixed(m, op.inputs.at(0), op)), out_(fixed(m, op.outputs.at(0), op)) {
    const auto in_sample = m.tensor(op.inputs[0]).sample_shape(), out_sample = m.tensor(op.outputs[0]).sample_shape();
    if (op.get_int("ceil_mode", 0) != 0)
      throw InputError(fmt::format("AveragePool '{}': ceil_mode is not supported", op.name));
    std::vector<int64_t> kernel = op.get_ints("kernel_shape");
    if (op.kind == OpKind::GlobalAveragePool) kernel.assign(in_sample.begin() + 1, in_sample.end());
    geo_ = window_geometry(op, in_sample, out_sample, kernel);
    const bool include_pad = op.get_int("count_include_pad", 0) != 0;
    taps_ = product(geo_.kernel), in_spatial_ = product(geo_.in_spatial), out_spatial_ = product(geo_.out_spatial);
    index_.resize(static_cast<size_t>(out_spatial_ * taps_));
    count_.assign(static_cast<size_t>(out_spatial_), include_pad ? taps_ : 0);
    for (int64_t o = 0; o < out_spatial_; ++o)
      for (int64_t t = 0; t < taps_; ++t) {
        index_[o * taps_ + t] = window_input_index(geo_, o, t);
        if (!include_pad && index_[o * taps_ + t] >= 0) ++count_[o];
      }
    // code = sum * 2^(out.frac - in.frac) / count: scale the numerator up or the denominator.
    const int d = out_.frac - in_.frac;
    if (d > 60 || d < -60) throw InputError(fmt::format("AveragePool '{}': scale change 2^{} is too large", op.name, d));
    num_shift_ = std::max(d, 0), den_shift_ = std::max(-d, 0);
  }

  void run(Inputs in, int64_t* out, int64_t batch) const override {
    const int64_t channels = geo_.channels_in;
    for (int64_t bc = 0; bc < batch * channels; ++bc) {
      const int64_t* x = in[0] + bc * in_spatial_;
      for (int64_t o = 0; o < out_spatial_; ++o) {
        int128 sum = 0;
        for (int64_t t = 0; t < taps_; ++t)
          if (const int64_t i = index_[o * taps_ + t]; i >= 0) sum += x[i];
        const int128 q = round_div(sum * (int128{1} << num_shift_), int128{count_[o]} << den_shift_, out_.rounding);
        out[bc * out_spatial_ + o] = apply_overflow(q, out_.width, out_.is_signed, out_.overflow);
      }
    }
  }

 private:
  FixedType in_, out_;
  WindowGeometry geo_;
  std::vector<int64_t> index_, count_;
  int64_t taps_ = 0, in_spatial_ = 0, out_spatial_ = 0;
  int num_shift_ = 0, den_shift_ = 0;
};

// ---- factories for the per-element ops ----------------------------------------------------------------
std::unique_ptr<Kernel<int64_t>> unary(const Model& m, const Op& op, std::function<int64_t(int64_t)> fn,
                                       std::vector<int64_t> gather = {}) {
  const int64_t in = product(m.tensor(op.inputs.at(0)).sample_shape());
  const int64_t out = product(m.tensor(op.outputs.at(0)).sample_shape());
  if (in != out) throw InputError(fmt::format("op '{}': input and output sizes differ ({} vs {})", op.name, in, out));
  return std::make_unique<UnaryKernel>(in, out, std::move(fn), std::move(gather));
}

std::unique_ptr<Kernel<int64_t>> clip_kernel(const Model& m, const Op& op, const FixedType& x, const FixedType& y) {
  return unary(m, op, clip_codes(op.get_float("min", -INFINITY), op.get_float("max", INFINITY), x, y));
}

}  // namespace

std::unique_ptr<Kernel<int64_t>> make_int_kernel(const Model& m, const Op& op) {
  if (op.outputs.size() != 1) throw InputError(fmt::format("op '{}': exactly one output expected", op.name));
  auto in_type = [&] { return fixed(m, op.inputs.at(0), op); };
  const FixedType y = fixed(m, op.outputs[0], op);
  switch (op.kind) {
    case OpKind::Dense: return std::make_unique<DenseKernel>(m, op);
    case OpKind::Conv: return std::make_unique<ConvKernel>(m, op);
    case OpKind::Quantize:
    case OpKind::Flatten:
    case OpKind::Reshape: {
      const FixedType x = in_type();
      return unary(m, op, [x, y](int64_t v) { return requantize(v, x.frac, y); });
    }
    case OpKind::Transpose: {
      const FixedType x = in_type();
      return unary(m, op, [x, y](int64_t v) { return requantize(v, x.frac, y); },
                   transpose_offsets(m.tensor(op.inputs[0]).sample_shape(), op.get_ints("perm"), op.name));
    }
    case OpKind::Slice: {  // a gather; the codes are cast like Reshape's (unchanged when the types agree)
      const FixedType x = in_type();
      const auto& in_t = m.tensor(op.inputs[0]);
      const auto out_sample = m.tensor(op.outputs[0]).sample_shape();
      return std::make_unique<UnaryKernel>(product(in_t.sample_shape()), product(out_sample),
                                           [x, y](int64_t v) { return requantize(v, x.frac, y); },
                                           slice_offsets(in_t.sample_shape(), out_sample, op.get_ints("starts"),
                                                         op.get_ints("steps"), op.name));
    }
    case OpKind::Relu: {
      const FixedType x = in_type();
      return unary(m, op, [x, y](int64_t v) { return requantize(std::max<int64_t>(v, 0), x.frac, y); });
    }
    case OpKind::LeakyRelu: {
      const FixedType x = in_type();
      if (!op.has("alpha_code")) throw InputError(fmt::format("LeakyRelu '{}' was not quantised (no alpha_code)", op.name));
      const int64_t a = op.get_int("alpha_code", 0);
      const int af = static_cast<int>(op.get_int("alpha_frac", 0));
      return unary(m, op, [x, y, a, af](int64_t v) {
        return v >= 0 ? requantize(v, x.frac, y) : requantize(static_cast<int128>(v) * a, x.frac + af, y);
      });
    }
    case OpKind::Clip: return clip_kernel(m, op, in_type(), y);
    case OpKind::Sigmoid: {
      auto t = std::make_shared<ActivationTable>(sigmoid_table(in_type(), y));
      return unary(m, op, [t](int64_t v) { return t->lookup(v); });
    }
    case OpKind::Tanh: {
      auto t = std::make_shared<ActivationTable>(tanh_table(in_type(), y));
      return unary(m, op, [t](int64_t v) { return t->lookup(v); });
    }
    case OpKind::Softmax: return std::make_unique<SoftmaxKernel>(m, op);
    case OpKind::Add:
    case OpKind::Sub:
    case OpKind::Mul: return std::make_unique<BinaryKernel>(m, op);
    case OpKind::Concat: return std::make_unique<ConcatKernel>(m, op);
    case OpKind::BatchNorm: return std::make_unique<ScaleShiftKernel>(m, op);
    case OpKind::MatMul: return std::make_unique<MatMulKernel>(m, op);
    case OpKind::LayerNorm: return make_layernorm_kernel(m, op);
    case OpKind::MaxPool: return std::make_unique<MaxPoolKernel>(m, op);
    case OpKind::AveragePool:
    case OpKind::GlobalAveragePool: return std::make_unique<AveragePoolKernel>(m, op);
    case OpKind::Sign: {  // BipolarQuant: +scale for x >= 0, else -scale, cast into the output type
      const double scale = op.get_float("scale", 1.0);
      const int64_t pos = quantize(scale, y), neg = quantize(-scale, y);
      return unary(m, op, [pos, neg](int64_t v) { return v >= 0 ? pos : neg; });
    }
    default:
      throw InputError(fmt::format("op '{}' ({}) has no fixed-point implementation in the interpreter", op.name,
                                   to_string(op.kind)));
  }
}

}  // namespace aie4ml::sim
