// Per-layer numerical profiling (see layer_profile.h).
#include "codegen/layer_profile.h"

#include <algorithm>
#include <cmath>
#include <random>

#include <fmt/format.h>

#include "sim/convert.h"
#include "sim/interpreter.h"
#include "support/error.h"

namespace aie4ml::codegen {

namespace {

const std::string& single_input(const Model& m) {
  if (m.inputs.size() != 1)
    throw InputError(fmt::format("model '{}' has {} inputs; profiling and trace take models with one input", m.name,
                                 m.inputs.size()));
  return m.inputs[0];
}

int64_t per_sample(const Model& m, const std::string& tensor) {
  int64_t n = 1;
  for (auto d : m.tensor(tensor).sample_shape()) n *= d;
  return n;
}

void check_samples(const Model& m, const std::vector<double>& x, int64_t batch) {
  const std::string& in = single_input(m);
  const int64_t e = per_sample(m, in);
  if (batch < 1 || static_cast<int64_t>(x.size()) != batch * e)
    throw InputError(fmt::format("input '{}': {} values are not {} samples of {} elements", in, x.size(), batch, e));
}

std::vector<double> dequantised(const std::vector<int64_t>& codes, const FixedType& t) {
  std::vector<double> v(codes.size());
  sim::dequantize_codes(codes.data(), v.data(), static_cast<int64_t>(codes.size()), t);
  return v;
}

// The weight tensor of a layer: the first constant input of a Dense or Conv.
const Tensor* weight_tensor(const Model& m, const Op& op) {
  if (op.kind != OpKind::Dense && op.kind != OpKind::Conv) return nullptr;
  for (size_t i = 1; i < op.inputs.size(); ++i)
    if (!op.inputs[i].empty() && m.tensor(op.inputs[i]).is_constant) return &m.tensor(op.inputs[i]);
  return nullptr;
}

// The weights' real values: the float model's (before quantisation) when it has the tensor.
const std::vector<double>& real_weights(const Model& float_model, const Tensor& w) {
  if (float_model.has_tensor(w.name) && float_model.tensor(w.name).is_constant &&
      !float_model.tensor(w.name).values.empty())
    return float_model.tensor(w.name).values;
  return w.values;
}

double quantile(const std::vector<double>& sorted, double q) {
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const size_t i = static_cast<size_t>(pos);
  if (i + 1 >= sorted.size()) return sorted.back();
  return sorted[i] + (pos - static_cast<double>(i)) * (sorted[i + 1] - sorted[i]);
}

void histogram(ValueStats& s, const std::vector<double>& values, const FixedType& t, int bins) {
  s.hist_lo = std::min(s.min, t.min_value());
  s.hist_hi = std::max(s.max, t.max_value());
  if (s.hist_hi <= s.hist_lo) s.hist_hi = s.hist_lo + 1;
  s.histogram.assign(static_cast<size_t>(bins), 0);
  const double width = (s.hist_hi - s.hist_lo) / bins;
  for (double v : values) {
    const int b = std::clamp(static_cast<int>((v - s.hist_lo) / width), 0, bins - 1);
    ++s.histogram[static_cast<size_t>(b)];
  }
}

}  // namespace

ValueStats value_stats(const std::vector<double>& values, const FixedType& t, int bins) {
  ValueStats s;
  s.count = static_cast<int64_t>(values.size());
  if (values.empty()) return s;
  auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  s.min = *lo;
  s.max = *hi;
  std::vector<double> logs;
  for (double v : values) {
    if (v == 0) {
      ++s.zeros;
      continue;
    }
    logs.push_back(std::log2(std::abs(v)));
    if (v > t.max_value() || v < t.min_value()) ++s.above_range;
    else if (std::abs(v) < t.lsb() / 2) ++s.below_lsb;
  }
  if (!logs.empty()) {
    std::sort(logs.begin(), logs.end());
    s.log2_abs_quartiles = {logs.front(), quantile(logs, 0.25), quantile(logs, 0.5), quantile(logs, 0.75), logs.back()};
  }
  histogram(s, values, t, bins);
  return s;
}

std::vector<LayerTrace> trace_layers(const Model& q, const Model& f, const std::vector<double>& x, int64_t batch) {
  check_samples(q, x, batch);
  const std::string& in = single_input(q);
  const IntegerInterpreter qi(q);
  std::vector<int64_t> codes(x.size());
  sim::quantize_values(x.data(), codes.data(), static_cast<int64_t>(x.size()), qi.type(in));
  const auto q_trace = qi.trace({codes}, batch);
  std::map<std::string, std::vector<double>> f_trace;
  if (f.inputs.size() == 1 && f.inputs[0] == in) {
    try {
      f_trace = FloatInterpreter(f).trace({x}, batch);
    } catch (const InputError&) {
      // A float model the float interpreter cannot run: the layers are traced without float twins.
    }
  }
  std::vector<LayerTrace> out;
  for (const Op& op : q.ops) {
    if (op.outputs.empty() || !q_trace.count(op.outputs[0])) continue;
    LayerTrace t;
    t.layer = op.name;
    t.op = std::string(to_string(op.kind));
    t.tensor = op.outputs[0];
    t.type = qi.type(t.tensor);
    t.shape = {batch};
    for (auto d : q.tensor(t.tensor).sample_shape()) t.shape.push_back(d);
    t.quantised = dequantised(q_trace.at(t.tensor), t.type);
    if (auto it = f_trace.find(t.tensor); it != f_trace.end() && it->second.size() == t.quantised.size())
      t.float_values = it->second;
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<LayerProfile> profile_layers(const Model& q, const Model& f, const std::vector<double>& x, int64_t batch) {
  std::vector<LayerProfile> out;
  for (auto& t : trace_layers(q, f, x, batch)) {
    LayerProfile p;
    p.layer = t.layer;
    p.op = t.op;
    p.tensor = t.tensor;
    p.type = t.type;
    const Op* op = q.find_op(t.layer);
    if (const Tensor* w = op ? weight_tensor(q, *op) : nullptr; w && w->type.is_fixed()) {
      p.weight_type = w->type.fixed;
      p.weights = value_stats(real_weights(f, *w), w->type.fixed);
    }
    p.has_float = t.float_values.has_value();
    p.activations = value_stats(p.has_float ? *t.float_values : t.quantised, t.type);
    if (p.has_float && !t.quantised.empty()) {
      double sum_abs = 0, sum_sq = 0, sum_ref = 0;
      for (size_t i = 0; i < t.quantised.size(); ++i) {
        const double e = std::abs(t.quantised[i] - (*t.float_values)[i]);
        p.max_abs_error = std::max(p.max_abs_error, e);
        sum_abs += e;
        sum_sq += e * e;
        sum_ref += (*t.float_values)[i] * (*t.float_values)[i];
      }
      const double n = static_cast<double>(t.quantised.size());
      p.mean_abs_error = sum_abs / n;
      p.rms_error = std::sqrt(sum_sq / n);
      p.rms_float = std::sqrt(sum_ref / n);
    }
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<double> default_profile_inputs(const Model& q, int64_t batch, uint64_t seed) {
  const std::string& in = single_input(q);
  const Tensor& t = q.tensor(in);
  const double lo = t.type.is_fixed() ? t.type.fixed.min_value() : -1e30;
  const double hi = t.type.is_fixed() ? t.type.fixed.max_value() : 1e30;
  // Box-Muller on mt19937_64 words: the same numbers with every standard library.
  std::mt19937_64 rng(seed);
  auto uniform = [&] { return (static_cast<double>(rng() >> 11) + 0.5) * 0x1.0p-53; };
  std::vector<double> x(static_cast<size_t>(batch * per_sample(q, in)));
  for (auto& v : x) {
    const double g = std::sqrt(-2 * std::log(uniform())) * std::cos(2 * M_PI * uniform());
    v = std::clamp(g, lo, hi);
  }
  return x;
}

}  // namespace aie4ml::codegen
