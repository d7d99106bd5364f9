// Config parsing and validation (see config.h for the vocabulary).
// Reads: a JSON document. Writes: a Config. Checks: every known key has the right JSON type and a
// valid value (precision strings parse, BatchSize >= 1, Objective is latency|throughput, cascade sizes
// >= 1, Tiling has 3 positive entries, Placement 2 non-negative ones); errors name the key path.
// Unknown keys are collected in Config::warnings: hls4ml configs carry many keys aie4ml ignores.
#include "io/config.h"

#include <fstream>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "support/error.h"

namespace aie4ml {

namespace {

using nlohmann::json;

// Parsing context: the source name for messages and the warnings sink.
struct Parser {
  std::string source;
  std::vector<std::string>* warnings;

  [[noreturn]] void fail(const std::string& path, const std::string& what) const {
    throw InputError(fmt::format("{}: {}: {}", source, path, what));
  }

  void warn_unknown(const json& obj, const std::string& path, const std::set<std::string>& known) const {
    for (auto& [key, value] : obj.items())
      if (!known.count(key))
        warnings->push_back(fmt::format("{}: {}: key '{}' is not used by aie4ml (ignored)", source,
                                        path.empty() ? "top level" : path, key));
  }

  const json& object(const json& j, const std::string& path) const {
    if (!j.is_object()) fail(path, fmt::format("expected an object, got {}", j.type_name()));
    return j;
  }

  int positive_int(const json& j, const std::string& path, int min_value) const {
    if (!j.is_number_integer()) fail(path, fmt::format("expected an integer, got {}", j.dump()));
    const auto v = j.get<int64_t>();
    if (v < min_value || v > INT32_MAX) fail(path, fmt::format("must be an integer >= {}, got {}", min_value, v));
    return static_cast<int>(v);
  }

  NumericType precision(const json& j, const std::string& path) const {
    if (!j.is_string()) fail(path, fmt::format("expected a precision string such as \"ap_fixed<8,3>\", got {}", j.dump()));
    try {
      return parse_numeric_type(j.get<std::string>());
    } catch (const InputError& e) {
      fail(path, e.what());
    }
  }

  LayerPrecision layer_precision(const json& j, const std::string& path) const {
    LayerPrecision p;
    if (j.is_string()) {
      // A single string is the layer's data type: weights and result (the bias follows the accumulator).
      p.weight = p.result = precision(j, path);
      return p;
    }
    if (!j.is_object()) fail(path, fmt::format("expected a precision string or an object, got {}", j.type_name()));
    warn_unknown(j, path, {"weight", "bias", "result", "accum"});
    if (j.contains("weight")) p.weight = precision(j["weight"], path + ".weight");
    if (j.contains("bias")) p.bias = precision(j["bias"], path + ".bias");
    if (j.contains("result")) p.result = precision(j["result"], path + ".result");
    if (j.contains("accum")) p.accum = precision(j["accum"], path + ".accum");
    return p;
  }

  template <size_t N>
  std::array<int, N> int_array(const json& j, const std::string& path, int min_value) const {
    if (!j.is_array() || j.size() != N) fail(path, fmt::format("expected an array of {} integers, got {}", N, j.dump()));
    std::array<int, N> out{};
    for (size_t i = 0; i < N; ++i) out[i] = positive_int(j[i], fmt::format("{}[{}]", path, i), min_value);
    return out;
  }

  LayerConfig layer(const json& j, const std::string& path) const {
    object(j, path);
    warn_unknown(j, path, {"Precision", "CascadeLength", "CascadeNum", "Tiling", "Placement", "Target", "ConvKernel", "ParallelHeads"});
    LayerConfig c;
    if (j.contains("Precision")) c.precision = layer_precision(j["Precision"], path + ".Precision");
    if (j.contains("CascadeLength")) c.cascade_length = positive_int(j["CascadeLength"], path + ".CascadeLength", 1);
    if (j.contains("CascadeNum")) c.cascade_num = positive_int(j["CascadeNum"], path + ".CascadeNum", 1);
    if (j.contains("Tiling")) c.tiling = int_array<3>(j["Tiling"], path + ".Tiling", 1);
    if (j.contains("Placement")) {
      auto a = int_array<2>(j["Placement"], path + ".Placement", 0);
      c.placement = std::make_pair(a[0], a[1]);
    }
    if (j.contains("Target")) {  // where a non-weighted op runs (a final Softmax): "aie" or "host"
      const json& t = j["Target"];
      if (!t.is_string() || (t != "aie" && t != "host"))
        fail(path + ".Target", fmt::format("expected \"aie\" or \"host\", got {}", t.dump()));
      c.target = t.get<std::string>();
    }
    if (j.contains("ConvKernel")) {  // which conv kernel a conv layer runs (passes/partition_conv.h)
      const json& k = j["ConvKernel"];
      if (!k.is_string() || (k != "im2col" && k != "direct" && k != "memtile_im2col" && k != "auto"))
        fail(path + ".ConvKernel",
             fmt::format("expected \"im2col\", \"direct\", \"memtile_im2col\" or \"auto\", got {}", k.dump()));
      c.conv_kernel = k.get<std::string>();
    }
    if (j.contains("ParallelHeads")) {  // attention: one kernel per head, or every head in one (split_heads.h)
      if (!j["ParallelHeads"].is_boolean())
        fail(path + ".ParallelHeads", fmt::format("expected true or false, got {}", j["ParallelHeads"].dump()));
      c.parallel_heads = j["ParallelHeads"].get<bool>();
    }
    return c;
  }

