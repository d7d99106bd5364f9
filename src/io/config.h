// The user's configuration, hls4ml vocabulary (see DESIGN.md "Interfaces"):
//   {"Model": {"Precision": "ap_fixed<8,3>", "BatchSize": 8, "Objective": "latency",
//              "Platform": "xilinx_vek280_base_202410_1"},
//    "LayerName": {"fc1": {"Precision": {"weight": "...", "bias": "...", "result": "...",
//                                         "accum": "..."} | "ap_fixed<...>",
//                          "CascadeLength": 2, "CascadeNum": 4, "Tiling": [4,8,8], "Placement": [col,row]},
//                  "conv1": {"ConvKernel": "auto"},
//                  "softmax": {"Target": "host"}}}   (a final Softmax runs on the AIE unless "host")
// "ConvKernel" (conv layers): "im2col" (kernels/conv.h), "direct" (kernels/conv_direct.h), "memtile_im2col"
// (kernels/conv_memtile.h: the memory tile's DMA makes the patch matrix) or "auto" (the default: the one
// with fewer predicted cycles that fits, passes/partition_conv.h).
// "ParallelHeads" (an attention MatMul or its Softmax; default true): false keeps its chain's heads in one
// kernel each op instead of one kernel per head (passes/split_heads.h).
// Model.Precision "bf16" / "bfloat16" selects the bf16 path (passes/to_bf16.h): no quantisation, every
// tensor bf16, bf16 x bf16 kernels with float accumulation; layer precisions must then be bf16 as well.
// A final Softmax of a bf16 model always runs on the host.
// An hls4ml file that wraps these under "HLSConfig" is accepted too. Keys hls4ml uses that aie4ml has
// no use for (ReuseFactor, Strategy, ...) are reported in `warnings`, not refused; a known key with a
// wrong type or an invalid value throws InputError naming the key path (e.g. LayerName.fc1.Precision.weight).
#pragma once
#include <array>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "ir/numeric_type.h"

namespace aie4ml {

struct LayerPrecision {
  std::optional<NumericType> weight, bias, result, accum;
};

struct LayerConfig {
  LayerPrecision precision;
  std::optional<int> cascade_length, cascade_num;
  std::optional<std::array<int, 3>> tiling;   // mmul M x K x N
  std::optional<std::pair<int, int>> placement;  // column, row of the layer's first kernel
  std::optional<std::string> target;          // "Target": "aie" | "host" for a final Softmax (default aie)
  std::optional<std::string> conv_kernel;     // "ConvKernel": "im2col" | "direct" | "memtile_im2col" | "auto"
  std::optional<bool> parallel_heads;         // "ParallelHeads": attention ops, one kernel per head (default)
};

struct Config {
  std::optional<NumericType> default_precision;  // "Model"/"Precision"; nullopt: keep model's types
  int batch_size = 8;
  std::string objective = "latency";             // "latency" | "throughput"
  std::optional<int> tile_budget;                // "Model"/"TileBudget"
  std::optional<std::string> device;             // "Model"/"Device" (set by `compile --device`)
  std::optional<std::string> platform;           // "Model"/"Platform": Vitis platform of the board flow
  std::map<std::string, LayerConfig> layers;     // by layer name
  std::vector<std::string> warnings;             // ignored keys; not serialised

  const LayerConfig* layer(const std::string& name) const {
    auto it = layers.find(name);
    return it == layers.end() ? nullptr : &it->second;
  }
  // Parse and validate; throws InputError naming the key. `source` names the file in messages.
  static Config from_json(const nlohmann::json& j, const std::string& source = "config");
  static Config load(const std::filesystem::path& path);
  nlohmann::json to_json() const;
};

}  // namespace aie4ml
