// Test-only float evaluator of the Model IR (see ir_eval.h). Plain loops; clarity over speed.
#include "frontend/ir_eval.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>

namespace aie4ml::test {

namespace {

int64_t count(const std::vector<int64_t>& s) {
  int64_t n = 1;
  for (auto d : s) n *= d;
  return n;
}

std::vector<int64_t> strides(const std::vector<int64_t>& s) {
  std::vector<int64_t> st(s.size(), 1);
  for (size_t i = s.size(); i-- > 1;) st[i - 1] = st[i] * s[i];
  return st;
}

// Calls f(index vector, flat index) for every element of `shape`.
void for_each_index(const std::vector<int64_t>& shape, const std::function<void(const std::vector<int64_t>&, int64_t)>& f) {
  std::vector<int64_t> idx(shape.size(), 0);
  const int64_t n = count(shape);
  for (int64_t flat = 0; flat < n; ++flat) {
    f(idx, flat);
    for (size_t i = shape.size(); i-- > 0;) {
      if (++idx[i] < shape[i]) break;
      idx[i] = 0;
    }
  }
}

Array binary(const Array& a, const Array& b, const std::function<double(double, double)>& f) {
  const size_t rank = std::max(a.shape.size(), b.shape.size());
  std::vector<int64_t> shape(rank);
  auto dim = [&](const Array& x, size_t i) { return i < rank - x.shape.size() ? 1 : x.shape[i - (rank - x.shape.size())]; };
  for (size_t i = 0; i < rank; ++i) shape[i] = std::max(dim(a, i), dim(b, i));
  auto bstrides = [&](const Array& x) {
    std::vector<int64_t> s(rank, 0);
    const auto own = strides(x.shape);
    for (size_t i = 0; i < x.shape.size(); ++i) s[rank - x.shape.size() + i] = x.shape[i] == 1 ? 0 : own[i];
    return s;
  };
  const auto sa = bstrides(a), sb = bstrides(b);
  Array out{shape, std::vector<double>(static_cast<size_t>(count(shape)))};
  for_each_index(shape, [&](const auto& idx, int64_t flat) {
    int64_t ia = 0, ib = 0;
    for (size_t i = 0; i < rank; ++i) ia += idx[i] * sa[i], ib += idx[i] * sb[i];
    out.data[static_cast<size_t>(flat)] = f(a.data[static_cast<size_t>(ia)], b.data[static_cast<size_t>(ib)]);
  });
  return out;
}

Array unary(Array x, const std::function<double(double)>& f) {
  for (auto& v : x.data) v = f(v);
  return x;
}

double round_half_even(double v) {
  const double fl = std::floor(v), d = v - fl;
  if (d < 0.5) return fl;
  if (d > 0.5) return fl + 1;
  return std::fmod(fl, 2.0) == 0 ? fl : fl + 1;
}

double round_mode(const std::string& mode, double v) {
  if (mode == "ROUND") return round_half_even(v);
  if (mode == "FLOOR") return std::floor(v);
  if (mode == "CEIL") return std::ceil(v);
  throw std::runtime_error("ir_eval: rounding mode " + mode + " not implemented");
}

// The FixedType cast: round to the grid, then saturate (the modes the frontend produces).
double cast_fixed(double x, const FixedType& t) {
  const double scaled = std::ldexp(x, t.frac);
  double q;
  switch (t.rounding) {
    case RoundingMode::RndConv: q = round_half_even(scaled); break;
    case RoundingMode::Trn: q = std::floor(scaled); break;
    default: throw std::runtime_error("ir_eval: rounding mode not implemented");
  }
  double lo = t.is_signed ? -std::ldexp(1.0, t.width - 1) : 0.0;
  const double hi = t.is_signed ? std::ldexp(1.0, t.width - 1) - 1 : std::ldexp(1.0, t.width) - 1;
  if (t.overflow == OverflowMode::SatSym && t.is_signed) lo = -hi;
  if (t.overflow != OverflowMode::Sat && t.overflow != OverflowMode::SatSym)
    throw std::runtime_error("ir_eval: overflow mode not implemented");
  return std::ldexp(std::clamp(q, lo, hi), -t.frac);
}

float f32(double v) { return static_cast<float>(v); }

// The QONNX / QDQ formula with the attributes the frontend writes, in float32 steps like the runtimes.
double quantize_attrs(double x, const Op& op) {
  const double s = op.get_float("scale", 1), z = op.get_float("zero_point", 0);
  const int bits = static_cast<int>(op.get_int("bitwidth", 8));
  const bool sgn = op.get_int("signed", 1) != 0, narrow = op.get_int("narrow", 0) != 0;
  const auto mode = op.get_string("rounding_mode", "ROUND");
  const double lo = sgn ? -std::ldexp(1.0, bits - 1) + (narrow ? 1 : 0) : 0.0;
  const double hi = sgn ? std::ldexp(1.0, bits - 1) - 1 : std::ldexp(1.0, bits) - 1 - (narrow ? 1 : 0);
  if (op.get_string("method", "") == "trunc") {
    const double in_s = op.get_float("input_scale", 1);
    const double k = f32(s / in_s);
    const double c = std::clamp(round_mode(mode, f32(round_half_even(f32(f32(x) / f32(in_s)) + f32(z)) / k)), lo, hi);
    return f32(f32(c - f32(z / k)) * f32(s));
  }
  const double c = std::clamp(round_mode(mode, f32(f32(f32(x) / f32(s)) + f32(z))), lo, hi);
  return f32(f32(c - z) * f32(s));
}

Array dense(const Array& x, const Array& w, const Array* b, const Op& op) {
  const int64_t k = w.shape[0], n = w.shape[1], rows = count(x.shape) / k;
  Array out{x.shape, std::vector<double>(static_cast<size_t>(rows * n))};
  out.shape.back() = n;
  const auto act = op.get_string("activation", "linear");
  const double alpha = op.get_float("alpha", 0.01);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < n; ++j) {
      double acc = b ? b->data[static_cast<size_t>(j)] : 0.0;
      for (int64_t i = 0; i < k; ++i) acc += x.data[static_cast<size_t>(r * k + i)] * w.data[static_cast<size_t>(i * n + j)];
      if (act == "relu") acc = std::max(acc, 0.0);
      else if (act == "leaky_relu" && acc < 0) acc *= alpha;
      out.data[static_cast<size_t>(r * n + j)] = acc;
    }
  return out;
}

Array matmul(const Array& a, const Array& b) {
  const size_t r = a.shape.size();
  const int64_t m = a.shape[r - 2], k = a.shape[r - 1], n = b.shape[r - 1];
  const int64_t batches = count(a.shape) / (m * k);
  Array out{a.shape, std::vector<double>(static_cast<size_t>(batches * m * n), 0.0)};
  out.shape[r - 1] = n;
  for (int64_t bt = 0; bt < batches; ++bt)
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double acc = 0;
        for (int64_t t = 0; t < k; ++t)
          acc += a.data[static_cast<size_t>(bt * m * k + i * k + t)] * b.data[static_cast<size_t>(bt * k * n + t * n + j)];
        out.data[static_cast<size_t>(bt * m * n + i * n + j)] = acc;
      }
  return out;
}

