// Attention ops as tensor-op layers (see partition_attention.h).
#include "passes/partition_attention.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "support/error.h"

namespace aie4ml {

namespace {

[[noreturn]] void refuse(const Op& op, const std::string& why) {
  throw InputError(fmt::format("op '{}' ({}) cannot be mapped to the AIE array: {}", op.name, to_string(op.kind), why));
}

bool is_view(const Op& op) {
  return (op.kind == OpKind::Reshape || op.kind == OpKind::Transpose) && !op.inputs.empty() && op.outputs.size() == 1;
}

int64_t product_of(const std::vector<int64_t>& v) {
  int64_t p = 1;
  for (auto d : v) p *= d;
  return p;
}

bool is_graph_output(const Model& m, const std::string& t) {
  return std::find(m.outputs.begin(), m.outputs.end(), t) != m.outputs.end();
}

// The view ops that lead to `t` (from the base tensor towards t), each read by the next alone.
struct ViewChain {
  std::string base;
  std::vector<const Op*> ops;
};

ViewChain view_chain(const Model& m, const std::string& t) {
  ViewChain c{t, {}};
  while (const Op* p = m.producer(c.base)) {
    if (!is_view(*p) || m.consumers(c.base).size() != 1 || is_graph_output(m, c.base)) break;
    c.ops.insert(c.ops.begin(), p);
    c.base = p->inputs[0];
  }
  return c;
}

std::vector<int64_t> sample_shape(const Model& m, const std::string& t) { return m.tensor(t).sample_shape(); }

const FixedType& fixed(const Model& m, const Op& op, const std::string& t) {
  const auto& type = m.tensor(t).type;
  if (!type.is_fixed() || type.fixed.width > 16)
    refuse(op, fmt::format("tensor '{}' has type {}; the attention kernels take 8- or 16-bit fixed point", t, type.str()));
  return type.fixed;
}

// Head split of `t`: base [T, H*Dh] -> Reshape [T, H, Dh] -> Transpose with `perm`. Returns the base.
std::string head_split(const Model& m, const Op& op, const std::string& t, const std::vector<int64_t>& perm, int64_t T,
                       int64_t H, int64_t Dh, const char* what) {
  const ViewChain c = view_chain(m, t);
  const bool shape_ok = c.ops.size() == 2 && c.ops[0]->kind == OpKind::Reshape && c.ops[1]->kind == OpKind::Transpose &&
                        sample_shape(m, c.base) == std::vector<int64_t>{T, H * Dh} &&
                        sample_shape(m, c.ops[0]->outputs[0]) == std::vector<int64_t>{T, H, Dh} &&
                        c.ops[1]->has("perm") && c.ops[1]->get_ints("perm") == perm;
  if (!shape_ok)
    refuse(op, fmt::format("its {} '{}' is not the head split the attention kernel reads ([N, {}, {}] -> Reshape [N, {}, "
                           "{}, {}] -> Transpose perm {})",
                           what, t, T, H * Dh, T, H, Dh, perm));
  return c.base;
}

int magnitude_bits(const FixedType& t) { return t.is_signed ? t.width - 1 : t.width; }
int ceil_log2(int64_t v) {
  int b = 0;
  while ((int64_t{1} << b) < v) ++b;
  return b;
}

// An intermediate tensor a Quantize rounds: it must hold the exact value (frac, and magnitude bits).
void require_exact(const Model& m, const Op& op, const std::string& t, int frac, int magnitude, bool is_signed) {
  if (!m.tensor(t).type.is_fixed()) refuse(op, fmt::format("tensor '{}' is not fixed point", t));
  const FixedType& y = m.tensor(t).type.fixed;  // any width: the kernel never stores it
  if (y.frac != frac || magnitude_bits(y) < magnitude || (is_signed && !y.is_signed))
    refuse(op, fmt::format("its intermediate '{}' ({}) does not hold the exact product (frac {}, {} magnitude bits); the "
                           "kernel rounds once",
                           t, y.str(), frac, magnitude));
}

const Op& epilogue_op(const Model& m, const std::string& name) { return *m.find_op(name); }

AttentionLayer matmul_layer(const Model& m, const Op& op, const std::vector<std::string>& epilogue) {
  if (op.inputs.size() != 2 || op.outputs.size() != 1) refuse(op, "a MatMul has two inputs and one output");
  const auto y = sample_shape(m, op.outputs[0]);
  if (y.size() != 3) refuse(op, fmt::format("output '{}' is not [N, heads, rows, cols]", op.outputs[0]));
  const int64_t H = y[0], T = y[1];
  AttentionLayer a;
  const auto a_shape = sample_shape(m, op.inputs[0]);
  // Q x K^T reads K through a transposing head split (perm 0, 2, 3, 1); P x V reads V untransposed.
  const Op* b_view = m.producer(op.inputs[1]);
  const bool scores = b_view && b_view->kind == OpKind::Transpose && b_view->has("perm") &&
                      b_view->get_ints("perm") == std::vector<int64_t>{0, 2, 3, 1};
  int64_t Dh = 0, K = 0;
  if (scores) {
    Dh = a_shape.size() == 3 ? a_shape[2] : 0;
    K = Dh;
    a.inputs = {head_split(m, op, op.inputs[0], {0, 2, 1, 3}, T, H, Dh, "first input"),
                head_split(m, op, op.inputs[1], {0, 2, 3, 1}, T, H, Dh, "second input (K^T)")};
    a.geometry = {0, T, H, Dh, 0};
  } else {
    Dh = y[2];
    K = T;
    if (a_shape != std::vector<int64_t>{H, T, T})
      refuse(op, fmt::format("first input '{}' is not the attention weights [N, {}, {}, {}]", op.inputs[0], H, T, T));
    if (!view_chain(m, op.inputs[0]).ops.empty())
      refuse(op, fmt::format("first input '{}' is made by views; the context kernel reads the weights as written", op.inputs[0]));
    a.inputs = {op.inputs[0], head_split(m, op, op.inputs[1], {0, 2, 1, 3}, T, H, Dh, "second input (V)")};
    a.geometry = {1, T, H, Dh, 0};
  }
  const FixedType &fa = fixed(m, op, op.inputs[0]), &fb = fixed(m, op, op.inputs[1]);
  for (auto& t : a.inputs)
    if (m.tensor(t).is_constant) refuse(op, fmt::format("input '{}' is a constant (a MatMul of activations is expected)", t));
  a.rows_per_sample = T;
  a.cast = op.outputs[0];
  size_t i = 0;
  auto next_is = [&](OpKind k) { return i < epilogue.size() && epilogue_op(m, epilogue[i]).kind == k; };
  if (next_is(OpKind::Quantize)) {
    require_exact(m, op, a.cast, fa.frac + fb.frac, magnitude_bits(fa) + magnitude_bits(fb) + ceil_log2(K),
                  fa.is_signed || fb.is_signed);
    a.cast = epilogue_op(m, epilogue[i++]).outputs[0];
  }
  fixed(m, op, a.cast);
  if (a.geometry[0] == 0 && next_is(OpKind::Mul)) {
    const Op& mul = epilogue_op(m, epilogue[i++]);
    const std::string& c = mul.inputs[0] == a.cast ? mul.inputs.at(1) : mul.inputs.at(0);
    if (!m.tensor(c).is_constant || m.tensor(c).codes.size() != 1)
      refuse(mul, fmt::format("'{}' is not a scalar constant; the scores kernel fuses a scalar scale only", c));
    a.scale = c;
    a.scaled = mul.outputs[0];
    a.geometry[4] = 1;
    if (next_is(OpKind::Quantize)) {
      const FixedType &x = fixed(m, op, a.cast), &s = m.tensor(c).type.fixed;
      require_exact(m, mul, a.scaled, x.frac + s.frac, magnitude_bits(x) + magnitude_bits(s), x.is_signed || s.is_signed);
      a.scaled = epilogue_op(m, epilogue[i++]).outputs[0];
    }
    fixed(m, op, a.scaled);
  }
  if (a.geometry[0] == 1) {
    const bool merge = i + 2 <= epilogue.size() && epilogue_op(m, epilogue[i]).kind == OpKind::Transpose &&
                       epilogue_op(m, epilogue[i]).has("perm") &&
                       epilogue_op(m, epilogue[i]).get_ints("perm") == std::vector<int64_t>{0, 2, 1, 3} &&
                       epilogue_op(m, epilogue[i + 1]).kind == OpKind::Reshape &&
                       sample_shape(m, epilogue_op(m, epilogue[i + 1]).outputs[0]) == std::vector<int64_t>{T, H * Dh};
    if (!merge)
      refuse(op, fmt::format("its result is not merged back to [N, {}, {}] (Transpose perm [0, 2, 1, 3] then Reshape) "
                             "right after its Quantize; the context kernel writes the merged layout",
                             T, H * Dh));
    i += 2;
  }
  if (i != epilogue.size()) {
    const Op& extra = epilogue_op(m, epilogue[i]);
    refuse(extra, fmt::format("it follows attention MatMul '{}', whose kernel does not apply it", op.name));
  }
  return a;
}

// Softmax / LayerNorm: rows of the last axis, then Quantize ops.
AttentionLayer row_layer(const Model& m, const Op& op, const std::vector<std::string>& epilogue) {
  const auto x = sample_shape(m, op.inputs.at(0));
  if (op.outputs.size() != 1 || x.size() < 2) refuse(op, "a tensor of rows per sample ([N, ..., rows, cols]) is expected");
  const int64_t rank = static_cast<int64_t>(x.size()) + 1;
  int64_t axis = op.get_int("axis", -1);
  if (axis < 0) axis += rank;
  if (axis != rank - 1) refuse(op, fmt::format("axis {} is not the last; the kernel normalises rows", op.get_int("axis", -1)));
  AttentionLayer a;
  a.inputs = {op.inputs[0]};
  const int64_t cols = x.back(), rows = product_of(x) / cols;
  a.geometry = {rows, cols};
  a.rows_per_sample = rows;
  fixed(m, op, op.inputs[0]);
  fixed(m, op, op.outputs[0]);
  if (op.kind == OpKind::LayerNorm)
    for (size_t i = 1; i < op.inputs.size(); ++i)
      if (!op.inputs[i].empty()) {
        const Tensor& c = m.tensor(op.inputs[i]);
        if (!c.is_constant || c.codes.size() != static_cast<size_t>(cols))
          refuse(op, fmt::format("{} '{}' is not a constant of {} codes", i == 1 ? "gamma" : "beta", c.name, cols));
        fixed(m, op, c.name);
      }
  for (auto& name : epilogue) {
    const Op& e = epilogue_op(m, name);
    if (e.kind != OpKind::Quantize) refuse(e, fmt::format("it follows {} '{}', whose kernel does not apply it", to_string(op.kind), op.name));
    if ((fixed(m, e, e.outputs[0]).width > 8) != (fixed(m, op, op.outputs[0]).width > 8))
      refuse(e, "it changes the element size; the kernel requantises in place");
    a.requants.push_back(name);
  }
  return a;
}

}  // namespace

std::vector<std::string> head_view_ops(const Model& model, const Op& matmul) {
  std::vector<std::string> out;
  for (auto& t : matmul.inputs)
    if (!t.empty())
      for (auto* v : view_chain(model, t).ops) out.push_back(v->name);
  return out;
}

bool is_row_softmax(const Model& model, const Op& op) {
  return op.kind == OpKind::Softmax && !op.inputs.empty() && model.tensor(op.inputs[0]).sample_shape().size() >= 2;
}

AttentionLayer attention_layer(const Model& model, const Op& op, const std::vector<std::string>& epilogue) {
  if (op.kind == OpKind::MatMul) return matmul_layer(model, op, epilogue);
  return row_layer(model, op, epilogue);
}

}  // namespace aie4ml
