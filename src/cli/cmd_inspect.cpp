// `aie4ml inspect MODEL.onnx [--json] [--raw]`: import (and canonicalise, unless --raw) a model and show
// what aie4ml makes of it: one row per layer (name, op, input and output shapes, types, parameters,
// attributes), the parameter count and the multiply-accumulates per sample. --json prints the Model IR
// structure (Model::to_json without values) for tools and tests.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "frontend/onnx_import.h"
#include "passes/canonicalize.h"

namespace aie4ml::cli {

namespace {

struct InspectOptions {
  std::string model;
  bool json = false;
  bool raw = false;
};

std::string shape_str(const std::vector<int64_t>& shape) {
  std::vector<std::string> parts;
  for (auto d : shape) parts.push_back(d == kBatch ? "N" : std::to_string(d));
  return fmt::format("[{}]", fmt::join(parts, ","));
}

std::string attr_str(const AttrValue& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string>) return x;
        else if constexpr (std::is_same_v<T, int64_t>) return std::to_string(x);
        else if constexpr (std::is_same_v<T, double>) return fmt::format("{:g}", x);
        else return fmt::format("[{}]", fmt::join(x, ","));
      },
      v);
}

// The attributes worth a glance; "shape" repeats the output shape and "linear" is the default.
std::string attrs_str(const Op& op) {
  std::vector<std::string> parts;
  for (const auto& [k, v] : op.attrs) {
    if (k == "shape") continue;
    if (k == "activation" && std::get_if<std::string>(&v) && std::get<std::string>(v) == "linear") continue;
    parts.push_back(fmt::format("{}={}", k, attr_str(v)));
  }
  return fmt::format("{}", fmt::join(parts, " "));
}

struct Row {
  std::string name, op, in_shapes, out_shape, out_type, weight_type, params, attrs;
};

Row describe(const Model& m, const Op& op) {
  Row r;
  r.name = op.name;
  r.op = std::string(to_string(op.kind));
  std::vector<std::string> ins;
  int64_t params = 0;
  std::vector<std::string> weight_types;
  for (const auto& in : op.inputs) {
    if (in.empty()) continue;
    const auto& t = m.tensor(in);
    if (t.is_constant) {
      params += t.elements();
      weight_types.push_back(t.type.str());
    } else {
      ins.push_back(shape_str(t.shape));
    }
  }
  r.in_shapes = fmt::format("{}", fmt::join(ins, " "));
  if (!op.outputs.empty()) {
    r.out_shape = shape_str(m.tensor(op.outputs[0]).shape);
    r.out_type = m.tensor(op.outputs[0]).type.str();
  }
  weight_types.erase(std::unique(weight_types.begin(), weight_types.end()), weight_types.end());
  r.weight_type = weight_types.empty() ? "-" : fmt::format("{}", fmt::join(weight_types, ","));
  r.params = params ? std::to_string(params) : "-";
  r.attrs = attrs_str(op);
  return r;
}

void print_table(const Model& m, bool raw) {
  fmt::print("model {}{}\n", m.name, raw ? " (as imported, not canonicalised)" : "");
  for (const auto& in : m.inputs) {
    const auto& t = m.tensor(in);
    fmt::print("  input  {} {} {}\n", in, shape_str(t.shape), t.type.str());
  }
  for (const auto& out : m.outputs) {
    const auto& t = m.tensor(out);
    fmt::print("  output {} {} {}\n", out, shape_str(t.shape), t.type.str());
  }
  std::vector<Row> rows{{"layer", "op", "input", "output", "type", "weights", "params", "attributes"}};
  for (const auto& op : m.ops) rows.push_back(describe(m, op));
  std::array<size_t, 7> width{};
  for (const auto& r : rows) {
    const std::array<const std::string*, 7> cells{&r.name, &r.op, &r.in_shapes, &r.out_shape, &r.out_type,
                                                   &r.weight_type, &r.params};
    for (size_t c = 0; c < cells.size(); ++c) width[c] = std::max(width[c], cells[c]->size());
  }
  for (const auto& r : rows)
    fmt::print("  {:<{}}  {:<{}}  {:<{}}  {:<{}}  {:<{}}  {:<{}}  {:>{}}  {}\n", r.name, width[0], r.op, width[1],
               r.in_shapes, width[2], r.out_shape, width[3], r.out_type, width[4], r.weight_type, width[5], r.params,
               width[6], r.attrs);
  fmt::print("layers: {}  parameters: {}  MACs per sample: {}\n", m.ops.size(), m.parameter_count(),
             m.macs_per_sample());
}

void run_inspect(const InspectOptions& o) {
  Model m = import_onnx(o.model);
  if (!o.raw) canonicalize(m);
  if (o.json) fmt::print("{}\n", m.to_json().dump(2));
  else print_table(m, o.raw);
}

}  // namespace

void add_inspect_command(CLI::App& app) {
  auto opts = std::make_shared<InspectOptions>();
  auto* cmd = app.add_subcommand("inspect", "Import an ONNX model and list its layers, shapes, types, parameter "
                                            "count and MACs per sample");
  cmd->add_option("model", opts->model, "ONNX model file")->required();
  cmd->add_flag("--json", opts->json, "Print the Model IR as JSON (structure only, no weight values)");
  cmd->add_flag("--raw", opts->raw, "Show the model as imported, before canonicalisation (BatchNorm folding, "
                                    "bias and activation fusion, no-op removal)");
  cmd->callback([opts] { run_inspect(*opts); });
}

}  // namespace aie4ml::cli