// Windowed ops over [N, C, spatial...]: conv (weights per output channel) and pooling.
Array windowed(const Op& op, const Array& x, const Array* w, const Array* b, const std::vector<int64_t>& out_shape) {
  const size_t sp = x.shape.size() - 2;
  const auto kernel = op.get_ints("kernel_shape");
  auto strides_v = op.get_ints("strides"), pads = op.get_ints("pads"), dil = op.get_ints("dilations");
  if (dil.empty()) dil.assign(sp, 1);
  const int64_t group = op.get_int("group", 1);
  const bool include_pad = op.get_int("count_include_pad", 0) != 0;
  Array out{out_shape, std::vector<double>(static_cast<size_t>(count(out_shape)))};
  const auto xs = strides(x.shape);
  const int64_t cin = x.shape[1], cout = out_shape[1];
  for_each_index(out_shape, [&](const auto& o, int64_t flat) {
    const int64_t n = o[0], co = o[1];
    double acc = op.kind == OpKind::MaxPool ? -std::numeric_limits<double>::infinity() : 0.0;
    int64_t valid = 0, total = 0;
    const int64_t cin_per_group = op.kind == OpKind::Conv ? cin / group : 1;
    const int64_t c_begin = op.kind == OpKind::Conv ? (co / (cout / group)) * cin_per_group : co;
    std::vector<int64_t> kshape(kernel.begin(), kernel.end());
    for (int64_t ci = 0; ci < cin_per_group; ++ci)
      for_each_index(kshape, [&](const auto& kidx, int64_t kflat) {
        bool inside = true;
        bool in_padded = true;
        int64_t off = n * xs[0] + (c_begin + ci) * xs[1];
        for (size_t d = 0; d < sp; ++d) {
          const int64_t pos = o[2 + d] * strides_v[d] + kidx[d] * dil[d] - pads[d];
          if (pos < 0 || pos >= x.shape[2 + d]) inside = false;
          if (pos < -pads[d] || pos >= x.shape[2 + d] + pads[d + sp]) in_padded = false;
          off += pos * xs[2 + d];
        }
        if (in_padded) ++total;
        if (!inside) return;
        const double v = x.data[static_cast<size_t>(off)];
        ++valid;
        if (op.kind == OpKind::Conv) acc += v * w->data[static_cast<size_t>((co * cin_per_group + ci) * count(kshape) + kflat)];
        else if (op.kind == OpKind::MaxPool) acc = std::max(acc, v);
        else acc += v;
      });
    if (op.kind == OpKind::Conv) {
      if (b) acc += b->data[static_cast<size_t>(co)];
      if (op.get_string("activation", "linear") == "relu") acc = std::max(acc, 0.0);
    } else if (op.kind == OpKind::AveragePool) {
      acc /= static_cast<double>(include_pad ? total : valid);
    }
    out.data[static_cast<size_t>(flat)] = acc;
  });
  return out;
}

