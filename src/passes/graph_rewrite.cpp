// Graph-editing helpers for the canonicalisation passes (see graph_rewrite.h).
#include "passes/graph_rewrite.h"

#include <algorithm>

#include <fmt/format.h>

namespace aie4ml::passes {

int use_count(const Model& m, const std::string& tensor) {
  int n = 0;
  for (const auto& op : m.ops)
    n += static_cast<int>(std::count(op.inputs.begin(), op.inputs.end(), tensor));
  return n + static_cast<int>(std::count(m.outputs.begin(), m.outputs.end(), tensor));
}

bool is_graph_output(const Model& m, const std::string& tensor) {
  return std::find(m.outputs.begin(), m.outputs.end(), tensor) != m.outputs.end();
}

bool is_graph_input(const Model& m, const std::string& tensor) {
  return std::find(m.inputs.begin(), m.inputs.end(), tensor) != m.inputs.end();
}

Op* producer_of(Model& m, const std::string& tensor) { return const_cast<Op*>(m.producer(tensor)); }

Op* sole_consumer(Model& m, const std::string& tensor) {
  if (use_count(m, tensor) != 1 || is_graph_output(m, tensor)) return nullptr;
  for (auto& op : m.ops)
    if (std::find(op.inputs.begin(), op.inputs.end(), tensor) != op.inputs.end()) return &op;
  return nullptr;
}

size_t index_of(const Model& m, const Op* op) { return static_cast<size_t>(op - m.ops.data()); }

void bypass(Model& m, size_t index) {
  const std::string in = m.ops[index].inputs.at(0), out = m.ops[index].outputs.at(0);
  m.ops.erase(m.ops.begin() + static_cast<long>(index));
  Op* producer = producer_of(m, in);
  const bool keep_output_name = is_graph_output(m, out) && producer && use_count(m, in) == 0 &&
                                !is_graph_output(m, in) && !is_graph_input(m, in);
  if (keep_output_name) {
    // The producer takes over the output name; its old output tensor disappears.
    for (auto& o : producer->outputs)
      if (o == in) o = out;
    m.tensor(out).type = m.tensor(in).type;
    m.tensor(out).shape = m.tensor(in).shape;
  } else {
    for (auto& op : m.ops)
      for (auto& i : op.inputs)
        if (i == out) i = in;
    for (auto& o : m.outputs)
      if (o == out) o = in;
  }
  m.remove_dead_tensors();
}

void absorb_into_producer(Model& m, size_t index, const std::string& from) {
  const std::string in = from, out = m.ops[index].outputs.at(0);
  m.ops.erase(m.ops.begin() + static_cast<long>(index));
  Op* producer = producer_of(m, in);
  for (auto& o : producer->outputs)
    if (o == in) o = out;
  m.remove_dead_tensors();
}

std::string add_constant(Model& m, const std::string& base, std::vector<int64_t> shape, std::vector<double> values) {
  std::string name = base;
  for (int i = 2; m.has_tensor(name); ++i) name = fmt::format("{}_{}", base, i);
  Tensor t;
  t.name = name;
  t.shape = std::move(shape);
  t.values = std::move(values);
  t.is_constant = true;
  m.add_tensor(std::move(t));
  return name;
}

Tensor& writable_constant(Model& m, Op& op, size_t input) {
  const auto name = op.inputs.at(input);
  if (use_count(m, name) == 1) return m.tensor(name);
  Tensor copy = m.tensor(name);
  copy.name = fmt::format("{}/{}", op.name, name);
  for (int i = 2; m.has_tensor(copy.name); ++i) copy.name = fmt::format("{}/{}_{}", op.name, name, i);
  op.inputs[input] = copy.name;
  return m.add_tensor(std::move(copy));
}

}  // namespace aie4ml::passes
