// Import-time evaluation of constant nodes and shape sub-graphs (see constant_folding.h).
#include "frontend/constant_folding.h"

#include <cmath>
#include <map>

#include <fmt/format.h>

#include "frontend/onnx_reader.h"
#include "frontend/shape_inference.h"

namespace aie4ml::frontend {

namespace {

using Fold = ConstTensor (*)(const onnx::NodeProto&, const std::vector<const ConstTensor*>&);

int64_t count(const std::vector<int64_t>& dims) {
  int64_t n = 1;
  for (auto d : dims) n *= d;
  return n;
}

std::vector<int64_t> strides_of(const std::vector<int64_t>& dims) {
  std::vector<int64_t> s(dims.size(), 1);
  for (size_t i = dims.size(); i-- > 1;) s[i - 1] = s[i] * dims[i];
  return s;
}

const ConstTensor& in(const onnx::NodeProto& node, const std::vector<const ConstTensor*>& ins, size_t i) {
  if (i >= ins.size() || !ins[i]) fail(node, fmt::format("input #{} is missing", i));
  return *ins[i];
}

std::vector<int64_t> int_values(const ConstTensor& c) {
  std::vector<int64_t> v;
  for (auto x : c.values) v.push_back(static_cast<int64_t>(x));
  return v;
}

ConstTensor with_dims(ConstTensor c, std::vector<int64_t> dims) {
  c.dims = std::move(dims);
  return c;
}

ConstTensor binary(const onnx::NodeProto& node, const std::vector<const ConstTensor*>& ins) {
  const auto& a = in(node, ins, 0);
  const auto& b = in(node, ins, 1);
  const auto& op = node.op_type();
  const bool integer = a.is_integer();
  std::function<double(double, double)> f;
  if (op == "Add") f = [](double x, double y) { return x + y; };
  else if (op == "Sub") f = [](double x, double y) { return x - y; };
  else if (op == "Mul") f = [](double x, double y) { return x * y; };
  else if (op == "Div") f = [integer](double x, double y) { return integer ? std::trunc(x / y) : x / y; };
  else f = [](double x, double y) { return std::pow(x, y); };  // Pow
  if (integer && op == "Div")
    for (auto y : b.values)
      if (y == 0) fail(node, "integer division by zero in a constant sub-graph");
  return broadcast_binary(node, a, b, f, a.elem_type);
}

ConstTensor unary(const onnx::NodeProto& node, const std::vector<const ConstTensor*>& ins) {
  ConstTensor c = in(node, ins, 0);
  c.fixed.reset();
  c.codes.clear();
  const auto& op = node.op_type();
  for (auto& v : c.values) {
    if (op == "Sqrt") v = std::sqrt(v);
    else if (op == "Reciprocal") v = 1.0 / v;
    else if (op == "Neg") v = -v;
    else if (op == "Abs") v = std::fabs(v);
    else if (op == "Relu") v = std::max(0.0, v);
    else if (op == "Floor") v = std::floor(v);
    else if (op == "Ceil") v = std::ceil(v);
    v = round_to_elem_type(v, c.elem_type);
  }
  return c;
}

ConstTensor identity(const onnx::NodeProto& node, const std::vector<const ConstTensor*>& ins) {
  return in(node, ins, 0);
}

ConstTensor transpose(const onnx::NodeProto& node, const std::vector<const ConstTensor*>& ins) {
  const auto& c = in(node, ins, 0);
  return transpose_const(c, transpose_perm(node, c.dims.size()));
}

ConstTensor reshape(const onnx::NodeProto& node, const std::vector<const ConstTensor*>& ins) {
  const auto& c = in(node, ins, 0);
  std::vector<int64_t> target;
  if (ins.size() > 1 && ins[1]) target = int_values(*ins[1]);
  else target = attr_ints(node, "shape");  // Reshape-1 style attribute
  const bool allow_zero = attr_int(node, "allowzero", 0) != 0;
  std::vector<int64_t> dims;
  int infer = -1;
  for (size_t i = 0; i < target.size(); ++i) {
    int64_t d = target[i];
    if (d == 0 && !allow_zero) {
      if (i >= c.dims.size()) fail(node, "reshape target copies a missing dimension");
      d = c.dims[i];
    }
    if (d == -1) {
      infer = static_cast<int>(i);
      d = 1;
    }
    dims.push_back(d);
  }
  if (infer >= 0) dims[static_cast<size_t>(infer)] = c.size() / std::max<int64_t>(1, count(dims));
  if (count(dims) != c.size()) fail(node, fmt::format("cannot reshape {} elements to [{}]", c.size(), fmt::join(dims, ",")));
  return with_dims(c, dims);
}

ConstTensor flatten(const onnx::NodeProto& node, const std::vector<const ConstTensor*>& ins) {
  const auto& c = in(node, ins, 0);
  const auto axis = normalize_axis(node, attr_int(node, "axis", 1), c.dims.size() + 1);
  int64_t outer = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= c.dims[static_cast<size_t>(i)];
  return with_dims(c, {outer, c.size() / std::max<int64_t>(1, outer)});
}

std::vector<int64_t> axes_of(const onnx::NodeProto& node, const std::vector<const ConstTensor*>& ins) {
  if (ins.size() > 1 && ins[1]) return int_values(*ins[1]);  // opset 13: axes is an input
  return attr_ints(node, "axes");
}

ConstTensor unsqueeze(const onnx::NodeProto& node, const std::vector<const ConstTensor*>& ins) {
  const auto& c = in(node, ins, 0);
  auto axes = axes_of(node, ins);
  const size_t rank = c.dims.size() + axes.size();
  for (auto& a : axes) a = normalize_axis(node, a, rank);
  std::vector<int64_t> dims;
  size_t src = 0;
  for (size_t i = 0; i < rank; ++i) {
    if (std::find(axes.begin(), axes.end(), static_cast<int64_t>(i)) != axes.end()) dims.push_back(1);
    else dims.push_back(c.dims.at(src++));
  }
  return with_dims(c, dims);
}

ConstTensor squeeze(const onnx::NodeProto& node, const std::vector<const ConstTensor*>& ins) {
  const auto& c = in(node, ins, 0);
  auto axes = axes_of(node, ins);
  for (auto& a : axes) a = normalize_axis(node, a, c.dims.size());
  std::vector<int64_t> dims;
  for (size_t i = 0; i < c.dims.size(); ++i) {
    const bool listed = std::find(axes.begin(), axes.end(), static_cast<int64_t>(i)) != axes.end();
    if (listed && c.dims[i] != 1) fail(node, fmt::format("cannot squeeze dimension {} of size {}", i, c.dims[i]));
    if (!(listed || (axes.empty() && c.dims[i] == 1))) dims.push_back(c.dims[i]);
  }
  return with_dims(c, dims);
}

ConstTensor cast(const onnx::NodeProto& node, const std::vector<const ConstTensor*>& ins) {
  ConstTensor c = in(node, ins, 0);
  c.elem_type = static_cast<int32_t>(attr_int(node, "to", onnx::TensorProto::FLOAT));
  c.fixed.reset();
  c.codes.clear();
  for (auto& v : c.values) v = round_to_elem_type(v, c.elem_type);
  return c;
}

ConstTensor concat(const onnx::NodeProto& node, const std::vector<const ConstTensor*>& ins) {
  const auto& first = in(node, ins, 0);
  const auto axis = normalize_axis(node, attr_int(node, "axis", 0), first.dims.size());
  std::vector<int64_t> dims = first.dims;
  dims[static_cast<size_t>(axis)] = 0;
  for (size_t i = 0; i < ins.size(); ++i) dims[static_cast<size_t>(axis)] += in(node, ins, i).dims.at(static_cast<size_t>(axis));
  int64_t outer = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= dims[static_cast<size_t>(i)];
  ConstTensor out;
  out.elem_type = first.elem_type;
  out.dims = dims;
  for (int64_t o = 0; o < outer; ++o)
    for (size_t i = 0; i < ins.size(); ++i) {
      const auto& c = *ins[i];
      const int64_t block = c.size() / std::max<int64_t>(1, outer);
      out.values.insert(out.values.end(), c.values.begin() + o * block, c.values.begin() + (o + 1) * block);
    }
  return out;
}

ConstTensor gather(const onnx::NodeProto& node, const std::vector<const ConstTensor*>& ins) {
  const auto& data = in(node, ins, 0);
  const auto& idx = in(node, ins, 1);
  const auto axis = static_cast<size_t>(normalize_axis(node, attr_int(node, "axis", 0), data.dims.size()));
  int64_t outer = 1, inner = 1;
  for (size_t i = 0; i < axis; ++i) outer *= data.dims[i];
  for (size_t i = axis + 1; i < data.dims.size(); ++i) inner *= data.dims[i];
  const int64_t n = data.dims[axis];
  ConstTensor out;
  out.elem_type = data.elem_type;
  out.dims.assign(data.dims.begin(), data.dims.begin() + static_cast<long>(axis));
  out.dims.insert(out.dims.end(), idx.dims.begin(), idx.dims.end());
  out.dims.insert(out.dims.end(), data.dims.begin() + static_cast<long>(axis) + 1, data.dims.end());
  for (int64_t o = 0; o < outer; ++o)
    for (auto iv : idx.values) {
      auto k = static_cast<int64_t>(iv);
      if (k < 0) k += n;
      if (k < 0 || k >= n) fail(node, fmt::format("index {} is out of range for a dimension of size {}", iv, n));
      for (int64_t j = 0; j < inner; ++j) out.values.push_back(data.values[static_cast<size_t>((o * n + k) * inner + j)]);
    }
  return out;
}

ConstTensor shape_of(const onnx::NodeProto& node, const std::vector<const ConstTensor*>& ins) {
  const auto& c = in(node, ins, 0);
  ConstTensor out;
  out.elem_type = onnx::TensorProto::INT64;
  out.dims = {static_cast<int64_t>(c.dims.size())};
  for (auto d : c.dims) out.values.push_back(static_cast<double>(d));
  return out;
}

ConstTensor constant_of_shape(const onnx::NodeProto& node, const std::vector<const ConstTensor*>& ins) {
  ConstTensor out;
  out.dims = int_values(in(node, ins, 0));
  double fill = 0;
  if (const auto* a = find_attr(node, "value"); a && a->has_t()) {
    auto v = tensor_from_proto(a->t(), fmt::format("attribute 'value' of {}", describe(node)));
    out.elem_type = v.elem_type;
    if (!v.values.empty()) fill = v.values[0];
  }
  out.values.assign(static_cast<size_t>(count(out.dims)), fill);
  return out;
}

// Slice of a 1-D tensor (shape arithmetic); other ranks are not needed by real exporters' shape graphs.
std::vector<int64_t> slice_indices(const onnx::NodeProto& node, int64_t n, const std::vector<const ConstTensor*>& ins) {
  std::vector<int64_t> starts, ends, axes, steps;
  if (ins.size() > 1) {
    starts = int_values(in(node, ins, 1));
    ends = int_values(in(node, ins, 2));
    if (ins.size() > 3 && ins[3]) axes = int_values(*ins[3]);
    if (ins.size() > 4 && ins[4]) steps = int_values(*ins[4]);
  } else {
    starts = attr_ints(node, "starts");
    ends = attr_ints(node, "ends");
    axes = attr_ints(node, "axes");
  }
  if (starts.size() != 1 || ends.size() != 1 || (!axes.empty() && axes[0] != 0 && axes[0] != -1))
    fail(node, "only 1-D slices are supported in constant sub-graphs");
  const int64_t step = steps.empty() ? 1 : steps[0];
  if (step == 0) fail(node, "slice step 0");
  auto clampi = [&](int64_t v, int64_t lo, int64_t hi) { return std::min(std::max(v, lo), hi); };
  int64_t s = starts[0] < 0 ? starts[0] + n : starts[0];
  int64_t e = ends[0] < 0 ? ends[0] + n : ends[0];
  std::vector<int64_t> idx;
  if (step > 0) {
    s = clampi(s, 0, n);
    e = clampi(e, 0, n);
    for (int64_t i = s; i < e; i += step) idx.push_back(i);
  } else {
    s = clampi(s, -1, n - 1);
    e = clampi(e, -1, n - 1);
    for (int64_t i = s; i > e; i += step) idx.push_back(i);
  }
  return idx;
}

ConstTensor slice(const onnx::NodeProto& node, const std::vector<const ConstTensor*>& ins) {
  const auto& c = in(node, ins, 0);
  if (c.dims.size() != 1) fail(node, "only 1-D slices are supported in constant sub-graphs");
  ConstTensor out;
  out.elem_type = c.elem_type;
  for (auto i : slice_indices(node, c.dims[0], ins)) out.values.push_back(c.values[static_cast<size_t>(i)]);
  out.dims = {static_cast<int64_t>(out.values.size())};
  return out;
}

const std::map<std::string, Fold>& fold_table() {
  static const std::map<std::string, Fold> table{
      {"Add", binary},
      {"Sub", binary},
      {"Mul", binary},
      {"Div", binary},
      {"Pow", binary},
      {"Sqrt", unary},
      {"Reciprocal", unary},
      {"Neg", unary},
      {"Abs", unary},
      {"Relu", unary},
      {"Floor", unary},
      {"Ceil", unary},
      {"Identity", identity},
      {"Dropout", identity},
      {"Transpose", transpose},
      {"Reshape", reshape},
      {"Flatten", flatten},
      {"Unsqueeze", unsqueeze},
      {"Squeeze", squeeze},
      {"Cast", cast},
      {"Concat", concat},
      {"Gather", gather},
      {"Shape", shape_of},
      {"ConstantOfShape", constant_of_shape},
      {"Slice", slice},
  };
  return table;
}

ConstTensor constant_node(const onnx::NodeProto& node) {
  const auto what = fmt::format("the value of {}", describe(node));
  if (const auto* a = find_attr(node, "value")) return tensor_from_proto(a->t(), what);
  if (const auto* a = find_attr(node, "value_float")) return make_scalar(a->f());
  if (const auto* a = find_attr(node, "value_int")) return make_scalar(static_cast<double>(a->i()), onnx::TensorProto::INT64);
  ConstTensor c;
  if (const auto* a = find_attr(node, "value_floats")) {
    c.values.assign(a->floats().begin(), a->floats().end());
  } else if (const auto* b = find_attr(node, "value_ints")) {
    c.elem_type = onnx::TensorProto::INT64;
    for (auto v : b->ints()) c.values.push_back(static_cast<double>(v));
  } else {
    fail(node, "Constant without a supported value attribute (value, value_float(s), value_int(s))");
  }
  c.dims = {static_cast<int64_t>(c.values.size())};
  return c;
}

// Shape-vector versions of the shape ops.
using Vec = std::vector<std::optional<int64_t>>;

ShapeVector make_vec(Vec dims, bool scalar = false) { return ShapeVector{std::move(dims), scalar}; }

void define_vec(ImportContext& ctx, const onnx::NodeProto& node, ShapeVector v) {
  const bool known = std::all_of(v.dims.begin(), v.dims.end(), [](const auto& d) { return d.has_value(); });
  if (!known) {
    ctx.define(node, node.output(0), std::move(v));
    return;
  }
  ConstTensor c;
  c.elem_type = onnx::TensorProto::INT64;
  for (auto& d : v.dims) c.values.push_back(static_cast<double>(*d));
  if (!v.scalar) c.dims = {static_cast<int64_t>(c.values.size())};
  ctx.define(node, node.output(0), std::move(c));
}

}  // namespace

ConstTensor make_scalar(double v, int32_t elem_type) {
  ConstTensor c;
  c.elem_type = elem_type;
  c.values = {v};
  return c;
}

ConstTensor transpose_const(const ConstTensor& c, const std::vector<int64_t>& perm) {
  ConstTensor out = c;
  const auto rank = c.dims.size();
  out.dims.resize(rank);
  for (size_t i = 0; i < rank; ++i) out.dims[i] = c.dims[static_cast<size_t>(perm[i])];
  const auto in_strides = strides_of(c.dims);
  std::vector<int64_t> idx(rank, 0);
  for (int64_t flat = 0; flat < c.size(); ++flat) {
    int64_t src = 0;
    for (size_t i = 0; i < rank; ++i) src += idx[i] * in_strides[static_cast<size_t>(perm[i])];
    out.values[static_cast<size_t>(flat)] = c.values[static_cast<size_t>(src)];
    if (!c.codes.empty()) out.codes[static_cast<size_t>(flat)] = c.codes[static_cast<size_t>(src)];
    for (size_t i = rank; i-- > 0;) {
      if (++idx[i] < out.dims[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}

ConstTensor broadcast_binary(const onnx::NodeProto& node, const ConstTensor& a, const ConstTensor& b,
                             const std::function<double(double, double)>& f, int32_t result_type) {
  const auto dims = broadcast_shapes(node, a.dims, b.dims);
  const size_t rank = dims.size();
  auto aligned_strides = [&](const ConstTensor& t) {
    std::vector<int64_t> s(rank, 0);
    const auto own = strides_of(t.dims);
    const size_t off = rank - t.dims.size();
    for (size_t i = 0; i < t.dims.size(); ++i) s[off + i] = t.dims[i] == 1 ? 0 : own[i];
    return s;
  };
  const auto sa = aligned_strides(a), sb = aligned_strides(b);
  ConstTensor out;
  out.dims = dims;
  out.elem_type = result_type;
  const int64_t n = count(dims);
  out.values.resize(static_cast<size_t>(n));
  std::vector<int64_t> idx(rank, 0);
  for (int64_t flat = 0; flat < n; ++flat) {
    int64_t ia = 0, ib = 0;
    for (size_t i = 0; i < rank; ++i) {
      ia += idx[i] * sa[i];
      ib += idx[i] * sb[i];
    }
    out.values[static_cast<size_t>(flat)] =
        round_to_elem_type(f(a.values[static_cast<size_t>(ia)], b.values[static_cast<size_t>(ib)]), result_type);
    for (size_t i = rank; i-- > 0;) {
      if (++idx[i] < dims[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}

std::optional<Vec> as_int_vector(const Value& v) {
  if (const auto* s = std::get_if<ShapeVector>(&v)) return s->dims;
  if (const auto* c = std::get_if<ConstTensor>(&v)) {
    if (!c->is_integer() || c->dims.size() > 1) return std::nullopt;
    Vec out;
    for (auto x : c->values) out.push_back(static_cast<int64_t>(x));
    return out;
  }
  return std::nullopt;
}

bool fold_constant_node(ImportContext& ctx, const onnx::NodeProto& node) {
  if (!is_default_domain(node.domain())) return false;
  if (node.op_type() == "Constant") {
    ctx.define(node, node.output(0), constant_node(node));
    return true;
  }
  const auto& table = fold_table();
  auto it = table.find(node.op_type());
  if (it == table.end()) return false;
  std::vector<const ConstTensor*> ins;
  for (int i = 0; i < node.input_size(); ++i) {
    if (node.input(i).empty()) {
      ins.push_back(nullptr);
      continue;
    }
    const auto* c = ctx.find_const(node, node.input(i));
    if (!c) return false;
    ins.push_back(c);
  }
  if (ins.empty()) return false;
  ctx.define(node, node.output(0), it->second(node, ins));
  if (node.op_type() == "Dropout" && node.output_size() > 1 && !node.output(1).empty()) {
    ConstTensor mask = *ins[0];
    mask.elem_type = onnx::TensorProto::BOOL;
    for (auto& v : mask.values) v = 1;
    ctx.define(node, node.output(1), mask);
  }
  return true;
}

bool fold_shape_node(ImportContext& ctx, const onnx::NodeProto& node) {
  if (!is_default_domain(node.domain()) || node.input_size() == 0) return false;
  const auto& op = node.op_type();
  const auto& first = ctx.value(node, node.input(0));
  if (op == "Shape") {
    const auto* a = std::get_if<Activation>(&first);
    if (!a) return false;
    const auto& shape = ctx.model.tensor(a->tensor).shape;
    Vec dims;
    for (auto d : shape) dims.push_back(d == kBatch ? std::nullopt : std::optional<int64_t>(d));
    // opset 15: start / end attributes select a range of dimensions.
    const auto rank = static_cast<int64_t>(dims.size());
    int64_t start = attr_int(node, "start", 0), end = attr_int(node, "end", rank);
    if (start < 0) start += rank;
    if (end < 0) end += rank;
    start = std::clamp<int64_t>(start, 0, rank);
    end = std::clamp<int64_t>(end, start, rank);
    define_vec(ctx, node, make_vec(Vec(dims.begin() + start, dims.begin() + end)));
    return true;
  }
  // Every other shape op must read at least one shape vector; the rest of its inputs are constants.
  bool any_vector = false;
  for (int i = 0; i < node.input_size(); ++i)
    if (!node.input(i).empty()) {
      const auto& v = ctx.value(node, node.input(i));
      if (std::holds_alternative<ShapeVector>(v)) any_vector = true;
      else if (!std::holds_alternative<ConstTensor>(v)) return false;
    }
  if (!any_vector) return false;
  const auto* sv = std::get_if<ShapeVector>(&first);
  if (op == "Identity" || op == "Cast") {
    if (!sv) return false;
    define_vec(ctx, node, *sv);
    return true;
  }
  if (op == "Gather") {
    if (!sv || sv->scalar) return false;
    const auto* idx = ctx.find_const(node, node.input(1));
    if (!idx || idx->dims.size() > 1) fail(node, "gathering from a shape needs constant indices");
    Vec out;
    const auto n = static_cast<int64_t>(sv->dims.size());
    for (auto iv : idx->values) {
      auto k = static_cast<int64_t>(iv);
      if (k < 0) k += n;
      if (k < 0 || k >= n) fail(node, fmt::format("index {} is out of range for a shape of rank {}", iv, n));
      out.push_back(sv->dims[static_cast<size_t>(k)]);
    }
    define_vec(ctx, node, make_vec(out, idx->dims.empty()));
    return true;
  }
  if (op == "Unsqueeze") {
    if (!sv || !sv->scalar) fail(node, "only unsqueezing a scalar taken from a shape is supported");
    define_vec(ctx, node, make_vec(sv->dims));
    return true;
  }
  if (op == "Squeeze") {
    if (!sv || sv->dims.size() != 1) fail(node, "only squeezing a one-element shape vector is supported");
    define_vec(ctx, node, make_vec(sv->dims, true));
    return true;
  }
  if (op == "Concat") {
    Vec out;
    for (int i = 0; i < node.input_size(); ++i) {
      auto part = as_int_vector(ctx.value(node, node.input(i)));
      if (!part) fail(node, fmt::format("input '{}' is not a 1-D integer shape", node.input(i)));
      out.insert(out.end(), part->begin(), part->end());
    }
    define_vec(ctx, node, make_vec(out));
    return true;
  }
  if (op == "Slice") {
    if (!sv || sv->scalar) return false;
    std::vector<const ConstTensor*> ins{nullptr};
    for (int i = 1; i < node.input_size(); ++i)
      ins.push_back(node.input(i).empty() ? nullptr : ctx.find_const(node, node.input(i)));
    Vec out;
    for (auto i : slice_indices(node, static_cast<int64_t>(sv->dims.size()), ins)) out.push_back(sv->dims[static_cast<size_t>(i)]);
    define_vec(ctx, node, make_vec(out));
    return true;
  }
  fail(node, "this op reads the batch size from a shape sub-graph; only Shape, Gather, Slice, Unsqueeze, Squeeze, "
             "Concat, Cast and Reshape may use it");
}

}  // namespace aie4ml::frontend
