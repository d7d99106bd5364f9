// Hand-built Model IR for the numerics tests (the frontend is tested elsewhere).
#pragma once
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "ir/model.h"

namespace aie4ml::test {

inline FixedType fx(int width, int int_bits, RoundingMode r = RoundingMode::RndConv, OverflowMode o = OverflowMode::Sat,
                    bool is_signed = true) {
  return FixedType{width, width - int_bits, is_signed, r, o};
}

struct Builder {
  Model m;

  Builder() { m.name = "test"; }

  std::string act(const std::string& name, std::vector<int64_t> sample, std::optional<FixedType> t = std::nullopt) {
    Tensor x;
    x.name = name;
    x.shape = {kBatch};
    x.shape.insert(x.shape.end(), sample.begin(), sample.end());
    x.type = t ? NumericType::of(*t) : NumericType::f32();
    m.add_tensor(x);
    return name;
  }
  std::string input(const std::string& name, std::vector<int64_t> sample, std::optional<FixedType> t = std::nullopt) {
    m.inputs.push_back(act(name, std::move(sample), t));
    return name;
  }
  std::string constant(const std::string& name, std::vector<int64_t> shape, std::vector<double> values,
                       std::optional<FixedType> t = std::nullopt) {
    Tensor c;
    c.name = name;
    c.shape = std::move(shape);
    c.values = std::move(values);
    c.is_constant = true;
    c.type = t ? NumericType::of(*t) : NumericType::f32();
    m.add_tensor(c);
    return name;
  }
  Op& op(OpKind kind, const std::string& name, std::vector<std::string> inputs, std::vector<std::string> outputs) {
    Op o;
    o.kind = kind;
    o.name = name;
    o.inputs = std::move(inputs);
    o.outputs = std::move(outputs);
    m.ops.push_back(o);
    return m.ops.back();
  }
  Op& dense(const std::string& name, const std::string& x, const std::string& w, const std::string& b,
            const std::string& y, const std::string& activation = "linear") {
    Op& d = op(OpKind::Dense, name, {x, w, b}, {y});
    d.attrs["activation"] = activation;
    return d;
  }
  void output(const std::string& name) { m.outputs.push_back(name); }
};

inline std::vector<double> random_values(size_t n, double scale, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> d(0.0, scale);
  std::vector<double> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

}  // namespace aie4ml::test
