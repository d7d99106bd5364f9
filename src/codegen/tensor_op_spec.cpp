// Kernel parameters of tensor-op layers (see tensor_op_spec.h).
#include "codegen/tensor_op_spec.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "codegen/attention_spec.h"
#include "codegen/output_activation.h"
#include "design/tensor_op_layout.h"
#include "support/error.h"

namespace aie4ml::codegen {

namespace {

namespace to = tensor_op_layout;

const FixedType& fixed(const Model& m, const std::string& t, const LayerDesign& l) {
  const auto& type = m.tensor(t).type;
  if (!type.is_fixed())
    throw InputError(fmt::format("layer '{}': tensor '{}' is {}; tensor-op kernels take fixed point", l.name, t, type.str()));
  if (type.fixed.width > 32)
    throw InputError(fmt::format("layer '{}': tensor '{}' has {} bits; tensor-op kernels take at most 32", l.name, t,
                                 type.fixed.width));
  return type.fixed;
}

const char* rounding_name(RoundingMode r) {
  switch (r) {
    case RoundingMode::Trn: return "trn";
    case RoundingMode::TrnZero: return "trn_zero";
    case RoundingMode::Rnd: return "rnd";
    case RoundingMode::RndZero: return "rnd_zero";
    case RoundingMode::RndInf: return "rnd_inf";
    case RoundingMode::RndMinInf: return "rnd_min_inf";
    case RoundingMode::RndConv: return "rnd_conv";
  }
  return "trn";
}

const char* overflow_name(OverflowMode o) {
  switch (o) {
    case OverflowMode::Wrap: return "wrap";
    case OverflowMode::Sat: return "sat";
    case OverflowMode::SatSym: return "sat_sym";
    case OverflowMode::SatZero: return "sat_zero";
  }
  return "wrap";
}

std::string step_text(int from_frac, const FixedType& t, bool relu, const std::string& layer, const char* tr,
                      const char* ov) {
  const int shift = from_frac - t.frac;
  if (shift > 40 || shift < -40)
    throw InputError(fmt::format("layer '{}': a scale change of 2^{} is outside what the tensor-op kernel shifts (+-40)",
                                 layer, -shift));
  return fmt::format("{{{}, {}, {}, {}::{}, {}::{}, {}}}", shift, t.width, t.is_signed ? "true" : "false", tr,
                     rounding_name(t.rounding), ov, overflow_name(t.overflow), relu ? "true" : "false");
}

// requantize(v, from_frac, to) (fixed_point.h) as a kernels/tensor_ops.h requant_step initialiser.
std::string step(int from_frac, const FixedType& t, bool relu, const LayerDesign& l) {
  return step_text(from_frac, t, relu, l.name, "tr", "ov");
}

// The Relu / Quantize ops between the op's output and the layer's output tensor, as steps.
std::vector<std::string> epilogue(const LayerDesign& l, const Model& m, const Op& op) {
  std::vector<std::string> steps;
  std::string t = op.outputs.at(0);
  while (t != l.output_tensor) {
    const auto readers = m.consumers(t);
    if (readers.size() != 1 || (readers[0]->kind != OpKind::Relu && readers[0]->kind != OpKind::Quantize))
      throw InputError(fmt::format("layer '{}': no chain of Relu / Quantize ops from '{}' to its output '{}'", l.name,
                                   op.outputs[0], l.output_tensor));
    const Op& e = *readers[0];
    steps.push_back(step(fixed(m, e.inputs.at(0), l).frac, fixed(m, e.outputs.at(0), l), e.kind == OpKind::Relu, l));
    t = e.outputs.at(0);
  }
  return steps;
}

std::string array_init(const std::vector<std::string>& v) { return fmt::format("{{{}}}", fmt::join(v, ", ")); }

}  // namespace

std::string requant_step_init(int from_frac, const FixedType& to, bool relu, const std::string& layer) {
  return step_text(from_frac, to, relu, layer, "aie4ml::kernels::tensor_rounding", "aie4ml::kernels::tensor_overflow");
}

DenseKernelSpec tensor_op_kernel_spec(const LayerDesign& l, const Model& m, int64_t batch) {
  const Op* op = m.find_op(l.model_op());
  if (!op) throw InputError(fmt::format("layer '{}': no op '{}' in the model", l.name, l.model_op()));
  DenseKernelSpec s;
  s.layer = l.name;
  s.prefix = c_identifier(l.name);
  const auto ins = l.input_tensors();
  for (auto& t : ins)
    s.input_types.push_back(container_type(m.tensor(t).type, l.input_bytes, fmt::format("layer '{}': input '{}'", l.name, t)));
  s.a_type = s.input_types.front();
  s.c_type = container_type(m.tensor(l.output_tensor).type, l.output_bytes, fmt::format("layer '{}': output", l.name));
  s.b_type = s.a_type;
  s.acc = "acc32";
  s.rounding = "floor";
  s.saturation = "none";
  // A MatMul's fused ops are its kernel's own steps (attention_spec.h); the others' are requant steps.
  const auto steps = l.op == "MatMul" ? std::vector<std::string>{} : epilogue(l, m, *op);
  // The op's own output type (before fused ops); an attention MatMul's exact product is never stored.
  const FixedType& y0 = fixed(m, l.op == "MatMul" ? l.output_tensor : op->outputs.at(0), l);
  std::string cfg = fmt::format("  static constexpr unsigned batch = {};\n", batch);
  const auto& g = l.tensor_op;
  std::string call;
  if (l.op == "Add") {
    const FixedType &a = fixed(m, ins[0], l), &b = fixed(m, ins[1], l);
    const int f = std::max(a.frac, b.frac);
    cfg += fmt::format("  static constexpr unsigned elements = {};\n", g[0] * g[1]);
    cfg += fmt::format("  static constexpr int lshift[2] = {{{}, {}}};\n", f - a.frac, f - b.frac);
    cfg += fmt::format("  static constexpr requant_step cast = {};\n", step(f, y0, false, l));
    call = "  aie4ml::kernels::tensor_add<CFG>(in0.data(), in1.data(), out.data());\n";
  } else if (to::is_unary(l)) {
    const FixedType& x = fixed(m, ins[0], l);
    cfg += fmt::format("  static constexpr unsigned elements = {};\n", g[0] * g[1]);
    cfg += fmt::format("  static constexpr aie4ml::kernels::piecewise_params params = {};\n",
                       piecewise_init(piecewise_spec(op->kind, *op, x, y0), l.name));
    call = "  aie4ml::kernels::tensor_unary<CFG>(in0.data(), out.data());\n";
  } else if (l.op == "Concat") {
    std::vector<std::string> channels, offsets, casts;
    int64_t offset = 0;
    for (size_t i = 0; i < ins.size(); ++i) {
      channels.push_back(std::to_string(g[i + 1]));
      offsets.push_back(std::to_string(offset));
      offset += g[i + 1];
      casts.push_back(step(fixed(m, ins[i], l).frac, y0, false, l));
      call += fmt::format("  aie4ml::kernels::tensor_concat_part<CFG, {}>(in{}.data(), out.data());\n", i, i);
    }
    cfg += fmt::format("  static constexpr unsigned positions = {}, out_channels = {};\n", g[0], offset);
    cfg += fmt::format("  static constexpr unsigned channels[{}] = {};\n", ins.size(), array_init(channels));
    cfg += fmt::format("  static constexpr unsigned offsets[{}] = {};\n", ins.size(), array_init(offsets));
    cfg += fmt::format("  static constexpr requant_step casts[{}] = {};\n", ins.size(), array_init(casts));
  } else if (to::is_pool(l)) {
    const FixedType& x = fixed(m, ins[0], l);
    std::vector<int64_t> geo(g.begin(), g.end());
    cfg += fmt::format("  using geometry = aie4ml::kernels::pool_geometry<{}>;\n", fmt::join(geo, ", "));
    const bool max = l.op == "MaxPool";
    cfg += fmt::format("  static constexpr requant_step {} = {};\n", max ? "cast" : "mean", step(x.frac, y0, false, l));
    call = fmt::format("  aie4ml::kernels::tensor_pool<CFG, {}>(in0.data(), out.data());\n", max ? "true" : "false");
  } else if (to::is_attention(l)) {
    attention_kernel_spec(l, m, batch, steps, s);
    cfg += s.tensor_op_cfg;
    call = s.tensor_op_call;
  } else {
    throw InputError(fmt::format("layer '{}': op {} has no tensor-op kernel", l.name, l.op));
  }
  cfg += fmt::format("  static constexpr unsigned epilogue_steps = {};\n", steps.size());
  cfg += fmt::format("  static constexpr requant_step epilogue[{}] = {};  // fused Relu / Quantize ops\n",
                     std::max<size_t>(steps.size(), 1),
                     steps.empty() ? std::string("{}") : array_init(steps));
  s.tensor_op_cfg = cfg;
  s.tensor_op_call = call;
  return s;
}

}  // namespace aie4ml::codegen
