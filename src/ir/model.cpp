#include "ir/model.h"

#include <algorithm>
#include <array>
#include <functional>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "support/error.h"

namespace aie4ml {

namespace {

struct OpName {
  OpKind kind;
  std::string_view name;
};
constexpr std::array kOpNames{
    OpName{OpKind::Dense, "Dense"},         OpName{OpKind::MatMul, "MatMul"},
    OpName{OpKind::Add, "Add"},             OpName{OpKind::Sub, "Sub"},
    OpName{OpKind::Mul, "Mul"},             OpName{OpKind::Div, "Div"},
    OpName{OpKind::Relu, "Relu"},           OpName{OpKind::LeakyRelu, "LeakyRelu"},
    OpName{OpKind::Sigmoid, "Sigmoid"},     OpName{OpKind::Tanh, "Tanh"},
    OpName{OpKind::Softmax, "Softmax"},     OpName{OpKind::Clip, "Clip"},
    OpName{OpKind::BatchNorm, "BatchNorm"}, OpName{OpKind::LayerNorm, "LayerNorm"},
    OpName{OpKind::Quantize, "Quantize"},   OpName{OpKind::Conv, "Conv"},
    OpName{OpKind::MaxPool, "MaxPool"},     OpName{OpKind::AveragePool, "AveragePool"},
    OpName{OpKind::GlobalAveragePool, "GlobalAveragePool"},
    OpName{OpKind::Flatten, "Flatten"},     OpName{OpKind::Reshape, "Reshape"},
    OpName{OpKind::Transpose, "Transpose"}, OpName{OpKind::Concat, "Concat"},
    OpName{OpKind::Sign, "Sign"},           OpName{OpKind::Slice, "Slice"},
};

nlohmann::json attr_to_json(const AttrValue& v) {
  return std::visit([](const auto& x) { return nlohmann::json(x); }, v);
}

AttrValue attr_from_json(const nlohmann::json& j) {
  if (j.is_number_integer()) return j.get<int64_t>();
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) return j.get<std::string>();
  if (j.is_array() && std::all_of(j.begin(), j.end(), [](auto& e) { return e.is_number_integer(); }))
    return j.get<std::vector<int64_t>>();
  if (j.is_array()) return j.get<std::vector<double>>();
  throw InputError(fmt::format("IR JSON: unsupported attribute value {}", j.dump()));
}

}  // namespace

std::string_view to_string(OpKind k) {
  for (auto& n : kOpNames)
    if (n.kind == k) return n.name;
  return "?";
}

std::optional<OpKind> parse_op_kind(std::string_view s) {
  for (auto& n : kOpNames)
    if (n.name == s) return n.kind;
  return std::nullopt;
}

int64_t Tensor::elements() const {
  int64_t n = 1;
  for (auto d : shape) n *= d == kBatch ? 1 : d;
  return n;
}

std::vector<int64_t> Tensor::sample_shape() const {
  if (shape.empty()) return {};
  return {shape.begin() + 1, shape.end()};
}

int64_t Op::get_int(const std::string& key, int64_t fallback) const {
  auto it = attrs.find(key);
  if (it == attrs.end()) return fallback;
  if (auto* i = std::get_if<int64_t>(&it->second)) return *i;
  if (auto* d = std::get_if<double>(&it->second)) return static_cast<int64_t>(*d);
  throw InputError(fmt::format("op '{}': attribute '{}' is not an integer", name, key));
}

double Op::get_float(const std::string& key, double fallback) const {
  auto it = attrs.find(key);
  if (it == attrs.end()) return fallback;
  if (auto* d = std::get_if<double>(&it->second)) return *d;
  if (auto* i = std::get_if<int64_t>(&it->second)) return static_cast<double>(*i);
  throw InputError(fmt::format("op '{}': attribute '{}' is not a number", name, key));
}

std::string Op::get_string(const std::string& key, const std::string& fallback) const {
  auto it = attrs.find(key);
  if (it == attrs.end()) return fallback;
  if (auto* s = std::get_if<std::string>(&it->second)) return *s;
  throw InputError(fmt::format("op '{}': attribute '{}' is not a string", name, key));
}

std::vector<int64_t> Op::get_ints(const std::string& key) const {
  auto it = attrs.find(key);
  if (it == attrs.end()) return {};
  if (auto* v = std::get_if<std::vector<int64_t>>(&it->second)) return *v;
  if (auto* i = std::get_if<int64_t>(&it->second)) return {*i};
  throw InputError(fmt::format("op '{}': attribute '{}' is not a list of integers", name, key));
}

Tensor& Model::tensor(const std::string& n) {
  auto it = tensors.find(n);
  if (it == tensors.end()) throw InputError(fmt::format("model '{}': no tensor named '{}'", name, n));
  return it->second;
}

const Tensor& Model::tensor(const std::string& n) const { return const_cast<Model*>(this)->tensor(n); }

Tensor& Model::add_tensor(Tensor t) {
  if (tensors.count(t.name)) throw InputError(fmt::format("model '{}': tensor '{}' defined twice", name, t.name));
  auto key = t.name;
  return tensors.emplace(key, std::move(t)).first->second;
}

const Op* Model::producer(const std::string& t) const {
  for (auto& op : ops)
    if (std::find(op.outputs.begin(), op.outputs.end(), t) != op.outputs.end()) return &op;
  return nullptr;
}

std::vector<const Op*> Model::consumers(const std::string& t) const {
  std::vector<const Op*> out;
  for (auto& op : ops)
    if (std::find(op.inputs.begin(), op.inputs.end(), t) != op.inputs.end()) out.push_back(&op);
  return out;
}

