// The array half of `aie4ml compile`: map the quantised model onto the device and write the Vitis
// project beside the model files.
// Reads: the quantised Model, the Config (device, batch, per-layer overrides) and the shipped device
//   catalog. Writes into `dir` (the compile step's temporary directory): design.json, placement.svg and
//   report.json (codegen/write_design.h), then the project (project_writer.h).
// Checks: models the array cannot run yet (ops other than Dense layers with host ops around them, or
//   layer numerics the kernels cannot reproduce exactly) are not an error of compile: the model files
//   stay usable by `predict`, the result carries a warning saying why there is no project. Planning
//   failures on a mappable model (overrides that break a device limit, a model that does not fit) are
//   InputErrors.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "io/config.h"
#include "ir/model.h"

namespace aie4ml::codegen {

inline constexpr const char* kDefaultDevice = "ve2802";

struct ArrayProjectResult {
  bool written = false;               // aie/, data/, Makefile, ... are there
  bool mapped = false;                // design.json is there
  std::vector<std::string> warnings;  // why not, when not
  std::string summary;                // one line for the user
};

ArrayProjectResult write_array_project(const Model& model, const Config& config, const std::filesystem::path& dir);

}  // namespace aie4ml::codegen
