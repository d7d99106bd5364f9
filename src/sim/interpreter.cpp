// Building and running the interpreters' programs (see interpreter.h).
#include "sim/interpreter.h"

#include <algorithm>

#include <fmt/format.h>

#include "sim/bf16_kernels.h"
#include "sim/float_kernels.h"
#include "sim/int_kernels.h"
#include "sim/program.h"
#include "sim/shape_util.h"
#include "support/error.h"

namespace aie4ml {

namespace {

// Slots for the graph inputs and every op output, one prepared kernel per op (in topological order).
template <class T, class Make>
std::unique_ptr<sim::Program<T>> build_program(const Model& m, Make make_kernel) {
  auto p = std::make_unique<sim::Program<T>>();
  std::map<std::string, int> slot;
  auto add_slot = [&](const std::string& name) {
    const Tensor& t = m.tensor(name);
    if (t.shape.empty()) throw InputError(fmt::format("tensor '{}' has no batch dimension", name));
    slot[name] = static_cast<int>(p->slot_names.size());
    p->slot_names.push_back(name);
    p->slot_elements.push_back(sim::product(t.sample_shape()));
  };
  for (auto& in : m.inputs) {
    add_slot(in);
    p->input_slots.push_back(slot[in]);
  }
  for (auto& op : m.ops) {
    typename sim::Program<T>::Step step;
    step.op = op.name;
    for (auto& in : op.inputs) {
      if (in.empty() || m.tensor(in).is_constant) continue;
      auto it = slot.find(in);
      if (it == slot.end())
        throw InputError(fmt::format("op '{}' reads '{}' before any op writes it", op.name, in));
      step.inputs.push_back(it->second);
    }
    step.kernel = make_kernel(m, op);
    if (op.outputs.size() != 1) throw InputError(fmt::format("op '{}': exactly one output expected", op.name));
    add_slot(op.outputs[0]);
    step.output = slot[op.outputs[0]];
    p->steps.push_back(std::move(step));
  }
  for (auto& out : m.outputs) {
    auto it = slot.find(out);
    if (it == slot.end()) throw InputError(fmt::format("graph output '{}' is not computed by any op", out));
    p->output_slots.push_back(it->second);
  }
  return p;
}

}  // namespace

template <class T>
Interpreter<T>::Interpreter(const Model& m, std::unique_ptr<sim::Program<T>> program)
    : inputs_(m.inputs), outputs_(m.outputs), program_(std::move(program)) {
  for (auto& name : program_->slot_names) shapes_[name] = m.tensor(name).sample_shape();
}

template <class T>
Interpreter<T>::~Interpreter() = default;
template <class T>
Interpreter<T>::Interpreter(Interpreter&&) noexcept = default;

template <class T>
std::vector<int64_t> Interpreter<T>::sample_shape(const std::string& tensor) const {
  auto it = shapes_.find(tensor);
  if (it == shapes_.end()) throw InputError(fmt::format("no activation tensor named '{}'", tensor));
  return it->second;
}

template <class T>
int64_t Interpreter<T>::sample_elements(const std::string& tensor) const {
  return sim::product(sample_shape(tensor));
}

template <class T>
void Interpreter<T>::check_inputs(const std::vector<std::vector<T>>& inputs, int64_t batch) const {
  if (inputs.size() != inputs_.size())
    throw InputError(fmt::format("the model has {} inputs, {} given", inputs_.size(), inputs.size()));
  if (batch < 0) throw InputError("negative batch size");
  for (size_t i = 0; i < inputs.size(); ++i) {
    const int64_t want = batch * sample_elements(inputs_[i]);
    if (static_cast<int64_t>(inputs[i].size()) != want)
      throw InputError(fmt::format("input '{}': {} values given, {} expected ({} samples of {})", inputs_[i],
                                   inputs[i].size(), want, batch, sample_elements(inputs_[i])));
  }
}

template <class T>
std::vector<std::vector<T>> Interpreter<T>::run(const std::vector<std::vector<T>>& inputs, int64_t batch,
                                                int threads) const {
  check_inputs(inputs, batch);
  return program_->run(inputs, batch, threads, false);
}

template <class T>
std::map<std::string, std::vector<T>> Interpreter<T>::trace(const std::vector<std::vector<T>>& inputs, int64_t batch,
                                                            int threads) const {
  check_inputs(inputs, batch);
  auto all = program_->run(inputs, batch, threads, true);
  std::map<std::string, std::vector<T>> out;
  for (size_t s = 0; s < all.size(); ++s) out[program_->slot_names[s]] = std::move(all[s]);
  return out;
}

template class Interpreter<int64_t>;
template class Interpreter<double>;

IntegerInterpreter::IntegerInterpreter(const Model& m)
    : Interpreter<int64_t>(m, build_program<int64_t>(m, sim::make_int_kernel)) {
  for (auto& [name, shape] : shapes_) {
    const Tensor& t = m.tensor(name);
    if (!t.type.is_fixed())
      throw InputError(fmt::format("tensor '{}' has type {}; the integer interpreter needs a quantised model", name,
                                   t.type.str()));
    types_[name] = t.type.fixed;
  }
}

Bf16Interpreter::Bf16Interpreter(const Model& m)
    : Interpreter<int64_t>(m, build_program<int64_t>(m, sim::make_bf16_kernel)) {}

bool is_bf16_model(const Model& m) {
  return !m.inputs.empty() && std::all_of(m.inputs.begin(), m.inputs.end(), [&](const std::string& in) {
    return m.tensor(in).type.kind == ScalarKind::BFloat16;
  });
}

FloatInterpreter::FloatInterpreter(const Model& m)
    : Interpreter<double>(m, build_program<double>(m, sim::make_float_kernel)) {}

std::map<std::string, TensorRange> FloatInterpreter::observe_ranges(const std::vector<std::vector<double>>& inputs,
                                                                    int64_t batch, int threads) const {
  check_inputs(inputs, batch);
  std::map<std::string, TensorRange> ranges;
  constexpr int64_t kSlice = 4096;  // bounds the memory of the per-tensor trace
  for (int64_t first = 0; first < batch; first += kSlice) {
    const int64_t n = std::min(kSlice, batch - first);
    std::vector<std::vector<double>> slice(inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i) {
      const int64_t e = sample_elements(inputs_[i]);
      slice[i].assign(inputs[i].begin() + first * e, inputs[i].begin() + (first + n) * e);
    }
    for (auto& [name, values] : trace(slice, n, threads)) {
      if (values.empty()) continue;
      auto [lo, hi] = std::minmax_element(values.begin(), values.end());
      auto it = ranges.find(name);
      if (it == ranges.end()) ranges[name] = {*lo, *hi};
      else it->second = {std::min(it->second.min, *lo), std::max(it->second.max, *hi)};
    }
  }
  return ranges;
}

}  // namespace aie4ml
