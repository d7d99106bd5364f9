// Vectorised requantisation chains of Add / Concat layers (see tensor_op_vector.h).
#include "passes/tensor_op_vector.h"

#include <algorithm>

#include "../../kernels/tensor_ops_plan.h"
#include "design/tensor_op_layout.h"

namespace aie4ml {

namespace {

using kernels::requant_step;

// requantize(v, from_frac, to) as the kernel's step (codegen/tensor_op_spec.cpp step_text).
requant_step step_of(int from_frac, const FixedType& to, bool relu) {
  return {from_frac - to.frac, static_cast<unsigned>(to.width), to.is_signed,
          static_cast<kernels::tensor_rounding>(to.rounding), static_cast<kernels::tensor_overflow>(to.overflow), relu};
}

bool all_fixed(const Model& m, const std::vector<std::string>& tensors) {
  return std::all_of(tensors.begin(), tensors.end(), [&](const std::string& t) { return m.tensor(t).type.is_fixed(); });
}

}  // namespace

std::vector<int64_t> tensor_vector_plan(const Model& model, const Op& op, const std::vector<std::string>& epilogue,
                                        const LayerDesign& l) {
  if (op.kind != OpKind::Add && op.kind != OpKind::Concat) return {};
  std::vector<std::string> tensors = op.inputs;
  tensors.push_back(op.outputs.at(0));
  std::vector<requant_step> steps;
  for (auto& name : epilogue) {
    const Op* e = model.find_op(name);
    if (!e || !all_fixed(model, {e->inputs.at(0), e->outputs.at(0)})) return {};
    steps.push_back(step_of(model.tensor(e->inputs[0]).type.fixed.frac, model.tensor(e->outputs[0]).type.fixed,
                            e->kind == OpKind::Relu));
  }
  if (!all_fixed(model, tensors)) return {};
  const FixedType& y = model.tensor(op.outputs[0]).type.fixed;
  const auto in_bits = static_cast<unsigned>(8 * l.input_bytes), out_bits = static_cast<unsigned>(8 * l.output_bytes);
  const FixedType& out = model.tensor(l.output_tensor).type.fixed;
  const auto n = static_cast<unsigned>(steps.size());
  const int64_t relus = std::count_if(steps.begin(), steps.end(), [](const requant_step& s) { return s.relu; });
  std::vector<int64_t> plan{static_cast<int64_t>(n) + 1, relus};
  if (op.kind == OpKind::Add) {
    const FixedType &a = model.tensor(op.inputs.at(0)).type.fixed, &b = model.tensor(op.inputs.at(1)).type.fixed;
    const int f = std::max(a.frac, b.frac);
    plan.push_back(kernels::add_vectorisable(in_bits, a.is_signed, f - a.frac, in_bits, b.is_signed, f - b.frac,
                                             step_of(f, y, false), steps.data(), n, out_bits, out.is_signed));
  } else {
    int64_t offset = 0;
    for (size_t i = 0; i < op.inputs.size(); ++i) {
      const FixedType& x = model.tensor(op.inputs[i]).type.fixed;
      const auto channels = static_cast<unsigned>(l.tensor_op.at(i + 1));
      plan.push_back(kernels::concat_part_vectorisable(in_bits, x.is_signed, step_of(x.frac, y, false), steps.data(), n,
                                                       out_bits, out.is_signed) &&
                     kernels::concat_store_kind(channels, static_cast<unsigned>(offset),
                                                static_cast<unsigned>(tensor_op_layout::out_channels(l)),
                                                static_cast<unsigned>(l.output_bytes)) != kernels::concat_store::scalar);
      offset += channels;
    }
  }
  if (std::none_of(plan.begin() + 2, plan.end(), [](int64_t v) { return v != 0; })) return {};
  return plan;
}

}  // namespace aie4ml