Array transpose(const Array& x, const std::vector<int64_t>& perm) {
  std::vector<int64_t> shape(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) shape[i] = x.shape[static_cast<size_t>(perm[i])];
  const auto xs = strides(x.shape);
  Array out{shape, std::vector<double>(x.data.size())};
  for_each_index(shape, [&](const auto& idx, int64_t flat) {
    int64_t src = 0;
    for (size_t i = 0; i < perm.size(); ++i) src += idx[i] * xs[static_cast<size_t>(perm[i])];
    out.data[static_cast<size_t>(flat)] = x.data[static_cast<size_t>(src)];
  });
  return out;
}

Array batchnorm(const Op& op, const Array& x, const std::vector<const Array*>& p) {
  const int64_t c = count(p[0]->shape);
  // tf2onnx's transposed form (channels in dimension 0) is evaluated with its intended meaning.
  const size_t axis = x.shape[1] == c ? 1 : 0;
  const auto xs = strides(x.shape);
  const double eps = op.get_float("epsilon", 1e-5);
  Array out = x;
  for (size_t i = 0; i < x.data.size(); ++i) {
    const auto ch = static_cast<size_t>((static_cast<int64_t>(i) / xs[axis]) % x.shape[axis]);
    out.data[i] = (x.data[i] - p[2]->data[ch]) / std::sqrt(p[3]->data[ch] + eps) * p[0]->data[ch] + p[1]->data[ch];
  }
  return out;
}

Array softmax(Array x) {
  const int64_t n = x.shape.back(), rows = count(x.shape) / n;
  for (int64_t r = 0; r < rows; ++r) {
    double mx = -std::numeric_limits<double>::infinity(), sum = 0;
    for (int64_t j = 0; j < n; ++j) mx = std::max(mx, x.data[static_cast<size_t>(r * n + j)]);
    for (int64_t j = 0; j < n; ++j) sum += std::exp(x.data[static_cast<size_t>(r * n + j)] - mx);
    for (int64_t j = 0; j < n; ++j) {
      auto& v = x.data[static_cast<size_t>(r * n + j)];
      v = std::exp(v - mx) / sum;
    }
  }
  return x;
}

std::vector<int64_t> concrete(std::vector<int64_t> shape, int64_t batch) {
  for (auto& d : shape)
    if (d == kBatch) d = batch;
  return shape;
}

}  // namespace