  void model(const json& j, Config& c) const {
    object(j, "Model");
    warn_unknown(j, "Model", {"Precision", "BatchSize", "Objective", "TileBudget", "Device", "Platform"});
    if (j.contains("Precision")) {
      const json& p = j["Precision"];
      // hls4ml also writes {"default": "...", "maximum": "..."}; only "default" matters here.
      if (p.is_object()) {
        warn_unknown(p, "Model.Precision", {"default"});
        if (p.contains("default")) c.default_precision = precision(p["default"], "Model.Precision.default");
      } else {
        c.default_precision = precision(p, "Model.Precision");
      }
    }
    if (j.contains("BatchSize")) c.batch_size = positive_int(j["BatchSize"], "Model.BatchSize", 1);
    if (j.contains("Objective")) {
      const json& o = j["Objective"];
      if (!o.is_string() || (o != "latency" && o != "throughput"))
        fail("Model.Objective", fmt::format("expected \"latency\" or \"throughput\", got {}", o.dump()));
      c.objective = o.get<std::string>();
    }
    if (j.contains("TileBudget")) c.tile_budget = positive_int(j["TileBudget"], "Model.TileBudget", 1);
    if (j.contains("Device")) {
      if (!j["Device"].is_string() || j["Device"].get<std::string>().empty())
        fail("Model.Device", fmt::format("expected a device name, got {}", j["Device"].dump()));
      c.device = j["Device"].get<std::string>();
    }
    if (j.contains("Platform")) {
      // A Vitis platform name or .xpfm path: it ends up in Makefile variables, so no blanks or quotes.
      const json& p = j["Platform"];
      if (!p.is_string() || p.get<std::string>().empty() ||
          p.get<std::string>().find_first_of(" \t\n\"'$") != std::string::npos)
        fail("Model.Platform", fmt::format("expected a platform name such as \"xilinx_vek280_base_202410_1\", got {}", p.dump()));
      c.platform = p.get<std::string>();
    }
  }
};

json precision_json(const LayerPrecision& p) {
  json j = json::object();
  if (p.weight) j["weight"] = p.weight->str();
  if (p.bias) j["bias"] = p.bias->str();
  if (p.result) j["result"] = p.result->str();
  if (p.accum) j["accum"] = p.accum->str();
  return j;
}

}  // namespace

Config Config::from_json(const json& root, const std::string& source) {
  Config c;
  Parser p{source, &c.warnings};
  p.object(root, "top level");
  // hls4ml's full project configuration nests the model configuration under HLSConfig.
  const bool wrapped = root.contains("HLSConfig") && !root.contains("Model");
  const json& j = wrapped ? p.object(root["HLSConfig"], "HLSConfig") : root;
  if (wrapped) p.warn_unknown(root, "", {"HLSConfig"});
  p.warn_unknown(j, wrapped ? "HLSConfig" : "", {"Model", "LayerName"});
  if (j.contains("Model")) p.model(j["Model"], c);
  if (j.contains("LayerName")) {
    p.object(j["LayerName"], "LayerName");
    for (auto& [name, layer] : j["LayerName"].items()) c.layers[name] = p.layer(layer, "LayerName." + name);
  }
  return c;
}

Config Config::load(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw InputError(fmt::format("cannot read config file '{}'", path.string()));
  json j;
  try {
    j = json::parse(in);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for numbers such as 1e999
    throw InputError(fmt::format("{}: not valid JSON: {}", path.string(), e.what()));
  }
  return from_json(j, path.string());
}

json Config::to_json() const {
  json model = json::object();
  if (default_precision) model["Precision"] = default_precision->str();
  model["BatchSize"] = batch_size;
  model["Objective"] = objective;
  if (tile_budget) model["TileBudget"] = *tile_budget;
  if (device) model["Device"] = *device;
  if (platform) model["Platform"] = *platform;
  json layer_names = json::object();
  for (auto& [name, l] : layers) {
    json e = json::object();
    const json prec = precision_json(l.precision);
    if (!prec.empty()) e["Precision"] = prec;
    if (l.cascade_length) e["CascadeLength"] = *l.cascade_length;
    if (l.cascade_num) e["CascadeNum"] = *l.cascade_num;
    if (l.tiling) e["Tiling"] = *l.tiling;
    if (l.placement) e["Placement"] = {l.placement->first, l.placement->second};
    if (l.target) e["Target"] = *l.target;
    if (l.conv_kernel) e["ConvKernel"] = *l.conv_kernel;
    if (l.parallel_heads) e["ParallelHeads"] = *l.parallel_heads;
    layer_names[name] = e;
  }
  return json{{"Model", model}, {"LayerName", layer_names}};
}

}  // namespace aie4ml
