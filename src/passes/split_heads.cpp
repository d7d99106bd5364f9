// Parallel heads (see split_heads.h).
#include "passes/split_heads.h"

#include <algorithm>

#include <fmt/format.h>

#include "design/tensor_op_layout.h"
#include "passes/partition_attention.h"

namespace aie4ml {

namespace {

namespace to = tensor_op_layout;

bool is_graph_output(const Model& m, const std::string& t) {
  return std::find(m.outputs.begin(), m.outputs.end(), t) != m.outputs.end();
}

// The one tensor-op layer that reads layer `op`'s output, when it alone reads it and it leaves no graph.
const Op* sole_reader(const Model& m, const TensorOpRegion& region, const std::string& op) {
  const std::string& out = region.output_of.at(op);
  const auto readers = m.consumers(out);
  if (readers.size() != 1 || is_graph_output(m, out) || !region.layers.count(readers[0]->name)) return nullptr;
  return readers[0];
}

std::vector<int64_t> matmul_geometry(const Model& m, const TensorOpRegion& region, const Op& op) {
  return attention_layer(m, op, region.epilogue.at(op.name)).geometry;
}

ChannelView view(int input, const std::string& tensor, int64_t width, int head, int heads) {
  return ChannelView{input, tensor, {head * width, (head + 1) * width}, heads * width};
}

}  // namespace

std::map<std::string, int> parallel_head_ops(const Model& model, const TensorOpRegion& region, int max_heads,
                                             const std::set<std::string>& one_kernel) {
  std::map<std::string, int> out;
  for (auto& name : region.layers) {
    const Op& scores = *model.find_op(name);
    if (scores.kind != OpKind::MatMul) continue;
    const auto g = matmul_geometry(model, region, scores);
    if (g[to::MM_FORM] != to::kScores) continue;
    const int64_t T = g[to::MM_T], H = g[to::MM_H];
    if (H < 2 || H > max_heads) continue;
    const Op* softmax = sole_reader(model, region, name);
    if (!softmax || !is_row_softmax(model, *softmax) ||
        model.tensor(softmax->inputs[0]).sample_shape() != std::vector<int64_t>{H, T, T})
      continue;
    const Op* context = sole_reader(model, region, softmax->name);
    if (!context || context->kind != OpKind::MatMul || context->inputs.at(0) != region.output_of.at(softmax->name))
      continue;
    const auto c = matmul_geometry(model, region, *context);
    if (c[to::MM_FORM] != to::kContext || c[to::MM_T] != T || c[to::MM_H] != H) continue;
    const std::vector<const Op*> chain{&scores, softmax, context};
    if (std::any_of(chain.begin(), chain.end(), [&](const Op* op) { return one_kernel.count(op->name) > 0; })) continue;
    for (const Op* op : chain) out[op->name] = static_cast<int>(H);
  }
  return out;
}

std::vector<LayerDesign> split_heads(const LayerDesign& whole, int heads, int64_t batch, const std::string& kernel_prefix) {
  std::vector<LayerDesign> out;
  const bool matmul = whole.op == "MatMul";
  const auto& g = whole.tensor_op;
  const int64_t T = matmul ? g.at(to::MM_T) : g.at(1);
  for (int h = 0; h < heads; ++h) {
    LayerDesign l = whole;
    l.name = fmt::format("{}_h{}", whole.name, h);
    l.head = HeadSlice{whole.name, h, heads};
    l.input_views.clear();
    if (!matmul) {  // row Softmax over head h's T x T block of the scores
      l.tensor_op = {T, T};
      l.in_features = l.out_features = T * T;
      l.input_views.push_back(view(0, l.inputs.at(0), T, h, heads));
      l.output_view = view(-1, l.output_tensor, T, h, heads);
    } else if (g.at(to::MM_FORM) == to::kScores) {  // Q_h [T, Dh] x K_h^T -> [T, T]
      const int64_t Dh = g.at(to::MM_DH);
      l.tensor_op[to::MM_H] = 1;
      l.in_features = T * Dh;
      l.out_features = T * T;
      for (int i = 0; i < 2; ++i) l.input_views.push_back(view(i, l.inputs.at(i), Dh, h, heads));
      l.output_view = view(-1, l.output_tensor, T, h, heads);
    } else {  // P_h [T, T] x V_h [T, Dh] -> context channels [h Dh, (h+1) Dh)
      const int64_t Dh = g.at(to::MM_DH);
      l.tensor_op[to::MM_H] = 1;
      l.in_features = T * T;
      l.out_features = T * Dh;
      l.input_views.push_back(view(0, l.inputs.at(0), T, h, heads));
      l.input_views.push_back(view(1, l.inputs.at(1), Dh, h, heads));
      l.output_view = view(-1, l.output_tensor, Dh, h, heads);
    }
    l.in_padded = l.k_slice = l.in_features;
    l.out_padded = l.n_slice = l.out_features;
    l.cost = static_cast<double>(to::kernel_cycles(l, batch));
    auto& k = l.kernels.at(0);
    k.name = fmt::format("{}_h{}_c0_p0", kernel_prefix, h);
    k.k_range = {0, l.in_features};
    k.n_range = {0, l.out_features};
    out.push_back(std::move(l));
  }
  return out;
}

}  // namespace aie4ml
