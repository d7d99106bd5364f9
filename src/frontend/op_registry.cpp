// Which importer handles which (domain, op type). Unknown domains and unsupported ops are refused by
// the caller with the op type and node name.
#include <map>

#include <fmt/format.h>

#include "frontend/onnx_reader.h"
#include "frontend/op_importers.h"

namespace aie4ml::frontend {

namespace {

const std::map<std::string, Importer>& default_domain_ops() {
  static const std::map<std::string, Importer> table{
      {"Gemm", import_gemm},
      {"MatMul", import_matmul},
      {"Conv", import_conv},
      {"MaxPool", import_pool},
      {"AveragePool", import_pool},
      {"GlobalAveragePool", import_global_average_pool},
      {"Add", import_binary},
      {"Sub", import_binary},
      {"Mul", import_binary},
      {"Div", import_binary},
      {"Pow", import_binary},
      {"Relu", import_activation},
      {"LeakyRelu", import_activation},
      {"Sigmoid", import_activation},
      {"Tanh", import_activation},
      {"Softmax", import_softmax},
      {"Clip", import_clip},
      {"BatchNormalization", import_batchnorm},
      {"LayerNormalization", import_layernorm},
      {"Reshape", import_reshape},
      {"Flatten", import_flatten},
      {"Transpose", import_transpose},
      {"Identity", import_identity},
      {"Dropout", import_identity},
      {"Squeeze", import_squeeze},
      {"Unsqueeze", import_squeeze},
      {"Concat", import_concat},
      {"Slice", import_slice},
      {"Split", import_split},
      {"QuantizeLinear", import_quantize_linear},
      {"DequantizeLinear", import_dequantize_linear},
  };
  return table;
}

const std::map<std::string, Importer>& qonnx_ops() {
  static const std::map<std::string, Importer> table{
      {"Quant", import_qonnx_quant},
      {"BipolarQuant", import_bipolar_quant},
      {"Trunc", import_trunc},
  };
  return table;
}

}  // namespace

Importer find_importer(const onnx::NodeProto& node) {
  const auto& domain = node.domain();
  const auto* table = is_default_domain(domain) ? &default_domain_ops()
                      : is_qonnx_domain(domain)  ? &qonnx_ops()
                                                 : nullptr;
  if (!table)
    fail(node, fmt::format("domain '{}' is not supported (aie4ml reads the default ONNX domain and the QONNX "
                           "domains onnx.brevitas, finn.custom_op.general, qonnx.custom_op.general)", domain));
  auto it = table->find(node.op_type());
  return it == table->end() ? nullptr : it->second;
}

std::string supported_op_list() {
  std::vector<std::string> names;
  for (const auto& [name, fn] : default_domain_ops()) names.push_back(name);
  return fmt::format("{}; QONNX Quant, BipolarQuant, Trunc", fmt::join(names, ", "));
}

}  // namespace aie4ml::frontend