Op* Model::find_op(const std::string& n) {
  for (auto& op : ops)
    if (op.name == n) return &op;
  return nullptr;
}

const Op* Model::find_op(const std::string& n) const { return const_cast<Model*>(this)->find_op(n); }

void Model::sort() {
  std::set<std::string> ready(inputs.begin(), inputs.end());
  for (auto& [n, t] : tensors)
    if (t.is_constant) ready.insert(n);
  std::vector<Op> sorted;
  std::vector<bool> done(ops.size(), false);
  while (sorted.size() < ops.size()) {
    bool progress = false;
    for (size_t i = 0; i < ops.size(); ++i) {
      if (done[i]) continue;
      const bool inputs_ready = std::all_of(ops[i].inputs.begin(), ops[i].inputs.end(),
                                            [&](const std::string& t) { return t.empty() || ready.count(t); });
      if (!inputs_ready) continue;
      for (auto& o : ops[i].outputs) ready.insert(o);
      sorted.push_back(ops[i]);
      done[i] = true;
      progress = true;
    }
    if (!progress) {
      for (size_t i = 0; i < ops.size(); ++i)
        if (!done[i])
          for (auto& t : ops[i].inputs)
            if (!t.empty() && !ready.count(t))
              throw InputError(fmt::format("model '{}': op '{}' reads tensor '{}', which no op produces "
                                           "(or the graph has a cycle)", name, ops[i].name, t));
    }
  }
  ops = std::move(sorted);
}

void Model::remove_dead_tensors() {
  std::set<std::string> used(inputs.begin(), inputs.end());
  used.insert(outputs.begin(), outputs.end());
  for (auto& op : ops) {
    used.insert(op.inputs.begin(), op.inputs.end());
    used.insert(op.outputs.begin(), op.outputs.end());
  }
  std::erase_if(tensors, [&](const auto& kv) { return !used.count(kv.first); });
}

int64_t Model::parameter_count() const {
  int64_t n = 0;
  for (auto& op : ops)
    for (auto& in : op.inputs)
      if (!in.empty() && tensor(in).is_constant) n += tensor(in).elements();
  return n;
}

int64_t Model::macs_per_sample() const {
  int64_t macs = 0;
  for (auto& op : ops) {
    if (op.outputs.empty()) continue;
    const auto& out = tensor(op.outputs[0]);
    if (op.kind == OpKind::Dense) {
      const auto& w = tensor(op.inputs.at(1));
      macs += w.elements() * (out.elements() / std::max<int64_t>(1, w.shape.back()));
    } else if (op.kind == OpKind::Conv) {
      const auto& w = tensor(op.inputs.at(1));  // [C_out, C_in/groups, k...]
      macs += out.elements() * (w.elements() / std::max<int64_t>(1, w.shape.front()));
    } else if (op.kind == OpKind::MatMul) {
      const auto& a = tensor(op.inputs.at(0));
      macs += out.elements() * a.shape.back();
    }
  }
  return macs;
}

nlohmann::json Model::to_json(bool with_values) const {
  nlohmann::json j;
  j["name"] = name;
  j["inputs"] = inputs;
  j["outputs"] = outputs;
  auto& jt = j["tensors"] = nlohmann::json::array();
  for (auto& [n, t] : tensors) {
    nlohmann::json e{{"name", n}, {"shape", t.shape}, {"type", t.type.str()}, {"constant", t.is_constant}};
    if (with_values && !t.values.empty()) e["values"] = t.values;
    if (with_values && !t.codes.empty()) e["codes"] = t.codes;
    jt.push_back(std::move(e));
  }
  auto& jo = j["ops"] = nlohmann::json::array();
  for (auto& op : ops) {
    nlohmann::json e{{"kind", to_string(op.kind)}, {"name", op.name}, {"inputs", op.inputs}, {"outputs", op.outputs}};
    auto& ja = e["attrs"] = nlohmann::json::object();
    for (auto& [k, v] : op.attrs) ja[k] = attr_to_json(v);
    jo.push_back(std::move(e));
  }
  return j;
}

Model Model::from_json(const nlohmann::json& j) {
  try {
    Model m;
    m.name = j.at("name").get<std::string>();
    m.inputs = j.at("inputs").get<std::vector<std::string>>();
    m.outputs = j.at("outputs").get<std::vector<std::string>>();
    for (auto& e : j.at("tensors")) {
      Tensor t;
      t.name = e.at("name").get<std::string>();
      t.shape = e.at("shape").get<std::vector<int64_t>>();
      t.type = parse_numeric_type(e.at("type").get<std::string>());
      t.is_constant = e.value("constant", false);
      if (e.contains("values")) t.values = e["values"].get<std::vector<double>>();
      if (e.contains("codes")) t.codes = e["codes"].get<std::vector<int64_t>>();
      m.add_tensor(std::move(t));
    }
    for (auto& e : j.at("ops")) {
      Op op;
      const auto kind = e.at("kind").get<std::string>();
      auto k = parse_op_kind(kind);
      if (!k) throw InputError(fmt::format("IR JSON: unknown op kind '{}'", kind));
      op.kind = *k;
      op.name = e.at("name").get<std::string>();
      op.inputs = e.at("inputs").get<std::vector<std::string>>();
      op.outputs = e.at("outputs").get<std::vector<std::string>>();
      // Bind the attrs object first: items() of a temporary would dangle inside the range-for.
      const nlohmann::json attrs = e.value("attrs", nlohmann::json::object());
      for (auto& [key, v] : attrs.items()) op.attrs[key] = attr_from_json(v);
      m.ops.push_back(std::move(op));
    }
    return m;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(fmt::format("IR JSON is malformed: {}", e.what()));
  }
}

}  // namespace aie4ml