std::map<std::string, Array> evaluate(const Model& m, const std::map<std::string, Array>& inputs) {
  std::map<std::string, Array> env;
  int64_t batch = 1;
  for (const auto& [name, a] : inputs) {
    env[name] = a;
    batch = a.shape.at(0);
  }
  for (const auto& [name, t] : m.tensors)
    if (t.is_constant) env[name] = Array{t.shape, t.values};
  for (const auto& op : m.ops) {
    auto in = [&](size_t i) -> const Array& { return env.at(op.inputs.at(i)); };
    auto opt = [&](size_t i) -> const Array* {
      return i < op.inputs.size() && !op.inputs[i].empty() ? &env.at(op.inputs[i]) : nullptr;
    };
    const auto out_shape = concrete(m.tensor(op.outputs.at(0)).shape, batch);
    Array r;
    switch (op.kind) {
      case OpKind::Dense: r = dense(in(0), in(1), opt(2), op); break;
      case OpKind::MatMul: r = matmul(in(0), in(1)); break;
      case OpKind::Add: r = binary(in(0), in(1), [](double a, double b) { return a + b; }); break;
      case OpKind::Sub: r = binary(in(0), in(1), [](double a, double b) { return a - b; }); break;
      case OpKind::Mul: r = binary(in(0), in(1), [](double a, double b) { return a * b; }); break;
      case OpKind::Div: r = binary(in(0), in(1), [](double a, double b) { return a / b; }); break;
      case OpKind::Relu: r = unary(in(0), [](double v) { return std::max(v, 0.0); }); break;
      case OpKind::LeakyRelu: {
        const double a = op.get_float("alpha", 0.01);
        r = unary(in(0), [a](double v) { return v < 0 ? a * v : v; });
        break;
      }
      case OpKind::Sigmoid: r = unary(in(0), [](double v) { return 1.0 / (1.0 + std::exp(-v)); }); break;
      case OpKind::Tanh: r = unary(in(0), [](double v) { return std::tanh(v); }); break;
      case OpKind::Softmax: r = softmax(in(0)); break;
      case OpKind::Clip: {
        const double lo = op.get_float("min", -std::numeric_limits<double>::infinity());
        const double hi = op.get_float("max", std::numeric_limits<double>::infinity());
        r = unary(in(0), [lo, hi](double v) { return std::clamp(v, lo, hi); });
        break;
      }
      case OpKind::BatchNorm: r = batchnorm(op, in(0), {opt(1), opt(2), opt(3), opt(4)}); break;
      case OpKind::Quantize: {
        const auto& type = m.tensor(op.outputs[0]).type;
        if (type.is_fixed()) r = unary(in(0), [&](double v) { return cast_fixed(v, type.fixed); });
        else r = unary(in(0), [&](double v) { return quantize_attrs(v, op); });
        break;
      }
      case OpKind::Sign: {
        const double s = op.get_float("scale", 1);
        r = unary(in(0), [s](double v) { return v >= 0 ? s : -s; });
        break;
      }
      case OpKind::Conv: r = windowed(op, in(0), opt(1), opt(2), out_shape); break;
      case OpKind::MaxPool:
      case OpKind::AveragePool: r = windowed(op, in(0), nullptr, nullptr, out_shape); break;
      case OpKind::GlobalAveragePool: {
        const auto& x = in(0);
        const int64_t inner = count(x.shape) / (x.shape[0] * x.shape[1]);
        r.shape = out_shape;
        for (int64_t nc = 0; nc < x.shape[0] * x.shape[1]; ++nc) {
          double s = 0;
          for (int64_t i = 0; i < inner; ++i) s += x.data[static_cast<size_t>(nc * inner + i)];
          r.data.push_back(s / static_cast<double>(inner));
        }
        break;
      }
      case OpKind::Flatten:
      case OpKind::Reshape: r = Array{out_shape, in(0).data}; break;
      case OpKind::Transpose: r = transpose(in(0), op.get_ints("perm")); break;
      case OpKind::Concat: {
        const auto axis = static_cast<size_t>(op.get_int("axis", 1));
        int64_t outer = 1;
        for (size_t i = 0; i < axis; ++i) outer *= out_shape[i];
        r.shape = out_shape;
        for (int64_t o = 0; o < outer; ++o)
          for (size_t i = 0; i < op.inputs.size(); ++i) {
            const auto& a = in(i);
            const int64_t block = count(a.shape) / outer;
            r.data.insert(r.data.end(), a.data.begin() + o * block, a.data.begin() + (o + 1) * block);
          }
        break;
      }
      default: throw std::runtime_error("ir_eval: op kind not implemented: " + std::string(to_string(op.kind)));
    }
    if (count(r.shape) != count(out_shape))
      throw std::runtime_error("ir_eval: op '" + op.name + "' produced a different element count than its output shape");
    r.shape = out_shape;
    env[op.outputs[0]] = std::move(r);
  }
  return env;
}

}  // namespace aie4ml::test
