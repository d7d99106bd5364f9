// Kernel parameters of the attention tensor-op layers (see attention_spec.h).
#include "codegen/attention_spec.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "codegen/output_activation.h"
#include "design/tensor_op_layout.h"
#include "passes/partition_attention.h"
#include "passes/partition_tensor_ops.h"
#include "sim/layernorm_ops.h"
#include "support/error.h"

namespace aie4ml::codegen {

namespace {

namespace to = tensor_op_layout;

[[noreturn]] void fail(const LayerDesign& l, const std::string& why) {
  throw InputError(fmt::format("layer '{}' ({}): {}", l.name, l.op, why));
}

const FixedType& fx(const Model& m, const std::string& t) { return m.tensor(t).type.fixed; }

std::string ctype(const Model& m, const std::string& t, const LayerDesign& l) {
  const auto& type = m.tensor(t).type;
  return container_type(type, type.fixed.width <= 8 ? 1 : 2, fmt::format("layer '{}': tensor '{}'", l.name, t));
}

std::string aie_rounding(const LayerDesign& l, const std::string& t, const FixedType& f) {
  const auto r = aie_rounding_mode(f.rounding);
  if (!r) fail(l, fmt::format("tensor '{}' ({}) has a rounding mode without an AIE rounding mode", t, f.str()));
  return fmt::format("aie::rounding_mode::{}", *r);
}

// An SRS into tensor `t`: its type fills its container (the SRS saturates at the container's bounds).
std::string srs_modes(const LayerDesign& l, const Model& m, const std::string& t) {
  const FixedType& f = fx(m, t);
  if (f.width != 8 && f.width != 16)
    fail(l, fmt::format("tensor '{}' ({}) is narrower than its container; the GEMM's SRS writes 8 or 16 bits", t, f.str()));
  const auto s = aie_saturation_mode(f.overflow);
  if (!s) fail(l, fmt::format("tensor '{}' ({}) has an overflow mode without an AIE saturation mode", t, f.str()));
  return fmt::format("{}, aie::saturation_mode::{}", aie_rounding(l, t, f), *s);
}


std::string values(const std::vector<int64_t>& v) {
  std::string t;
  for (size_t i = 0; i < v.size(); ++i) t += (i % 16 == 0 ? "\n      " : " ") + std::to_string(v[i]) + ",";
  return t;
}

void matmul_spec(const LayerDesign& l, const Model& m, const Op& op, int64_t batch, DenseKernelSpec& s) {
  const auto a = attention_layer(m, op, tensor_op_region(m).epilogue.at(op.name));
  const auto& g = l.tensor_op;
  const bool scores = g[to::MM_FORM] == to::kScores;
  const int64_t T = g[to::MM_T], H = g[to::MM_H], Dh = g[to::MM_DH], F = H * Dh;
  const int64_t M = T, K = scores ? Dh : T, N = scores ? T : Dh;
  const int shift = fx(m, a.inputs[0]).frac + fx(m, a.inputs[1]).frac - fx(m, a.cast).frac;
  if (shift < 0) fail(l, fmt::format("'{}' is finer than the exact product (shift {})", a.cast, shift));
  const std::string tc = ctype(m, a.cast, l), acc = l.input_bytes == 2 ? "acc64" : "acc32";
  std::string scale = "false, " + tc + ", 1, 0, " + srs_modes(l, m, a.cast);
  std::string ty = tc;
  if (!a.scale.empty()) {
    ty = ctype(m, a.scaled, l);
    const int64_t code = m.tensor(a.scale).codes.at(0);
    const int sshift = fx(m, a.cast).frac + fx(m, a.scale).frac - fx(m, a.scaled).frac;
    const FixedType& c = fx(m, a.cast);
    if (sshift < 0 || sshift > 31) fail(l, fmt::format("the fused scale's shift {} is outside 0..31", sshift));
    if (code < c.min_code() || code > c.max_code())
      fail(l, fmt::format("the scale code {} of '{}' does not fit '{}' ({})", code, a.scale, a.cast, c.str()));
    scale = fmt::format("true, {}, {}, {}, {}", ty, code, sshift, srs_modes(l, m, a.scaled));
  }
  if (ty != s.c_type) fail(l, fmt::format("the kernel writes {} but its output '{}' is {}", ty, l.output_tensor, s.c_type));
  const int64_t a_elems = batch * to::input_elements(l, 0), b_elems = batch * to::input_elements(l, 1);
  std::string cfg = l.head ? fmt::format("  // head {} of {}: {} x {} x {} (M x K x N) per sample, its channels read and "
                                           "written through views\n", l.head->index, l.head->count, M, K, N)
                             : fmt::format("  // {} heads of {} x {} x {} (M x K x N) per sample, all in this kernel\n", H, M, K, N);
  std::string call;
  for (int64_t h = 0; h < H; ++h) {
    const std::string a_lay = scores ? fmt::format("{}, {}, 1, {}", T * F, F, h * Dh)          // Q[i][h Dh + d]
                                     : fmt::format("{}, {}, 1, {}", H * T * T, T, h * T * T);  // P[h][i][j]
    const std::string b_lay = scores ? fmt::format("{}, 1, {}, {}", T * F, F, h * Dh)          // K[j][h Dh + d] as (d, j)
                                     : fmt::format("{}, {}, 1, {}", T * F, F, h * Dh);         // V[j][h Dh + d]
    const std::string out_lay = scores ? fmt::format("{}, {}, {}", H * T * T, T, h * T * T)     // [N][H][T][T]
                                       : fmt::format("{}, {}, {}", T * F, F, h * Dh);           // [N][T][H Dh]
    cfg += fmt::format(
        "  using head{} = aie4ml::kernels::matmul_act_config<{}, {}, {}, {}, 4, {}, 4, {}, {}, {}, {},\n"
        "      aie4ml::kernels::matmul_act_operand<{}>, aie4ml::kernels::matmul_act_operand<{}>, {}, {}, {}, {},\n"
        "      {}>;\n  using out{} = aie4ml::kernels::matmul_act_output<{}>;\n",
        h, s.input_types.at(0), s.input_types.at(1), tc, acc, to::mmul_k(l), batch, M, K, N, a_lay, b_lay, a_elems, b_elems,
        shift, srs_modes(l, m, a.cast), scale, h, out_lay);
    call += fmt::format("  aie4ml::kernels::matmul_act_head<CFG::head{}, CFG::out{}>(in0.data(), in1.data(), out.data());\n", h, h);
  }
  s.tensor_op_cfg = cfg;
  s.tensor_op_call = call;
  s.tensor_op_headers = {"matmul_act.h"};
}

void softmax_spec(const LayerDesign& l, const Model& m, const Op& op, int64_t batch, DenseKernelSpec& s) {
  const FixedType &in = fx(m, l.input_tensor), &out = fx(m, op.outputs.at(0));
  const int64_t rows = l.tensor_op.at(0), cols = l.tensor_op.at(1);
  if (cols > 128) fail(l, fmt::format("rows of {} codes; the Softmax kernel takes at most 128", cols));
  if (out.frac < 0 || out.frac > 16) fail(l, fmt::format("its output {} needs 0..16 fractional bits", out.str()));
  const std::string ty = ctype(m, op.outputs[0], l);
  if (ty != s.c_type || l.input_bytes != l.output_bytes)
    fail(l, fmt::format("the Softmax runs in place: its output {} must be the layer's {} of the input's size", ty, s.c_type));
  const auto t = softmax_kernel_table(in);
  if (t.index_shift < 0 || t.index_shift > 24) fail(l, fmt::format("exp index shift {} out of range", t.index_shift));
  s.tensor_op_cfg = fmt::format(
      "  // Softmax over {} rows of {} codes (exp tables of the reference interpreter: hi {} entries, lo 2^{})\n"
      "  using softmax = aie4ml::kernels::softmax_row_config<{}, {}, {}, {}, {}u, {}u, {}u, {}u, {}u, {},\n"
      "      {}, aie4ml::kernels::softmax_overflow::{}>;\n"
      "  alignas(32) static constexpr uint32 table[{}] = {{{}\n  }};\n",
      batch * rows, cols, t.hi_size, t.lo_bits, s.input_types.at(0), ty, batch * rows, cols, t.index_shift, t.hi_size,
      t.lo_bits, out.frac, out.width, out.is_signed ? "true" : "false", aie_rounding(l, op.outputs[0], out),
      softmax_overflow_enumerator(out.overflow), t.entries.size(), values(t.entries));
  s.tensor_op_call = "  aie4ml::kernels::softmax_rows<CFG::softmax>(in0, out, CFG::table);\n";
  s.tensor_op_headers = {"dense.h", "softmax.h", "softmax_rows.h"};
}

void layernorm_spec(const LayerDesign& l, const Model& m, const Op& op, int64_t batch, DenseKernelSpec& s) {
  const int64_t rows = l.tensor_op.at(0), n = l.tensor_op.at(1);
  LayerNormSpec spec;
  spec.in = fx(m, l.input_tensor);
  spec.out = fx(m, op.outputs.at(0));
  spec.epsilon = op.get_float("epsilon", 1e-5);
  spec.n = n;
  const std::string ty = ctype(m, op.outputs[0], l);
  if (ty != s.c_type) fail(l, fmt::format("its LayerNorm writes {} but the layer's output is {}", ty, s.c_type));
  // gamma / beta: the constant's codes, or (absent) ones / zeros at frac 0: the reference's definition.
  auto param = [&](size_t i, int64_t absent, std::string& type, int& frac) {
    if (op.inputs.size() <= i || op.inputs[i].empty()) {
      type = "int8";
      frac = 0;
      return std::vector<int64_t>(static_cast<size_t>(n), absent);
    }
    type = ctype(m, op.inputs[i], l);
    frac = fx(m, op.inputs[i]).frac;
    return m.tensor(op.inputs[i]).codes;
  };
  std::string tg, tb;
  int fg = 0, fb = 0;
  const auto gamma = param(1, 1, tg, fg), beta = param(2, 0, tb, fb);
  const int128 e = layernorm_epsilon_code(spec);
  if (e >= (int128{1} << 62)) fail(l, "its epsilon code exceeds 62 bits");
  s.tensor_op_cfg = fmt::format(
      "  // LayerNorm over {} rows of {} codes, epsilon {} (code {})\n"
      "  using ln = aie4ml::kernels::layernorm_config<{}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}ull,\n"
      "      {}, aie4ml::kernels::layernorm_overflow::{}>;\n"
      "  alignas(32) static constexpr {} gamma[{}] = {{{}\n  }};\n  alignas(32) static constexpr {} beta[{}] = {{{}\n  }};\n",
      batch * rows, n, spec.epsilon, static_cast<uint64_t>(e), s.input_types.at(0), tg, tb, ty, batch * rows, n, fg, fb,
      spec.out.frac, spec.out.width, spec.out.is_signed ? "true" : "false", static_cast<uint64_t>(e),
      aie_rounding(l, op.outputs[0], spec.out), softmax_overflow_enumerator(spec.out.overflow), tg, n, values(gamma), tb, n,
      values(beta));
  s.tensor_op_call = "  aie4ml::kernels::layernorm_rows<CFG::ln>(in0, out, CFG::gamma, CFG::beta);\n";
  s.tensor_op_headers = {"layernorm.h"};
}

}  // namespace

void attention_kernel_spec(const LayerDesign& l, const Model& m, int64_t batch, const std::vector<std::string>& steps,
                           DenseKernelSpec& s) {
  const Op* op = m.find_op(l.model_op());
  if (!op) fail(l, fmt::format("no op '{}' in the model", l.model_op()));
  if (l.op == "MatMul") matmul_spec(l, m, *op, batch, s);
  else if (l.op == "Softmax") softmax_spec(l, m, *op, batch, s);
  else layernorm_spec(l, m, *op, batch, s);
  if (steps.empty()) return;
  // The fused Quantize ops, in place on the output (same container: partition_attention.h).
  s.tensor_op_cfg += fmt::format("  static constexpr unsigned elements = {};\n", batch * l.out_features);
  s.tensor_op_call += fmt::format(
      "  for (unsigned i = 0; i < CFG::elements; ++i)\n"
      "    out.data()[i] = static_cast<{}>(aie4ml::kernels::detail::epilogue<CFG>(out.data()[i]));\n",
      s.c_type);
}

}  // namespace aie4ml::codegen
