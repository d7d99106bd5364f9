// The bf16 typing pass (see to_bf16.h).
#include "passes/to_bf16.h"

#include <cmath>

#include <fmt/format.h>

#include "sim/bf16_kernels.h"
#include "support/error.h"

namespace aie4ml {

bool wants_bf16(const Config& config) {
  return config.default_precision && config.default_precision->kind == ScalarKind::BFloat16;
}

namespace {

void check_config(const Config& config) {
  for (auto& [name, l] : config.layers)
    for (auto [role, t] : {std::pair{"weight", l.precision.weight}, std::pair{"bias", l.precision.bias},
                           std::pair{"result", l.precision.result}, std::pair{"accum", l.precision.accum}})
      if (t && t->kind != ScalarKind::BFloat16)
        throw InputError(fmt::format("LayerName.{}.Precision.{}: {} in a bf16 model (Model.Precision bf16); mixed "
                                     "bf16 / fixed-point models are not supported", name, role, t->str()));
}

void check_op(const Model& m, const Op& op) {
  switch (op.kind) {
    case OpKind::Dense: {
      const std::string act = op.get_string("activation", "linear");
      if (act != "linear" && act != "relu")
        throw InputError(fmt::format("layer '{}': activation {} has no bf16 kernel (linear or relu)", op.name, act));
      return;
    }
    case OpKind::Relu:
    case OpKind::Flatten:
    case OpKind::Reshape: return;
    case OpKind::Softmax:
      for (auto& out : op.outputs)
        if (!m.consumers(out).empty())
          throw InputError(fmt::format("Softmax '{}': bf16 models take a Softmax only as the final op", op.name));
      return;
    default:
      throw InputError(fmt::format("op '{}' ({}) has no bf16 implementation (bf16 models: Dense with linear/ReLU "
                                   "activation, Relu, Flatten, Reshape, a final Softmax on the host)",
                                   op.name, to_string(op.kind)));
  }
}

}  // namespace

std::vector<std::string> convert_to_bf16(Model& model, const Config& config) {
  check_config(config);
  for (auto& op : model.ops) check_op(model, op);
  int64_t rounded = 0, constants = 0;
  for (auto& [name, t] : model.tensors) {
    if (t.type.is_fixed())
      throw InputError(fmt::format("tensor '{}' is {} (the model quantises it); Model.Precision bf16 takes float "
                                   "models", name, t.type.str()));
    t.type = NumericType::bf16();
    if (!t.is_constant) continue;
    t.codes.resize(t.values.size());
    for (size_t i = 0; i < t.values.size(); ++i) {
      t.codes[i] = sim::bf16_code_of(t.values[i]);
      const double v = sim::bf16_value(t.codes[i]);
      rounded += v != t.values[i];
      t.values[i] = v;
      ++constants;
    }
  }
  std::vector<std::string> notes{fmt::format("bf16: {} of {} constants changed by rounding to bf16", rounded, constants)};
  for (auto& op : model.ops)
    if (op.kind == OpKind::Softmax)
      notes.push_back(fmt::format("bf16: Softmax '{}' runs on the host (double, rounded to bf16)", op.name));
  return notes;
}

}  // namespace aie4ml
