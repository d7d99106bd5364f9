// Calibration: observed ranges -> fixed-point types (see calibrate.h; outputs whose type a rule fixes
// first are skipped).
#include "passes/calibrate.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "passes/quantize.h"
#include "support/error.h"

namespace aie4ml {

double TensorRange::max_abs() const { return std::max(std::abs(min), std::abs(max)); }

namespace {

// Constants that take a calibrated type: every constant operand except the bias of a Dense/Conv.
bool is_calibrated_constant(const Op& op, size_t input_index) {
  const bool weighted = op.kind == OpKind::Dense || op.kind == OpKind::Conv;
  if (weighted) return input_index == 1;
  return op.kind == OpKind::Add || op.kind == OpKind::Sub || op.kind == OpKind::Mul;
}

// Outputs whose type comes from a rule that precedes calibration (quantize.h): value-preserving ops
// keep their input's type, Sigmoid/Softmax/Tanh have their natural range.
bool keeps_rule_type(OpKind k) {
  switch (k) {
    case OpKind::Relu: case OpKind::Clip: case OpKind::MaxPool: case OpKind::Flatten: case OpKind::Reshape:
    case OpKind::Transpose: case OpKind::Slice: case OpKind::Sigmoid: case OpKind::Softmax: case OpKind::Tanh: return true;
    default: return false;
  }
}

TensorRange range_of(const std::vector<double>& values) {
  TensorRange r;
  if (values.empty()) return r;
  auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  return {*lo, *hi};
}

}  // namespace

std::map<std::string, FixedType> calibrate_types(const Model& m, const std::map<std::string, TensorRange>& observed,
                                                 const CalibrationOptions& options) {
  if (options.width != 8 && options.width != 16)
    throw InputError(fmt::format("--calibrate-width must be 8 or 16, got {}", options.width));
  if (options.margin < 0 || options.margin >= options.width)
    throw InputError(fmt::format("--calibrate-margin must be in [0, {}), got {}", options.width, options.margin));
  std::map<std::string, FixedType> types;
  for (auto& [name, range] : observed) {
    if (!m.has_tensor(name) || m.tensor(name).is_constant) continue;
    if (const Op* p = m.producer(name); p && keeps_rule_type(p->kind)) continue;
    types[name] = fit_signed_type(range.max_abs(), options.width, options.margin);
  }
  for (auto& op : m.ops)
    for (size_t i = 0; i < op.inputs.size(); ++i) {
      if (op.inputs[i].empty() || !is_calibrated_constant(op, i)) continue;
      const Tensor& t = m.tensor(op.inputs[i]);
      if (t.is_constant) types[t.name] = fit_signed_type(range_of(t.values).max_abs(), options.width, options.margin);
    }
  return types;
}

std::vector<std::string> describe_calibration(const Model& m, const std::map<std::string, FixedType>& types,
                                              const std::map<std::string, TensorRange>& observed) {
  std::vector<std::string> lines;
  std::set<std::string> done;
  auto line = [&](const std::string& tensor, const std::string& role) {
    auto it = types.find(tensor);
    if (it == types.end() || !done.insert(tensor).second) return;
    TensorRange r;
    if (auto o = observed.find(tensor); o != observed.end()) r = o->second;
    else r = range_of(m.tensor(tensor).values);
    lines.push_back(fmt::format("{} '{}': {} (observed [{:.6g}, {:.6g}])", role, tensor, it->second.str(), r.min, r.max));
  };
  for (auto& in : m.inputs) line(in, "input");
  for (auto& op : m.ops) {
    for (size_t i = 0; i < op.inputs.size(); ++i)
      if (!op.inputs[i].empty() && m.tensor(op.inputs[i]).is_constant)
        line(op.inputs[i], fmt::format("{} constant", op.name));
    for (auto& out : op.outputs) line(out, fmt::format("{} output", op.name));
  }
  return lines;
}

}  // namespace aie4ml
