// bf16 kernels of the reference interpreter (see bf16_kernels.h for the semantics).
#include "sim/bf16_kernels.h"

#include <algorithm>
#include <cmath>
#include <span>
#include <vector>

#include <fmt/format.h>

#include "sim/shape_util.h"
#include "support/error.h"

namespace aie4ml::sim {

namespace {

using Inputs = std::span<const int64_t* const>;

void require_bf16(const Model& m, const std::string& name, const Op& op) {
  const Tensor& t = m.tensor(name);
  if (t.type.kind != ScalarKind::BFloat16)
    throw InputError(fmt::format("op '{}' ({}): tensor '{}' has type {}; the bf16 interpreter needs a model typed "
                                 "bf16 (Model.Precision \"bf16\")", op.name, to_string(op.kind), name, t.type.str()));
}

const Tensor& bf16_constant(const Model& m, const std::string& name, const Op& op) {
  require_bf16(m, name, op);
  const Tensor& t = m.tensor(name);
  if (!t.is_constant || t.codes.size() != static_cast<size_t>(t.elements()))
    throw InputError(fmt::format("op '{}': '{}' must be a bf16 constant with its codes", op.name, name));
  return t;
}

int64_t relu_code(int64_t c) { return bf16_value(c) < 0.0f ? 0 : c; }

// x[rows x K] @ W[K x N] + b, summed in the kernel's order (bf16_kernels.h).
class Bf16Dense : public Kernel<int64_t> {
 public:
  Bf16Dense(const Model& m, const Op& op) {
    const Tensor& w = bf16_constant(m, op.inputs.at(1), op);
    if (w.shape.size() != 2) throw InputError(fmt::format("layer '{}': weights must be [K, N]", op.name));
    k_ = w.shape[0], n_ = w.shape[1];
    const int64_t in_elems = product(m.tensor(op.inputs[0]).sample_shape());
    if (k_ <= 0 || in_elems % k_ != 0)
      throw InputError(fmt::format("layer '{}': input of {} elements per sample is not a multiple of K = {}", op.name,
                                   in_elems, k_));
    rows_ = in_elems / k_;
    // Weights transposed to N x K so the K loop reads contiguously.
    wt_.resize(static_cast<size_t>(k_ * n_));
    for (int64_t k = 0; k < k_; ++k)
      for (int64_t n = 0; n < n_; ++n) wt_[static_cast<size_t>(n * k_ + k)] = bf16_value(w.codes[static_cast<size_t>(k * n_ + n)]);
    bias_.assign(static_cast<size_t>(n_), 0.0f);
    if (op.inputs.size() > 2 && !op.inputs[2].empty()) {
      const Tensor& b = bf16_constant(m, op.inputs[2], op);
      if (static_cast<int64_t>(b.codes.size()) != n_)
        throw InputError(fmt::format("layer '{}': bias '{}' must hold {} values", op.name, b.name, n_));
      for (int64_t n = 0; n < n_; ++n) bias_[static_cast<size_t>(n)] = bf16_value(b.codes[static_cast<size_t>(n)]);
    }
    const std::string act = op.get_string("activation", "linear");
    if (act != "linear" && act != "relu")
      throw InputError(fmt::format("layer '{}': activation {} has no bf16 implementation (linear or relu)", op.name, act));
    relu_ = act == "relu";
  }

  void run(Inputs in, int64_t* out, int64_t batch) const override {
    std::vector<float> x(static_cast<size_t>(k_));
    for (int64_t r = 0; r < batch * rows_; ++r) {
      const int64_t* xr = in[0] + r * k_;
      for (int64_t k = 0; k < k_; ++k) x[static_cast<size_t>(k)] = bf16_value(xr[k]);
      for (int64_t n = 0; n < n_; ++n) {
        const float* w = wt_.data() + n * k_;
        float acc = 0.0f;
        for (int64_t k = 0; k < k_; ++k) acc = acc + x[static_cast<size_t>(k)] * w[k];  // product exact
        acc = acc + bias_[static_cast<size_t>(n)];
        const int64_t y = bf16_code(acc);
        out[r * n_ + n] = relu_ ? relu_code(y) : y;
      }
    }
  }

 private:
  int64_t k_ = 0, n_ = 0, rows_ = 1;
  std::vector<float> wt_, bias_;
  bool relu_ = false;
};

class Bf16Unary : public Kernel<int64_t> {
 public:
  Bf16Unary(int64_t elements, bool relu) : elements_(elements), relu_(relu) {}
  void run(Inputs in, int64_t* out, int64_t batch) const override {
    const int64_t n = batch * elements_;
    for (int64_t i = 0; i < n; ++i) out[i] = relu_ ? relu_code(in[0][i]) : in[0][i];
  }

 private:
  int64_t elements_;
  bool relu_;
};

// Softmax over the last axis, in double from the bf16 inputs (the host's op).
class Bf16Softmax : public Kernel<int64_t> {
 public:
  Bf16Softmax(int64_t elements, int64_t row) : elements_(elements), row_(row) {}
  void run(Inputs in, int64_t* out, int64_t batch) const override {
    std::vector<double> e(static_cast<size_t>(row_));
    for (int64_t r = 0; r < batch * elements_ / row_; ++r) {
      const int64_t* x = in[0] + r * row_;
      double mx = -INFINITY, sum = 0;
      for (int64_t i = 0; i < row_; ++i) mx = std::max(mx, static_cast<double>(bf16_value(x[i])));
      for (int64_t i = 0; i < row_; ++i) sum += e[static_cast<size_t>(i)] = std::exp(bf16_value(x[i]) - mx);
      for (int64_t i = 0; i < row_; ++i) out[r * row_ + i] = bf16_code_of(e[static_cast<size_t>(i)] / sum);
    }
  }

 private:
  int64_t elements_, row_;
};

}  // namespace

std::unique_ptr<Kernel<int64_t>> make_bf16_kernel(const Model& m, const Op& op) {
  if (op.outputs.size() != 1) throw InputError(fmt::format("op '{}': exactly one output expected", op.name));
  require_bf16(m, op.outputs[0], op);
  require_bf16(m, op.inputs.at(0), op);
  const auto shape = m.tensor(op.outputs[0]).sample_shape();
  const int64_t elements = product(shape);
  switch (op.kind) {
    case OpKind::Dense: return std::make_unique<Bf16Dense>(m, op);
    case OpKind::Flatten:
    case OpKind::Reshape: return std::make_unique<Bf16Unary>(elements, false);
    case OpKind::Relu: return std::make_unique<Bf16Unary>(elements, true);
    case OpKind::Softmax: {
      const int64_t axis = op.get_int("axis", -1);
      if (shape.empty() || (axis != -1 && axis != static_cast<int64_t>(shape.size())))
        throw InputError(fmt::format("Softmax '{}': the bf16 interpreter supports the last axis only", op.name));
      return std::make_unique<Bf16Softmax>(elements, shape.back());
    }
    default:
      throw InputError(fmt::format("op '{}' ({}) has no bf16 implementation (bf16 models: Dense with linear/ReLU "
                                   "activation, Relu, Flatten, Reshape, a final Softmax)", op.name, to_string(op.kind)));
  }
}

}  // namespace aie4ml::sim
