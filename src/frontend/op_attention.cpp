// Importer for the normalisation op of transformer blocks: LayerNormalization (opset 17) -> LayerNorm.
// (The other attention ops need no importer of their own: a MatMul of two activations becomes a MatMul op
// in op_linear.cpp, Softmax and the activations in op_elementwise.cpp, head splitting in op_shape.cpp.)
//
// Reads: the node, its constant Scale (gamma) and optional B (beta). Writes: LayerNorm with inputs
//   {x, gamma, beta or ""} and attrs "axis" (normalised over every dimension from axis on) and "epsilon";
//   output float32 (the quantiser that follows, or quantize.h, gives it a type).
// Checks: the batch is not normalised; gamma / beta hold one value per normalised element (the shape
//   of X[axis:], or one value for all); stash_type is float32; the Mean / InvStdDev outputs are unused.
#include <fmt/format.h>

#include "frontend/op_importers.h"
#include "frontend/shape_inference.h"

namespace aie4ml::frontend {

void import_layernorm(ImportContext& ctx, const onnx::NodeProto& node) {
  const auto& x = ctx.require_activation(node, 0);
  const auto x_name = x.name;
  const auto shape = x.shape;
  const auto axis = normalize_axis(node, attr_int(node, "axis", -1), shape.size());
  if (axis == 0) fail(node, "normalising over the batch dimension is not supported");
  if (attr_int(node, "stash_type", 1) != 1) fail(node, "only stash_type=1 (float32 statistics) is supported");
  for (int i = 1; i < node.output_size(); ++i)
    if (!node.output(i).empty()) fail(node, "the Mean / InvStdDev outputs (training) are not supported");
  int64_t normalised = 1;
  for (size_t i = static_cast<size_t>(axis); i < shape.size(); ++i) normalised *= shape[i];
  std::vector<std::string> inputs{x_name};
  const char* roles[] = {"Scale", "B"};
  for (size_t i = 1; i <= 2; ++i) {
    if (i == 2 && !ctx.has_input(node, 2)) {
      inputs.emplace_back();
      break;
    }
    const auto& c = ctx.require_const(node, i, roles[i - 1]);
    if (c.size() != normalised && c.size() != 1)
      fail(node, fmt::format("{} has {} values; expected {} (one per normalised element) or 1", roles[i - 1], c.size(),
                             normalised));
    inputs.push_back(ctx.ir_constant(node, i));
  }
  const auto out = ctx.add_output(node, 0, shape, NumericType::f32());
  auto& op = ctx.emit(OpKind::LayerNorm, ctx.op_name(node), inputs, {out});
  op.attrs["axis"] = axis;
  op.attrs["epsilon"] = attr_float(node, "epsilon", 1e-5);
}

}  // namespace aie4ml::frontend
