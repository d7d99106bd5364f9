// The array half of `aie4ml compile` (see array_project.h).
#include "codegen/array_project.h"

#include <fmt/format.h>

#include "codegen/kernel_spec.h"
#include "codegen/project_writer.h"
#include "codegen/write_design.h"
#include "device/catalog.h"
#include "passes/partition.h"
#include "passes/plan_design.h"
#include "support/error.h"

namespace aie4ml::codegen {

ArrayProjectResult write_array_project(const Model& model, const Config& config, const std::filesystem::path& dir) {
  ArrayProjectResult r;
  try {
    array_region(model);
  } catch (const InputError& e) {
    r.warnings.push_back(fmt::format("no AIE project written (predict still works): {}", e.what()));
    return r;
  }
  const Device& device = DeviceCatalog::builtin().get(config.device.value_or(kDefaultDevice));
  const Design design = plan_design(model, config, device);
  write_mapping_outputs(design, dir);
  r.mapped = true;
  try {
    kernel_specs(design, model);  // refuses numerics the kernels cannot reproduce, before writing
  } catch (const InputError& e) {
    r.warnings.push_back(fmt::format("no AIE project written (design.json and predict still work): {}", e.what()));
    return r;
  }
  const auto summary = write_project(design, model, device, dir);
  r.written = true;
  r.summary = fmt::format("AIE project: {} kernels on {} of {} tiles of {} (aie/, data/, Makefile; check it with "
                          "`aie4ml verify`)",
                          summary.kernels, design.tiles_used(), design.tiles_total(), design.device);
  return r;
}

}  // namespace aie4ml::codegen
