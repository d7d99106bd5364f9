// The array half of `aie4ml compile` (see array_project.h).
#include "codegen/array_project.h"

#include <fmt/format.h>

#include "codegen/kernel_spec.h"
#include "codegen/project_writer.h"
#include "codegen/write_design.h"
#include "device/catalog.h"
#include "passes/partition.h"
#include "passes/plan_design.h"
#include "sim/perf_mapping.h"
#include "sim/perf_report.h"
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
  // Partition chosen by timing candidate designs with the performance model (sim/perf_mapping.h).
  const auto planned = perf::plan_for_performance(model, config, device);
  const Design& design = planned.design;
  write_mapping_outputs(design, dir);
  if (planned.perf) perf::write_report(*planned.perf, planned.search.to_json(), dir);  // timing fields of report.json
  if (!planned.search.note.empty()) r.warnings.push_back(planned.search.note);
  r.mapped = true;
  try {
    kernel_specs(design, model);  // refuses numerics the kernels cannot reproduce, before writing
  } catch (const InputError& e) {
    r.warnings.push_back(fmt::format("no AIE project written (design.json and predict still work): {}", e.what()));
    return r;
  }
  ProjectOptions options;
  options.platform = config.platform.value_or("");
  const auto summary = write_project(design, model, device, dir, options);
  r.written = true;
  r.summary = fmt::format("AIE project: {} kernels on {} of {} tiles of {} (aie/, data/, Makefile; check it with "
                          "`aie4ml verify`)",
                          summary.kernels, design.tiles_used(), design.tiles_total(), design.device);
  return r;
}

}  // namespace aie4ml::codegen
